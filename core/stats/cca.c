/* cca.c — canonical correlation analysis in double precision on LAPACK.
 *
 * Each covariance is whitened by a K with K Σ Kᵀ = I: K = L⁻¹ from the
 * Cholesky factor Σ = LLᵀ (dpotrf: p³/3 flops; K is applied by triangular
 * solves, never formed: p²q flops for the q columns), or, when Σ is
 * singular (no ridge and a constant or duplicated column), K = Σ^{-1/2} from
 * the symmetric eigendecomposition (dsyev) with eigenvalues below 1e-12 of
 * the largest counted as zero, so a constant column gives correlation 0
 * instead of a division by zero. The canonical correlations are the singular
 * values of Kx Σxy Kyᵀ (dgesdd) — the same for any such K, as two whiteners
 * differ by a rotation — and the top weights are Kxᵀu₁, Kyᵀv₁. The
 * Cholesky path is what makes the slice estimator's refits cheap: with 600
 * features per side, dsyev and dgesvd made a refit take about a second. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/stats.h"

void im_cca_free(im_cca_result *r)
{
    free(r->rho);
    free(r->wx);
    free(r->wy);
    free(r->mx);
    free(r->my);
    memset(r, 0, sizeof *r);
}

/* x (n x p) centred in place, and its column means */
static void center(double *x, int n, int p, double *mean)
{
    for (int c = 0; c < p; c++) mean[c] = 0;
    for (long r = 0; r < n; r++)
        for (int c = 0; c < p; c++) mean[c] += x[r * p + c];
    for (int c = 0; c < p; c++) mean[c] /= n;
    for (long r = 0; r < n; r++)
        for (int c = 0; c < p; c++) x[r * p + c] -= mean[c];
}

static void mirror_lower(double *s, int p)
{
    for (int i = 0; i < p; i++)
        for (int j = i + 1; j < p; j++) s[i * p + j] = s[j * p + i];
}

/* out = s^{-1/2} for a symmetric p x p s (destroyed); work holds p*p doubles */
static int inverse_sqrt(double *s, int p, double *out, double *work)
{
    double *evals = malloc(sizeof(double) * (size_t)p);
    if (!evals) return 0;
    if (LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', p, s, p, evals) != 0) {
        free(evals);
        return 0;
    }
    double top = evals[p - 1] > 0 ? evals[p - 1] : 1.0;
    /* s holds the eigenvectors as columns: out = V diag(λ^{-1/2}) Vᵀ */
    for (int i = 0; i < p; i++)
        for (int j = 0; j < p; j++) work[i * p + j] = evals[j] > 1e-12 * top ? s[i * p + j] / sqrt(evals[j]) : 0.0;
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, p, p, p, 1.0, work, p, s, p, 0.0, out, p);
    free(evals);
    return 1;
}

/* A whitener K with K Σ Kᵀ = I, kept as the Cholesky factor L of Σ
 * (K = L⁻¹, applied by triangular solves: no inverse is formed) or, when Σ
 * is singular, as K = Σ^{-1/2} itself. */
typedef struct {
    double *m;   /* p x p: L (lower triangle read) or K */
    int p, cholesky;
} whitener;

/* Σ (p x p, symmetric, destroyed) into w; work holds p*p doubles. */
static int whitener_fit(double *s, int p, whitener *w, double *work)
{
    w->p = p;
    memcpy(w->m, s, sizeof(double) * (size_t)p * p);
    /* Σ is symmetric, so its row-major array is its column-major one: the
     * column-major upper factor U (Σ = UᵀU) read row-major is L = Uᵀ, with
     * no transposition by LAPACKE. */
    w->cholesky = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', p, w->m, p) == 0;
    return w->cholesky || inverse_sqrt(s, p, w->m, work);
}

/* b (rows x cols) ← K b (left) or b Kᵀ (right); work holds rows*cols doubles */
static void whiten(const whitener *w, int left, double *b, int rows, int cols, double *work)
{
    if (w->cholesky) {   /* L⁻¹ b: solve L X = b;  b L⁻ᵀ: solve X Lᵀ = b */
        cblas_dtrsm(CblasRowMajor, left ? CblasLeft : CblasRight, CblasLower, left ? CblasNoTrans : CblasTrans,
                    CblasNonUnit, rows, cols, 1.0, w->m, w->p, b, cols);
        return;
    }
    if (left)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, cols, rows, 1.0, w->m, rows, b, cols, 0.0, work, cols);
    else
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, cols, 1.0, b, cols, w->m, cols, 0.0, work, cols);
    memcpy(b, work, sizeof(double) * (size_t)rows * cols);
}

/* out ← Kᵀ v (p entries; v read with stride inc) */
static void unwhiten(const whitener *w, const double *v, int inc, double *out)
{
    for (int i = 0; i < w->p; i++) out[i] = v[(size_t)i * inc];
    if (w->cholesky) cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, w->p, w->m, w->p, out, 1);
    else {
        double *copy = malloc(sizeof(double) * (size_t)w->p);
        if (!copy) return;   /* cannot happen for the sizes CCA allocates first; left as v */
        memcpy(copy, out, sizeof(double) * (size_t)w->p);
        cblas_dgemv(CblasRowMajor, CblasTrans, w->p, w->p, 1.0, w->m, w->p, copy, 1, 0.0, out, 1);
        free(copy);
    }
}

im_status im_cca(im_ctx *ctx, const double *x, const double *y, int n, int p, int q, double ridge, im_cca_result *out)
{
    memset(out, 0, sizeof *out);
    if (n < 2 || p < 1 || q < 1) return im_fail(ctx, IM_EINVAL, "cca: need n >= 2 rows and columns, got %dx%d, %dx%d", n, p, n, q);
    double *xc = malloc(sizeof(double) * (size_t)n * p), *yc = malloc(sizeof(double) * (size_t)n * q);
    im_status st = xc && yc ? IM_OK : im_fail(ctx, IM_ENOMEM, "cca: out of memory (%d x %d and %d x %d)", n, p, n, q);
    if (!st) {
        memcpy(xc, x, sizeof(double) * (size_t)n * p);
        memcpy(yc, y, sizeof(double) * (size_t)n * q);
        st = im_cca_inplace(ctx, xc, yc, n, p, q, ridge, out);
    }
    free(xc);
    free(yc);
    return st;
}

im_status im_cca_inplace(im_ctx *ctx, double *xc, double *yc, int n, int p, int q, double ridge, im_cca_result *out)
{
    memset(out, 0, sizeof *out);
    if (n < 2 || p < 1 || q < 1) return im_fail(ctx, IM_EINVAL, "cca: need n >= 2 rows and columns, got %dx%d, %dx%d", n, p, n, q);
    int k = p < q ? p : q, big = p > q ? p : q;
    size_t pp = (size_t)p * p, qq = (size_t)q * q, pq = (size_t)p * q;
    double *sxx = malloc(sizeof(double) * pp), *syy = malloc(sizeof(double) * qq), *t = malloc(sizeof(double) * pq);
    whitener kx = { .m = malloc(sizeof(double) * pp) }, ky = { .m = malloc(sizeof(double) * qq) };
    double *work = malloc(sizeof(double) * ((size_t)big * big > pq ? (size_t)big * big : pq));
    double *u = malloc(sizeof(double) * (size_t)p * k), *vt = malloc(sizeof(double) * (size_t)k * q);
    out->rho = malloc(sizeof(double) * (size_t)k);
    out->wx = malloc(sizeof(double) * (size_t)p);
    out->wy = malloc(sizeof(double) * (size_t)q);
    out->mx = malloc(sizeof(double) * (size_t)p);
    out->my = malloc(sizeof(double) * (size_t)q);
    im_status st = IM_OK;
    if (!sxx || !syy || !t || !kx.m || !ky.m || !work || !u || !vt || !out->rho || !out->wx ||
        !out->wy || !out->mx || !out->my)
        st = im_fail(ctx, IM_ENOMEM, "cca: out of memory (%d x %d and %d x %d)", n, p, n, q);
    if (!st) {
        center(xc, n, p, out->mx);
        center(yc, n, q, out->my);
        double scale = 1.0 / (n - 1);
        /* the covariances by dsyrk (half a dgemm's flops), mirrored */
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, p, n, scale, xc, p, 0.0, sxx, p);
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, q, n, scale, yc, q, 0.0, syy, q);
        mirror_lower(sxx, p);
        mirror_lower(syy, q);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, p, q, n, scale, xc, p, yc, q, 0.0, t, q);
        for (int i = 0; i < p; i++) sxx[i * p + i] += ridge;
        for (int i = 0; i < q; i++) syy[i * q + i] += ridge;
        if (!whitener_fit(sxx, p, &kx, work) || !whitener_fit(syy, q, &ky, work))
            st = im_fail(ctx, IM_ENUMERIC, "cca: whitening failed (eigendecomposition did not converge)");
    }
    if (!st) {
        /* t = kx · sxy · kyᵀ */
        whiten(&kx, 1, t, p, q, work);
        whiten(&ky, 0, t, p, q, work);
        if (LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', p, q, t, q, out->rho, u, k, vt, q) != 0)
            st = im_fail(ctx, IM_ENUMERIC, "cca: SVD did not converge");
    }
    if (!st) {
        for (int i = 0; i < k; i++) out->rho[i] = out->rho[i] > 1.0 ? 1.0 : out->rho[i];
        /* top weights: wx = kxᵀ·u[:,0], wy = kyᵀ·vt[0,:]ᵀ */
        unwhiten(&kx, u, k, out->wx);
        unwhiten(&ky, vt, 1, out->wy);
        out->p = p;
        out->q = q;
        out->k = k;
    }
    free(sxx);
    free(syy);
    free(kx.m);
    free(ky.m);
    free(work);
    free(t);
    free(u);
    free(vt);
    if (st) im_cca_free(out);
    return st;
}

im_status im_cca_mat(im_ctx *ctx, const im_mat *x, const im_mat *y, double ridge, im_cca_result *out)
{
    if (x->rows != y->rows) return im_fail(ctx, IM_EINVAL, "cca: x has %d rows, y has %d", x->rows, y->rows);
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y);
    if (!xd || !yd) {
        free(xd);
        free(yd);
        return im_fail(ctx, IM_ENOMEM, "cca: out of memory");
    }
    im_status st = im_cca(ctx, xd, yd, x->rows, x->cols, y->cols, ridge, out);
    free(xd);
    free(yd);
    return st;
}
