/* tape.h — the tape autodiff.
 *
 * A training step records every forward op as a node in an arena owned by the
 * tape. im_tape_reset() rewinds the arena (memory is kept), so after the
 * first step a training loop allocates nothing. im_backward() walks the nodes
 * in reverse and accumulates gradients: into params' persistent grad buffers,
 * and into arena buffers for any other tensor that needs a gradient.
 *
 * Errors are sticky: an op that fails (shape mismatch, arena exhausted)
 * records the message in the tape's ctx and returns NULL; every op given a
 * NULL input returns NULL. Check the final tensor once:
 *     im_tensor *loss = ...;  if (!loss) return g->ctx->status;
 */
#ifndef INFOMIN_TAPE_H
#define INFOMIN_TAPE_H

#include "api.h"
#include <stddef.h>
#include "mat.h"
#include "real.h"
#include "status.h"

struct im_param;
struct im_node;

typedef struct im_tensor {
    int rows, cols;
    im_real *val;          /* rows*cols, row-major                          */
    im_real *grad;         /* NULL until backward reaches it (params: fixed) */
    struct im_node *node;  /* producing op, NULL for a leaf                 */
    int needs_grad;        /* does any gradient flow into this tensor?      */
} im_tensor;

typedef struct im_tape im_tape;

typedef void (*im_backward_fn)(im_tape *g, struct im_node *n);

/* One recorded op. Backward functions read inputs, output and the small
 * argument slots; `saved` points at op-specific arena memory. */
typedef struct im_node {
    im_backward_fn backward;
    const char *op;          /* name, for error messages and debugging */
    im_tensor *out;
    im_tensor *in[3];
    int iarg[4];
    double farg[2];
    void *saved;
    struct im_node *prev;
} im_node;

IM_API im_tape *im_tape_new(im_ctx *ctx);
IM_API void im_tape_free(im_tape *g);
IM_API void im_tape_reset(im_tape *g);          /* rewind the arena, keep memory */
IM_API im_ctx *im_tape_ctx(im_tape *g);
IM_API size_t im_tape_capacity(const im_tape *g);   /* bytes held by the arena */
IM_API size_t im_tape_used(const im_tape *g);       /* bytes used this step   */
/* enabled = 0: ops compute values but record nothing (evaluation passes). */
IM_API void im_tape_set_grad(im_tape *g, int enabled);

/* Arena memory valid until the next reset; 64-byte aligned. NULL (and a
 * message in ctx) on failure. */
IM_API void *im_tape_alloc(im_tape *g, size_t bytes);

/* Leaves. */
IM_API im_tensor *im_tensor_new(im_tape *g, int rows, int cols);          /* uninitialised, no grad */
IM_API im_tensor *im_leaf(im_tape *g, int rows, int cols, im_real *data, int needs_grad);  /* wraps data (no copy) */
IM_API im_tensor *im_input(im_tape *g, const im_mat *m);                   /* constant view of m */
IM_API im_tensor *im_const(im_tape *g, int rows, int cols, im_real value);
IM_API im_tensor *im_param_tensor(im_tape *g, struct im_param *p);
/* The parameter's values as a constant: gradients flow through to the
 * inputs of later ops, not into the parameter. */
IM_API im_tensor *im_param_frozen(im_tape *g, struct im_param *p);
IM_API im_tensor *im_detach(im_tape *g, im_tensor *x);   /* same values, no gradient flows back */

/* Backward from a 1x1 loss (its gradient is seeded with 1). */
IM_API im_status im_backward(im_tape *g, im_tensor *loss);

/* Record a node (for ops defined outside the core: a plugin may add its own
 * op with a forward it computes itself and a backward callback). */
IM_API im_node *im_tape_record(im_tape *g, const char *op, im_tensor *out, im_backward_fn backward,
                                im_tensor *a, im_tensor *b, im_tensor *c);
/* The gradient buffer of t, allocated and zeroed on first use; NULL if no
 * gradient flows into t. For backward functions. */
IM_API im_real *im_grad_of(im_tape *g, im_tensor *t);
/* The same buffer for an op that writes its whole gradient at once (a
 * product): on first use it is not zeroed and *beta is 0 (overwrite), after
 * that *beta is 1 (accumulate). Saves a memset and a read per product. */
IM_API im_real *im_grad_dest(im_tape *g, im_tensor *t, double *beta);
/* Sticky error from inside an op; returns NULL for `return im_op_fail(...)`. */
IM_API im_tensor *im_op_fail(im_tape *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- ops (ops_*.c). Shapes: a[r,c]. "broadcast" = each operand dimension
 * equals the output's or is 1 (row vector 1xc, column rx1, scalar 1x1). ---- */

/* op(a)·op(b), op = transpose when the flag is set (cblas_sgemm). */
IM_API im_tensor *im_matmul(im_tape *g, im_tensor *a, im_tensor *b, int trans_a, int trans_b);
/* out[n,o] = x[n,i]·w[o,i]ᵀ + b[1,o]   (b may be NULL): the dense layer, fused. */
IM_API im_tensor *im_linear(im_tape *g, im_tensor *x, im_tensor *w, im_tensor *b);
/* Activations by code: one enum for the fused layer (here) and the layer
 * builders (nn.h); IM_ACT_COUNT sizes every table indexed by it. */
typedef enum {
    IM_ACT_NONE, IM_ACT_RELU, IM_ACT_LEAKY_RELU, IM_ACT_ELU, IM_ACT_TANH,
    IM_ACT_SIGMOID, IM_ACT_SOFTPLUS, IM_ACT_SIN, IM_ACT_COUNT
} im_activation;
#define IM_LEAKY_RELU_SLOPE 0.2   /* the slope IM_ACT_LEAKY_RELU uses, fused or not */
/* act(x·wᵀ + b) in one op, for activations whose derivative is a function of
 * their output (none .. softplus, im_activation_fusable): the pre-activation
 * is never stored. Others fail: use im_linear then the activation op. */
IM_API im_tensor *im_linear_act(im_tape *g, im_tensor *x, im_tensor *w, im_tensor *b, im_activation act);
IM_API int im_activation_fusable(im_activation act);

/* Broadcasting binary ops. */
IM_API im_tensor *im_add(im_tape *g, im_tensor *a, im_tensor *b);
IM_API im_tensor *im_sub(im_tape *g, im_tensor *a, im_tensor *b);
IM_API im_tensor *im_mul(im_tape *g, im_tensor *a, im_tensor *b);
IM_API im_tensor *im_div(im_tape *g, im_tensor *a, im_tensor *b);
/* x + b with b a 1xc row: the bias add. */
IM_API im_tensor *im_bias_add(im_tape *g, im_tensor *x, im_tensor *b);

/* Elementwise. */
IM_API im_tensor *im_scale(im_tape *g, im_tensor *x, double c);
IM_API im_tensor *im_add_scalar(im_tape *g, im_tensor *x, double c);
IM_API im_tensor *im_neg(im_tape *g, im_tensor *x);
IM_API im_tensor *im_relu(im_tape *g, im_tensor *x);
IM_API im_tensor *im_leaky_relu(im_tape *g, im_tensor *x, double slope);
IM_API im_tensor *im_elu(im_tape *g, im_tensor *x, double alpha);
IM_API im_tensor *im_tanh(im_tape *g, im_tensor *x);
IM_API im_tensor *im_sigmoid(im_tape *g, im_tensor *x);
IM_API im_tensor *im_asinh(im_tape *g, im_tensor *x);
IM_API im_tensor *im_softplus(im_tape *g, im_tensor *x);
IM_API im_tensor *im_exp(im_tape *g, im_tensor *x);
IM_API im_tensor *im_log(im_tape *g, im_tensor *x);
IM_API im_tensor *im_square(im_tape *g, im_tensor *x);
IM_API im_tensor *im_sqrt(im_tape *g, im_tensor *x);
IM_API im_tensor *im_abs(im_tape *g, im_tensor *x);
IM_API im_tensor *im_sin(im_tape *g, im_tensor *x);
/* min(max(x, lo), hi); the gradient passes where lo < x < hi. */
IM_API im_tensor *im_clamp(im_tape *g, im_tensor *x, double lo, double hi);

/* Reductions: IM_ALL -> 1x1, IM_ROWWISE -> rx1 (each row reduced),
 * IM_COLWISE -> 1xc (each column reduced). */
typedef enum { IM_ALL, IM_ROWWISE, IM_COLWISE } im_axis;
IM_API im_tensor *im_sum(im_tape *g, im_tensor *x, im_axis axis);
IM_API im_tensor *im_mean(im_tape *g, im_tensor *x, im_axis axis);
IM_API im_tensor *im_logsumexp(im_tape *g, im_tensor *x, im_axis axis);
IM_API im_tensor *im_log_softmax(im_tape *g, im_tensor *x);     /* over each row */

/* Shape. */
IM_API im_tensor *im_concat_cols(im_tape *g, im_tensor *a, im_tensor *b);  /* [a | b] */
IM_API im_tensor *im_concat_rows(im_tape *g, im_tensor *a, im_tensor *b);  /* [a ; b] */
IM_API im_tensor *im_slice_cols(im_tape *g, im_tensor *x, int c0, int n);
IM_API im_tensor *im_slice_rows(im_tape *g, im_tensor *x, int r0, int n);
/* out[k,:] = x[idx[k],:], k < n (idx is copied; repeats allowed). */
IM_API im_tensor *im_gather_rows(im_tape *g, im_tensor *x, const int *idx, int n);
/* out[i*nb + j, :] = a[i,:] + b[j,:]: every (i, j) pair, for critics scored
 * on all B×B pairs without building B² concatenated inputs. */
IM_API im_tensor *im_outer_add(im_tape *g, im_tensor *a, im_tensor *b);
/* act(a[i,:] + b[j,:]) in one pass, the gradient read off the output (a
 * fusable activation: im_activation_fusable); the all-pairs critic's first
 * layer. */
IM_API im_tensor *im_outer_add_act(im_tape *g, im_tensor *a, im_tensor *b, im_activation act);
/* Square matrices: the diagonal (n x 1) and the off-diagonal entries row by
 * row (n(n-1) x 1): critic scores T(x_i, y_i) and T(x_i, y_j), i != j. */
IM_API im_tensor *im_diag(im_tape *g, im_tensor *x);
IM_API im_tensor *im_offdiag(im_tape *g, im_tensor *x);
IM_API im_tensor *im_reshape(im_tape *g, im_tensor *x, int rows, int cols);   /* row-major order kept */
IM_API im_tensor *im_transpose(im_tape *g, im_tensor *x);
/* Column-wise (x - mean) / sqrt(var + eps), batch statistics, biased var. */
IM_API im_tensor *im_standardize_cols(im_tape *g, im_tensor *x, double eps);

/* ---- images (ops_conv.c, ops_norm.c). A tensor of images has one image per
 * row, C·H·W values in NCHW order; its im_shape is passed beside it. ---- */

/* The output shape of a k×k convolution (or pooling window) with `out_c`
 * channels; h = (H + 2·pad − k)/stride + 1 (floor). A side < 1: invalid. */
IM_API im_shape im_conv_shape(im_shape in, int out_c, int k, int stride, int pad);
/* out[n, O·Ho·Wo] = w[O, C·k·k] ⊛ x[n, C·H·W] + b[1, O] (b may be NULL):
 * cross-correlation with zero padding, weight rows in (c, ky, kx) order.
 * im2col on sgemm, samples split across the worker threads. */
IM_API im_tensor *im_conv2d(im_tape *g, im_tensor *x, im_shape in, im_tensor *w, im_tensor *b, int k, int stride,
                            int pad);
/* k×k windows every `stride` pixels (no padding): the maximum (the gradient
 * goes to the first maximal input) or the mean, per channel. */
IM_API im_tensor *im_max_pool(im_tape *g, im_tensor *x, im_shape in, int k, int stride);
IM_API im_tensor *im_avg_pool(im_tape *g, im_tensor *x, im_shape in, int k, int stride);
/* The mean of each channel over H·W: [n, C]. */
IM_API im_tensor *im_global_avg_pool(im_tape *g, im_tensor *x, im_shape in);
/* Nearest-neighbour upsampling by an integer factor: [n, C·fH·fW]. */
IM_API im_tensor *im_upsample(im_tape *g, im_tensor *x, im_shape in, int factor);
/* [n, C·H·W] -> [n·H·W, C]: one row per location (a 1×1 convolution is then
 * a dense layer on these rows). Row n·H·W + y·W + x. */
IM_API im_tensor *im_channels_last(im_tape *g, im_tensor *x, im_shape in);
/* Batch normalisation per channel (over n·H·W values; a dense [n, C] input is
 * the shape (C, 1, 1)): y = γ·(x − μ)/sqrt(σ² + eps) + β, γ, β [1, C].
 * training: μ, σ² of the batch (biased σ²), and when running_mean/var are
 * given they move toward the batch's (unbiased σ²) by `momentum`.
 * Not training: μ, σ² are running_mean/var (required). */
IM_API im_tensor *im_batch_norm(im_tape *g, im_tensor *x, im_shape in, im_tensor *gamma, im_tensor *beta,
                                im_real *running_mean, im_real *running_var, double momentum, double eps,
                                int training);
struct im_rng;
/* Inverted dropout: each value zeroed with probability p, the rest scaled
 * by 1/(1 − p); the identity when p = 0. For training passes only. */
IM_API im_tensor *im_dropout(im_tape *g, im_tensor *x, double p, struct im_rng *rng);

/* n x n squared Euclidean distances between the rows of x (a composite). */
IM_API im_tensor *im_sq_dists(im_tape *g, im_tensor *x);
/* log det(S + ridge·I) of a symmetric positive-definite S -> 1x1. */
IM_API im_tensor *im_logdet(im_tape *g, im_tensor *s, double ridge);

/* Losses and likelihoods. */
IM_API im_tensor *im_cross_entropy_logits(im_tape *g, im_tensor *logits, const int *labels); /* mean, 1x1 */
IM_API im_tensor *im_bce_logits(im_tape *g, im_tensor *logits, im_tensor *targets);          /* mean, 1x1; no grad to targets */
IM_API im_tensor *im_mse(im_tape *g, im_tensor *pred, im_tensor *target);                    /* mean, 1x1 */
/* Per row: Σ_c log N(y; mu, exp(logvar)) -> rx1. */
IM_API im_tensor *im_gaussian_loglik(im_tape *g, im_tensor *y, im_tensor *mu, im_tensor *logvar);

/* Value of `value`, gradient routed to `grad_path` only (same shapes): a
 * surrogate for biased-gradient corrections such as MINE's EMA. */
IM_API im_tensor *im_surrogate(im_tape *g, im_tensor *value, im_tensor *grad_path);

/* Scalar value of a 1x1 tensor. */
static inline double im_item(const im_tensor *t) { return (double)t->val[0]; }

#endif
