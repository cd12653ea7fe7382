/* special.c — special functions libm does not have. */
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
