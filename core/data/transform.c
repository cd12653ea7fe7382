/* transform.c — elementwise bijections of R applied to dataset columns.
 * MI is invariant under them, so a dataset's true_mi carries over: this is
 * how estimators are shown to be robust (or not) to non-Gaussian marginals.
 *
 *   cubic       x³
 *   halfcube    x·|x|^½
 *   asinh       asinh(x)
 *   wiggly      X: x + 0.4 sin x + 0.2 sin(1.7x + 1) + 0.03 sin(3.3x − 2.5)
 *               Y: y − 0.4 sin 0.4y + 0.17 sin(1.3y + 3.5) + 0.02 sin(4.3y − 2.5)
 *               (slopes ≥ 0.16 and ≥ 0.53: increasing; Beyond Normal's pair)
 *   normal-cdf  Φ(x), onto (0, 1)
 *   bimodal     F⁻¹(Φ(x)) with F the CDF of a two-Gaussian mixture: X
 *               0.3·N(0,1) + 0.7·N(5,1), Y 0.5·N(−1,1) + 0.5·N(3,1): a
 *               normal margin made bimodal (Beyond Normal)
 * and one map of whole rows (d ≥ 2 columns):
 *   spiral      x ↦ R(‖x‖²/d)·x, R(θ) the rotation by θ in the plane of the
 *               first two coordinates (expm of θ times that so(d) generator):
 *               a bijection, since ‖R x‖ = ‖x‖ and so θ is known from the
 *               image (Beyond Normal's spiral, speed 1/d). */
#include <math.h>
#include <string.h>
#include "infomin/data.h"

enum { NONE, CUBIC, HALFCUBE, ASINH, WIGGLY, NORMAL_CDF, BIMODAL, SPIRAL, KIND_COUNT };
static const char *const kind_names[KIND_COUNT] = { "none",       "cubic",   "halfcube", "asinh",
                                                    "wiggly",     "normal-cdf", "bimodal", "spiral" };

/* The mixture's upper tail Σ w_k Φc(v − μ_k) (decreasing in v). */
static double mixture_tail(const double w[2], const double mu[2], double v)
{
    return 0.5 * (w[0] * erfc((v - mu[0]) / M_SQRT2) + w[1] * erfc((v - mu[1]) / M_SQRT2));
}

/* F⁻¹(Φ(x)) for the mixture, by bisection on whichever tail is small (its
 * erfc keeps full relative precision out to |x| ≈ 38). */
static double mixture_of_normal(const double w[2], const double mu[2], double x)
{
    int upper = x > 0;
    double target = 0.5 * erfc((upper ? x : -x) / M_SQRT2);   /* Φc(x) or Φ(x) */
    double lo = fmin(mu[0], mu[1]) - 40, hi = fmax(mu[0], mu[1]) + 40;
    for (int it = 0; it < 200 && hi - lo > 1e-12 * (1 + fabs(lo)); it++) {
        double mid = 0.5 * (lo + hi);
        double tail = upper ? mixture_tail(w, mu, mid) : 1 - mixture_tail(w, mu, mid);
        if (upper ? tail > target : tail < target)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double apply_one(int kind, im_role role, double x)
{
    static const double wx[2] = { 0.3, 0.7 }, mx[2] = { 0, 5 }, wy[2] = { 0.5, 0.5 }, my[2] = { -1, 3 };
    switch (kind) {
    case CUBIC: return x * x * x;
    case HALFCUBE: return x * sqrt(fabs(x));
    case ASINH: return asinh(x);
    case WIGGLY:
        if (role == IM_ROLE_Y) return x - 0.4 * sin(0.4 * x) + 0.17 * sin(1.3 * x + 3.5) + 0.02 * sin(4.3 * x - 2.5);
        return x + 0.4 * sin(x) + 0.2 * sin(1.7 * x + 1.0) + 0.03 * sin(3.3 * x - 2.5);
    case NORMAL_CDF: return 0.5 * erfc(-x / M_SQRT2);
    case BIMODAL: return role == IM_ROLE_Y ? mixture_of_normal(wy, my, x) : mixture_of_normal(wx, mx, x);
    default: return x;
    }
}

static int kind_of(const char *name)
{
    for (int k = 0; k < KIND_COUNT; k++)
        if (strcmp(name, kind_names[k]) == 0) return k;
    return -1;
}

static void spiral_rows(im_mat *m)
{
    for (int r = 0; r < m->rows; r++) {
        im_real *v = im_mat_row(m, r);
        double norm2 = 0;
        for (int c = 0; c < m->cols; c++) norm2 += (double)v[c] * v[c];
        double th = norm2 / m->cols, c0 = cos(th), s0 = sin(th), a = v[0], b = v[1];
        v[0] = (im_real)(c0 * a - s0 * b);
        v[1] = (im_real)(s0 * a + c0 * b);
    }
}

im_status im_transform_role(im_ctx *ctx, const char *name, im_role role, im_mat *m)
{
    int kind = kind_of(name);
    if (kind < 0) return im_fail(ctx, IM_EINVAL, "unknown transform '%s' (expected %s)", name, IM_TRANSFORM_CHOICES);
    if (kind == NONE || m->rows == 0) return IM_OK;
    if (kind == SPIRAL) {
        if (m->cols < 2)
            return im_fail(ctx, IM_EINVAL, "transform spiral rotates a plane: it needs 2 or more columns, not %d",
                           m->cols);
        spiral_rows(m);
        return IM_OK;
    }
    for (long i = 0; i < (long)m->rows * m->cols; i++) m->data[i] = (im_real)apply_one(kind, role, m->data[i]);
    return IM_OK;
}

im_status im_transform_mat(im_ctx *ctx, const char *name, im_mat *m)
{
    return im_transform_role(ctx, name, IM_ROLE_X, m);
}

void im_swiss_roll(const double *u, int n, double *out)
{
    for (int i = 0; i < n; i++) {
        double t = 1.5 * M_PI * (1 + 2 * u[i]);
        out[2 * i] = t * cos(t) / 21;
        out[2 * i + 1] = t * sin(t) / 21;
    }
}

im_status im_dataset_transform(im_ctx *ctx, const im_section *sec, im_dataset *ds)
{
    const char *name, *on;
    im_status st = im_section_string(ctx, sec, "transform", &name);
    if (!st) st = im_section_string(ctx, sec, "transform_on", &on);
    if (st) return st;
    int do_x = strcmp(on, "y") != 0, do_y = strcmp(on, "x") != 0;
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3 && !st; s++) {
        if (do_x) st = im_transform_role(ctx, name, IM_ROLE_X, &splits[s]->x);
        if (!st && do_y) st = im_transform_role(ctx, name, IM_ROLE_Y, &splits[s]->y);
    }
    return st;
}
