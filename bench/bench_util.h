/* bench_util.h — shared by the benchmark programs: a monotonic clock and the
 * sgemm probe that defines the "sgemm-bound limit". */
#ifndef INFOMIN_BENCH_UTIL_H
#define INFOMIN_BENCH_UTIL_H

#include <cblas.h>
#include <stdlib.h>
#include "infomin/clock.h"

static inline double now(void) { return im_seconds(); }   /* the library's clock */

/* Best of 5 runs of a 2048³ cblas_sgemm at OpenBLAS's current thread count,
 * GFLOP/s: the machine's matrix-product speed, measured in the same run. */
static inline double sgemm_gflops(void)
{
    const int n = 2048;
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) return 0;
    for (long i = 0; i < (long)n * n; i++) a[i] = b[i] = (float)((i % 17) - 8) / 8.0f;
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        double gf = 2.0 * n * n * n / (now() - t0) / 1e9;
        best = gf > best ? gf : best;
    }
    free(a);
    free(b);
    free(c);
    return best;
}

/* The limit for one row: sgemm measured again after the row, the larger of
 * that and `before` (the table's probe) kept, since a busy moment during
 * one probe lowers it and would inflate the row's ratio. */
static inline double sgemm_gflops_again(double before)
{
    double again = sgemm_gflops();
    return again > before ? again : before;
}

/* A ratio above 1 beats the product it is bounded by: a measurement error
 * (the machine was busier during the probes than during the row), never a
 * result. Printed after the row. */
static inline const char *ratio_mark(double ratio) { return ratio > 1 ? "  INVALID: above the limit (a busy probe)" : ""; }

#endif
