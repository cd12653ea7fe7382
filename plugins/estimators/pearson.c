/* pearson.c — estimator `pearson`: the mean absolute Pearson correlation
 * between every column of X and every column of Y,
 *
 *   ρ̄ = 1/(dx·dy) Σ_ij |corr(x_i, y_j)|,
 *
 * a dependence measure (0 for independent data, 1 for y_j = a·x_i + b), not
 * an MI. Differentiable, so infomin tasks can use it as a penalty; it sees
 * only linear dependence.
 *
 * This is also the smallest complete estimator plugin: the README walks
 * through it as the template for writing one. */
#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"

static const im_param_spec pearson_params[] = {
    { "eps", "float", "1e-8", "added to column variances (a constant column then has correlation 0)", ">0" },
    IM_PARAMS_END
};

typedef struct {
    double eps;
} pearson;

static im_status pearson_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    pearson *p = malloc(sizeof *p);
    if (!p) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_status st = im_section_float(ctx, sec, "eps", &p->eps);
    if (st) {
        free(p);
        return st;
    }
    *self = p;
    return IM_OK;
}

static void pearson_destroy(void *self) { free(self); }

/* 1 / sd of each column of t as a constant 1 x cols row (1 for a constant
 * column, whose correlation is then 0 through eps). */
static im_tensor *inverse_sd(im_tape *g, const im_tensor *t)
{
    im_tensor *s = im_tensor_new(g, 1, t->cols);
    if (!s) return NULL;
    for (int c = 0; c < t->cols; c++) {
        double mean = 0, ss = 0;
        for (int i = 0; i < t->rows; i++) mean += t->val[(long)i * t->cols + c] / t->rows;
        for (int i = 0; i < t->rows; i++) {
            double d = t->val[(long)i * t->cols + c] - mean;
            ss += d * d;
        }
        double sd = t->rows > 1 ? sqrt(ss / (t->rows - 1)) : 0;
        s->val[c] = (im_real)(sd > 0 ? 1 / sd : 1);
    }
    return s;
}

/* corr = standardised xᵀ · standardised y / n; the mean of its |entries| */
static im_tensor *pearson_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    pearson *p = self;
    if (!x || !y) return NULL;
    /* eps relative to each column's variance: an absolute 1e-8 halved the
     * correlation of data of sd 1e-4 */
    im_tensor *xs = im_standardize_cols(g, im_mul(g, x, inverse_sd(g, x)), p->eps),
              *ys = im_standardize_cols(g, im_mul(g, y, inverse_sd(g, y)), p->eps);
    im_tensor *corr = im_scale(g, im_matmul(g, xs, ys, 1, 0), 1.0 / x->rows);
    return im_mean(g, im_abs(g, corr), IM_ALL);
}

/* Nothing beyond the section's keys: a checkpoint holds no state of it. */
static size_t no_state(void *self) { return 0; }
static void no_save(void *self, void *buf) {}
static void no_load(void *self, const void *buf) {}

static const im_estimator_vt pearson_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_CORRELATION,
    .create = pearson_create,
    .destroy = pearson_destroy,
    .objective = pearson_objective,
    .state_size = no_state,
    .state_save = no_save,
    .state_load = no_load,
};
static const im_plugin pearson_plugin = IM_PLUGIN(IM_ESTIMATOR, "pearson",
                                          "mean |Pearson correlation| over all column pairs (linear dependence)",
                                          pearson_params, &pearson_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &pearson_plugin, NULL };
