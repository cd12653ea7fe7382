/* bench_ksg.c — KSG (k = 3) at scale: N = 100,000 and 1,000,000 pairs of
 * correlated 1-D Gaussians (ρ = 0.5, true MI 0.1438 nats), seconds per
 * estimate and the peak resident memory, and beside each, when asked, the
 * same data for the scikit-learn twin (bench/bench_ksg_sklearn.py), which
 * reads the files this program writes.
 *
 *   usage: bench_ksg [threads] [data-folder]     (prints a table) */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <sys/resource.h>
#include "bench_util.h"
#include "infomin/infomin.h"

static long peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss / 1024;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    const char *folder = argc > 2 ? argv[2] : NULL;
    im_ctx ctx;
    im_ctx_init(&ctx);
    if (im_workers_new(&ctx, threads > 0 ? threads : 1, &ctx.workers)) {
        fprintf(stderr, "bench_ksg: %s\n", ctx.err);
        return 1;
    }
    im_rng rng;
    im_rng_seed(&rng, 7);
    const double rho = 0.5;
    printf("ksg (k = 3), 1-D x and y, rho = 0.5 (true MI %.4f nats), %d thread%s\n", -0.5 * log(1 - rho * rho),
           threads, threads == 1 ? "" : "s");
    printf("%-12s %10s %10s %14s\n", "N", "seconds", "estimate", "peak RSS, MB");
    const int sizes[] = { 100000, 1000000 };
    for (int c = 0; c < 2; c++) {
        int n = sizes[c];
        double *x = malloc(sizeof(double) * (size_t)n), *y = malloc(sizeof(double) * (size_t)n), mi;
        if (!x || !y) return 1;
        for (int i = 0; i < n; i++) {
            x[i] = im_rng_normal(&rng);
            y[i] = rho * x[i] + sqrt(1 - rho * rho) * im_rng_normal(&rng);
        }
        if (folder) {   /* the twin's input: x then y, float64, native order */
            char path[4096];
            snprintf(path, sizeof path, "%s/ksg-%d.f64", folder, n);
            FILE *f = fopen(path, "wb");
            if (!f || fwrite(x, sizeof(double), (size_t)n, f) != (size_t)n ||
                fwrite(y, sizeof(double), (size_t)n, f) != (size_t)n || fclose(f) != 0) {
                fprintf(stderr, "bench_ksg: cannot write %s\n", path);
                return 1;
            }
        }
        double best = INFINITY;
        for (int rep = 0; rep < 3; rep++) {   /* best of 3: the machines are noisy */
            double t0 = now();
            if (im_ksg(&ctx, x, y, n, 1, 1, 3, &mi)) {
                fprintf(stderr, "bench_ksg: %s\n", ctx.err);
                return 1;
            }
            best = fmin(best, now() - t0);
        }
        printf("%-12d %10.3f %10.4f %14ld\n", n, best, mi, peak_rss_mb());
        free(x);
        free(y);
    }
    im_workers_free(ctx.workers);
    return 0;
}
