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

static im_status dcor_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    if (x->rows < 4) return im_fail(ctx, IM_EINVAL, "dcor: needs at least 4 rows, got %d", x->rows);
    return im_pair_dependence(ctx, x, y, IM_KERNEL_DISTANCE, 1, 1, im_centring_u(x->rows), out);
}

/* distances with a zero diagonal; the mask also zeroes sqrt's steep
 * gradient at the diagonal's zero distance */
static im_tensor *distances(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    int n = x->rows;
    im_tensor *mask = im_const(g, n, n, 1);
    if (!mask) return NULL;
    for (int i = 0; i < n; i++) mask->val[(long)i * n + i] = 0;
    return im_mul(g, im_sqrt(g, im_add_scalar(g, im_sq_dists(g, x), 1e-12)), mask);
}

static im_tensor *dcor_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    if (!x || !y) return NULL;
    int n = x->rows;
    if (n < 4) return im_op_fail(g, "dcor: needs batches of at least 4 rows, got %d", n);
    return im_pair_dependence_tape(g, distances(g, x), distances(g, y), im_centring_u(n));
}

/* Nothing beyond the section's keys: a checkpoint holds no state of it. */
static size_t no_state(void *self) { return 0; }
static void no_save(void *self, void *buf) {}
static void no_load(void *self, const void *buf) {}

static const im_estimator_vt dcor_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_CORRELATION,
    .create = dcor_create,
    .destroy = dcor_destroy,
    .objective = dcor_objective,
    .estimate = dcor_estimate,
    .state_size = no_state,
    .state_save = no_save,
    .state_load = no_load,
};
static const im_plugin dcor_plugin = IM_PLUGIN(IM_ESTIMATOR, "dcor",
                                       "bias-corrected distance correlation R^2 (U-centred, Szekely-Rizzo 2014)",
                                       dcor_params, &dcor_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &dcor_plugin, NULL };
