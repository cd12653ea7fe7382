/* special.c — special functions libm does not have, and order statistics
 * of sorted arrays (the sort itself: sort.c). */
#include <math.h>
#include "infomin/stats.h"

/* ψ(x) for x > 0: ψ(x) = ψ(x + 1) − 1/x up to x ≥ 6, then
 * ψ(x) ≈ log x − 1/(2x) − Σ B_2k / (2k x^{2k}), accurate to ~1e-15 there. */
double im_digamma(double x)
{
    double result = 0;
    if (!(x > 0)) return NAN;
    while (x < 6) {
        result -= 1 / x;
        x += 1;
    }
    double inv = 1 / x, inv2 = inv * inv;
    result += log(x) - 0.5 * inv -
              inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132)))));
    return result;
}

/* Φ⁻¹: Abramowitz & Stegun 26.2.23 (error < 4.5e-4) polished by two Halley
 * steps on Φ(x) − p, which triple the digits each. Solved in the lower tail
 * (x <= 0, where erfc keeps full relative precision), then reflected. */
double im_normal_quantile(double p)
{
    if (!(p > 0 && p < 1)) return p == 0 ? -INFINITY : (p == 1 ? INFINITY : NAN);
    double tail = p < 0.5 ? p : 1 - p;
    double t = sqrt(-2 * log(tail));
    double x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
    for (int it = 0; it < 2; it++) {
        double cdf = 0.5 * erfc(-x / M_SQRT2);
        double u = (cdf - tail) * sqrt(2 * M_PI) * exp(0.5 * x * x);   /* (Φ − p) / φ */
        x -= u / (1 + 0.5 * x * u);
    }
    return p < 0.5 ? x : -x;
}

/* The regularised incomplete beta I_x(a, b) by its continued fraction
 * (DLMF 8.17.22), evaluated with Lentz's method where it converges fast
 * (x below (a + 1)/(a + b + 2)), else through I_x(a, b) = 1 − I_{1−x}(b, a). */
static double incomplete_beta(double x, double a, double b)
{
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    if (x > (a + 1) / (a + b + 2)) return 1 - incomplete_beta(1 - x, b, a);
    const double tiny = 1e-300;
    double front = exp(a * log(x) + b * log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b))) / a;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    d = 1 / (fabs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 300; m++) {
        for (int odd = 0; odd < 2; odd++) {
            double num = odd ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                             : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + num * d;
            d = 1 / (fabs(d) < tiny ? tiny : d);
            c = 1 + num / c;
            c = fabs(c) < tiny ? tiny : c;
            h *= d * c;
            if (odd && fabs(d * c - 1) < 1e-15) return front * h;
        }
    }
    return front * h;
}

/* Student's t: F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, inverted by
 * bisection (an upper end doubled until it passes p, then 200 halvings). */
double im_student_quantile(double p, double df)
{
    if (!(p > 0 && p < 1) || !(df > 0)) return NAN;
    if (p < 0.5) return -im_student_quantile(1 - p, df);
    double lo = 0, hi = 1;
    while (1 - 0.5 * incomplete_beta(df / (df + hi * hi), df / 2, 0.5) < p && hi < 1e12) hi *= 2;
    for (int it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
        double mid = 0.5 * (lo + hi);
        if (1 - 0.5 * incomplete_beta(df / (df + mid * mid), df / 2, 0.5) < p) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

double im_median_sorted(const double *v, long n) { return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]); }

double im_quantile_sorted(const double *v, long n, double q)
{
    double pos = q * (n - 1);
    long lo = (long)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (pos - lo) * (v[hi] - v[lo]);
}
