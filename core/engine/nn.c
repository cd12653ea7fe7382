/* nn.c — the dense layer and the MLP builder. */
#include <stdio.h>
#include <string.h>
#include "infomin/nn.h"

static const char *const act_names[IM_ACT_COUNT] = {
    [IM_ACT_NONE] = "none", [IM_ACT_RELU] = "relu", [IM_ACT_LEAKY_RELU] = "leaky_relu", [IM_ACT_ELU] = "elu",
    [IM_ACT_TANH] = "tanh", [IM_ACT_SIGMOID] = "sigmoid", [IM_ACT_SOFTPLUS] = "softplus", [IM_ACT_SIN] = "sin",
};
_Static_assert(IM_ACT_COUNT == 8, "a new activation needs its name here, in IM_ACTIVATION_CHOICES and im_activate");

im_status im_activation_parse(im_ctx *ctx, const char *name, im_activation *out)
{
    for (int i = 0; i < IM_ACT_COUNT; i++)
        if (strcmp(name, act_names[i]) == 0) {
            *out = (im_activation)i;
            return IM_OK;
        }
    return im_fail(ctx, IM_EINVAL, "unknown activation '%s' (expected %s)", name, IM_ACTIVATION_CHOICES);
}

const char *im_activation_name(im_activation a)
{
    return (unsigned)a < IM_ACT_COUNT ? act_names[a] : "unknown-activation";
}

im_tensor *im_activate(im_tape *g, im_tensor *x, im_activation a)
{
    switch (a) {
    case IM_ACT_NONE: return x;
    case IM_ACT_RELU: return im_relu(g, x);
    case IM_ACT_LEAKY_RELU: return im_leaky_relu(g, x, IM_LEAKY_RELU_SLOPE);
    case IM_ACT_ELU: return im_elu(g, x, 1.0);
    case IM_ACT_TANH: return im_tanh(g, x);
    case IM_ACT_SIGMOID: return im_sigmoid(g, x);
    case IM_ACT_SOFTPLUS: return im_softplus(g, x);
    case IM_ACT_SIN: return im_sin(g, x);
    case IM_ACT_COUNT: break;
    }
    return x;
}

im_status im_linear_layer_init(im_ctx *ctx, im_linear_layer *layer, im_params *params, const char *name,
                               int in, int out, im_activation next_act, im_rng *rng)
{
    char pname[64];
    snprintf(pname, sizeof pname, "%s.weight", name);
    layer->weight = im_params_add(ctx, params, pname, out, in);
    snprintf(pname, sizeof pname, "%s.bias", name);
    layer->bias = im_params_add(ctx, params, pname, 1, out);
    if (!layer->weight || !layer->bias) return ctx->status;
    layer->in = in;
    layer->out = out;
    /* He keeps ReLU-family activations' variance from shrinking with depth;
     * Xavier suits the saturating and linear ones */
    if (next_act == IM_ACT_RELU || next_act == IM_ACT_LEAKY_RELU || next_act == IM_ACT_ELU)
        im_init_he(layer->weight, rng);
    else
        im_init_xavier(layer->weight, rng);
    return IM_OK;
}

im_tensor *im_linear_layer_forward(im_tape *g, const im_linear_layer *layer, im_tensor *x)
{
    return im_linear(g, x, im_param_tensor(g, layer->weight), im_param_tensor(g, layer->bias));
}

im_status im_mlp_init(im_ctx *ctx, im_mlp *mlp, im_params *params, const char *name, int in,
                      const int *hidden, int n_hidden, int out, im_activation act, im_activation out_act,
                      im_rng *rng)
{
    if (n_hidden < 0 || n_hidden + 1 > IM_MLP_MAX_LAYERS)
        return im_fail(ctx, IM_EINVAL, "%s: %d hidden layers (at most %d)", name, n_hidden, IM_MLP_MAX_LAYERS - 1);
    if (in <= 0 || out <= 0) return im_fail(ctx, IM_EINVAL, "%s: input %d and output %d must be > 0", name, in, out);
    memset(mlp, 0, sizeof *mlp);
    mlp->act = act;
    mlp->out_act = out_act;
    int width = in;
    for (int l = 0; l <= n_hidden; l++) {
        int next = l < n_hidden ? hidden[l] : out;
        if (next <= 0) return im_fail(ctx, IM_EINVAL, "%s: hidden layer %d has width %d", name, l, next);
        char lname[48];
        snprintf(lname, sizeof lname, "%s.%d", name, l);
        im_status st = im_linear_layer_init(ctx, &mlp->layers[l], params, lname, width, next,
                                            l < n_hidden ? act : out_act, rng);
        if (st) return st;
        width = next;
    }
    mlp->n_layers = n_hidden + 1;
    return IM_OK;
}

im_tensor *im_layer_weight(im_tape *g, const im_linear_layer *layer, int frozen)
{
    return frozen ? im_param_frozen(g, layer->weight) : im_param_tensor(g, layer->weight);
}

im_tensor *im_layer_bias(im_tape *g, const im_linear_layer *layer, int frozen)
{
    return frozen ? im_param_frozen(g, layer->bias) : im_param_tensor(g, layer->bias);
}

im_tensor *im_mlp_forward_ex(im_tape *g, const im_mlp *mlp, im_tensor *x, int from, int frozen)
{
    for (int l = from; l < mlp->n_layers; l++) {
        const im_linear_layer *layer = &mlp->layers[l];
        im_activation act = l + 1 < mlp->n_layers ? mlp->act : mlp->out_act;
        im_tensor *w = im_layer_weight(g, layer, frozen), *b = im_layer_bias(g, layer, frozen);
        x = im_activation_fusable(act) ? im_linear_act(g, x, w, b, act) : im_activate(g, im_linear(g, x, w, b), act);
    }
    return x;
}

im_tensor *im_mlp_forward(im_tape *g, const im_mlp *mlp, im_tensor *x)
{
    return im_mlp_forward_ex(g, mlp, x, 0, 0);
}
