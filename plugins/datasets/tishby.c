/* tishby.c — dataset `tishby` (since 0.6): the 12-bit task of Shwartz-Ziv
 * & Tishby (2017), generated from its definition. X is every one of the
 * 2^12 = 4096 binary patterns once; the 12 bits sit on the vertices of an
 * icosahedron (12 points spread evenly over the sphere), and the label
 * follows a spherically symmetric function of the pattern,
 *     f(x) = ‖Σ_i x_i v_i‖²,
 * the squared length of the sum of the active vertices' unit vectors
 * (unchanged by any rotation of the sphere). Standardised over the 4096
 * patterns to u(x), it sets
 *     p(y = 1 | x) = σ(gain · (u(x) − θ)),
 * θ found by bisection so that p(y = 1) = ½ over the patterns, as in the
 * paper, and each pattern's label is drawn once from the seed. The paper's
 * own f is not published beyond "spherically symmetric"; this is the
 * simplest such function, and f takes 20 distinct values, so the sigmoid's
 * gain sets how far the labels are a rule and how far noise (at the
 * default 8 the best rule labels 94% of the patterns right).
 *
 * The rows are shuffled from the seed and split train_share : rest
 * (Saxe et al. 2018 train on 80%); no validation rows. The truth is the
 * empirical I(X;Y) over the 4096 rows, where each pattern occurs once and
 * Y is a function of X: H(Y) of the drawn labels (about 1 bit). */
#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"

#define BITS 12
#define PATTERNS (1 << BITS)

static const im_param_spec tishby_params[] = {
    { "gain", "float", "8", "slope of p(y=1|x) in the standardised f (large: a deterministic rule)", ">0" },
    { "train_share", "float", "0.8", "share of the 4096 patterns in the training split (the rest: test)",
      "0.01..0.99" },
    IM_PARAMS_END
};

/* f(x) = ‖Σ x_i v_i‖² over the icosahedron's unit vertices
 * (0, ±1, ±φ), (±1, ±φ, 0), (±φ, 0, ±1) / √(1 + φ²) */
static void spherical_f(double *f)
{
    const double phi = (1 + sqrt(5.0)) / 2, norm = sqrt(1 + phi * phi);
    double v[BITS][3];
    int k = 0;
    for (int a = -1; a <= 1; a += 2)
        for (int b = -1; b <= 1; b += 2) {
            const double rows[3][3] = { { 0, a, b * phi }, { a, b * phi, 0 }, { b * phi, 0, a } };
            for (int r = 0; r < 3; r++, k++)
                for (int c = 0; c < 3; c++) v[k][c] = rows[r][c] / norm;
        }
    for (int x = 0; x < PATTERNS; x++) {
        double s[3] = { 0, 0, 0 };
        for (int i = 0; i < BITS; i++)
            if (x >> (BITS - 1 - i) & 1)
                for (int c = 0; c < 3; c++) s[c] += v[i][c];
        f[x] = s[0] * s[0] + s[1] * s[1] + s[2] * s[2];
    }
}

/* p(y = 1 | x) for every pattern: f standardised, θ bisected to a mean of ½ */
static void label_probability(double gain, double *p)
{
    double mean = 0, var = 0;
    spherical_f(p);
    for (int x = 0; x < PATTERNS; x++) mean += p[x] / PATTERNS;
    for (int x = 0; x < PATTERNS; x++) var += (p[x] - mean) * (p[x] - mean) / PATTERNS;
    double sd = sqrt(var), lo = -10, hi = 10;
    for (int x = 0; x < PATTERNS; x++) p[x] = (p[x] - mean) / sd;
    for (int it = 0; it < 200; it++) {   /* the mean falls as θ rises */
        double theta = (lo + hi) / 2, total = 0;
        for (int x = 0; x < PATTERNS; x++) total += 1 / (1 + exp(-gain * (p[x] - theta)));
        if (total / PATTERNS > 0.5) lo = theta;
        else hi = theta;
    }
    double theta = (lo + hi) / 2;
    for (int x = 0; x < PATTERNS; x++) p[x] = 1 / (1 + exp(-gain * (p[x] - theta)));
}

static im_status tishby_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    double gain, share;
    im_status st = im_section_float(ctx, sec, "gain", &gain);
    if (!st) st = im_section_float(ctx, sec, "train_share", &share);
    if (st) return st;
    int n_train = (int)lround(share * PATTERNS), n[3] = { n_train, 0, PATTERNS - n_train };
    double *p = malloc(sizeof(double) * PATTERNS);
    int *order = malloc(sizeof(int) * PATTERNS);
    if (!p || !order) st = im_fail(ctx, IM_ENOMEM, "tishby: out of memory");
    if (!st) st = im_dataset_alloc(ctx, ds, n, BITS, 1, 0);
    if (!st) {
        label_probability(gain, p);
        int label[PATTERNS], ones = 0;
        for (int x = 0; x < PATTERNS; x++) ones += label[x] = im_rng_uniform(rng) < p[x];
        im_rng_permutation(rng, order, PATTERNS);
        for (int r = 0; r < PATTERNS; r++) {
            im_split *s = r < n_train ? &ds->train : &ds->test;
            int row = r < n_train ? r : r - n_train, x = order[r];
            for (int i = 0; i < BITS; i++) im_mat_row(&s->x, row)[i] = (im_real)(x >> (BITS - 1 - i) & 1);
            im_mat_row(&s->y, row)[0] = (im_real)label[x];
        }
        double q = (double)ones / PATTERNS;
        ds->y_kind = IM_VAR_CLASSES;
        ds->y_classes = 2;
        ds->has_true_mi = 1;
        ds->true_mi = (q > 0 ? -q * log(q) : 0) + (q < 1 ? -(1 - q) * log(1 - q) : 0);
    }
    free(p);
    free(order);
    return st;
}

static const im_dataset_vt tishby_vt = { IM_VT_SIZE(im_dataset_vt), .create = tishby_create };
static const im_plugin tishby = IM_PLUGIN(IM_DATASET, "tishby",
                                  "Shwartz-Ziv & Tishby's 12-bit task: every pattern once, a spherically symmetric "
                                  "label rule; true MI = H(Y)",
                                  tishby_params, &tishby_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &tishby, NULL };
