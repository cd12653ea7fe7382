/* act.c — a layer's activation over rows, in place after an optional bias,
 * and its derivative read off the output (act.h). */
#include <tgmath.h>
#include "act.h"
#include "vmath.h"

#define LEAKY_SLOPE ((im_real)IM_LEAKY_RELU_SLOPE)

/* y[r,:] = act(y[r,:] + b) in place */
void im_bias_act_rows(im_real *restrict y, const im_real *restrict b, int rows, int o, im_activation act)
{
    const im_real zero = 0;
    for (int r = 0; r < rows; r++) {
        im_real *restrict yr = y + (long)r * o;
        if (b)
            for (int j = 0; j < o; j++) yr[j] += b[j];
        switch (act) {
        case IM_ACT_RELU: for (int j = 0; j < o; j++) yr[j] = yr[j] > zero ? yr[j] : zero; break;
        case IM_ACT_LEAKY_RELU: for (int j = 0; j < o; j++) yr[j] = yr[j] > zero ? yr[j] : LEAKY_SLOPE * yr[j]; break;
        case IM_ACT_ELU: im_velu(yr, yr, o, 1); break;
        case IM_ACT_TANH: im_vtanh_act(yr, yr, o); break;
        case IM_ACT_SIGMOID: im_vsigmoid(yr, yr, o); break;
        case IM_ACT_SOFTPLUS: im_vsoftplus(yr, yr, o); break;
        default: break;
        }
    }
}

/* d = dy ⊙ act'(y), with act' written through y */
void im_act_grad(im_real *restrict d, const im_real *restrict dy, const im_real *restrict y, long n, im_activation act)
{
    const im_real zero = 0, one = 1;
    switch (act) {
    case IM_ACT_RELU: for (long i = 0; i < n; i++) d[i] = dy[i] * (im_real)(y[i] > zero); break;
    case IM_ACT_LEAKY_RELU:
        for (long i = 0; i < n; i++) d[i] = dy[i] * (LEAKY_SLOPE + (one - LEAKY_SLOPE) * (im_real)(y[i] > zero));
        break;
    case IM_ACT_ELU:
        for (long i = 0; i < n; i++) {
            im_real pos = (im_real)(y[i] > zero);
            d[i] = dy[i] * (pos + (one - pos) * (y[i] + one));
        }
        break;
    case IM_ACT_TANH: for (long i = 0; i < n; i++) d[i] = dy[i] * (one - y[i] * y[i]); break;
    case IM_ACT_SIGMOID: for (long i = 0; i < n; i++) d[i] = dy[i] * y[i] * (one - y[i]); break;
    case IM_ACT_SOFTPLUS: im_vsoftplus_grad(d, dy, y, n, 0); break;
    default: for (long i = 0; i < n; i++) d[i] = dy[i]; break;
    }
}
