/* bench_mi.c — the C side of bench_python.py: KSG (k = 3) through the
 * handle API's one call, im_mi(), on rows the script wrote, so that the
 * Python package's per-call overhead is measured against the same work.
 *
 *     bench_mi FILE N REPS   (FILE: N x values then N y values, float64)
 * prints "N median_seconds estimate". */
#include <stdio.h>
#include <stdlib.h>
#include "bench_util.h"
#include "infomin/mi.h"
#include "infomin/stats.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench_mi FILE N REPS\n");
        return 2;
    }
    long n = atol(argv[2]);
    int reps = atoi(argv[3]);
    double *xy = malloc(sizeof(double) * 2 * (size_t)n), *t = malloc(sizeof(double) * (size_t)reps), v = 0;
    FILE *f = fopen(argv[1], "rb");
    if (!xy || !t || !f || fread(xy, sizeof(double), 2 * (size_t)n, f) != 2 * (size_t)n) {
        fprintf(stderr, "bench_mi: cannot read %ld rows from %s\n", n, argv[1]);
        return 1;
    }
    fclose(f);
    const char *opts[] = { "k=3" };
    char err[512];
    for (int r = -1; r < reps; r++) {   /* r = -1: loads the plugins, not timed */
        double t0 = now();
        if (im_mi("ksg", opts, 1, 0, xy, n, 1, xy + n, n, 1, &v, err, sizeof err)) {
            fprintf(stderr, "bench_mi: %s\n", err);
            return 1;
        }
        if (r >= 0) t[r] = now() - t0;
    }
    im_sort_doubles(t, reps);
    printf("%ld %.9f %.6f\n", n, im_median_sorted(t, reps), v);
    free(xy);
    free(t);
    return 0;
}
