/* dcor.c — estimator `dcor`: the bias-corrected distance correlation of
 * Székely & Rizzo (2014), from U-centred distance matrices with a zeroed
 * diagonal:
 *
 *   dCov²_U(x, y) = [S1 − 2 S2/(n−2) + S3/((n−1)(n−2))] / (n(n−3))
 *   S1 = Σ_{i≠j} a_ij b_ij,  S2 = Σ_i a_i. b_i.,  S3 = a.. b..
 *   R²_U = dCov²_U(x, y) / sqrt(dCov²_U(x, x) · dCov²_U(y, y))
 *
 * with a_ij = ||x_i − x_j||, b_ij = ||y_i − y_j||. R²_U is reported (a
 * correlation-like statistic, zero in expectation for independent data and
 * slightly negative at times). Held-out estimates run in one O(n²) pass
 * without an n×n matrix; the objective is the same formula on the tape. */
#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_param_spec dcor_params[] = {
    IM_PARAMS_END
};

static im_status dcor_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    *self = NULL;   /* stateless */
    return IM_OK;
}

static void dcor_destroy(void *self) {}

/* dCov²_U from the sums over pairs */
static double dcov_u(double s1, double s2, double s3, int n)
{
    return (s1 - 2.0 * s2 / (n - 2) + s3 / ((double)(n - 1) * (n - 2))) / ((double)n * (n - 3));
}

static im_status dcor_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    int n = x->rows;
    if (n < 4) return im_fail(ctx, IM_EINVAL, "dcor: needs at least 4 rows, got %d", n);
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y);
    im_status st = xd && yd ? IM_OK : im_fail(ctx, IM_ENOMEM, "dcor: out of memory");
    im_pair_sums_result r;
    if (!st) {
        st = im_pair_sums(ctx, xd, yd, n, x->cols, y->cols, IM_KERNEL_DISTANCE, 1, 1, &r);
    }
    if (!st) {
        double s2_ab = 0, s2_aa = 0, s2_bb = 0;
        for (int i = 0; i < n; i++) {
            s2_ab += r.row_a[i] * r.row_b[i];
            s2_aa += r.row_a[i] * r.row_a[i];
            s2_bb += r.row_b[i] * r.row_b[i];
        }
        double xy = dcov_u(r.sum_ab, s2_ab, r.total_a * r.total_b, n);
        double xx = dcov_u(r.sum_aa, s2_aa, r.total_a * r.total_a, n);
        double yy = dcov_u(r.sum_bb, s2_bb, r.total_b * r.total_b, n);
        *out = xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0.0;   /* a constant column: no dependence */
        im_pair_sums_free(&r);
    }
    free(xd);
    free(yd);
    return st;
}

/* dCov²_U(a, b) on the tape for zero-diagonal a, b (n x n) */
static im_tensor *dcov_tape(im_graph *g, im_tensor *a, im_tensor *b, int n)
{
    im_tensor *s1 = im_sum(g, im_mul(g, a, b), IM_ALL);
    im_tensor *s2 = im_sum(g, im_mul(g, im_sum(g, a, IM_ROWWISE), im_sum(g, b, IM_ROWWISE)), IM_ALL);
    im_tensor *s3 = im_mul(g, im_sum(g, a, IM_ALL), im_sum(g, b, IM_ALL));
    im_tensor *u = im_add(g, im_sub(g, s1, im_scale(g, s2, 2.0 / (n - 2))), im_scale(g, s3, 1.0 / ((double)(n - 1) * (n - 2))));
    return im_scale(g, u, 1.0 / ((double)n * (n - 3)));
}

/* distances with a zero diagonal; the mask also zeroes sqrt's steep
 * gradient at the diagonal's zero distance */
static im_tensor *distances(im_graph *g, im_tensor *x)
{
    if (!x) return NULL;
    int n = x->rows;
    im_tensor *mask = im_const(g, n, n, 1);
    if (!mask) return NULL;
    for (int i = 0; i < n; i++) mask->val[(long)i * n + i] = 0;
    return im_mul(g, im_sqrt(g, im_add_scalar(g, im_sq_dists(g, x), 1e-12)), mask);
}

static im_tensor *dcor_objective(void *self, im_graph *g, im_tensor *x, im_tensor *y)
{
    if (!x || !y) return NULL;
    int n = x->rows;
    if (n < 4) return im_op_fail(g, "dcor: needs batches of at least 4 rows, got %d", n);
    im_tensor *a = distances(g, x), *b = distances(g, y);
    im_tensor *var = im_mul(g, dcov_tape(g, a, a, n), dcov_tape(g, b, b, n));
    return im_div(g, dcov_tape(g, a, b, n), im_sqrt(g, im_clamp(g, var, 1e-30, INFINITY)));
}

static const im_estimator_vt dcor_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_CORRELATION,
    .create = dcor_create,
    .destroy = dcor_destroy,
    .objective = dcor_objective,
    .estimate = dcor_estimate,
};
static const im_plugin dcor_plugin = IM_PLUGIN(IM_ESTIMATOR, "dcor",
                                       "bias-corrected distance correlation R^2 (U-centred, Szekely-Rizzo 2014)",
                                       dcor_params, &dcor_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &dcor_plugin, NULL };
