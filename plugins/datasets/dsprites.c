/* dsprites.c — dataset `dsprites`: the dSprites images (Matthey et al.
 * 2017) drawn here from their definition instead of read from a file:
 * 64×64 binary images of one sprite, from the grid of five factors
 *   shape        3  square, ellipse, heart
 *   scale        6  0.5 .. 1
 *   orientation 40  0 .. 2π (a full turn in 40 steps)
 *   position x  32  0 .. 1
 *   position y  32  0 .. 1
 * = 737,280 images. A sprite of scale s is 2·10·s pixels across (its
 * canonical square's side), centred at 10 + 44·position pixels; a pixel is
 * on when its centre lies inside the sprite (no anti-aliasing). The heart is
 * the polygon through 128 points of the curve (16 sin³t, 13 cos t − 5 cos 2t
 * − 2 cos 3t − cos 4t), scaled into the unit square.
 *
 * Y: the factor named by `target` (its index, as classes). T: all five
 * factors, each index / (count − 1) in [0, 1], in the order above, so any of
 * them can be the nuisance and the mutual information gap can be computed
 * over all. Rows are drawn uniformly over the grid, or (full_grid) the
 * whole grid is shuffled and split. Deterministic per seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define SIDE 64
#define N_FACTORS 5
#define HEART_POINTS 128

static const int factor_sizes[N_FACTORS] = { 3, 6, 40, 32, 32 };
static const char *const factor_names[N_FACTORS] = { "shape", "scale", "orientation", "x", "y" };

static const im_param_spec dsprites_params[] = {
    { "target", "string", "shape", "the factor Y holds (T holds all five)", "shape|scale|orientation|x|y" },
    { "full_grid", "bool", "false", "every one of the 737,280 images, shuffled, n_val and n_test of them held out "
      "(12 GB as float pixels); else n_train + n_val + n_test drawn uniformly", NULL },
    IM_SPLIT_PARAMS("20000", "2000", "5000", "0"),
    IM_PARAMS_END
};

/* factor indices of grid item i (shape slowest, y fastest) */
static void grid_factors(long i, int f[N_FACTORS])
{
    for (int k = N_FACTORS - 1; k >= 0; k--) {
        f[k] = (int)(i % factor_sizes[k]);
        i /= factor_sizes[k];
    }
}

typedef struct {
    double x[HEART_POINTS], y[HEART_POINTS];
} heart_polygon;

static void heart_make(heart_polygon *h)
{
    for (int i = 0; i < HEART_POINTS; i++) {
        double t = 2 * M_PI * i / HEART_POINTS, s = sin(t);
        h->x[i] = 16 * s * s * s / 16.0;
        /* y from −17 to +12: shifted to centre it, scaled into [−1, 1], up is up */
        h->y[i] = (13 * cos(t) - 5 * cos(2 * t) - 2 * cos(3 * t) - cos(4 * t) + 2.5) / 14.5;
    }
}

/* even-odd rule */
static int inside_polygon(const heart_polygon *h, double u, double v)
{
    int in = 0;
    for (int i = 0, j = HEART_POINTS - 1; i < HEART_POINTS; j = i++)
        if ((h->y[i] > v) != (h->y[j] > v) && u < (h->x[j] - h->x[i]) * (v - h->y[i]) / (h->y[j] - h->y[i]) + h->x[i])
            in = !in;
    return in;
}

/* 1 when the point (u, v) of the sprite's own frame (the unit square
 * [−1, 1]², v up) is inside the shape */
static int inside(int shape, const heart_polygon *h, double u, double v)
{
    if (fabs(u) > 1 || fabs(v) > 1) return 0;
    if (shape == 0) return 1;
    if (shape == 1) return u * u + 4 * v * v <= 1;   /* an ellipse twice as long as high */
    return inside_polygon(h, u, v);
}

/* The image of factor indices f into out (SIDE² values, 0 or 1). */
static void draw(const int f[N_FACTORS], const heart_polygon *h, im_real *out)
{
    double scale = 0.5 + 0.1 * f[1], angle = 2 * M_PI * f[2] / factor_sizes[2];
    double half = 10 * scale, cx = 10 + 44.0 * f[3] / (factor_sizes[3] - 1), cy = 10 + 44.0 * f[4] / (factor_sizes[4] - 1);
    double c = cos(angle), s = sin(angle), reach = half * M_SQRT2 + 1;
    memset(out, 0, sizeof(im_real) * SIDE * SIDE);
    for (int py = (int)fmax(0, cy - reach); py < SIDE && py <= cy + reach; py++)
        for (int px = (int)fmax(0, cx - reach); px < SIDE && px <= cx + reach; px++) {
            double dx = px + 0.5 - cx, dy = py + 0.5 - cy;   /* image y grows downwards */
            double u = (c * dx + s * dy) / half, v = -(-s * dx + c * dy) / half;
            out[py * SIDE + px] = (im_real)inside(f[0], h, u, v);
        }
}

static im_status dsprites_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    const char *target;
    int full, n[3];
    im_status st = im_section_string(ctx, sec, "target", &target);
    if (!st) st = im_section_bool(ctx, sec, "full_grid", &full);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (st) return st;
    long grid = 1;
    for (int k = 0; k < N_FACTORS; k++) grid *= factor_sizes[k];
    if (full) {
        n[0] = (int)(grid - n[1] - n[2]);
        if (n[0] < 2) return im_section_fail(ctx, sec, "n_val", "n_val %d and n_test %d leave no training image", n[1], n[2]);
    }
    int y_factor = 0;
    while (strcmp(factor_names[y_factor], target) != 0) y_factor++;
    int *order = full ? malloc(sizeof(int) * (size_t)grid) : NULL;
    if (full && !order) return im_fail(ctx, IM_ENOMEM, "dsprites: out of memory for the grid's order");
    if (order) im_rng_permutation(rng, order, (int)grid);
    st = im_dataset_alloc(ctx, ds, n, SIDE * SIDE, 1, N_FACTORS);
    heart_polygon heart;
    heart_make(&heart);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    long drawn = 0;
    for (int sp = 0; sp < 3 && !st; sp++)
        for (int r = 0; r < n[sp]; r++, drawn++) {
            long item = order ? order[drawn] : (long)(im_rng_uniform(rng) * grid);
            int f[N_FACTORS];
            grid_factors(item < grid ? item : grid - 1, f);
            draw(f, &heart, im_mat_row(&splits[sp]->x, r));
            im_mat_row(&splits[sp]->y, r)[0] = (im_real)f[y_factor];
            for (int k = 0; k < N_FACTORS; k++) im_mat_row(&splits[sp]->t, r)[k] = (im_real)f[k] / (factor_sizes[k] - 1);
        }
    free(order);
    if (st) return st;
    ds->x_shape = (im_shape){ 1, SIDE, SIDE };
    ds->y_kind = IM_VAR_CLASSES;
    ds->y_classes = factor_sizes[y_factor];
    ds->t_kind = IM_VAR_CONTINUOUS;
    return IM_OK;
}

static const im_dataset_vt dsprites_vt = { IM_VT_SIZE(im_dataset_vt), .create = dsprites_create };
static const im_plugin dsprites = IM_PLUGIN(IM_DATASET, "dsprites",
                                            "dSprites drawn from its definition: 64x64 sprites over shape, scale, "
                                            "orientation and position (Y one factor, T all five)",
                                            dsprites_params, &dsprites_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &dsprites, NULL };
