/* nn_image.c — the image layers: convolution with its parameters, batch
 * normalisation with its running statistics. */
#include <stdio.h>
#include <stdlib.h>
#include "infomin/nn.h"

im_status im_conv_layer_init(im_ctx *ctx, im_conv_layer *layer, im_params *params, const char *name, im_shape in,
                             int out_c, int k, int stride, int pad, im_activation next_act, im_rng *rng)
{
    im_shape out = im_conv_shape(in, out_c, k, stride, pad);
    if (in.c < 1 || out_c < 1 || out.h < 1 || out.w < 1)
        return im_fail(ctx, IM_EINVAL, "%s: a %d-channel %dx%d kernel, stride %d, padding %d does not fit a %dx%dx%d input",
                       name, out_c, k, k, stride, pad, in.c, in.h, in.w);
    char pname[64];
    snprintf(pname, sizeof pname, "%s.weight", name);
    layer->weight = im_params_add(ctx, params, pname, out_c, in.c * k * k);
    snprintf(pname, sizeof pname, "%s.bias", name);
    layer->bias = im_params_add(ctx, params, pname, 1, out_c);
    if (!layer->weight || !layer->bias) return ctx->status;
    *layer = (im_conv_layer){ layer->weight, layer->bias, in, out, k, stride, pad };
    /* fan-in C·k·k: the weight's columns, as for a dense layer */
    if (next_act == IM_ACT_RELU || next_act == IM_ACT_LEAKY_RELU || next_act == IM_ACT_ELU)
        im_init_he(layer->weight, rng);
    else
        im_init_xavier(layer->weight, rng);
    return IM_OK;
}

im_tensor *im_conv_layer_forward(im_tape *g, const im_conv_layer *layer, im_tensor *x)
{
    return im_conv2d(g, x, layer->in, im_param_tensor(g, layer->weight), im_param_tensor(g, layer->bias), layer->k,
                     layer->stride, layer->pad);
}

im_status im_batch_norm_layer_init(im_ctx *ctx, im_batch_norm_layer *layer, im_params *params, const char *name,
                                   im_shape shape)
{
    char pname[64];
    snprintf(pname, sizeof pname, "%s.gamma", name);
    layer->gamma = im_params_add(ctx, params, pname, 1, shape.c);
    snprintf(pname, sizeof pname, "%s.beta", name);
    layer->beta = im_params_add(ctx, params, pname, 1, shape.c);
    layer->running = calloc(2 * (size_t)shape.c, sizeof(im_real));
    if (!layer->gamma || !layer->beta) return ctx->status;
    if (!layer->running) return im_fail(ctx, IM_ENOMEM, "%s: out of memory", name);
    im_init_const(layer->gamma, 1.0);
    for (int c = 0; c < shape.c; c++) layer->running[shape.c + c] = 1;
    layer->shape = shape;
    layer->momentum = 0.1;
    layer->eps = 1e-5;
    return IM_OK;
}

void im_batch_norm_layer_free(im_batch_norm_layer *layer)
{
    free(layer->running);
    layer->running = NULL;
}

im_tensor *im_batch_norm_layer_forward(im_tape *g, const im_batch_norm_layer *layer, im_tensor *x, int training)
{
    return im_batch_norm(g, x, layer->shape, im_param_tensor(g, layer->gamma), im_param_tensor(g, layer->beta),
                         layer->running, layer->running + layer->shape.c, layer->momentum, layer->eps, training);
}
