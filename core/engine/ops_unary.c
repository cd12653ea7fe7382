/* ops_unary.c — elementwise functions y = f(x) and their derivatives.
 * One switch per call, outside the loop: no per-element dispatch. */
#include <string.h>
#include <tgmath.h>
#include "infomin/tape.h"
#include "infomin/workers.h"
#include "vmath.h"

typedef enum {
    U_SCALE, U_ADD_SCALAR, U_RELU, U_LEAKY_RELU, U_ELU, U_TANH, U_SIGMOID, U_SOFTPLUS,
    U_EXP, U_LOG, U_SQUARE, U_SQRT, U_ABS, U_SIN, U_CLAMP, U_ASINH
} unary_kind;

static const char *const unary_names[] = {
    "scale", "add_scalar", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus",
    "exp", "log", "square", "sqrt", "abs", "sin", "clamp", "asinh"
};

static void unary_forward(unary_kind kind, im_real *restrict y, const im_real *restrict x, long n, im_real p0,
                          im_real p1)
{
    const im_real zero = 0;
    switch (kind) {
    case U_SCALE: for (long i = 0; i < n; i++) y[i] = p0 * x[i]; break;
    case U_ADD_SCALAR: for (long i = 0; i < n; i++) y[i] = x[i] + p0; break;
    case U_RELU: for (long i = 0; i < n; i++) y[i] = x[i] > zero ? x[i] : zero; break;
    case U_LEAKY_RELU: for (long i = 0; i < n; i++) y[i] = x[i] > zero ? x[i] : p0 * x[i]; break;
    case U_ELU: im_velu(y, x, n, p0); break;
    case U_TANH: im_vtanh(y, x, n); break;
    case U_SIGMOID: im_vsigmoid(y, x, n); break;
    case U_SOFTPLUS: im_vsoftplus(y, x, n); break;
    case U_EXP: im_vexp(y, x, n); break;
    case U_LOG: im_vlog(y, x, n); break;
    case U_SQUARE: for (long i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
    case U_SQRT: for (long i = 0; i < n; i++) y[i] = sqrt(x[i]); break;
    case U_ABS: for (long i = 0; i < n; i++) y[i] = fabs(x[i]); break;
    case U_SIN: for (long i = 0; i < n; i++) y[i] = sin(x[i]); break;
    case U_CLAMP: for (long i = 0; i < n; i++) y[i] = x[i] < p0 ? p0 : (x[i] > p1 ? p1 : x[i]); break;
    case U_ASINH: im_vasinh(y, x, n); break;
    }
}

/* dx += dy · f'(x), with f' written through x or y, whichever is cheaper.
 * Piecewise derivatives are 0/1 masks converted from the comparison and
 * multiplied in: GCC keeps `cond ? dy : 0` on floats as a branch, which does
 * not vectorise (measured 16% of a critic step). */
static void unary_backward_kernel(unary_kind kind, im_real *restrict dx, const im_real *restrict x,
                                  const im_real *restrict y, const im_real *restrict dy, long n, im_real p0,
                                  im_real p1)
{
    const im_real zero = 0, one = 1;
    switch (kind) {
    case U_SCALE: for (long i = 0; i < n; i++) dx[i] += p0 * dy[i]; break;
    case U_ADD_SCALAR: for (long i = 0; i < n; i++) dx[i] += dy[i]; break;
    case U_RELU: for (long i = 0; i < n; i++) dx[i] += dy[i] * (im_real)(x[i] > zero); break;
    case U_LEAKY_RELU: for (long i = 0; i < n; i++) dx[i] += dy[i] * (p0 + (one - p0) * (im_real)(x[i] > zero)); break;
    case U_ELU:
        for (long i = 0; i < n; i++) {
            im_real pos = (im_real)(x[i] > zero);
            dx[i] += dy[i] * (pos + (one - pos) * (y[i] + p0));
        }
        break;
    case U_TANH: for (long i = 0; i < n; i++) dx[i] += dy[i] * (one - y[i] * y[i]); break;
    case U_SIGMOID: for (long i = 0; i < n; i++) dx[i] += dy[i] * y[i] * (one - y[i]); break;
    case U_SOFTPLUS: im_vsoftplus_grad(dx, dy, y, n, 1); break;
    case U_EXP: for (long i = 0; i < n; i++) dx[i] += dy[i] * y[i]; break;
    case U_LOG: for (long i = 0; i < n; i++) dx[i] += dy[i] / x[i]; break;
    case U_SQUARE: for (long i = 0; i < n; i++) dx[i] += 2 * x[i] * dy[i]; break;
    case U_SQRT: for (long i = 0; i < n; i++) dx[i] += dy[i] / (2 * y[i]); break;
    case U_ABS:
        for (long i = 0; i < n; i++) dx[i] += dy[i] * ((im_real)(x[i] > zero) - (im_real)(x[i] < zero));
        break;
    case U_SIN: for (long i = 0; i < n; i++) dx[i] += dy[i] * cos(x[i]); break;
    case U_CLAMP: for (long i = 0; i < n; i++) dx[i] += dy[i] * (im_real)(x[i] > p0) * (im_real)(x[i] < p1); break;
    case U_ASINH: for (long i = 0; i < n; i++) dx[i] += dy[i] / sqrt(one + x[i] * x[i]); break;
    }
}

/* Large tensors are split across the workers: elementwise work is a sixth of a
 * critic step on one thread, and would stay serial otherwise. */
#define MIN_CHUNK 16384

typedef struct {
    unary_kind kind;
    im_real *out;
    const im_real *x, *y, *dy;
    im_real p0, p1;
    int fresh;   /* backward: out is a new gradient buffer, zeroed here chunk by chunk */
} unary_job;

static void forward_range(void *arg, long lo, long hi)
{
    const unary_job *j = arg;
    unary_forward(j->kind, j->out + lo, j->x + lo, hi - lo, j->p0, j->p1);
}

static void backward_range(void *arg, long lo, long hi)
{
    const unary_job *j = arg;
    if (j->fresh) memset(j->out + lo, 0, sizeof(im_real) * (size_t)(hi - lo));   /* in cache, on every thread */
    unary_backward_kernel(j->kind, j->out + lo, j->x + lo, j->y + lo, j->dy + lo, hi - lo, j->p0, j->p1);
}

static void unary_backward(im_tape *g, im_node *node)
{
    im_tensor *xt = node->in[0], *yt = node->out;
    double beta;
    im_real *dx = im_grad_dest(g, xt, &beta);
    if (!dx) return;
    unary_job j = { (unary_kind)node->iarg[0], dx, xt->val, yt->val, yt->grad, (im_real)node->farg[0],
                    (im_real)node->farg[1], beta == 0 };
    im_workers_for(im_tape_ctx(g)->workers, (long)xt->rows * xt->cols, MIN_CHUNK, backward_range, &j);
}

static im_tensor *unary(im_tape *g, im_tensor *x, unary_kind kind, double p0, double p1)
{
    if (!x) return NULL;
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    if (!y) return NULL;
    unary_job j = { kind, y->val, x->val, NULL, NULL, (im_real)p0, (im_real)p1, 0 };
    im_workers_for(im_tape_ctx(g)->workers, (long)x->rows * x->cols, MIN_CHUNK, forward_range, &j);
    im_node *n = im_tape_record(g, unary_names[kind], y, unary_backward, x, NULL, NULL);
    if (n) {
        n->iarg[0] = kind;
        n->farg[0] = p0;
        n->farg[1] = p1;
    }
    return y;
}

im_tensor *im_scale(im_tape *g, im_tensor *x, double c) { return unary(g, x, U_SCALE, c, 0); }
im_tensor *im_add_scalar(im_tape *g, im_tensor *x, double c) { return unary(g, x, U_ADD_SCALAR, c, 0); }
im_tensor *im_neg(im_tape *g, im_tensor *x) { return unary(g, x, U_SCALE, -1, 0); }
im_tensor *im_relu(im_tape *g, im_tensor *x) { return unary(g, x, U_RELU, 0, 0); }
im_tensor *im_leaky_relu(im_tape *g, im_tensor *x, double slope) { return unary(g, x, U_LEAKY_RELU, slope, 0); }
im_tensor *im_elu(im_tape *g, im_tensor *x, double alpha) { return unary(g, x, U_ELU, alpha, 0); }
im_tensor *im_tanh(im_tape *g, im_tensor *x) { return unary(g, x, U_TANH, 0, 0); }
im_tensor *im_sigmoid(im_tape *g, im_tensor *x) { return unary(g, x, U_SIGMOID, 0, 0); }
im_tensor *im_asinh(im_tape *g, im_tensor *x) { return unary(g, x, U_ASINH, 0, 0); }
im_tensor *im_softplus(im_tape *g, im_tensor *x) { return unary(g, x, U_SOFTPLUS, 0, 0); }
im_tensor *im_exp(im_tape *g, im_tensor *x) { return unary(g, x, U_EXP, 0, 0); }
im_tensor *im_log(im_tape *g, im_tensor *x) { return unary(g, x, U_LOG, 0, 0); }
im_tensor *im_square(im_tape *g, im_tensor *x) { return unary(g, x, U_SQUARE, 0, 0); }
im_tensor *im_sqrt(im_tape *g, im_tensor *x) { return unary(g, x, U_SQRT, 0, 0); }
im_tensor *im_abs(im_tape *g, im_tensor *x) { return unary(g, x, U_ABS, 0, 0); }
im_tensor *im_sin(im_tape *g, im_tensor *x) { return unary(g, x, U_SIN, 0, 0); }

im_tensor *im_clamp(im_tape *g, im_tensor *x, double lo, double hi)
{
    if (x && !(lo < hi)) return im_op_fail(g, "im_clamp: need lo < hi, got [%g, %g]", lo, hi);
    return unary(g, x, U_CLAMP, lo, hi);
}
