/* nn.h — layers built on the tape: the dense layer and an MLP builder usable
 * by any plugin (critics, encoders, heads, adversaries). */
#ifndef INFOMIN_NN_H
#define INFOMIN_NN_H

#include "api.h"
#include "tape.h"
#include "param.h"

/* "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "sin", "none". */
IM_API im_status im_activation_parse(im_ctx *ctx, const char *name, im_activation *out);
IM_API const char *im_activation_name(im_activation a);
/* The list above as "relu|leaky_relu|...", for param specs. */
#define IM_ACTIVATION_CHOICES "relu|leaky_relu|elu|tanh|sigmoid|softplus|sin|none"
IM_API im_tensor *im_activate(im_tape *g, im_tensor *x, im_activation a);

typedef struct im_linear_layer {
    im_param *weight;   /* [out, in] */
    im_param *bias;     /* [1, out]  */
    int in, out;
} im_linear_layer;

/* Xavier-initialised weight (He for ReLU-family activations), zero bias. */
IM_API im_status im_linear_layer_init(im_ctx *ctx, im_linear_layer *layer, im_params *params,
                                      const char *name, int in, int out, im_activation next_act, im_rng *rng);
IM_API im_tensor *im_linear_layer_forward(im_tape *g, const im_linear_layer *layer, im_tensor *x);

#define IM_MLP_MAX_LAYERS 16

/* in -> hidden[0] -> ... -> hidden[n_hidden-1] -> out; `act` after each hidden
 * layer, `out_act` after the last. */
typedef struct im_mlp {
    int n_layers;
    im_linear_layer layers[IM_MLP_MAX_LAYERS];
    im_activation act, out_act;
} im_mlp;

IM_API im_status im_mlp_init(im_ctx *ctx, im_mlp *mlp, im_params *params, const char *name, int in,
                             const int *hidden, int n_hidden, int out, im_activation act,
                             im_activation out_act, im_rng *rng);
IM_API im_tensor *im_mlp_forward(im_tape *g, const im_mlp *mlp, im_tensor *x);

/* Layers [from, n_layers) only, with the parameters frozen or not: a frozen
 * pass sends gradients to x alone (a penalty on the input of a fixed critic). */
IM_API im_tensor *im_mlp_forward_ex(im_tape *g, const im_mlp *mlp, im_tensor *x, int from, int frozen);
/* The layer's (weight, bias) as tensors, frozen or trainable. */
IM_API im_tensor *im_layer_weight(im_tape *g, const im_linear_layer *layer, int frozen);
IM_API im_tensor *im_layer_bias(im_tape *g, const im_linear_layer *layer, int frozen);

/* ---- image layers (nn_image.c) ---- */

/* A k×k convolution with bias: weight [out_c, C·k·k] (He or Xavier as the
 * next activation asks), bias [1, out_c] zero. */
typedef struct im_conv_layer {
    im_param *weight, *bias;
    im_shape in, out;
    int k, stride, pad;
} im_conv_layer;

IM_API im_status im_conv_layer_init(im_ctx *ctx, im_conv_layer *layer, im_params *params, const char *name,
                                    im_shape in, int out_c, int k, int stride, int pad, im_activation next_act,
                                    im_rng *rng);
IM_API im_tensor *im_conv_layer_forward(im_tape *g, const im_conv_layer *layer, im_tensor *x);

/* Batch normalisation of C channels: γ = 1, β = 0 trained; the running mean
 * and variance (0 and 1 at first) are state, not parameters, and are saved
 * with them through im_batch_norm_layer_state. */
typedef struct im_batch_norm_layer {
    im_param *gamma, *beta;
    im_shape shape;
    im_real *running;          /* 2·C values: means, then variances */
    double momentum, eps;      /* 0.1 and 1e-5, as PyTorch's         */
} im_batch_norm_layer;

IM_API im_status im_batch_norm_layer_init(im_ctx *ctx, im_batch_norm_layer *layer, im_params *params,
                                          const char *name, im_shape shape);
IM_API void im_batch_norm_layer_free(im_batch_norm_layer *layer);
IM_API im_tensor *im_batch_norm_layer_forward(im_tape *g, const im_batch_norm_layer *layer, im_tensor *x,
                                              int training);

#endif
