/* nonlinear.c — dataset `nonlinear`: y = f(x) + σ ε per coordinate, x, ε ~
 * N(0, 1), f ∈ {linear, sin, cube}: MINE's invariance experiment (the same
 * MI through very different dependence).
 *
 * True MI, per coordinate (coordinates are independent, so they add):
 *   I = h(Y) − h(Y | X) = h(Y) − ½ log(2πe σ²),
 * where h(Y) = −∫ p log p with p(y) = ∫ φ(x) φ_σ(y − f(x)) dx. Both integrals
 * are taken numerically: x on a 4001-point grid over [−8, 8] (φ(8) ~ 1e-15),
 * y on a 20001-point grid spanning f's range ± 10σ, trapezoid rule. For
 * f = linear the closed form ½ log(1 + 1/σ²) checks it (tests/). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec nonlinear_params[] = {
    { "dim", "int", "1", "independent coordinates", "1..4096" },
    { "f", "string", "linear", "y = f(x) + sigma * noise", "linear|sin|cube" },
    { "sigma", "float", "0.5", "noise standard deviation", ">0" },
    IM_TRANSFORM_PARAMS,
    IM_SPLIT_PARAMS("10000", "2000", "5000", "0"),
    IM_PARAMS_END
};

typedef enum { F_LINEAR, F_SIN, F_CUBE } fn_kind;

static double apply(fn_kind f, double x) { return f == F_LINEAR ? x : (f == F_SIN ? sin(x) : x * x * x); }

#define NX 4001
#define NY 20001
#define X_MAX 8.0

double nonlinear_true_mi(int f, double sigma);
double nonlinear_true_mi(int f, double sigma)
{
    double *fx = malloc(sizeof(double) * NX), *wx = malloc(sizeof(double) * NX);
    if (!fx || !wx) {
        free(fx);
        free(wx);
        return NAN;
    }
    double dx = 2 * X_MAX / (NX - 1), lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < NX; i++) {
        double x = -X_MAX + i * dx;
        fx[i] = apply((fn_kind)f, x);
        /* trapezoid weight times the standard normal density */
        wx[i] = (i == 0 || i == NX - 1 ? 0.5 : 1.0) * dx * exp(-0.5 * x * x) / sqrt(2 * M_PI);
        lo = fx[i] < lo ? fx[i] : lo;
        hi = fx[i] > hi ? fx[i] : hi;
    }
    lo -= 10 * sigma;
    hi += 10 * sigma;
    double dy = (hi - lo) / (NY - 1), h = 0, norm = 1 / (sigma * sqrt(2 * M_PI));
    for (int j = 0; j < NY; j++) {
        double y = lo + j * dy, p = 0;
        for (int i = 0; i < NX; i++) {
            double z = (y - fx[i]) / sigma;
            if (fabs(z) < 12) p += wx[i] * norm * exp(-0.5 * z * z);
        }
        if (p > 0) h -= (j == 0 || j == NY - 1 ? 0.5 : 1.0) * dy * p * log(p);
    }
    free(fx);
    free(wx);
    return h - 0.5 * log(2 * M_PI * M_E * sigma * sigma);
}

static im_status nonlinear_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int dim, n[3];
    double sigma;
    const char *fname;
    im_status st = im_section_int(ctx, sec, "dim", &dim);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_section_float(ctx, sec, "sigma", &sigma);
    if (!st) st = im_section_string(ctx, sec, "f", &fname);
    if (!st) st = im_dataset_alloc(ctx, ds, n, dim, dim, 0);
    if (st) return st;
    fn_kind f = strcmp(fname, "sin") == 0 ? F_SIN : (strcmp(fname, "cube") == 0 ? F_CUBE : F_LINEAR);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3; s++)
        for (long i = 0; i < (long)splits[s]->x.rows * dim; i++) {
            double x = im_rng_normal(rng);
            splits[s]->x.data[i] = (im_real)x;
            splits[s]->y.data[i] = (im_real)(apply(f, x) + sigma * im_rng_normal(rng));
        }
    st = im_dataset_transform(ctx, sec, ds);
    double per_coordinate = nonlinear_true_mi(f, sigma);
    if (!st && !isfinite(per_coordinate)) st = im_fail(ctx, IM_ENOMEM, "nonlinear: out of memory");
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = dim * per_coordinate;
    return st;
}

static const im_dataset_vt nonlinear_vt = { IM_VT_SIZE(im_dataset_vt), .create = nonlinear_create };
static const im_plugin nonlinear = IM_PLUGIN(IM_DATASET, "nonlinear",
                                     "y = f(x) + noise, f in linear|sin|cube; true MI by numerical integration",
                                     nonlinear_params, &nonlinear_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &nonlinear, NULL };
