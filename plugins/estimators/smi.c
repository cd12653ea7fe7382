/* smi.c — estimator `smi`: sliced mutual information (Goldfeld &
 * Greenewald 2021),
 *
 *   SI(X;Y) = E_{θ,φ} I(θᵀX; φᵀY),   θ, φ uniform on the unit spheres,
 *
 * the average over K random direction pairs of the MI between the 1-D
 * projections, each estimated by KSG (k neighbours) or by the Gaussian
 * formula −½ log(1 − corr²). `mode = max` reports the largest of the K
 * sliced MIs instead (max-sliced MI over the drawn directions: a lower
 * estimate of the max-sliced MI, which maximises over all directions).
 * Directions are drawn once, at creation, from the run's generator. With
 * the Gaussian 1-D estimator the value is differentiable (objective). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_param_spec smi_params[] = {
    { "slices", "int", "100", "random direction pairs K", ">=1" },
    { "estimator1d", "string", "ksg", "1-D MI estimator of each slice", "ksg|gaussian" },
    { "mode", "string", "average", "average over slices (sliced MI) or their maximum", "average|max" },
    { "k", "int", "3", "KSG neighbours", "1..64" },
    IM_PARAMS_END
};

typedef struct {
    int slices, k, use_ksg, use_max;
    im_mat theta, phi;   /* K x dx, K x dy unit rows */
} smi;

static void smi_destroy(void *self)
{
    smi *s = self;
    im_mat_free(&s->theta);
    im_mat_free(&s->phi);
    free(s);
}

static im_status smi_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    smi *s = calloc(1, sizeof *s);
    if (!s) return im_fail(ctx, IM_ENOMEM, "out of memory");
    const char *e1d, *mode;
    im_status st = im_section_int(ctx, sec, "slices", &s->slices);
    if (!st) st = im_section_int(ctx, sec, "k", &s->k);
    if (!st) st = im_section_string(ctx, sec, "estimator1d", &e1d);
    if (!st) st = im_section_string(ctx, sec, "mode", &mode);
    if (!st) {
        s->use_ksg = strcmp(e1d, "ksg") == 0;
        s->use_max = strcmp(mode, "max") == 0;
        st = im_mat_alloc(ctx, &s->theta, s->slices, dx);
    }
    if (!st) st = im_mat_alloc(ctx, &s->phi, s->slices, dy);
    if (st) {
        smi_destroy(s);
        return st;
    }
    im_rng local;
    im_rng_split(rng, &local);
    im_mat_random_unit_rows(&s->theta, &local);
    im_mat_random_unit_rows(&s->phi, &local);
    *self = s;
    return IM_OK;
}

/* u = x θᵀ, v = y φᵀ (n x K each) */
static void project(const im_mat *m, const im_mat *dirs, double *out)
{
    for (int r = 0; r < m->rows; r++)
        for (int k = 0; k < dirs->rows; k++) {
            double acc = 0;
            for (int c = 0; c < m->cols; c++) acc += (double)im_mat_row(m, r)[c] * im_mat_row(dirs, k)[c];
            out[(long)k * m->rows + r] = acc;   /* slice-major: one column per slice */
        }
}

static double gaussian_1d(const double *u, const double *v, int n)
{
    double mu = 0, mv = 0, suu = 0, svv = 0, suv = 0;
    for (int i = 0; i < n; i++) mu += u[i], mv += v[i];
    mu /= n;
    mv /= n;
    for (int i = 0; i < n; i++) {
        suu += (u[i] - mu) * (u[i] - mu);
        svv += (v[i] - mv) * (v[i] - mv);
        suv += (u[i] - mu) * (v[i] - mv);
    }
    double r = suu > 0 && svv > 0 ? suv / sqrt(suu * svv) : 0;
    r = fabs(r) < 1 - 1e-12 ? r : 1 - 1e-12;
    return -0.5 * log1p(-r * r);
}

static im_status smi_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    smi *s = self;
    int n = x->rows;
    double *u = malloc(sizeof(double) * (size_t)n * s->slices), *v = malloc(sizeof(double) * (size_t)n * s->slices);
    im_status st = u && v ? IM_OK : im_fail(ctx, IM_ENOMEM, "smi: out of memory");
    double total = 0, best = -INFINITY;
    if (!st) {
        project(x, &s->theta, u);
        project(y, &s->phi, v);
    }
    for (int k = 0; !st && k < s->slices; k++) {
        double mi;
        const double *uk = u + (long)k * n, *vk = v + (long)k * n;
        if (s->use_ksg)
            st = im_ksg(ctx, uk, vk, n, 1, 1, s->k, &mi);
        else
            mi = gaussian_1d(uk, vk, n);
        total += mi;
        best = mi > best ? mi : best;
    }
    if (!st) *out = s->use_max ? best : total / s->slices;
    free(u);
    free(v);
    return st;
}

/* Gaussian 1-D slices on the tape: −½ log(1 − corr²) per slice. */
static im_tensor *smi_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    smi *s = self;
    if (!x || !y) return NULL;
    if (s->use_ksg) return im_op_fail(g, "smi: KSG slices are not differentiable (use estimator1d = gaussian)");
    im_tensor *u = im_standardize_cols(g, im_matmul(g, x, im_input(g, &s->theta), 0, 1), 1e-6);
    im_tensor *v = im_standardize_cols(g, im_matmul(g, y, im_input(g, &s->phi), 0, 1), 1e-6);
    im_tensor *corr = im_clamp(g, im_mean(g, im_mul(g, u, v), IM_COLWISE), -0.999999, 0.999999);   /* 1 x K */
    im_tensor *mi = im_scale(g, im_log(g, im_add_scalar(g, im_neg(g, im_square(g, corr)), 1.0)), -0.5);
    /* max mode: a smooth maximum, logsumexp(50·mi)/50, within log(K)/50 of the hard one */
    return s->use_max ? im_scale(g, im_logsumexp(g, im_scale(g, mi, 50.0), IM_ALL), 1.0 / 50) : im_mean(g, mi, IM_ALL);
}

static const im_estimator_vt smi_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = smi_create,
    .destroy = smi_destroy,
    .objective = smi_objective,
    .estimate = smi_estimate,
};
static const im_plugin smi_plugin = IM_PLUGIN(IM_ESTIMATOR, "smi",
                                      "sliced MI: mean (or max) 1-D MI over random projection pairs", smi_params,
                                      &smi_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &smi_plugin, NULL };
