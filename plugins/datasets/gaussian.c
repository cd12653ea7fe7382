/* gaussian.c — dataset `gaussian`: X, Y in R^d with componentwise
 * correlation rho, y = rho·x + sqrt(1 − rho²)·ε, x, ε ~ N(0, I).
 *
 *   I(X;Y) = −d/2 · log(1 − rho²)            (exact)
 *
 * Given a target MI instead (the staircase of Poole et al. 2019):
 *   rho = sqrt(1 − exp(−2 I / d)). */
#include <math.h>
#include <stdio.h>
#include "infomin/infomin.h"

static const im_param_spec gaussian_params[] = {
    { "dim", "int", "1", "dimension d of X and of Y", ">=1" },
    { "mi", "float", "1.0", "target I(X;Y) in nats (used unless rho is given)", ">=0" },
    { "rho", "float", NULL, "componentwise correlation (overrides mi)", "-0.999999..0.999999" },
    { "n_train", "int", "10000", "training samples", ">=2" },
    { "n_val", "int", "2000", "validation samples", ">=0" },
    { "n_test", "int", "5000", "test samples", ">=2" },
    { NULL, NULL, NULL, NULL, NULL }
};

static void fill_split(im_split *s, im_rng *rng, double rho)
{
    double noise = sqrt(1 - rho * rho);
    for (long i = 0; i < (long)s->x.rows * s->x.cols; i++) {
        double x = im_rng_normal(rng);
        s->x.data[i] = (im_real)x;
        s->y.data[i] = (im_real)(rho * x + noise * im_rng_normal(rng));
    }
}

static im_status gaussian_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int dim, n[3];
    double mi, rho;
    im_status st = im_cfg_int(ctx, sec, "dim", &dim);
    if (!st) st = im_cfg_int(ctx, sec, "n_train", &n[0]);
    if (!st) st = im_cfg_int(ctx, sec, "n_val", &n[1]);
    if (!st) st = im_cfg_int(ctx, sec, "n_test", &n[2]);
    if (st) return st;
    if (im_cfg_has(sec, "rho")) {
        st = im_cfg_float(ctx, sec, "rho", &rho);
    } else {
        st = im_cfg_float(ctx, sec, "mi", &mi);
        rho = sqrt(-expm1(-2 * mi / dim));
    }
    if (st) return st;
    st = im_dataset_alloc(ctx, ds, n, dim, dim, 0);
    if (st) return st;
    fill_split(&ds->train, rng, rho);
    fill_split(&ds->val, rng, rho);
    fill_split(&ds->test, rng, rho);
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = -0.5 * dim * log1p(-rho * rho);
    return IM_OK;
}

static const im_dataset_vt gaussian_vt = { .create = gaussian_create };
static const im_plugin gaussian = { IM_ABI_VERSION, IM_DATASET, "gaussian",
                                    "correlated Gaussians with known MI (componentwise rho, or a target MI)",
                                    gaussian_params, &gaussian_vt };
const im_plugin *const infomin_plugins[] = { &gaussian, NULL };
