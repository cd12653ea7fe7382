/* renyi.c — estimator `renyi`: neural Rényi (Hirschfeld–Gebelein–Rényi)
 * maximal correlation. An MLP f: x -> R^dy is trained to maximise
 *
 *   ρ(f) = mean_k |corr(f_k(x), y_k)|,
 *
 * a lower bound on the maximal correlation sup_{f,g} corr(f(X), g(Y)) that
 * is tight for one-dimensional and binary y (any g(y) is then affine in y).
 * Reported as a correlation in [0, 1]: 0 for independence. The objective is
 * the same quantity, differentiable in x, y and f's weights alike. */
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec renyi_params[] = {
    { "hidden", "ints", "100,100", "hidden widths of f", ">=1" },
    { "activation", "string", "leaky_relu", "hidden activation of f", IM_ACTIVATION_CHOICES },
    IM_TRAINER_PARAMS("3000", "256", "1e-3", "0"),
    IM_PARAMS_END
};

typedef struct {
    im_mlp f;
    im_params params;
    im_rng rng;
} renyi;

static im_status renyi_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    renyi *r = calloc(1, sizeof *r);
    if (!r) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &r->rng);
    im_status st = im_mlp_from_section(ctx, &r->f, &r->params, "renyi.f", sec, dx, dy, IM_ACT_NONE, &r->rng);
    if (st) {
        im_params_free(&r->params);
        free(r);
        return st;
    }
    *self = r;
    return IM_OK;
}

static void renyi_destroy(void *self)
{
    renyi *r = self;
    im_params_free(&r->params);
    free(r);
}

static im_params *renyi_param_list(void *self) { return &((renyi *)self)->params; }

#define STD_EPS 1e-6

static im_tensor *renyi_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    renyi *r = self;
    if (!x || !y) return NULL;
    im_tensor *fx = im_standardize_cols(g, im_mlp_forward(g, &r->f, x), STD_EPS);
    im_tensor *ys = im_standardize_cols(g, y, STD_EPS);
    im_tensor *corr = im_mean(g, im_mul(g, fx, ys), IM_COLWISE);   /* 1 x dy */
    return im_mean(g, im_abs(g, corr), IM_ALL);
}

/* Checkpoints: the private generator (the weights are params). */
static size_t renyi_state_size(void *self) { return IM_RNG_BYTES; }
static void renyi_state_save(void *self, void *buf) { im_rng_pack(&((renyi *)self)->rng, buf); }
static void renyi_state_load(void *self, const void *buf) { im_rng_unpack(&((renyi *)self)->rng, buf); }

static const im_estimator_vt renyi_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_LOWER,
    .unit = IM_UNIT_CORRELATION,
    .create = renyi_create,
    .destroy = renyi_destroy,
    .objective = renyi_objective,
    .params = renyi_param_list,
    .state_size = renyi_state_size,
    .state_save = renyi_state_save,
    .state_load = renyi_state_load,
};
static const im_plugin renyi_plugin = IM_PLUGIN(IM_ESTIMATOR, "renyi",
                                        "neural Renyi maximal correlation: max |corr(f(x), y)|", renyi_params,
                                        &renyi_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &renyi_plugin, NULL };
