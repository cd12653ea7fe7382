/* mlp.c — encoder `mlp`: Z = MLP(X), the representation an infomin task
 * trains against a penalty. */
#include <stdlib.h>
#include "infomin/infomin.h"

static const im_param_spec mlp_params[] = {
    { "hidden", "ints", "200,200", "hidden layer widths", ">=1" },
    { "out", "int", "80", "width of Z", ">=1" },
    { "activation", "string", "relu", "hidden activation", IM_ACTIVATION_CHOICES },
    { "out_activation", "string", "none", "activation of Z (the Scalable Infomin reference uses sin)",
      IM_ACTIVATION_CHOICES },
    IM_PARAMS_END
};

typedef struct {
    im_mlp net;
    im_params params;
} encoder;

static im_status mlp_create(im_ctx *ctx, const im_section *sec, int in_dim, im_rng *rng, void **self, int *out_dim)
{
    encoder *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    int hidden[16], n_hidden, out;
    const char *act_name, *out_name;
    im_activation act, out_act;
    im_status st = im_section_ints(ctx, sec, "hidden", hidden, 15, &n_hidden);
    if (!st) st = im_section_int(ctx, sec, "out", &out);
    if (!st) st = im_section_string(ctx, sec, "activation", &act_name);
    if (!st) st = im_section_string(ctx, sec, "out_activation", &out_name);
    if (!st) st = im_activation_parse(ctx, act_name, &act);
    if (!st) st = im_activation_parse(ctx, out_name, &out_act);
    if (!st) st = im_mlp_init(ctx, &e->net, &e->params, "encoder", in_dim, hidden, n_hidden, out, act, out_act, rng);
    if (st) {
        im_params_free(&e->params);
        free(e);
        return st;
    }
    *self = e;
    *out_dim = out;
    return IM_OK;
}

static void mlp_destroy(void *self)
{
    encoder *e = self;
    im_params_free(&e->params);
    free(e);
}

static im_tensor *mlp_forward(void *self, im_tape *g, im_tensor *x) { return im_mlp_forward(g, &((encoder *)self)->net, x); }
static im_params *mlp_param_list(void *self) { return &((encoder *)self)->params; }

/* Checkpoints: the weights are params; nothing else changes. */
static size_t mlp_state_size(void *self) { return 0; }
static void mlp_state_save(void *self, void *buf) {}
static void mlp_state_load(void *self, const void *buf) {}

static const im_encoder_vt mlp_vt = { IM_VT_SIZE(im_encoder_vt), .create = mlp_create, .destroy = mlp_destroy, .forward = mlp_forward,
                                      .params = mlp_param_list, .state_size = mlp_state_size,
                                      .state_save = mlp_state_save, .state_load = mlp_state_load };
static const im_plugin mlp_plugin = IM_PLUGIN(IM_ENCODER, "mlp", "multilayer perceptron encoder Z = MLP(X)",
                                      mlp_params, &mlp_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &mlp_plugin, NULL };
