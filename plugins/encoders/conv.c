/* conv.c — encoder `conv`: a convolutional encoder for image rows, with its
 * intermediate feature map exposed for Deep InfoMax.
 *
 *   x (C×H×W) → [conv k×k / stride → batch norm → activation → pool] per
 *   entry of `channels` → flatten → [dense → batch norm → activation →
 *   dropout] per entry of `hidden` → dense → out_activation → Z
 *
 * The defaults are the DIM encoder of Hjelm et al. (2019) for 32×32 images
 * (conv 64-128-256, 4×4, stride 2, then a dense layer), scaled to 28×28:
 * feature maps 14×14, 7×7, 3×3; the local map is the second layer's
 * 128×7×7, as the paper takes its 8×8 map at the same depth. */
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_CONV 8
#define MAX_DENSE 8

static const im_param_spec conv_params[] = {
    { "channels", "ints", "64,128,256", "output channels of each convolution layer", ">=1" },
    { "kernels", "ints", "4", "kernel size per layer (one value: every layer)", ">=1" },
    { "strides", "ints", "2", "stride per layer (one value: every layer)", ">=1" },
    { "padding", "ints", "1", "zero padding per layer (one value: every layer)", ">=0" },
    { "pool", "string", "none", "2x2 pooling (stride 2) after every convolution", "none|max|avg" },
    { "batch_norm", "bool", "true", "batch normalisation after every convolution and hidden dense layer", NULL },
    { "activation", "string", "relu", "activation after convolutions and hidden dense layers",
      IM_ACTIVATION_CHOICES },
    { "hidden", "ints", "1024", "hidden dense widths after the convolutions (0: none)", ">=0" },
    { "dropout", "float", "0", "dropout probability after each hidden dense layer (training only)", "0..0.9" },
    { "out", "int", "64", "width of the code Z", ">=1" },
    { "out_activation", "string", "none", "activation of Z", IM_ACTIVATION_CHOICES },
    { "local_layer", "int", "2", "the convolution layer (1 = first) whose output is the local feature map", ">=1" },
    IM_PARAMS_END
};

typedef struct {
    int n_conv, n_dense, pool, use_bn, local_layer, training;
    im_activation act, out_act;
    double dropout;
    im_conv_layer conv[MAX_CONV];
    im_shape conv_out[MAX_CONV];   /* after pooling */
    im_batch_norm_layer conv_bn[MAX_CONV];
    im_linear_layer dense[MAX_DENSE + 1];   /* hidden layers, then the code */
    im_batch_norm_layer dense_bn[MAX_DENSE];
    im_params params;
    im_rng rng;   /* dropout masks */
} encoder;

static void conv_destroy(void *self)
{
    encoder *e = self;
    for (int l = 0; l < MAX_CONV; l++) im_batch_norm_layer_free(&e->conv_bn[l]);
    for (int l = 0; l < MAX_DENSE; l++) im_batch_norm_layer_free(&e->dense_bn[l]);
    im_params_free(&e->params);
    free(e);
}

/* A per-layer list: one value for every layer, or one per layer. */
static im_status per_layer(im_ctx *ctx, const im_section *sec, const char *key, int n_layers, int *out)
{
    int n;
    im_status st = im_section_ints(ctx, sec, key, out, MAX_CONV, &n);
    if (st) return st;
    if (n == 1)
        for (int l = 1; l < n_layers; l++) out[l] = out[0];
    else if (n != n_layers)
        return im_section_fail(ctx, sec, key, "%d values for %d convolution layers (give one, or one per layer)", n,
                               n_layers);
    return IM_OK;
}

static im_status build(im_ctx *ctx, const im_section *sec, im_shape in, im_rng *rng, encoder *e, int *out_dim)
{
    int channels[MAX_CONV], kernels[MAX_CONV], strides[MAX_CONV], pads[MAX_CONV], hidden[MAX_DENSE], n_hidden, out;
    const char *pool, *act, *out_act;
    im_status st = im_section_ints(ctx, sec, "channels", channels, MAX_CONV, &e->n_conv);
    if (!st) st = per_layer(ctx, sec, "kernels", e->n_conv, kernels);
    if (!st) st = per_layer(ctx, sec, "strides", e->n_conv, strides);
    if (!st) st = per_layer(ctx, sec, "padding", e->n_conv, pads);
    if (!st) st = im_section_string(ctx, sec, "pool", &pool);
    if (!st) st = im_section_bool(ctx, sec, "batch_norm", &e->use_bn);
    if (!st) st = im_section_string(ctx, sec, "activation", &act);
    if (!st) st = im_section_string(ctx, sec, "out_activation", &out_act);
    if (!st) st = im_activation_parse(ctx, act, &e->act);
    if (!st) st = im_activation_parse(ctx, out_act, &e->out_act);
    if (!st) st = im_section_ints(ctx, sec, "hidden", hidden, MAX_DENSE, &n_hidden);
    if (!st) st = im_section_float(ctx, sec, "dropout", &e->dropout);
    if (!st) st = im_section_int(ctx, sec, "out", &out);
    if (!st) st = im_section_int(ctx, sec, "local_layer", &e->local_layer);
    if (st) return st;
    if (e->local_layer > e->n_conv)
        return im_section_fail(ctx, sec, "local_layer", "layer %d of %d convolution layers", e->local_layer, e->n_conv);
    e->pool = strcmp(pool, "max") == 0 ? 1 : strcmp(pool, "avg") == 0 ? 2 : 0;
    im_shape s = in;
    for (int l = 0; l < e->n_conv; l++) {
        char name[32];
        snprintf(name, sizeof name, "conv%d", l + 1);
        st = im_conv_layer_init(ctx, &e->conv[l], &e->params, name, s, channels[l], kernels[l], strides[l], pads[l],
                                e->act, rng);
        if (st) return st;
        s = e->conv[l].out;
        if (e->use_bn) {
            snprintf(name, sizeof name, "conv%d.bn", l + 1);
            if ((st = im_batch_norm_layer_init(ctx, &e->conv_bn[l], &e->params, name, s))) return st;
        }
        if (e->pool) {
            s = im_conv_shape(s, s.c, 2, 2, 0);
            if (s.h < 1 || s.w < 1)
                return im_fail(ctx, IM_EINVAL, "conv%d: a %dx%d map is too small for 2x2 pooling", l + 1,
                               e->conv[l].out.h, e->conv[l].out.w);
        }
        e->conv_out[l] = s;
    }
    e->n_dense = (n_hidden == 1 && hidden[0] == 0) ? 0 : n_hidden;
    int width = (int)im_shape_size(s);
    for (int l = 0; l <= e->n_dense; l++) {
        char name[32];
        int next = l < e->n_dense ? hidden[l] : out;
        if (next < 1) return im_section_fail(ctx, sec, "hidden", "width %d (0 alone means no hidden layer)", next);
        if (l < e->n_dense)
            snprintf(name, sizeof name, "dense%d", l + 1);
        else
            snprintf(name, sizeof name, "code");
        st = im_linear_layer_init(ctx, &e->dense[l], &e->params, name, width, next,
                                  l < e->n_dense ? e->act : e->out_act, rng);
        if (st) return st;
        if (l < e->n_dense && e->use_bn) {
            snprintf(name, sizeof name, "dense%d.bn", l + 1);
            if ((st = im_batch_norm_layer_init(ctx, &e->dense_bn[l], &e->params, name, (im_shape){ next, 1, 1 })))
                return st;
        }
        width = next;
    }
    im_rng_split(rng, &e->rng);
    e->training = 1;
    *out_dim = out;
    return IM_OK;
}

static im_status conv_create_image(im_ctx *ctx, const im_section *sec, im_shape in, im_rng *rng, void **self,
                                   int *out_dim)
{
    encoder *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_status st = build(ctx, sec, in, rng, e, out_dim);
    if (st) {
        conv_destroy(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static im_status conv_create(im_ctx *ctx, const im_section *sec, int in_dim, im_rng *rng, void **self, int *out_dim)
{
    return im_fail(ctx, IM_EINVAL, "needs image rows, and the dataset's %d columns carry no image shape (use an image "
                   "dataset such as fashion-mnist, or the mlp encoder)", in_dim);
}

/* Bias, batch norm and activation after a linear map. */
static im_tensor *finish(im_tape *g, const encoder *e, im_tensor *h, const im_batch_norm_layer *bn)
{
    if (e->use_bn) h = im_batch_norm_layer_forward(g, bn, h, e->training);
    return im_activate(g, h, e->act);
}

/* The code; the local map and the last convolution block's output on the
 * way, for whichever pointers are set. */
static im_tensor *forward_all(encoder *e, im_tape *g, im_tensor *x, im_tensor **local, im_shape *local_shape,
                              im_tensor **features, im_shape *features_shape)
{
    im_tensor *h = x;
    for (int l = 0; l < e->n_conv; l++) {
        h = finish(g, e, im_conv_layer_forward(g, &e->conv[l], h), &e->conv_bn[l]);
        if (e->pool == 1) h = im_max_pool(g, h, e->conv[l].out, 2, 2);
        if (e->pool == 2) h = im_avg_pool(g, h, e->conv[l].out, 2, 2);
        if (l + 1 == e->local_layer) {
            if (local) *local = h;
            if (local_shape) *local_shape = e->conv_out[l];
        }
    }
    if (features) *features = h;
    if (features_shape) *features_shape = e->conv_out[e->n_conv - 1];
    for (int l = 0; l < e->n_dense; l++) {
        h = finish(g, e, im_linear_layer_forward(g, &e->dense[l], h), &e->dense_bn[l]);
        if (e->training && e->dropout > 0) h = im_dropout(g, h, e->dropout, &e->rng);
    }
    return im_activate(g, im_linear_layer_forward(g, &e->dense[e->n_dense], h), e->out_act);
}

static im_tensor *conv_forward(void *self, im_tape *g, im_tensor *x)
{
    return forward_all(self, g, x, NULL, NULL, NULL, NULL);
}

static im_tensor *conv_forward_local(void *self, im_tape *g, im_tensor *x, im_tensor **local, im_shape *local_shape)
{
    return forward_all(self, g, x, local, local_shape, NULL, NULL);
}

static im_tensor *conv_forward_features(void *self, im_tape *g, im_tensor *x, im_tensor **features, im_shape *shape)
{
    return forward_all(self, g, x, NULL, NULL, features, shape);
}
static im_params *conv_param_list(void *self) { return &((encoder *)self)->params; }
static void conv_set_training(void *self, int training) { ((encoder *)self)->training = training; }

/* Checkpoints: the dropout generator and every batch-norm layer's running
 * means and variances (2·C values each; the weights are params). */
static size_t bn_values(const im_batch_norm_layer *bn) { return bn->running ? 2 * (size_t)bn->shape.c : 0; }

static size_t conv_state_size(void *self)
{
    encoder *e = self;
    size_t n = 0;
    for (int l = 0; l < MAX_CONV; l++) n += bn_values(&e->conv_bn[l]);
    for (int l = 0; l < MAX_DENSE; l++) n += bn_values(&e->dense_bn[l]);
    return IM_RNG_BYTES + sizeof(im_real) * n;
}

/* Copy the state between the encoder and buf, in the order of conv_state_size. */
static void conv_state_copy(encoder *e, unsigned char *buf, int save)
{
    im_batch_norm_layer *bns[MAX_CONV + MAX_DENSE];
    for (int l = 0; l < MAX_CONV; l++) bns[l] = &e->conv_bn[l];
    for (int l = 0; l < MAX_DENSE; l++) bns[MAX_CONV + l] = &e->dense_bn[l];
    if (save)
        im_rng_pack(&e->rng, buf);
    else
        im_rng_unpack(&e->rng, buf);
    buf += IM_RNG_BYTES;
    for (int l = 0; l < MAX_CONV + MAX_DENSE; l++) {
        size_t n = sizeof(im_real) * bn_values(bns[l]);
        if (!n) continue;
        if (save)
            memcpy(buf, bns[l]->running, n);
        else
            memcpy(bns[l]->running, buf, n);
        buf += n;
    }
}

static void conv_state_save(void *self, void *buf) { conv_state_copy(self, buf, 1); }
static void conv_state_load(void *self, const void *buf) { conv_state_copy(self, (unsigned char *)buf, 0); }

static const im_encoder_vt conv_vt = { IM_VT_SIZE(im_encoder_vt), .create = conv_create, .destroy = conv_destroy,
                                       .forward = conv_forward, .params = conv_param_list,
                                       .create_image = conv_create_image, .forward_local = conv_forward_local,
                                       .set_training = conv_set_training, .forward_features = conv_forward_features,
                                       .state_size = conv_state_size, .state_save = conv_state_save,
                                       .state_load = conv_state_load };
static const im_plugin conv_plugin = IM_PLUGIN(IM_ENCODER, "conv",
                                               "convolutional encoder for images, with its local feature map",
                                               conv_params, &conv_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &conv_plugin, NULL };
