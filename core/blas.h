/* blas.h — the one place the core names a BLAS routine, so the float64 test
 * build of the core swaps sgemm for dgemm here and nowhere else. */
#ifndef INFOMIN_BLAS_H
#define INFOMIN_BLAS_H

#include <cblas.h>
#include "infomin/real.h"

/* C[m,n] = alpha·op(A)·op(B) + beta·C, row-major. */
static inline void im_gemm(int trans_a, int trans_b, int m, int n, int k, double alpha,
                           const im_real *a, int lda, const im_real *b, int ldb, double beta,
                           im_real *c, int ldc)
{
#ifdef IM_REAL_DOUBLE
    cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
#else
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                m, n, k, (float)alpha, a, lda, b, ldb, (float)beta, c, ldc);
#endif
}

#endif
