/* mvn.c — jointly Gaussian (X, Y) from any joint covariance, and the
 * multivariate Student-t built on it: the generators of the Beyond-Normal
 * benchmark's dense, sparse ("2-pair") and Student tasks.
 *
 * The covariance Σ of (X, Y) (dx + dy square, unit-free) is factored once,
 * Σ = L Lᵀ (Cholesky); a sample is L z with z ~ N(0, I), and with ν > 0
 * degrees of freedom it is divided by sqrt(w/ν), w ~ χ²_ν. The MI is
 *   Gaussian:   I = ½ (log det Σ_XX + log det Σ_YY − log det Σ)
 *   Student-t:  the same plus im_student_mi_correction(ν, dx, dy)
 * (the entropy of the multivariate t, Arellano-Valle, Contreras-Reyes &
 * Genton 2013). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/data.h"
#include "infomin/stats.h"

/* In-place Cholesky of the n x n row-major a (lower triangle kept, upper
 * zeroed); log det a into *logdet. 0 unless a is not positive definite. */
static int cholesky(double *a, int n, double *logdet)
{
    *logdet = 0;
    for (int j = 0; j < n; j++) {
        double d = a[j * n + j];
        for (int k = 0; k < j; k++) d -= a[j * n + k] * a[j * n + k];
        if (!(d > 0)) return -1;
        d = sqrt(d);
        a[j * n + j] = d;
        *logdet += 2 * log(d);
        for (int i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++) s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / d;
        }
        for (int k = j + 1; k < n; k++) a[j * n + k] = 0;
    }
    return 0;
}

/* log det of the square block [from, from + m) of the n x n cov */
static int block_logdet(const double *cov, int n, int from, int m, double *logdet)
{
    double *b = malloc(sizeof(double) * (size_t)m * m);
    if (!b) return -1;
    for (int i = 0; i < m; i++) memcpy(b + (size_t)i * m, cov + (size_t)(from + i) * n + from, sizeof(double) * m);
    int r = cholesky(b, m, logdet);
    free(b);
    return r;
}

im_status im_mvn_init(im_ctx *ctx, im_mvn *g, int dx, int dy, const double *cov, double nu)
{
    int n = dx + dy;
    memset(g, 0, sizeof *g);
    g->dx = dx;
    g->dy = dy;
    g->nu = nu;
    g->chol = malloc(sizeof(double) * (size_t)n * n);
    if (!g->chol) return im_fail(ctx, IM_ENOMEM, "Gaussian generator: out of memory");
    memcpy(g->chol, cov, sizeof(double) * (size_t)n * n);
    double ld, ldx, ldy;
    if (cholesky(g->chol, n, &ld) || block_logdet(cov, n, 0, dx, &ldx) || block_logdet(cov, n, dx, dy, &ldy)) {
        im_mvn_free(g);
        return im_fail(ctx, IM_EINVAL, "Gaussian generator: the %d x %d covariance is not positive definite", n, n);
    }
    g->mi = 0.5 * (ldx + ldy - ld) + (nu > 0 ? im_student_mi_correction(nu, dx, dy) : 0);
    return IM_OK;
}

void im_mvn_sample(const im_mvn *g, im_rng *rng, double *z, double *x, double *y)
{
    int n = g->dx + g->dy;
    for (int i = 0; i < n; i++) z[i] = im_rng_normal(rng);
    double scale = g->nu > 0 ? 1 / sqrt(2 * im_rng_gamma(rng, g->nu / 2) / g->nu) : 1.0;   /* χ²_ν = 2·Gamma(ν/2) */
    for (int i = n - 1; i >= 0; i--) {   /* L z, bottom up so z[0..i] is still unread */
        double s = 0;
        for (int k = 0; k <= i; k++) s += g->chol[(size_t)i * n + k] * z[k];
        z[i] = s * scale;
    }
    memcpy(x, z, sizeof(double) * (size_t)g->dx);
    memcpy(y, z + g->dx, sizeof(double) * (size_t)g->dy);
}

void im_mvn_free(im_mvn *g)
{
    free(g->chol);
    memset(g, 0, sizeof *g);
}

static double entropy_term(double s) { return s * im_digamma(s) - lgamma(s); }

double im_student_mi_correction(double nu, int dx, int dy)
{
    return entropy_term((nu + dx) / 2) + entropy_term((nu + dy) / 2) - entropy_term((nu + dx + dy) / 2) -
           entropy_term(nu / 2);
}
