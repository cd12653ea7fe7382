/* bench_coverage.c — how often the intervals of the handle API hold the
 * truth: independent samples of Gaussian pairs with known MI, the 95%
 * interval of each, per estimator the share that holds the true MI (a
 * calibrated interval: near 95%), the mean width, and the estimate's own
 * bias and spread over the samples beside them (an interval of the noise
 * cannot cover a bias larger than itself).
 *
 *   half-sampling (im_mi_interval, 50 cuts into halves): ksg, gaussian,
 *     which train nothing;
 *   cross-fitted (im_mi_crossfit, 5 folds): infonce, a trained critic,
 *     whose interval must hold the refits' spread too.
 *
 *   usage: bench_coverage [repetitions] [rows] [estimator]
 *          (defaults 200, 2000, every estimator) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/mi.h"

typedef struct {
    const char *name, *options[3];
    int n_options, crossfit, dim;
} method;

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 200, n = argc > 2 ? atoi(argv[2]) : 2000;
    if (reps < 2 || n < 40) {
        fprintf(stderr, "usage: bench_coverage [repetitions >= 2] [rows >= 40] [estimator]\n");
        return 2;
    }
    const method methods[] = {
        { "ksg", { "k=3" }, 1, 0, 1 },
        { "gaussian", { NULL }, 0, 0, 1 },
        { "infonce", { "critic=separable", "steps=600", "batch=128" }, 3, 1, 1 },
        { "ksg", { "k=3" }, 1, 0, 3 },
        { "gaussian", { NULL }, 0, 0, 3 },
    };
    const double rho = 0.5;
    double *x = malloc(sizeof(double) * (size_t)n * 3), *y = malloc(sizeof(double) * (size_t)n * 3);
    if (!x || !y) return 1;
    printf("95%% intervals over %d samples of %d rows; X, Y: d independent pairs of correlation %.1f;\n"
           "half: im_mi_interval (50 cuts into halves); crossfit: im_mi_crossfit (5 folds)\n", reps, n, rho);
    printf("%-10s %-9s %4s %9s %9s %9s %9s %9s\n", "estimator", "interval", "d", "truth", "coverage", "width", "bias",
           "sd");
    for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
        if (argc > 3 && strcmp(argv[3], methods[m].name) != 0) continue;
        int d = methods[m].dim;
        double truth = -0.5 * d * log(1 - rho * rho);
        int held = 0;
        double width = 0, sum = 0, sum2 = 0;
        im_rng rng;
        im_rng_seed(&rng, 1000 + (uint64_t)(d == 3));   /* the same samples for every estimator of a width */
        for (int r = 0; r < reps; r++) {
            for (long i = 0; i < (long)n * d; i++) {
                double a = im_rng_normal(&rng), b = im_rng_normal(&rng);
                x[i] = a, y[i] = rho * a + sqrt(1 - rho * rho) * b;
            }
            im_mi_handle *h;
            double est, lo, hi;
            im_status st = im_mi_open(&h, methods[m].name, methods[m].options, methods[m].n_options, (uint64_t)r);
            if (!st && methods[m].crossfit) st = im_mi_crossfit(h, x, n, d, y, n, d, 5, 0.95, &est, &lo, &hi);
            else if (!st) st = im_mi_interval(h, x, n, d, y, n, d, 50, 0.95, &est, &lo, &hi);
            if (st) {
                fprintf(stderr, "bench_coverage: %s: %s\n", methods[m].name, h ? im_mi_message(h) : "out of memory");
                return 1;
            }
            im_mi_close(h);
            held += lo <= truth && truth <= hi;
            width += (hi - lo) / reps;
            sum += est, sum2 += est * est;
        }
        double mean = sum / reps, sd = sqrt(fmax(0, (sum2 - reps * mean * mean) / (reps - 1)));
        printf("%-10s %-9s %4d %9.4f %8.1f%% %9.4f %+9.4f %9.4f\n", methods[m].name,
               methods[m].crossfit ? "crossfit" : "half", d, truth, 100.0 * held / reps, width, mean - truth, sd);
        fflush(stdout);
    }
    free(x);
    free(y);
    return 0;
}
