/* knn_info.c — entropy, divergence, conditional and mixed-data MI from
 * k-th-neighbour distances in the max-norm (kdtree.c), the family of KSG:
 *
 * - entropy, Kozachenko & Leonenko (1987) in Kraskov et al.'s (2004) form;
 * - KL divergence between two samples, Wang, Kulkarni & Verdú (2009);
 * - conditional MI, Frenzel & Pompe (2007);
 * - MI of discrete-continuous mixtures, Gao, Kannan, Oh & Viswanath (2017).
 *
 * Each sums its per-point terms in point order: the number does not depend
 * on the thread count. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/stats.h"
#include "kdtree.h"

/* The first row with no distance to its k-th neighbour: entropy and
 * divergence take log ε, which ties make −∞. -1: none. */
static int first_tied(const double *eps, int n)
{
    for (int i = 0; i < n; i++)
        if (!(eps[i] > 0)) return i;
    return -1;
}

static im_status tied_error(im_ctx *ctx, const char *what, const char *sample, int row, int k)
{
    return im_fail(ctx, IM_EINVAL,
                   "%s: row %d of %s has at least k = %d exact copies, so its distance to the k-th neighbour is 0: "
                   "the estimate needs continuous data (add noise far below the data's scale; for the MI of "
                   "discrete columns, estimator mixed)",
                   what, row, sample, k);
}

/* H = ψ(N) − ψ(k) + d·log 2 + (d/N) Σ log ε_i: the ball of radius ε in the
 * max-norm has volume (2ε)^d. */
im_status im_knn_entropy(im_ctx *ctx, const double *x, int n, int d, int k, double *out)
{
    double *eps = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    if (!eps) return im_fail(ctx, IM_ENOMEM, "entropy: out of memory (n = %d)", n);
    im_status st = im_kth_distances(ctx, x, n, d, k, eps);
    int tied = st ? -1 : first_tied(eps, n);
    if (!st && tied >= 0) st = tied_error(ctx, "entropy", "the sample", tied, k);
    if (!st) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += log(eps[i]);
        *out = im_digamma(n) - im_digamma(k) + d * log(2.0) + d * sum / n;
    }
    free(eps);
    return st;
}

/* D(P‖Q) = (d/n) Σ log(ν_i / ρ_i) + log(m / (n − 1)), with ρ_i the distance
 * from p_i to its k-th neighbour among the other p and ν_i to its k-th among
 * the q. Any norm: the balls' volume constants cancel. */
im_status im_knn_kl(im_ctx *ctx, const double *p, int n, const double *q, int m, int d, int k, double *out)
{
    double *rho = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1)), *nu = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    im_status st = rho && nu ? IM_OK : im_fail(ctx, IM_ENOMEM, "kl: out of memory (n = %d)", n);
    if (!st) st = im_kth_distances(ctx, p, n, d, k, rho);
    if (!st) st = im_kth_distances_to(ctx, p, n, q, m, d, k, nu);
    int tied = st ? -1 : first_tied(rho, n);
    if (!st && tied >= 0) st = tied_error(ctx, "kl", "P's sample", tied, k);
    tied = st ? -1 : first_tied(nu, n);
    if (!st && tied >= 0)
        st = im_fail(ctx, IM_EINVAL, "kl: row %d of P's sample has %d copies in Q's: the estimate needs continuous data",
                     tied, k);
    if (!st) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += log(nu[i] / rho[i]);
        *out = d * sum / n + log((double)m / (n - 1));
    }
    free(rho);
    free(nu);
    return st;
}

/* Rows of a and b side by side: n x (da + db). */
static double *side_by_side(const double *a, int da, const double *b, int db, int n)
{
    double *out = malloc(sizeof(double) * (size_t)n * (size_t)(da + db));
    if (!out) return NULL;
    for (long i = 0; i < n; i++) {
        memcpy(out + i * (da + db), a + i * da, sizeof(double) * da);
        memcpy(out + i * (da + db) + da, b + i * db, sizeof(double) * db);
    }
    return out;
}

/* ψ of a count that includes the point itself when ε > 0; with ε = 0
 * (ties) nothing is strictly closer, the point included: ψ(1). */
static double psi_count(int count_with_self, double eps)
{
    return im_digamma(eps > 0 ? count_with_self : count_with_self + 1);
}

/* I(X;Y|Z) = ψ(k) + ⟨ψ(n_z + 1) − ψ(n_xz + 1) − ψ(n_yz + 1)⟩: ε_i the
 * distance to the k-th neighbour in the joint (x, y, z) space, the n the
 * other points strictly within ε_i in each subspace (Frenzel & Pompe 2007,
 * eq. 4). dz = 0 is KSG's estimator 1 but for ψ(N), which FP's form
 * replaces by the counts in the empty space, n_z + 1 = N. */
im_status im_knn_cmi(im_ctx *ctx, const double *x, const double *y, const double *z, int n, int dx, int dy, int dz,
                     int k, double *out)
{
    double *xz = side_by_side(x, dx, z, dz, n), *yz = side_by_side(y, dy, z, dz, n);
    double *xyz = xz ? side_by_side(xz, dx + dz, y, dy, n) : NULL;
    double *eps = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    int *cxz = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1)), *cyz = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    int *cz = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    im_status st = xz && yz && xyz && eps && cxz && cyz && cz ? IM_OK
                                                              : im_fail(ctx, IM_ENOMEM, "cmi: out of memory (n = %d)", n);
    if (!st) st = im_kth_distances(ctx, xyz, n, dx + dy + dz, k, eps);
    if (!st) st = im_counts_within(ctx, xz, n, dx + dz, eps, cxz);
    if (!st) st = im_counts_within(ctx, yz, n, dy + dz, eps, cyz);
    if (!st && dz > 0) st = im_counts_within(ctx, z, n, dz, eps, cz);
    if (!st) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double psi_z = dz > 0 ? psi_count(cz[i], eps[i]) : im_digamma(n);
            sum += psi_z - psi_count(cxz[i], eps[i]) - psi_count(cyz[i], eps[i]);
        }
        *out = im_digamma(k) + sum / n;
    }
    free(xz);
    free(yz);
    free(xyz);
    free(eps);
    free(cxz);
    free(cyz);
    free(cz);
    return st;
}

/* Gao et al. (2017), as the authors' code computes it: per point,
 *   ψ(k̃_i) + log N − ψ(n_x,i) − ψ(n_y,i)
 * where, if the k-th joint neighbour is at ρ_i > 0, k̃_i = k and the n are
 * the points strictly within ρ_i in each marginal, the point included (KSG's
 * counts); if ρ_i = 0 (a discrete atom), k̃_i and the n count the point's
 * exact copies in the joint and in each marginal, itself included. Distances
 * below the smallest denormal are exactly zero: the difference of two
 * distinct doubles is at least that. */
im_status im_mixed_mi(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, int k, double *out)
{
    double *xy = side_by_side(x, dx, y, dy, n);
    double *rho = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1)), *r = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    int *cx = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1)), *cy = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    int *cxy = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    im_status st = xy && rho && r && cx && cy && cxy ? IM_OK
                                                    : im_fail(ctx, IM_ENOMEM, "mixed: out of memory (n = %d)", n);
    if (!st) st = im_kth_distances(ctx, xy, n, dx + dy, k, rho);
    /* the marginals' radius: ρ_i, or "exactly equal" */
    if (!st)
        for (int i = 0; i < n; i++) r[i] = rho[i] > 0 ? rho[i] : DBL_TRUE_MIN;
    if (!st) st = im_counts_within(ctx, x, n, dx, r, cx);
    if (!st) st = im_counts_within(ctx, y, n, dy, r, cy);
    /* the joint's copies, only at the atoms (radius 0 counts nothing, and
     * prunes the search at the root) */
    if (!st)
        for (int i = 0; i < n; i++) r[i] = rho[i] > 0 ? 0 : DBL_TRUE_MIN;
    if (!st) st = im_counts_within(ctx, xy, n, dx + dy, r, cxy);
    if (!st) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int k_i = rho[i] > 0 ? k : cxy[i];
            sum += im_digamma(k_i) - im_digamma(cx[i]) - im_digamma(cy[i]);
        }
        *out = log((double)n) + sum / n;
    }
    free(xy);
    free(rho);
    free(r);
    free(cx);
    free(cy);
    free(cxy);
    return st;
}
