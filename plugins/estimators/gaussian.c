/* gaussian.c — estimator `gaussian`: the MI of jointly Gaussian data from
 * its canonical correlations,
 *
 *   I = −½ Σ_i log(1 − ρ_i²),
 *
 * exact when (X, Y) is Gaussian and blind to any dependence a linear map
 * cannot show (a cubic transform of y lowers it: that is its failure mode).
 * The objective is the same quantity written with log-determinants of the
 * batch covariances, −½ [log|Σ| − log|Σxx| − log|Σyy|], differentiable in x
 * and y.
 *
 * `gaussian-copula` (same file) is the Gaussian-copula estimate (Ince et al.
 * 2017): the same formula on the normal scores of every column
 * (core/stats/copula.c). It is exact whenever some increasing map of each
 * margin makes (X, Y) Gaussian; for one-dimensional X and Y it is a lower
 * bound on I(X;Y) for any law (the margins are normal, and among joint laws
 * of a given covariance the Gaussian has the largest entropy).
 * Ranks have no gradient: it has no objective and cannot be a penalty.
 *
 * bias = corrected (since 0.6; both plugins) subtracts the plug-in's
 * small-sample bias, about dx·dy/(2n) (core/stats/gaussianity.c): the
 * estimate is then unbiased on Gaussian data, as `auto` uses it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_param_spec gaussian_params[] = {
    { "ridge", "float", "1e-6", "added to the diagonals of the covariances of columns scaled to unit variance "
      "(guards a singular covariance)", ">=0" },
    { "bias", "string", "plug-in", "plug-in: the formula on the sample covariance, as published (reads about "
      "dx*dy/(2n) high on Gaussian data); corrected: less that bias, exact in expectation for Gaussian rows "
      "(core/stats/gaussianity.c)", "plug-in|corrected" },
    IM_PARAMS_END
};

typedef struct {
    double ridge;
    int unbiased;
} gauss;

static im_status gauss_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    gauss *e = malloc(sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    const char *bias = NULL;
    im_status st = im_section_float(ctx, sec, "ridge", &e->ridge);
    if (!st) st = im_section_string(ctx, sec, "bias", &bias);
    if (!st) e->unbiased = strcmp(bias, "corrected") == 0;
    if (st) {
        free(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static void gauss_destroy(void *self) { free(self); }

/* log det of the covariance of the columns of t, on the tape */
static im_tensor *log_det_cov(im_tape *g, im_tensor *t, double ridge)
{
    if (!t) return NULL;
    im_tensor *centred = im_sub(g, t, im_mean(g, t, IM_COLWISE));
    im_tensor *cov = im_scale(g, im_matmul(g, centred, centred, 1, 0), 1.0 / (t->rows - 1));
    return im_logdet(g, cov, ridge);
}

static im_tensor *gauss_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    gauss *e = self;
    if (!x || !y) return NULL;
    im_tensor *joint = log_det_cov(g, im_concat_cols(g, x, y), e->ridge);
    im_tensor *parts = im_add(g, log_det_cov(g, x, e->ridge), log_det_cov(g, y, e->ridge));
    return im_scale(g, im_sub(g, joint, parts), -0.5);
}

/* Each column divided by its standard deviation (a constant one left as
 * it is): MI does not change, and the ridge then means the same thing
 * whatever the data's units (a fixed ridge of 1e-6 on data of sd 1e-3 read
 * 80% low, on sd 1e-4 read 0). */
static void unit_columns(double *v, int n, int cols)
{
    for (int c = 0; c < cols; c++) {
        double mean = 0, ss = 0;
        for (int i = 0; i < n; i++) mean += v[(long)i * cols + c] / n;
        for (int i = 0; i < n; i++) ss += (v[(long)i * cols + c] - mean) * (v[(long)i * cols + c] - mean);
        double sd = sqrt(ss / (n - 1));
        if (sd > 0)
            for (int i = 0; i < n; i++) v[(long)i * cols + c] /= sd;
    }
}

static im_status gauss_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    gauss *e = self;
    /* no more rows than dimensions + 1: the centred sample covariance is
     * singular and the canonical correlations are 1 whatever the data (6
     * nats from noise) */
    if (x->rows <= x->cols + y->cols + 1)
        return im_fail(ctx, IM_EINVAL, "gaussian: %d rows for %d + %d dimensions: the covariance needs more rows than "
                       "dimensions (give more test rows)", x->rows, x->cols, y->cols);
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y);
    im_status st = xd && yd ? IM_OK : im_fail(ctx, IM_ENOMEM, "gaussian: out of memory");
    if (!st) {
        unit_columns(xd, x->rows, x->cols);
        unit_columns(yd, y->rows, y->cols);
        st = im_gaussian_mi(ctx, xd, yd, x->rows, x->cols, y->cols, e->ridge, e->unbiased, out);
    }
    free(xd);
    free(yd);
    return st;
}

static im_status copula_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    gauss *e = self;
    if (x->rows <= x->cols + y->cols + 1)
        return gauss_estimate(self, ctx, x, y, out);   /* its message */
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y);
    im_status st = xd && yd ? IM_OK : im_fail(ctx, IM_ENOMEM, "gaussian-copula: out of memory");
    if (!st) st = im_normal_scores(ctx, xd, x->rows, x->cols);
    if (!st) st = im_normal_scores(ctx, yd, y->rows, y->cols);
    if (!st) st = im_gaussian_mi(ctx, xd, yd, x->rows, x->cols, y->cols, e->ridge, e->unbiased, out);
    free(xd);
    free(yd);
    return st;
}

static const im_estimator_vt gauss_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = gauss_create,
    .destroy = gauss_destroy,
    .objective = gauss_objective,
    .estimate = gauss_estimate,
};
static const im_plugin gauss_plugin = IM_PLUGIN(IM_ESTIMATOR, "gaussian",
                                        "Gaussian MI from canonical correlations (exact for Gaussian data)",
                                        gaussian_params, &gauss_vt);
static const im_estimator_vt copula_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = gauss_create,
    .destroy = gauss_destroy,
    .estimate = copula_estimate,
};
static const im_plugin copula_plugin = IM_PLUGIN(IM_ESTIMATOR, "gaussian-copula",
                                         "Gaussian-copula MI: the Gaussian estimate on normal scores (rank-based)",
                                         gaussian_params, &copula_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &gauss_plugin, &copula_plugin, NULL };
