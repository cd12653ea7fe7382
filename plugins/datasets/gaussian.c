/* gaussian.c — dataset `gaussian`: X, Y in R^d, jointly Gaussian, with a
 * known MI.
 *   structure = componentwise: y_i = ρ x_i + sqrt(1 − ρ²) ε_i, ρ given or
 *     from a target MI (the staircase of Poole et al. 2019):
 *     ρ = sqrt(1 − exp(−2 I / d)),   I = −d/2 log(1 − ρ²)
 *   structure = dense: the target MI split at random over d component pairs,
 *     then x and y rotated by random orthogonal matrices (core/synthetic.c).
 * An optional elementwise bijection (transform) leaves the MI unchanged. */
#include "infomin/infomin.h"

static const im_param_spec gaussian_params[] = {
    { "dim", "int", "1", "dimension d of X and of Y", "1..4096" },
    { "mi", "float", "1.0", "target I(X;Y) in nats (used unless rho is given)", ">=0" },
    { "rho", "float", NULL, "componentwise correlation (overrides mi)", "-0.999999..0.999999" },
    { "structure", "string", "componentwise", "equal correlations per coordinate, or a random dense correlation",
      "componentwise|dense" },
    IM_TRANSFORM_PARAMS,
    IM_SPLIT_PARAMS("10000", "2000", "5000", "0"),
    IM_PARAMS_END
};

static im_status gaussian_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    double mi;
    im_status st = im_synth_dataset(ctx, sec, rng, 0, ds, &mi);
    if (!st) st = im_dataset_transform(ctx, sec, ds);
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = mi;
    return st;
}

static const im_dataset_vt gaussian_vt = { IM_VT_SIZE(im_dataset_vt), .create = gaussian_create };
static const im_plugin gaussian = IM_PLUGIN(IM_DATASET, "gaussian",
                                    "correlated Gaussians with known MI (componentwise or dense; optional transform)",
                                    gaussian_params, &gaussian_vt, .validate = im_synth_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &gaussian, NULL };
