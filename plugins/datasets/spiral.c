/* spiral.c — dataset `spiral`: a 2-D spiral (the Swiss roll of Beyond
 * Normal, core/data/transform.c) with Gaussian noise, for GANs. u ~ U(0, 1)
 * runs along the curve, t = 1.5π(1 + 2u), X = scale·(t cos t, t sin t)/21 +
 * noise·ε; Y = the bin of u among `bins` equal bins: the code c a
 * conditional generator gets (which part of the curve to draw). */
#include <math.h>
#include "infomin/infomin.h"

static const im_param_spec spiral_params[] = {
    { "bins", "int", "10", "equal bins of the position along the curve (Y)", "2..1000" },
    { "scale", "float", "3", "radius of the outer end of the spiral, about", ">0" },
    { "noise", "float", "0.05", "standard deviation of the Gaussian noise on each coordinate", ">=0" },
    IM_SPLIT_PARAMS("10000", "0", "10000", "0"),
    IM_PARAMS_END
};

static im_status spiral_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int bins, n[3];
    double scale, noise;
    im_status st = im_section_int(ctx, sec, "bins", &bins);
    if (!st) st = im_section_float(ctx, sec, "scale", &scale);
    if (!st) st = im_section_float(ctx, sec, "noise", &noise);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_dataset_alloc(ctx, ds, n, 2, 1, 0);
    if (st) return st;
    /* the roll ends at radius 4.5π/21 ≈ 0.67: scale it to `scale` */
    double k = scale / (4.5 * M_PI / 21);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3; s++)
        for (int r = 0; r < n[s]; r++) {
            double u = im_rng_uniform(rng), p[2];
            im_swiss_roll(&u, 1, p);
            im_real *x = im_mat_row(&splits[s]->x, r);
            x[0] = (im_real)(k * p[0] + noise * im_rng_normal(rng));
            x[1] = (im_real)(k * p[1] + noise * im_rng_normal(rng));
            int c = (int)(u * bins);
            im_mat_row(&splits[s]->y, r)[0] = (im_real)(c < bins ? c : bins - 1);
        }
    ds->y_kind = IM_VAR_CLASSES;
    ds->y_classes = bins;
    return IM_OK;
}

static const im_dataset_vt spiral_vt = { IM_VT_SIZE(im_dataset_vt), .create = spiral_create };
static const im_plugin spiral = IM_PLUGIN(IM_DATASET, "spiral",
                                  "a noisy 2-D spiral, Y = the bin of the position along it (GANs)", spiral_params,
                                  &spiral_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &spiral, NULL };
