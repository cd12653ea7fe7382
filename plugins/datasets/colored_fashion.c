/* colored_fashion.c — dataset `colored-fashion-mnist`: Fashion-MNIST with
 * each garment tinted in one of K colours (3 channels: pixel · colour), the
 * colour the nuisance T and the class the target Y — the setting of the
 * Scalable Infomin README's front figure (there, digits and colours).
 *
 * In the training split the colour follows the class with probability
 * `correlation` (class c's colour is c mod K; otherwise a colour drawn
 * uniformly), so a model that reads the colour gets a shortcut; the
 * validation and test splits draw every colour uniformly, so colour and
 * class are independent there. Deterministic per seed. */
#include <stdlib.h>
#include "fashion_mnist.h"

#define MAX_COLOURS 8

/* distinct, and each bright enough to show a garment */
static const double palette[MAX_COLOURS][3] = { { 1, 0.15, 0.15 }, { 0.15, 0.8, 0.15 }, { 0.2, 0.4, 1 },
                                                { 1, 0.85, 0.1 },  { 0.9, 0.2, 0.9 },   { 0.1, 0.85, 0.85 },
                                                { 1, 0.55, 0.1 },  { 0.75, 0.75, 0.75 } };

static const im_param_spec colored_params[] = {
    FASHION_PARAMS,
    { "colours", "int", "3", "K, the tints (T = the tint's index)", "2..8" },
    { "correlation", "float", "0.9", "training split: the share of images whose tint is their class's (c mod K); "
      "validation and test draw every tint uniformly", "0..1" },
    IM_PARAMS_END
};

/* One split tinted in place of its grey X (which it frees). */
static im_status tint(im_ctx *ctx, im_split *s, int k, double correlation, int shape_pixels, im_rng *rng)
{
    im_mat rgb = { 0 }, colour = { 0 };
    im_status st = im_mat_alloc(ctx, &rgb, s->x.rows, 3 * shape_pixels);
    if (!st) st = im_mat_alloc(ctx, &colour, s->x.rows, 1);
    for (int r = 0; r < s->x.rows && !st; r++) {
        int c = (int)im_mat_row(&s->y, r)[0] % k;
        if (im_rng_uniform(rng) >= correlation) c = (int)im_rng_below(rng, (uint32_t)k);
        im_mat_row(&colour, r)[0] = (im_real)c;
        const im_real *grey = im_mat_row(&s->x, r);
        im_real *out = im_mat_row(&rgb, r);
        for (int ch = 0; ch < 3; ch++)   /* NCHW: one plane per channel */
            for (int i = 0; i < shape_pixels; i++) out[ch * shape_pixels + i] = (im_real)(grey[i] * palette[c][ch]);
    }
    return fashion_replace(s, st, &rgb, &colour);
}

static im_status colored_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int k;
    double correlation;
    im_status st = im_section_int(ctx, sec, "colours", &k);
    if (!st) st = im_section_float(ctx, sec, "correlation", &correlation);
    if (!st) st = fashion_load(ctx, sec, rng, ds);
    if (st) return st;
    int pixels = ds->x_shape.h * ds->x_shape.w;
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int i = 0; i < 3 && !st; i++) st = tint(ctx, splits[i], k, i == 0 ? correlation : 0, pixels, rng);
    if (st) return st;
    ds->x_shape.c = 3;
    ds->t_kind = IM_VAR_CLASSES;
    ds->t_classes = k;
    return IM_OK;
}

static const im_dataset_vt colored_vt = { IM_VT_SIZE(im_dataset_vt), .create = colored_create };
const im_plugin colored_fashion_plugin = IM_PLUGIN(IM_DATASET, "colored-fashion-mnist",
                                                   "Fashion-MNIST tinted in K colours (T), the colour following the "
                                                   "class in training only",
                                                   colored_params, &colored_vt);
