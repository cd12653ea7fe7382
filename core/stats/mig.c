/* mig.c — the mutual information gap (Chen et al. 2018, "Isolating sources
 * of disentanglement in VAEs"): for each known discrete factor v_k, the
 * estimated I(z_j; v_k) of every code dimension j, and the gap between the
 * largest two as a share of the factor's entropy:
 *     MIG = 1/K Σ_k (I_(1)(v_k) − I_(2)(v_k)) / H(v_k)
 * near 1 when each factor lives in one dimension of the code, near 0 when
 * it is spread over several or absent. Chen et al. bin z_j; here each I is
 * the project's KSG (k = 3) between the standardised z_j and the factor
 * with a 1e-6 jitter, which makes KSG Ross's (2014) estimator of a discrete
 * variable against a continuous one; negative estimates count as 0. H is
 * the plug-in entropy of the factor's levels in the rows read. */
#include <math.h>
#include <stdlib.h>
#include "infomin/stats.h"

#define KSG_K 3

/* plug-in entropy (nats) of column c of t's first n rows; NaN beyond
 * max_levels distinct values (not a discrete factor) */
static double factor_entropy(const im_mat *t, int c, int n, int max_levels, double *value, int *count)
{
    int levels = 0;
    for (int r = 0; r < n; r++) {
        double v = im_mat_row(t, r)[c];
        int k = 0;
        while (k < levels && value[k] != v) k++;
        if (k == levels) {
            if (levels == max_levels) return NAN;
            value[levels] = v, count[levels++] = 0;
        }
        count[k]++;
    }
    double h = 0;
    for (int k = 0; k < levels; k++) h -= (double)count[k] / n * log((double)count[k] / n);
    return h;
}

/* column j of z's first n rows, standardised; 0 for a constant column */
static int standardized_column(const im_mat *z, int j, int n, double *out)
{
    double mean = 0, var = 0;
    for (int r = 0; r < n; r++) mean += im_mat_row(z, r)[j];
    mean /= n;
    for (int r = 0; r < n; r++) var += (im_mat_row(z, r)[j] - mean) * (im_mat_row(z, r)[j] - mean);
    double sd = sqrt(var / n);
    if (!(sd > 1e-12)) return 0;
    for (int r = 0; r < n; r++) out[r] = (im_mat_row(z, r)[j] - mean) / sd;
    return 1;
}

/* I(z_j; v) for every j: the largest two into first, second */
static im_status top_two(im_ctx *ctx, const double *zc, const char *varies, int n, int dz, const double *v,
                         double *first, double *second)
{
    *first = *second = 0;
    for (int j = 0; j < dz; j++) {
        double mi = 0;
        if (varies[j]) {
            im_status st = im_ksg(ctx, zc + (size_t)j * n, v, n, 1, 1, KSG_K, &mi);
            if (st) return st;
        }
        if (mi > *first) *second = *first, *first = mi;
        else if (mi > *second) *second = mi;
    }
    return IM_OK;
}

im_status im_mig(im_ctx *ctx, const im_mat *z, const im_mat *factors, int rows, int max_levels, im_rng *rng,
                 double *mig, double *per_factor)
{
    int n = rows < z->rows ? rows : z->rows, dz = z->cols;
    *mig = NAN;
    if (n < 2 * KSG_K + 2 || factors->rows < n)
        return im_fail(ctx, IM_EINVAL, "MIG: %d rows of codes and %d of factors (need at least %d of both)", z->rows,
                       factors->rows, 2 * KSG_K + 2);
    double *zc = malloc(sizeof(double) * (size_t)n * (size_t)dz), *v = malloc(sizeof(double) * (size_t)n);
    double *value = malloc(sizeof(double) * (size_t)max_levels);
    int *count = malloc(sizeof(int) * (size_t)max_levels);
    char *varies = malloc((size_t)dz);
    im_status st = zc && v && value && count && varies ? IM_OK : im_fail(ctx, IM_ENOMEM, "MIG: out of memory");
    for (int j = 0; j < dz && !st; j++) varies[j] = (char)standardized_column(z, j, n, zc + (size_t)j * n);
    double total = 0;
    int used = 0;
    for (int c = 0; c < factors->cols && !st; c++) {
        double h = factor_entropy(factors, c, n, max_levels, value, count), first, second;
        per_factor[c] = NAN;
        if (!(h > 0)) continue;   /* continuous, or constant in these rows */
        for (int r = 0; r < n; r++) v[r] = im_mat_row(factors, r)[c] + 1e-6 * im_rng_uniform(rng);
        st = top_two(ctx, zc, varies, n, dz, v, &first, &second);
        if (st) break;
        per_factor[c] = (first - second) / h;
        total += per_factor[c];
        used++;
    }
    if (!st && used) *mig = total / used;
    free(zc);
    free(v);
    free(value);
    free(count);
    free(varies);
    return st;
}
