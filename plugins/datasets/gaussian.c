/* gaussian.c — dataset `gaussian`: X, Y in R^d, jointly Gaussian, with a
 * known MI.
 *   structure = componentwise: y_i = ρ x_i + sqrt(1 − ρ²) ε_i, ρ given or
 *     from a target MI (the staircase of Poole et al. 2019):
 *     ρ = sqrt(1 − exp(−2 I / d)),   I = −d/2 log(1 − ρ²)
 *   structure = dense: the target MI split at random over d component pairs,
 *     then x and y rotated by random orthogonal matrices (core/synthetic.c).
 * An optional elementwise bijection (transform) leaves the MI unchanged. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec gaussian_params[] = {
    { "dim", "int", "1", "dimension d of X and of Y", "1..4096" },
    { "mi", "float", "1.0", "target I(X;Y) in nats (used unless rho is given)", ">=0" },
    { "rho", "float", NULL, "componentwise correlation (overrides mi)", "-0.999999..0.999999" },
    { "structure", "string", "componentwise", "equal correlations per coordinate, or a random dense correlation",
      "componentwise|dense" },
    IM_TRANSFORM_PARAMS,
    { "n_train", "int", "10000", "training samples", ">=2" },
    { "n_val", "int", "2000", "validation samples", ">=0" },
    { "n_test", "int", "5000", "test samples", ">=2" },
    { NULL, NULL, NULL, NULL, NULL }
};

static im_status fill_split(im_ctx *ctx, im_split *s, const im_synth *gen, im_rng *rng)
{
    int d = gen->dim;
    double *x = malloc(sizeof(double) * 2 * (size_t)d), *y = x ? x + d : NULL;
    if (!x) return im_fail(ctx, IM_ENOMEM, "gaussian: out of memory");
    for (int r = 0; r < s->x.rows; r++) {
        im_synth_sample(gen, rng, x, y);
        for (int c = 0; c < d; c++) {
            im_mat_row(&s->x, r)[c] = (im_real)x[c];
            im_mat_row(&s->y, r)[c] = (im_real)y[c];
        }
    }
    free(x);
    return IM_OK;
}

static im_status gaussian_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int dim, n[3];
    double mi = 0, rho = 0;
    const char *structure;
    im_status st = im_cfg_int(ctx, sec, "dim", &dim);
    if (!st) st = im_cfg_int(ctx, sec, "n_train", &n[0]);
    if (!st) st = im_cfg_int(ctx, sec, "n_val", &n[1]);
    if (!st) st = im_cfg_int(ctx, sec, "n_test", &n[2]);
    if (!st) st = im_cfg_string(ctx, sec, "structure", &structure);
    int has_rho = im_cfg_has(sec, "rho");
    if (!st) st = has_rho ? im_cfg_float(ctx, sec, "rho", &rho) : im_cfg_float(ctx, sec, "mi", &mi);
    if (st) return st;
    if (has_rho) mi = -0.5 * dim * log1p(-rho * rho);
    im_synth gen;
    st = im_synth_init(ctx, &gen, dim, mi, strcmp(structure, "dense") == 0, rng);
    if (st) return st;
    if (has_rho && strcmp(structure, "dense") != 0) im_synth_set_rho(&gen, rho);   /* keep the sign */
    st = im_dataset_alloc(ctx, ds, n, dim, dim, 0);
    if (!st) st = fill_split(ctx, &ds->train, &gen, rng);
    if (!st) st = fill_split(ctx, &ds->val, &gen, rng);
    if (!st) st = fill_split(ctx, &ds->test, &gen, rng);
    if (!st) st = im_dataset_transform(ctx, sec, ds);
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = im_synth_mi(&gen);
    im_synth_free(&gen);
    return st;
}

static const im_dataset_vt gaussian_vt = { .create = gaussian_create };
static const im_plugin gaussian = { IM_ABI_VERSION, IM_DATASET, "gaussian",
                                    "correlated Gaussians with known MI (componentwise or dense; optional transform)",
                                    gaussian_params, &gaussian_vt };
const im_plugin *const infomin_plugins[] = { &gaussian, NULL };
