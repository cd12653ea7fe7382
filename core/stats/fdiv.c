/* fdiv.c — the f-divergence family of f-GAN (fdiv.h): generators,
 * derivatives, Fenchel conjugates and output activations, one table.
 * The conjugates are the paper's closed forms; the tests check each
 * against sup_u (t·u − f(u)) found numerically and the Fenchel–Young
 * equality at t = f'(u). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/fdiv.h"

static const im_fdiv_info table[IM_FDIV_COUNT] = {
    [IM_FDIV_TV] = { "tv", "total variation", "½|u − 1|", "t", "|t| ≤ ½", "½ tanh(v)" },
    [IM_FDIV_KL] = { "kl", "Kullback-Leibler", "u log u", "exp(t − 1)", "ℝ", "v" },
    [IM_FDIV_REVERSE_KL] = { "reverse-kl", "reverse Kullback-Leibler", "−log u", "−1 − log(−t)", "t < 0", "−exp(−v)" },
    [IM_FDIV_PEARSON] = { "pearson", "Pearson χ²", "(u − 1)²", "t²/4 + t", "ℝ", "v" },
    [IM_FDIV_NEYMAN] = { "neyman", "Neyman χ²", "(1 − u)²/u", "2 − 2√(1 − t)", "t < 1", "1 − exp(−v)" },
    [IM_FDIV_HELLINGER] = { "hellinger", "squared Hellinger", "(√u − 1)²", "t/(1 − t)", "t < 1", "1 − exp(−v)" },
    [IM_FDIV_JEFFREY] = { "jeffrey", "Jeffrey", "(u − 1) log u", "W(e^(1−t)) + 1/W(e^(1−t)) + t − 2", "ℝ", "v" },
    [IM_FDIV_JS] = { "js", "Jensen-Shannon (2·JS)", "−(u + 1) log((1 + u)/2) + u log u", "−log(2 − exp(t))",
                     "t < log 2", "log 2 − log(1 + exp(−v))" },
    [IM_FDIV_GAN] = { "gan", "GAN (2·JS − log 4)", "u log u − (u + 1) log(u + 1)", "−log(1 − exp(t))", "t < 0",
                      "−log(1 + exp(−v))" },
    [IM_FDIV_ALPHA] = { "alpha", "α-divergence (α ∉ {0, 1})", "(u^α − 1 − α(u − 1)) / (α(α − 1))",
                        "(max(0, t(α − 1) + 1)^(α/(α−1)) − 1)/α", "t < 1/(1 − α) for α < 1; ℝ for α > 1",
                        "1/(1 − α) − log(1 + exp(−v)) for α < 1; v for α > 1" },
};

int im_fdiv_alpha_ok(im_fdiv d, double alpha) { return d != IM_FDIV_ALPHA || (alpha != 0 && alpha != 1); }

const im_fdiv_info *im_fdiv_get(im_fdiv d) { return d >= 0 && d < IM_FDIV_COUNT ? &table[d] : NULL; }

int im_fdiv_find(const char *name, im_fdiv *out)
{
    for (int d = 0; d < IM_FDIV_COUNT; d++)
        if (strcmp(table[d].name, name) == 0) return *out = (im_fdiv)d, 1;
    return 0;
}

/* log(1 + e^x) without overflow */
static double softplus(double x) { return fmax(x, 0) + log1p(exp(-fabs(x))); }

/* u log u, 0 at u = 0 */
static double xlogx(double u) { return u > 0 ? u * log(u) : 0; }

double im_fdiv_f(im_fdiv d, double alpha, double u)
{
    switch (d) {
    case IM_FDIV_TV: return 0.5 * fabs(u - 1);
    case IM_FDIV_KL: return xlogx(u);
    case IM_FDIV_REVERSE_KL: return -log(u);
    case IM_FDIV_PEARSON: return (u - 1) * (u - 1);
    case IM_FDIV_NEYMAN: return (1 - u) * (1 - u) / u;
    case IM_FDIV_HELLINGER: return (sqrt(u) - 1) * (sqrt(u) - 1);
    case IM_FDIV_JEFFREY: return (u - 1) * log(u);
    case IM_FDIV_JS: return -(u + 1) * log((1 + u) / 2) + xlogx(u);
    case IM_FDIV_GAN: return xlogx(u) - (u + 1) * log(u + 1);
    case IM_FDIV_ALPHA: return (pow(u, alpha) - 1 - alpha * (u - 1)) / (alpha * (alpha - 1));
    default: return NAN;
    }
}

double im_fdiv_f_prime(im_fdiv d, double alpha, double u)
{
    switch (d) {
    case IM_FDIV_TV: return u > 1 ? 0.5 : u < 1 ? -0.5 : 0;
    case IM_FDIV_KL: return 1 + log(u);
    case IM_FDIV_REVERSE_KL: return -1 / u;
    case IM_FDIV_PEARSON: return 2 * (u - 1);
    case IM_FDIV_NEYMAN: return 1 - 1 / (u * u);
    case IM_FDIV_HELLINGER: return 1 - 1 / sqrt(u);
    case IM_FDIV_JEFFREY: return log(u) + 1 - 1 / u;
    case IM_FDIV_JS: return log(2 * u / (1 + u));
    case IM_FDIV_GAN: return log(u / (u + 1));
    case IM_FDIV_ALPHA: return (pow(u, alpha - 1) - 1) / (alpha - 1);
    default: return NAN;
    }
}

double im_lambert_w_exp(double L)
{
    /* w + log w = L: Newton from log-space, in the form
     * w ← w (1 + L − log w) / (1 + w), which keeps w > 0 */
    double w = L > 1 ? L - log(L) : exp(L) < 1e-8 ? exp(L) : log1p(exp(L));
    for (int i = 0; i < 100; i++) {
        double next = w * (1 + L - log(w)) / (1 + w);
        if (!(next > 0)) next = w / 2;
        if (fabs(next - w) <= 1e-15 * fabs(next)) return next;
        w = next;
    }
    return w;
}

double im_fdiv_conjugate(im_fdiv d, double alpha, double t)
{
    switch (d) {
    case IM_FDIV_TV: return fabs(t) <= 0.5 ? t : INFINITY;
    case IM_FDIV_KL: return exp(t - 1);
    case IM_FDIV_REVERSE_KL: return t < 0 ? -1 - log(-t) : INFINITY;
    case IM_FDIV_PEARSON: return 0.25 * t * t + t;
    case IM_FDIV_NEYMAN: return t <= 1 ? 2 - 2 * sqrt(1 - t) : INFINITY;
    case IM_FDIV_HELLINGER: return t < 1 ? t / (1 - t) : INFINITY;
    case IM_FDIV_JEFFREY: {
        double w = im_lambert_w_exp(1 - t);
        return w + 1 / w + t - 2;
    }
    case IM_FDIV_JS: return t < log(2.0) ? -log(2 - exp(t)) : INFINITY;
    case IM_FDIV_GAN: return t < 0 ? -log(-expm1(t)) : INFINITY;
    case IM_FDIV_ALPHA: {
        double base = t * (alpha - 1) + 1;
        if (base <= 0) return alpha > 1 ? -1 / alpha : INFINITY;   /* α > 1: the sup at u = 0 */
        return (pow(base, alpha / (alpha - 1)) - 1) / alpha;
    }
    default: return NAN;
    }
}

double im_fdiv_activation(im_fdiv d, double alpha, double v)
{
    switch (d) {
    case IM_FDIV_TV: return 0.5 * tanh(v);
    case IM_FDIV_REVERSE_KL: return -exp(-v);
    case IM_FDIV_NEYMAN:
    case IM_FDIV_HELLINGER: return -expm1(-v);
    case IM_FDIV_JS: return log(2.0) - softplus(-v);
    case IM_FDIV_GAN: return -softplus(-v);
    case IM_FDIV_ALPHA: return alpha > 1 ? v : 1 / (1 - alpha) - softplus(-v);
    case IM_FDIV_KL:
    case IM_FDIV_PEARSON:
    case IM_FDIV_JEFFREY: return v;
    default: return NAN;
    }
}

/* σ(v) = 1/(1 + e^(−v)) without overflow */
static double sigmoid(double v) { return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v)); }

double im_fdiv_activation_prime(im_fdiv d, double alpha, double v)
{
    switch (d) {
    case IM_FDIV_TV: {
        double t = tanh(v);
        return 0.5 * (1 - t * t);
    }
    case IM_FDIV_REVERSE_KL:
    case IM_FDIV_NEYMAN:
    case IM_FDIV_HELLINGER: return exp(-v);
    case IM_FDIV_JS:
    case IM_FDIV_GAN: return sigmoid(-v);
    case IM_FDIV_ALPHA: return alpha > 1 ? 1 : sigmoid(-v);
    case IM_FDIV_KL:
    case IM_FDIV_PEARSON:
    case IM_FDIV_JEFFREY: return 1;
    default: return NAN;
    }
}

/* the α member's base t(α − 1) + 1 at t = g(v): (1 − α)·softplus(−v) for
 * α < 1, written so that it never cancels */
static double alpha_base(double alpha, double v)
{
    return alpha > 1 ? fmax(0, v * (alpha - 1) + 1) : (1 - alpha) * softplus(-v);
}

double im_fdiv_conjugate_of_activation(im_fdiv d, double alpha, double v)
{
    switch (d) {
    case IM_FDIV_TV: return 0.5 * tanh(v);
    case IM_FDIV_KL: return exp(v - 1);
    case IM_FDIV_REVERSE_KL: return v - 1;
    case IM_FDIV_PEARSON: return 0.25 * v * v + v;
    case IM_FDIV_NEYMAN: return 2 - 2 * exp(-0.5 * v);
    case IM_FDIV_HELLINGER: return expm1(v);
    case IM_FDIV_JEFFREY: return im_fdiv_conjugate(d, alpha, v);
    case IM_FDIV_JS: return softplus(v) - log(2.0);
    case IM_FDIV_GAN: return softplus(v);
    case IM_FDIV_ALPHA: {
        double base = alpha_base(alpha, v);
        return base > 0 ? (exp(alpha / (alpha - 1) * log(base)) - 1) / alpha : -1 / alpha;
    }
    default: return NAN;
    }
}

double im_fdiv_conjugate_of_activation_prime(im_fdiv d, double alpha, double v)
{
    /* (f*)'(t) is the maximiser u*(t) = (f')⁻¹(t); times g'(v) */
    switch (d) {
    case IM_FDIV_TV: return im_fdiv_activation_prime(d, alpha, v);
    case IM_FDIV_KL: return exp(v - 1);
    case IM_FDIV_REVERSE_KL: return 1;
    case IM_FDIV_PEARSON: return 0.5 * v + 1;
    case IM_FDIV_NEYMAN: return exp(-0.5 * v);
    case IM_FDIV_HELLINGER: return exp(v);
    case IM_FDIV_JEFFREY: return 1 / im_lambert_w_exp(1 - v);
    case IM_FDIV_JS:
    case IM_FDIV_GAN: return sigmoid(v);
    case IM_FDIV_ALPHA: {
        double base = alpha_base(alpha, v);
        return base > 0 ? exp(log(base) / (alpha - 1)) * im_fdiv_activation_prime(d, alpha, v) : 0;
    }
    default: return NAN;
    }
}

/* ---- exact values ---- */

/* lim f(u)/u as u → ∞: what a point with q = 0 and p > 0 adds, per unit of p */
static double f_at_infinity(im_fdiv d, double alpha)
{
    switch (d) {
    case IM_FDIV_TV: return 0.5;
    case IM_FDIV_REVERSE_KL: return 0;
    case IM_FDIV_HELLINGER: return 1;
    case IM_FDIV_NEYMAN: return 1;
    case IM_FDIV_JS: return log(2.0);
    case IM_FDIV_GAN: return 0;
    case IM_FDIV_ALPHA: return alpha < 1 ? 1 / (1 - alpha) : INFINITY;
    default: return INFINITY;   /* kl, pearson, jeffrey grow faster than u */
    }
}

double im_fdiv_on_grid(im_fdiv d, double alpha, const double *p, const double *q, long n, double cell)
{
    double sum = 0;
    for (long i = 0; i < n; i++) {
        if (q[i] > 0) sum += q[i] * im_fdiv_f(d, alpha, p[i] / q[i]);
        else if (p[i] > 0) sum += p[i] * f_at_infinity(d, alpha);
    }
    return sum * cell;
}

/* log ∫ p^a q^(1−a) over one coordinate (p = N(mp, sp²), q = N(mq, sq²));
 * +∞ where it diverges (the combined precision not positive) */
static double log_power_integral(double a, double mp, double sp, double mq, double sq)
{
    double prec = a / (sp * sp) + (1 - a) / (sq * sq);
    if (!(prec > 0)) return INFINITY;
    double b = a * mp / (sp * sp) + (1 - a) * mq / (sq * sq), c = a * mp * mp / (sp * sp) + (1 - a) * mq * mq / (sq * sq);
    return -a * log(sp) - (1 - a) * log(sq) - 0.5 * log(prec) - 0.5 * (c - b * b / prec);
}

/* KL(N(mp, sp²) ‖ N(mq, sq²)) for one coordinate */
static double kl_1d(double mp, double sp, double mq, double sq)
{
    return log(sq / sp) + (sp * sp + (mp - mq) * (mp - mq)) / (2 * sq * sq) - 0.5;
}

/* D_f on a grid covering both Gaussians ±12 sd (1-D: 20,001 points; 2-D:
 * 1,201² points), and its change when the grid is halved as the error */
static double on_gaussian_grid(im_fdiv d, double alpha, int dim, const double *mp, const double *sp, const double *mq,
                               const double *sq, int points, double *error)
{
    double lo[2], step[2];
    for (int k = 0; k < dim; k++) {
        lo[k] = fmin(mp[k] - 12 * sp[k], mq[k] - 12 * sq[k]);
        double hi = fmax(mp[k] + 12 * sp[k], mq[k] + 12 * sq[k]);
        step[k] = (hi - lo[k]) / (points - 1);
    }
    long n = dim == 1 ? points : (long)points * points;
    double *p = malloc(sizeof(double) * (size_t)n), *q = malloc(sizeof(double) * (size_t)n), value = NAN;
    if (!p || !q) goto out;
    for (long i = 0; i < n; i++) {
        double lp = 0, lq = 0;
        for (int k = 0; k < dim; k++) {
            long at = k == 0 ? i % points : i / points;
            double x = lo[k] + at * step[k], zp = (x - mp[k]) / sp[k], zq = (x - mq[k]) / sq[k];
            lp += -0.5 * zp * zp - log(sp[k]) - 0.5 * log(2 * M_PI);
            lq += -0.5 * zq * zq - log(sq[k]) - 0.5 * log(2 * M_PI);
        }
        p[i] = exp(lp), q[i] = exp(lq);
    }
    double cell = dim == 1 ? step[0] : step[0] * step[1];
    value = im_fdiv_on_grid(d, alpha, p, q, n, cell);
    if (error) {   /* the same sum on every second point of each axis: a grid twice as coarse */
        long kept = 0;
        for (long i = 0; i < n; i++)
            if ((i % points) % 2 == 0 && (dim == 1 || (i / points) % 2 == 0)) p[kept] = p[i], q[kept] = q[i], kept++;
        *error = fabs(value - im_fdiv_on_grid(d, alpha, p, q, kept, cell * (dim == 1 ? 2 : 4)));
    }
out:
    free(p);
    free(q);
    return value;
}

double im_fdiv_gaussian(im_fdiv d, double alpha, int dim, const double *mp, const double *sp, const double *mq,
                        const double *sq, double *error)
{
    if (error) *error = 0;
    double kl = 0, rkl = 0, log_int = 0;
    switch (d) {
    case IM_FDIV_KL:
    case IM_FDIV_REVERSE_KL:
    case IM_FDIV_JEFFREY:
        for (int k = 0; k < dim; k++) kl += kl_1d(mp[k], sp[k], mq[k], sq[k]), rkl += kl_1d(mq[k], sq[k], mp[k], sp[k]);
        return d == IM_FDIV_KL ? kl : d == IM_FDIV_REVERSE_KL ? rkl : kl + rkl;
    case IM_FDIV_HELLINGER:
    case IM_FDIV_PEARSON:
    case IM_FDIV_NEYMAN:
    case IM_FDIV_ALPHA: {
        /* ∫ q f(p/q) from I(a) = ∫ p^a q^(1−a): Hellinger 2 − 2 I(½),
         * Pearson I(2) − 1, Neyman I(−1) − 1, α (I(α) − 1)/(α(α − 1)) */
        double a = d == IM_FDIV_HELLINGER ? 0.5 : d == IM_FDIV_PEARSON ? 2 : d == IM_FDIV_NEYMAN ? -1 : alpha;
        for (int k = 0; k < dim; k++) log_int += log_power_integral(a, mp[k], sp[k], mq[k], sq[k]);
        double I = exp(log_int);
        return d == IM_FDIV_HELLINGER ? 2 - 2 * I : d == IM_FDIV_ALPHA ? (I - 1) / (alpha * (alpha - 1)) : I - 1;
    }
    default:
        if (dim < 1 || dim > 2) return NAN;
        return on_gaussian_grid(d, alpha, dim, mp, sp, mq, sq, dim == 1 ? 20001 : 1201, error);
    }
}
