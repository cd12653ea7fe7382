/* gaussian_grid.c — dataset `gaussian-grid`: the "25 Gaussians" of the GAN
 * mode-collapse literature (VEEGAN, PacGAN, the MINE paper's section 5.1):
 * a side x side grid of modes spaced `spacing` apart and centred on 0, each
 * an isotropic Gaussian of sd `sigma`, all equally likely. X is the 2-D
 * point, Y the index of its mode (the code c a conditional generator gets).
 * The modes are 40 sd apart by default, so I(X; c) = log(side²) to within
 * e^-200: the known MI. */
#include <math.h>
#include "infomin/infomin.h"

static const im_param_spec grid_params[] = {
    { "side", "int", "5", "modes per side of the grid (side² modes)", "2..16" },
    { "spacing", "float", "2", "distance between neighbouring modes", ">0" },
    { "sigma", "float", "0.05", "standard deviation of each mode", ">0" },
    IM_SPLIT_PARAMS("10000", "0", "10000", "0"),
    IM_PARAMS_END
};

static im_status grid_validate(im_ctx *ctx, const im_section *sec)
{
    double spacing, sigma;
    im_status st = im_section_float(ctx, sec, "spacing", &spacing);
    if (!st) st = im_section_float(ctx, sec, "sigma", &sigma);
    if (!st && spacing < 6 * sigma)
        st = im_section_fail(ctx, sec, "sigma", "%g is more than a sixth of the spacing %g: the modes overlap within "
                             "3 sd and cannot be counted apart", sigma, spacing);
    return st;
}

static im_status grid_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int side, n[3];
    double spacing, sigma;
    im_status st = im_section_int(ctx, sec, "side", &side);
    if (!st) st = im_section_float(ctx, sec, "spacing", &spacing);
    if (!st) st = im_section_float(ctx, sec, "sigma", &sigma);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_dataset_alloc(ctx, ds, n, 2, 1, 0);
    if (st) return st;
    int modes = side * side;
    double half = 0.5 * (side - 1) * spacing;
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3; s++)
        for (int r = 0; r < n[s]; r++) {
            int c = (int)im_rng_below(rng, (uint32_t)modes);
            im_real *x = im_mat_row(&splits[s]->x, r);
            x[0] = (im_real)((c % side) * spacing - half + sigma * im_rng_normal(rng));
            x[1] = (im_real)((c / side) * spacing - half + sigma * im_rng_normal(rng));
            im_mat_row(&splits[s]->y, r)[0] = (im_real)c;
        }
    ds->y_kind = IM_VAR_CLASSES;
    ds->y_classes = modes;
    ds->has_true_mi = 1;
    ds->true_mi = log((double)modes);
    return IM_OK;
}

static const im_dataset_vt grid_vt = { IM_VT_SIZE(im_dataset_vt), .create = grid_create };
static const im_plugin grid = IM_PLUGIN(IM_DATASET, "gaussian-grid",
                                "25 Gaussians: a grid of 2-D modes, Y = the mode (GAN mode collapse)", grid_params,
                                &grid_vt, .validate = grid_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &grid, NULL };
