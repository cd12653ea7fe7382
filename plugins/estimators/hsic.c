/* hsic.c — estimator `hsic`: normalised HSIC with Gaussian kernels,
 *
 *   nHSIC = tr(K̃ L̃) / sqrt(tr(K̃ K̃) tr(L̃ L̃)),   K̃ = HKH,  H = I − 11ᵀ/n,
 *   K_ij = exp(−||x_i − x_j||² / (2σx²)),  L likewise with σy,
 *
 * (kernel alignment of the centred Gram matrices; in [0, 1], 0 for
 * independence in the population). Bandwidths by the median heuristic:
 * σ = the median pairwise distance among up to 1000 rows, of the training
 * data after fit, else of the data evaluated. The trace expands in sums over
 * pairs, tr(K̃L̃) = Σ K L − (2/n) Σ_i K_i. L_i. + K.. L../n², so held-out
 * estimates need no n×n matrix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_param_spec hsic_params[] = {
    { "median_rows", "int", "1000", "rows used for the median-heuristic bandwidth", ">=2" },
    IM_PARAMS_END
};

typedef struct {
    int median_rows;
    double sigma_x, sigma_y;   /* 0 until fitted */
} hsic;

static im_status hsic_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    hsic *h = calloc(1, sizeof *h);
    if (!h) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_status st = im_section_int(ctx, sec, "median_rows", &h->median_rows);
    if (st) {
        free(h);
        return st;
    }
    *self = h;
    return IM_OK;
}

static void hsic_destroy(void *self) { free(self); }

static im_status bandwidths(hsic *h, im_ctx *ctx, const im_mat *x, const im_mat *y, double *sx, double *sy)
{
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y);
    im_status st = xd && yd ? IM_OK : im_fail(ctx, IM_ENOMEM, "hsic: out of memory");
    if (!st) {
        *sx = im_median_distance(xd, x->rows, x->cols, h->median_rows);
        *sy = im_median_distance(yd, y->rows, y->cols, h->median_rows);
        if (!isfinite(*sx) || !isfinite(*sy)) st = im_fail(ctx, IM_ENOMEM, "hsic: out of memory");
    }
    free(xd);
    free(yd);
    return st;
}

static im_status hsic_fit(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, const im_mat *xv, const im_mat *yv,
                          im_record *rec)
{
    hsic *h = self;
    im_status st = bandwidths(h, ctx, x, y, &h->sigma_x, &h->sigma_y);
    if (!st && rec) {
        im_record_num(rec, "hsic_sigma_x", h->sigma_x);
        im_record_num(rec, "hsic_sigma_y", h->sigma_y);
    }
    return st;
}

/* tr(K̃ L̃) from sums over pairs */
static im_status hsic_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    hsic *h = self;
    double sx = h->sigma_x, sy = h->sigma_y;
    im_status st = sx > 0 ? IM_OK : bandwidths(h, ctx, x, y, &sx, &sy);
    if (st) return st;
    return im_pair_dependence(ctx, x, y, IM_KERNEL_GAUSSIAN, sx, sy, im_centring_v(x->rows), out);
}

/* The bandwidth of the batch itself when not fitted, held constant. */
static double batch_sigma(im_tensor *t, int median_rows)
{
    double *d = malloc(sizeof(double) * (size_t)t->rows * (size_t)t->cols);
    if (!d) return 1.0;
    for (long i = 0; i < (long)t->rows * t->cols; i++) d[i] = t->val[i];
    double s = im_median_distance(d, t->rows, t->cols, median_rows);
    free(d);
    return isfinite(s) ? s : 1.0;
}

static im_tensor *hsic_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    hsic *h = self;
    if (!x || !y) return NULL;
    int n = x->rows;
    double sx = h->sigma_x > 0 ? h->sigma_x : batch_sigma(x, h->median_rows);
    double sy = h->sigma_y > 0 ? h->sigma_y : batch_sigma(y, h->median_rows);
    im_tensor *k = im_exp(g, im_scale(g, im_sq_dists(g, x), -0.5 / (sx * sx)));
    im_tensor *l = im_exp(g, im_scale(g, im_sq_dists(g, y), -0.5 / (sy * sy)));
    return im_pair_dependence_tape(g, k, l, im_centring_v(n));
}

/* Checkpoints: the fitted bandwidths. */
static size_t hsic_state_size(void *self) { return 2 * sizeof(double); }
static void hsic_state_save(void *self, void *buf)
{
    const hsic *h = self;
    memcpy(buf, &h->sigma_x, sizeof(double));
    memcpy((char *)buf + sizeof(double), &h->sigma_y, sizeof(double));
}
static void hsic_state_load(void *self, const void *buf)
{
    hsic *h = self;
    memcpy(&h->sigma_x, buf, sizeof(double));
    memcpy(&h->sigma_y, (const char *)buf + sizeof(double), sizeof(double));
}

static const im_estimator_vt hsic_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_CORRELATION,
    .create = hsic_create,
    .destroy = hsic_destroy,
    .objective = hsic_objective,
    .fit = hsic_fit,
    .estimate = hsic_estimate,
    .state_size = hsic_state_size,
    .state_save = hsic_state_save,
    .state_load = hsic_state_load,
};
static const im_plugin hsic_plugin = IM_PLUGIN(IM_ESTIMATOR, "hsic",
                                       "normalised HSIC, Gaussian kernels, median-heuristic bandwidths", hsic_params,
                                       &hsic_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &hsic_plugin, NULL };
