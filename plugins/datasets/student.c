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
    IM_SPLIT_PARAMS("10000", "2000", "5000", "0"),
    IM_PARAMS_END
};

static im_status student_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    double nu, mi;
    int dim;
    im_status st = im_section_float(ctx, sec, "df", &nu);
    if (!st) st = im_section_int(ctx, sec, "dim", &dim);
    if (!st) st = im_synth_dataset(ctx, sec, rng, nu, ds, &mi);
    if (!st) st = im_dataset_transform(ctx, sec, ds);
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->has_true_mi = 1;
    ds->true_mi = mi + im_student_mi_correction(nu, dim, dim);
    return st;
}

static const im_dataset_vt student_vt = { IM_VT_SIZE(im_dataset_vt), .create = student_create };
static const im_plugin student = IM_PLUGIN(IM_DATASET, "student",
                                   "multivariate Student-t pairs with known MI (Gaussian part + nu correction)",
                                   student_params, &student_vt, .validate = im_synth_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &student, NULL };
