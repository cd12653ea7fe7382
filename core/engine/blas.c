/* blas.c — sgemm (dgemm in the float64 test build), split by blocks of C.
 *
 * Rows of C come from rows of op(A), columns of C from columns of op(B), so
 * a block of C needs only a slice of one operand: blocks are independent and
 * the result does not depend on timing. */
#include <cblas.h>
#include "blas.h"

/* Below this many flops a split costs more than it saves (a wake-up is a
 * few microseconds; 1 MFLOP is ~10 µs on one core). */
#define SPLIT_MIN_FLOPS 1e6

typedef struct {
    int trans_a, trans_b, m, n, k;
    double alpha, beta;
    const im_real *a, *b;
    im_real *c;
    int lda, ldb, ldc;
    int split_rows;   /* 1: split m, 0: split n */
} gemm_job;

static void gemm_call(const gemm_job *j, int m0, int m1, int n0, int n1)
{
    const im_real *a = j->split_rows ? (j->trans_a ? j->a + m0 : j->a + (long)m0 * j->lda) : j->a;
    const im_real *b = j->split_rows ? j->b : (j->trans_b ? j->b + (long)n0 * j->ldb : j->b + n0);
    im_real *c = j->c + (long)m0 * j->ldc + n0;
    int m = m1 - m0, n = n1 - n0;
    if (m <= 0 || n <= 0) return;
#ifdef IM_REAL_DOUBLE
    cblas_dgemm(CblasRowMajor, j->trans_a ? CblasTrans : CblasNoTrans, j->trans_b ? CblasTrans : CblasNoTrans, m, n,
                j->k, j->alpha, a, j->lda, b, j->ldb, j->beta, c, j->ldc);
#else
    cblas_sgemm(CblasRowMajor, j->trans_a ? CblasTrans : CblasNoTrans, j->trans_b ? CblasTrans : CblasNoTrans, m, n,
                j->k, (float)j->alpha, a, j->lda, b, j->ldb, (float)j->beta, c, j->ldc);
#endif
}

static void gemm_part(void *arg, int part, int n_parts)
{
    const gemm_job *j = arg;
    int len = j->split_rows ? j->m : j->n;
    int lo = (int)((long)len * part / n_parts), hi = (int)((long)len * (part + 1) / n_parts);
    if (j->split_rows)
        gemm_call(j, lo, hi, 0, j->n);
    else
        gemm_call(j, 0, j->m, lo, hi);
}

void im_gemm(im_workers *workers, int trans_a, int trans_b, int m, int n, int k, double alpha, const im_real *a, int lda,
             const im_real *b, int ldb, double beta, im_real *c, int ldc)
{
    gemm_job j = { trans_a, trans_b, m, n, k, alpha, beta, a, b, c, lda, ldb, ldc, m >= n };
    int threads = im_workers_count(workers);
    if (threads == 1 || 2.0 * m * n * k < SPLIT_MIN_FLOPS || (m >= n ? m : n) < 2 * threads)
        gemm_call(&j, 0, m, 0, n);
    else
        im_workers_run(workers, gemm_part, &j);
}

double im_dot(int n, const im_real *x, const im_real *y)
{
#ifdef IM_REAL_DOUBLE
    return cblas_ddot(n, x, 1, y, 1);
#else
    return cblas_sdot(n, x, 1, y, 1);
#endif
}
