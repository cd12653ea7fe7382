/* conditional.c — dataset `conditional`: X, Y and a third variable Z (the
 * dataset's T role) from a linear Gaussian structural model, with the exact
 * I(X;Y|Z) and I(X;Y): the test bed of conditional MI. Per coordinate, with
 * e1, e2, e3 independent N(0, 1), σ = noise and a = direct:
 *
 *   chain     X = e1,  Z = X + σ e2,      Y = Z + a X + σ e3   (X → Z → Y)
 *   fork      Z = e1,  X = Z + σ e2,      Y = Z + a X + σ e3   (X ← Z → Y)
 *   collider  X = e1,  Y = a X + e2,      Z = X + Y + σ e3     (X → Z ← Y)
 *
 * With a = 0 a chain or a fork has I(X;Y|Z) = 0 though I(X;Y) > 0, and a
 * collider the reverse; a ≠ 0 adds the direct edge X → Y. Coordinates are
 * independent copies (dim of them), so both values add. For a Gaussian
 *   I(X;Y|Z) = ½ log(|Σ_XZ| |Σ_YZ| / (|Σ_Z| |Σ_XYZ|)),
 * from Σ = B Bᵀ where (X, Y, Z) = B (e1, e2, e3). */
#include <math.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec conditional_params[] = {
    { "structure", "string", "collider", "the graph of X, Y and Z", "chain|fork|collider" },
    { "dim", "int", "1", "independent coordinates of each of X, Y and Z", "1..4096" },
    { "noise", "float", "1", "standard deviation of the noise added at the structure's noisy steps", ">0" },
    { "direct", "float", "0", "weight a of a direct edge X -> Y (0: none)", "-100..100" },
    IM_SPLIT_PARAMS("10000", "2000", "5000", "0"),
    IM_PARAMS_END
};

typedef enum { CHAIN, FORK, COLLIDER } structure;

/* rows of B: X, Y, Z in terms of (e1, e2, e3) */
static void loadings(structure s, double sigma, double a, double b[3][3])
{
    memset(b, 0, sizeof(double) * 9);
    if (s == CHAIN) {
        double x[3] = { 1, 0, 0 }, z[3] = { 1, sigma, 0 };
        for (int j = 0; j < 3; j++) b[0][j] = x[j], b[2][j] = z[j], b[1][j] = z[j] + a * x[j];
        b[1][2] += sigma;
    } else if (s == FORK) {
        double z[3] = { 1, 0, 0 }, x[3] = { 1, sigma, 0 };
        for (int j = 0; j < 3; j++) b[0][j] = x[j], b[2][j] = z[j], b[1][j] = z[j] + a * x[j];
        b[1][2] += sigma;
    } else {
        double x[3] = { 1, 0, 0 }, y[3] = { a, 1, 0 };
        for (int j = 0; j < 3; j++) b[0][j] = x[j], b[1][j] = y[j], b[2][j] = x[j] + y[j];
        b[2][2] += sigma;
    }
}

/* determinant of the rows and columns idx[0..m) of the 3 x 3 cov */
static double det_of(const double cov[3][3], const int *idx, int m)
{
    if (m == 1) return cov[idx[0]][idx[0]];
    if (m == 2) return cov[idx[0]][idx[0]] * cov[idx[1]][idx[1]] - cov[idx[0]][idx[1]] * cov[idx[1]][idx[0]];
    return cov[0][0] * (cov[1][1] * cov[2][2] - cov[1][2] * cov[2][1]) -
           cov[0][1] * (cov[1][0] * cov[2][2] - cov[1][2] * cov[2][0]) +
           cov[0][2] * (cov[1][0] * cov[2][1] - cov[1][1] * cov[2][0]);
}

/* per coordinate: out[0] = I(X;Y|Z), out[1] = I(X;Y) */
static void exact_values(const double b[3][3], double out[2])
{
    double cov[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            cov[i][j] = 0;
            for (int m = 0; m < 3; m++) cov[i][j] += b[i][m] * b[j][m];
        }
    const int xz[2] = { 0, 2 }, yz[2] = { 1, 2 }, z[1] = { 2 }, xy[2] = { 0, 1 }, x[1] = { 0 }, y[1] = { 1 };
    const int all[3] = { 0, 1, 2 };
    out[0] = 0.5 * log(det_of(cov, xz, 2) * det_of(cov, yz, 2) / (det_of(cov, z, 1) * det_of(cov, all, 3)));
    out[1] = 0.5 * log(det_of(cov, x, 1) * det_of(cov, y, 1) / det_of(cov, xy, 2));
}

static im_status conditional_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int dim, n[3];
    double sigma, a;
    const char *name;
    im_status st = im_section_int(ctx, sec, "dim", &dim);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_section_float(ctx, sec, "noise", &sigma);
    if (!st) st = im_section_float(ctx, sec, "direct", &a);
    if (!st) st = im_section_string(ctx, sec, "structure", &name);
    if (!st) st = im_dataset_alloc(ctx, ds, n, dim, dim, dim);
    if (st) return st;
    structure s = strcmp(name, "chain") == 0 ? CHAIN : (strcmp(name, "fork") == 0 ? FORK : COLLIDER);
    double b[3][3], exact[2];
    loadings(s, sigma, a, b);
    exact_values(b, exact);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int p = 0; p < 3; p++)
        for (long i = 0; i < (long)splits[p]->x.rows * dim; i++) {
            double e[3] = { im_rng_normal(rng), im_rng_normal(rng), im_rng_normal(rng) }, v[3];
            for (int r = 0; r < 3; r++) v[r] = b[r][0] * e[0] + b[r][1] * e[1] + b[r][2] * e[2];
            splits[p]->x.data[i] = (im_real)v[0];
            splits[p]->y.data[i] = (im_real)v[1];
            splits[p]->t.data[i] = (im_real)v[2];
        }
    ds->y_kind = ds->t_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = dim * exact[1];
    ds->has_true_cmi = 1;
    ds->true_cmi = dim * exact[0];
    return IM_OK;
}

static const im_dataset_vt conditional_vt = { IM_VT_SIZE(im_dataset_vt), .create = conditional_create };
static const im_plugin conditional = IM_PLUGIN(IM_DATASET, "conditional",
                                       "Gaussian chain, fork or collider X, Y, Z (as T) with exact I(X;Y|Z) and I(X;Y)",
                                       conditional_params, &conditional_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &conditional, NULL };
