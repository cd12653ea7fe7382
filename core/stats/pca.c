/* pca.c — principal components for pictures: the projection of n rows
 * onto the top k eigenvectors of their covariance (LAPACK dsyev), each
 * component's sign fixed so that its largest loading is positive (the
 * same data give the same picture). */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/stats.h"

im_status im_pca_project(im_ctx *ctx, const double *x, int n, int d, int k, double *out)
{
    if (n < 2 || d < 1 || k < 1 || k > d)
        return im_fail(ctx, IM_EINVAL, "PCA: %d rows of %d columns onto %d components", n, d, k);
    double *mean = calloc((size_t)d, sizeof(double)), *xc = malloc(sizeof(double) * (size_t)n * d);
    double *cov = malloc(sizeof(double) * (size_t)d * d), *evals = malloc(sizeof(double) * (size_t)d);
    im_status st = mean && xc && cov && evals ? IM_OK : im_fail(ctx, IM_ENOMEM, "PCA: out of memory");
    if (!st) {
        for (long r = 0; r < n; r++)
            for (int c = 0; c < d; c++) mean[c] += x[r * d + c] / n;
        for (long r = 0; r < n; r++)
            for (int c = 0; c < d; c++) xc[r * d + c] = x[r * d + c] - mean[c];
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, d, n, 1.0 / (n - 1), xc, d, 0.0, cov, d);
        if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', d, cov, d, evals) != 0)
            st = im_fail(ctx, IM_ENUMERIC, "PCA: the eigendecomposition of the %dx%d covariance failed", d, d);
    }
    for (int j = 0; !st && j < k; j++) {   /* eigenvalues ascend: component j is column d−1−j */
        int col = d - 1 - j, top = 0;
        for (int i = 1; i < d; i++)
            if (fabs(cov[i * d + col]) > fabs(cov[top * d + col])) top = i;
        double sign = cov[top * d + col] < 0 ? -1 : 1;
        for (long r = 0; r < n; r++) {
            double s = 0;
            for (int i = 0; i < d; i++) s += xc[r * d + i] * cov[i * d + col];
            out[r * k + j] = sign * s;
        }
    }
    free(mean);
    free(xc);
    free(cov);
    free(evals);
    return st;
}
