/* act.h — private to the engine: a layer's activation applied in place to
 * rows (after an optional bias), and its derivative written through the
 * output. Shared by the fused dense layer (ops_matmul.c) and the fused
 * outer add (ops_shape.c): one pass instead of a separate activation op
 * and the pre-activation tensor it keeps. Activations im_activation_fusable
 * accepts (NONE .. SOFTPLUS); tanh takes SLEEF's 3.5-ulp kernel. */
#ifndef INFOMIN_ACT_H
#define INFOMIN_ACT_H

#include "infomin/nn.h"
#include "infomin/real.h"

/* y[r, :] = act(y[r, :] + b) for r < rows (b may be NULL) */
void im_bias_act_rows(im_real *y, const im_real *b, int rows, int cols, im_activation act);
/* d = dy ⊙ act'(y) over n values (written, not accumulated) */
void im_act_grad(im_real *d, const im_real *dy, const im_real *y, long n, im_activation act);

#endif
