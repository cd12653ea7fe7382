/* bench_coverage.c — how often the interval im_mi_interval reports holds
 * the truth: 200 independent samples of a Gaussian pair with known MI, the
 * 95% half-sampling interval of each, per estimator the share that holds
 * the true MI (a calibrated interval: near 95%), the mean width, and the
 * estimate's own bias and spread over the 200 samples beside them (an
 * interval of the sampling noise cannot cover a bias larger than itself).
 *
 *   usage: bench_coverage [repetitions] [rows]     (defaults 200, 2000) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "infomin/infomin.h"
#include "infomin/mi.h"

typedef struct {
    const char *name, *options[2];
    int n_options;
} method;

typedef struct {
    int dim;
    double rho;
} pair;

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 200, n = argc > 2 ? atoi(argv[2]) : 2000;
    if (reps < 2 || n < 16) {
        fprintf(stderr, "usage: bench_coverage [repetitions >= 2] [rows >= 16]\n");
        return 2;
    }
    const method methods[] = { { "ksg", { "k=3" }, 1 }, { "gaussian", { NULL }, 0 } };
    const pair pairs[] = { { 1, 0.5 }, { 3, 0.5 } };
    double *x = malloc(sizeof(double) * (size_t)n * 3), *y = malloc(sizeof(double) * (size_t)n * 3);
    if (!x || !y) return 1;
    printf("95%% half-sampling intervals (im_mi_interval, 50 cuts into halves) over %d samples of %d rows;\n"
           "X, Y: d independent pairs of correlation rho\n", reps, n);
    printf("%-10s %4s %5s %9s %9s %9s %9s %9s\n", "estimator", "d", "rho", "truth", "coverage", "width", "bias", "sd");
    for (size_t p = 0; p < sizeof pairs / sizeof *pairs; p++)
        for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
            int d = pairs[p].dim;
            double rho = pairs[p].rho, truth = -0.5 * d * log(1 - rho * rho);
            int held = 0;
            double width = 0, sum = 0, sum2 = 0;
            im_rng rng;
            im_rng_seed(&rng, 1000 + p);   /* the same samples for every estimator */
            for (int r = 0; r < reps; r++) {
                for (long i = 0; i < (long)n * d; i++) {
                    double a = im_rng_normal(&rng), b = im_rng_normal(&rng);
                    x[i] = a, y[i] = rho * a + sqrt(1 - rho * rho) * b;
                }
                im_mi_handle *h;
                double est, lo, hi;
                if (im_mi_open(&h, methods[m].name, methods[m].options, methods[m].n_options, (uint64_t)r) ||
                    im_mi_interval(h, x, n, d, y, n, d, 50, 0.95, &est, &lo, &hi)) {
                    fprintf(stderr, "bench_coverage: %s: %s\n", methods[m].name, h ? im_mi_message(h) : "out of memory");
                    return 1;
                }
                im_mi_close(h);
                held += lo <= truth && truth <= hi;
                width += (hi - lo) / reps;
                sum += est, sum2 += est * est;
            }
            double mean = sum / reps, sd = sqrt(fmax(0, (sum2 - reps * mean * mean) / (reps - 1)));
            printf("%-10s %4d %5.2f %9.4f %8.1f%% %9.4f %+9.4f %9.4f\n", methods[m].name, d, rho, truth,
                   100.0 * held / reps, width, mean - truth, sd);
        }
    free(x);
    free(y);
    return 0;
}
