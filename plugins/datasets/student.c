/* student.c — dataset `student`: multivariate Student-t pairs with ν
 * degrees of freedom, (x, y) = (u, v) / sqrt(w/ν), where (u, v) are the
 * correlated Gaussians of the `gaussian` dataset and w ~ χ²_ν.
 *
 * Its MI is the Gaussian MI of the dispersion matrix plus a correction that
 * depends only on ν and the dimensions (from the entropy of the multivariate
 * t, Arellano-Valle, Contreras-Reyes & Genton 2013): with a = ν/2,
 * a_x = (ν + dx)/2, a_y = (ν + dy)/2, a_xy = (ν + dx + dy)/2 and
 * f(s) = s ψ(s) − log Γ(s),
 *   I = I_Gauss + f(a_x) + f(a_y) − f(a_xy) − f(a)   (> I_Gauss, → it as ν → ∞). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_param_spec student_params[] = {
    { "dim", "int", "1", "dimension d of X and of Y", "1..4096" },
    { "mi", "float", "1.0", "MI of the Gaussian part, nats (unless rho is given)", ">=0" },
    { "rho", "float", NULL, "componentwise correlation of the dispersion (overrides mi)", "-0.999999..0.999999" },
    { "df", "float", "3", "degrees of freedom nu", ">0" },
    { "structure", "string", "componentwise", "as in the gaussian dataset", "componentwise|dense" },
    IM_TRANSFORM_PARAMS,
    { "n_train", "int", "10000", "training samples", ">=2" },
    { "n_val", "int", "2000", "validation samples", ">=0" },
    { "n_test", "int", "5000", "test samples", ">=2" },
    { NULL, NULL, NULL, NULL, NULL }
};

static double f(double s) { return s * im_digamma(s) - lgamma(s); }

double student_mi_correction(double nu, int dx, int dy);
double student_mi_correction(double nu, int dx, int dy)
{
    return f((nu + dx) / 2) + f((nu + dy) / 2) - f((nu + dx + dy) / 2) - f(nu / 2);
}

static im_status fill_split(im_ctx *ctx, im_split *s, const im_synth *gen, double nu, im_rng *rng)
{
    int d = gen->dim;
    double *x = malloc(sizeof(double) * 2 * (size_t)d), *y = x ? x + d : NULL;
    if (!x) return im_fail(ctx, IM_ENOMEM, "student: out of memory");
    for (int r = 0; r < s->x.rows; r++) {
        im_synth_sample(gen, rng, x, y);
        double scale = 1 / sqrt(2 * im_rng_gamma(rng, nu / 2) / nu);   /* χ²_ν = 2·Gamma(ν/2) */
        for (int c = 0; c < d; c++) {
            im_mat_row(&s->x, r)[c] = (im_real)(x[c] * scale);
            im_mat_row(&s->y, r)[c] = (im_real)(y[c] * scale);
        }
    }
    free(x);
    return IM_OK;
}

static im_status student_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int dim, n[3];
    double mi = 0, rho = 0, nu;
    const char *structure;
    im_status st = im_cfg_int(ctx, sec, "dim", &dim);
    if (!st) st = im_cfg_int(ctx, sec, "n_train", &n[0]);
    if (!st) st = im_cfg_int(ctx, sec, "n_val", &n[1]);
    if (!st) st = im_cfg_int(ctx, sec, "n_test", &n[2]);
    if (!st) st = im_cfg_float(ctx, sec, "df", &nu);
    if (!st) st = im_cfg_string(ctx, sec, "structure", &structure);
    int has_rho = im_cfg_has(sec, "rho");
    if (!st) st = has_rho ? im_cfg_float(ctx, sec, "rho", &rho) : im_cfg_float(ctx, sec, "mi", &mi);
    if (st) return st;
    if (has_rho) mi = -0.5 * dim * log1p(-rho * rho);
    im_synth gen;
    st = im_synth_init(ctx, &gen, dim, mi, strcmp(structure, "dense") == 0, rng);
    if (st) return st;
    if (has_rho && strcmp(structure, "dense") != 0) im_synth_set_rho(&gen, rho);
    st = im_dataset_alloc(ctx, ds, n, dim, dim, 0);
    if (!st) st = fill_split(ctx, &ds->train, &gen, nu, rng);
    if (!st) st = fill_split(ctx, &ds->val, &gen, nu, rng);
    if (!st) st = fill_split(ctx, &ds->test, &gen, nu, rng);
    if (!st) st = im_dataset_transform(ctx, sec, ds);
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = im_synth_mi(&gen) + student_mi_correction(nu, dim, dim);
    im_synth_free(&gen);
    return st;
}

static const im_dataset_vt student_vt = { .create = student_create };
static const im_plugin student = { IM_ABI_VERSION, IM_DATASET, "student",
                                   "multivariate Student-t pairs with known MI (Gaussian part + nu correction)",
                                   student_params, &student_vt };
const im_plugin *const infomin_plugins[] = { &student, NULL };
