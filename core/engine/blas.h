/* blas.h — the one place the core names a BLAS routine, so that the float64
 * test build swaps sgemm for dgemm here and nowhere else, and so that large
 * products are split across the context's worker threads. */
#ifndef INFOMIN_BLAS_H
#define INFOMIN_BLAS_H

#include "infomin/workers.h"
#include "infomin/real.h"

/* C[m,n] = alpha·op(A)·op(B) + beta·C, row-major; split into blocks of C
 * across the workers when the product is large enough to pay for it. */
void im_gemm(im_workers *workers, int trans_a, int trans_b, int m, int n, int k, double alpha, const im_real *a, int lda,
             const im_real *b, int ldb, double beta, im_real *c, int ldc);

/* Σ x_i·y_i over n values (BLAS dot: vectorised, float accumulation). */
double im_dot(int n, const im_real *x, const im_real *y);

#endif
