/* fashion_m.c — dataset `fashion-mnist-m`: Fashion-MNIST in two domains,
 * made the way MNIST-M is made from MNIST (Ganin et al. 2016): the target
 * domain blends each image with a colour patch, |image − patch| per
 * channel; the source domain is the grey image in three channels. MNIST-M
 * crops its patches from BSDS500 photographs; here the patches come from
 * `textures` colour textures generated from the seed (three octaves of
 * value noise per channel, each texture its own palette), so no file is
 * needed and the data are deterministic per seed.
 *
 * T: the domain (0 source, 1 target), drawn per row with probability
 * `target_share` in every split; Y: the class; X: 3 x 28 x 28. */
#include <math.h>
#include <stdlib.h>
#include "fashion_mnist.h"

#define TEX 64   /* texture side, pixels */

static const im_param_spec fashion_m_params[] = {
    FASHION_PARAMS,
    { "textures", "int", "32", "colour textures the target's patches are cut from", "1..4096" },
    { "target_share", "float", "0.5", "share of the rows in the target domain (T = 1), in every split", "0..1" },
    IM_PARAMS_END
};

/* value noise: a (cells+1)² lattice of uniform values, bilinear between */
static double lattice_noise(const double *lat, int cells, double x, double y)
{
    int i = (int)x, j = (int)y;
    double fx = x - i, fy = y - j;
    const double *r0 = lat + (size_t)j * (cells + 1), *r1 = r0 + cells + 1;
    return (1 - fy) * ((1 - fx) * r0[i] + fx * r0[i + 1]) + fy * ((1 - fx) * r1[i] + fx * r1[i + 1]);
}

/* One texture: per channel, octaves of 4, 8 and 16 cells weighted 1/2, 1/3,
 * 1/6, then a random contrast and offset per channel, clipped to [0, 1]. */
static im_status texture_make(im_ctx *ctx, im_rng *rng, double *out)
{
    double *lat = malloc(sizeof(double) * 17 * 17);
    if (!lat) return im_fail(ctx, IM_ENOMEM, "fashion-mnist-m: out of memory");
    static const int cells[3] = { 4, 8, 16 };
    static const double weight[3] = { 0.5, 1.0 / 3, 1.0 / 6 };
    for (int ch = 0; ch < 3; ch++) {
        double *plane = out + (size_t)ch * TEX * TEX, gain = 0.5 + 1.5 * im_rng_uniform(rng), base = im_rng_uniform(rng);
        for (int p = 0; p < TEX * TEX; p++) plane[p] = 0;
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < (cells[o] + 1) * (cells[o] + 1); i++) lat[i] = im_rng_uniform(rng);
            for (int y = 0; y < TEX; y++)
                for (int x = 0; x < TEX; x++)
                    plane[y * TEX + x] += weight[o] * lattice_noise(lat, cells[o], (x + 0.5) * cells[o] / TEX,
                                                                    (y + 0.5) * cells[o] / TEX);
        }
        for (int p = 0; p < TEX * TEX; p++) plane[p] = fmin(1, fmax(0, base + gain * (plane[p] - 0.5)));
    }
    free(lat);
    return IM_OK;
}

/* One split in three channels: source rows grey, target rows blended. */
static im_status blend_split(im_ctx *ctx, im_split *s, const double *tex, int n_tex, double share, int side,
                             int centered, im_rng *rng)
{
    im_mat rgb = { 0 }, domain = { 0 };
    int pixels = side * side;
    im_status st = im_mat_alloc(ctx, &rgb, s->x.rows, 3 * pixels);
    if (!st) st = im_mat_alloc(ctx, &domain, s->x.rows, 1);
    for (int r = 0; r < s->x.rows && !st; r++) {
        int target = im_rng_uniform(rng) < share;
        const im_real *grey = im_mat_row(&s->x, r);
        im_real *out = im_mat_row(&rgb, r);
        im_mat_row(&domain, r)[0] = (im_real)target;
        const double *t = tex + (size_t)im_rng_below(rng, (uint32_t)n_tex) * 3 * TEX * TEX;
        int ox = (int)im_rng_below(rng, TEX - side + 1), oy = (int)im_rng_below(rng, TEX - side + 1);
        for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++) {
                    double g = centered ? (grey[y * side + x] + 1) / 2 : grey[y * side + x];   /* in [0, 1] */
                    double v = target ? fabs(g - t[(size_t)ch * TEX * TEX + (oy + y) * TEX + ox + x]) : g;
                    out[ch * pixels + y * side + x] = (im_real)(centered ? 2 * v - 1 : v);
                }
    }
    return fashion_replace(s, st, &rgb, &domain);
}

static im_status fashion_m_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int n_tex;
    double share;
    const char *scale;
    im_status st = im_section_int(ctx, sec, "textures", &n_tex);
    if (!st) st = im_section_float(ctx, sec, "target_share", &share);
    if (!st) st = im_section_string(ctx, sec, "scale", &scale);
    if (!st) st = fashion_load(ctx, sec, rng, ds);
    if (st) return st;
    int side = ds->x_shape.h, centered = scale[0] == 'c';
    if (side != ds->x_shape.w || side > TEX) return im_fail(ctx, IM_EINVAL, "fashion-mnist-m: images of %dx%d (need "
                                                          "square, at most %d)", side, ds->x_shape.w, TEX);
    double *tex = malloc(sizeof(double) * 3 * TEX * TEX * (size_t)n_tex);
    if (!tex) return im_fail(ctx, IM_ENOMEM, "fashion-mnist-m: out of memory for %d textures", n_tex);
    for (int i = 0; i < n_tex && !st; i++) st = texture_make(ctx, rng, tex + (size_t)i * 3 * TEX * TEX);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int i = 0; i < 3 && !st; i++) st = blend_split(ctx, splits[i], tex, n_tex, share, side, centered, rng);
    free(tex);
    if (st) return st;
    ds->x_shape.c = 3;
    ds->t_kind = IM_VAR_BINARY;
    ds->t_classes = 2;
    return IM_OK;
}

static const im_dataset_vt fashion_m_vt = { IM_VT_SIZE(im_dataset_vt), .create = fashion_m_create };
const im_plugin fashion_m_plugin = IM_PLUGIN(IM_DATASET, "fashion-mnist-m",
                                             "Fashion-MNIST in two domains: grey (source) and blended with generated "
                                             "colour textures, MNIST-M style (target); T = the domain",
                                             fashion_m_params, &fashion_m_vt);
