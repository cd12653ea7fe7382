/* bench_estimators.c — training throughput of the critic estimators.
 *
 * 20-D x and y; variational bounds with Poole et al.'s critic (concat
 * 2 x 256 ReLU on raw inputs, scored on all B² batch pairs; the default is
 * 2 x 64 behind an input map), club and tc with their defaults; Adam steps
 * through the generic trainer (with its default weight averaging), at batch
 * 64 and 256.
 * For the all-pairs concat critic the sgemm-bound limit is printed beside it:
 * the step's matrix-product FLOPs (first layer on B rows per side, the other
 * layers on B² rows; forward, weight gradients, input gradients past the
 * first layer) over the GFLOP/s of a large sgemm in the same run. NWJ is
 * timed again on one thread (beside the PyTorch twin's one-core row).
 *
 *   usage: bench_estimators [steps] [threads]     (prints a table) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include "bench_util.h"
#include "infomin/infomin.h"

/* concat critic 40 -> 256 -> 256 -> 1 on all B² pairs */
static double all_pairs_flops(int b)
{
    double first = 2.0 * b * 20 * 256 * 2;                 /* x and y halves, forward        */
    double rest = 2.0 * (double)b * b * (256.0 * 256 + 256); /* layers 2-3 on B² rows, forward */
    return first * 2 + rest * 3;                            /* + weight (and input) gradients */
}

#define MIN_SECONDS 2.0   /* the shortest timed window of one case */

/* Steps/s of chunks of `steps` Adam steps of one estimator (all_pairs:
 * Poole's 2 x 256 critic on raw inputs, ReLU, every B² pair; B = 256 runs
 * an eighth of the steps) for at least MIN_SECONDS, after 5 steps of
 * warm-up. */

static int time_estimator(im_ctx *ctx, const char *name, int all_pairs, int batch, int steps, const im_mat *x,
                          const im_mat *y, im_rng *rng, double *rate)
{
    char text[256];
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[estimator]\nplugin = %s\nbatch = %d\n%s", name, batch,
             all_pairs ? "hidden = 256,256\nactivation = relu\ninput = raw\n" : "");
    im_config cfg;
    im_estimator *est = NULL;
    im_train_opts opts;
    int bad = im_config_parse_string(ctx, text, "bench", &cfg) != IM_OK;
    if (!bad) bad = im_estimator_new(ctx, &cfg, "estimator", x->cols, y->cols, rng, &est) ||
                    im_train_opts_read(ctx, &est->sec, &opts);
    if (!bad) {
        opts.eval_every = opts.log_every = 1 << 30;
        opts.steps = 5;   /* warm-up */
        bad = im_train_critic(ctx, est, &opts, x, y, NULL, NULL, NULL) != IM_OK;
    }
    if (!bad) {
        /* chunks of steps until at least MIN_SECONDS: club's and tc's 200
         * steps took 0.1-0.3 s, a window in which one run in three read
         * 35% low */
        opts.steps = batch == 256 && all_pairs ? steps / 8 + 1 : steps;   /* B² = 65536 pairs: fewer steps */
        long done = 0;
        double t0 = now(), elapsed = 0;
        while (!bad && (done == 0 || elapsed < MIN_SECONDS)) {
            bad = im_train_critic(ctx, est, &opts, x, y, NULL, NULL, NULL) != IM_OK;
            done += opts.steps;
            elapsed = now() - t0;
        }
        *rate = done / elapsed;
    }
    if (bad) fprintf(stderr, "bench_estimators: %s\n", ctx->err);
    im_estimator_free(est);
    im_config_free(&cfg);
    return bad;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 200, threads = argc > 2 ? atoi(argv[2]) : 2;
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.registry = im_registry_new();
    im_registry_load_search_path(&ctx, ctx.registry, getenv("INFOMIN_BENCH_PLUGIN_PATH"));
    openblas_set_num_threads(threads);
    double peak = sgemm_gflops();
    if (im_workers_new(&ctx, threads, &ctx.workers)) {
        fprintf(stderr, "bench_estimators: %s\n", ctx.err);
        return 1;
    }
    const int d = 20, n = 20000;
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_mat x, y;
    im_mat_alloc(&ctx, &x, n, d);
    im_mat_alloc(&ctx, &y, n, d);
    for (long i = 0; i < (long)n * d; i++) {
        x.data[i] = (float)im_rng_normal(&rng);
        y.data[i] = 0.8f * x.data[i] + 0.6f * (float)im_rng_normal(&rng);
    }
    const char *names[] = { "mine", "nwj", "infonce", "jsd", "smile", "club", "tc" };
    char blas[96];
    printf("critic estimators, 20-D x and y, 2 x 256 critics, %d steps, %d threads (sgemm %.1f GFLOP/s, %s)\n", steps,
           threads, peak, im_blas_kernels(blas, sizeof blas));
    printf("%-8s %5s %10s %12s %8s\n", "name", "B", "steps/s", "limit/s", "ratio");
    const char *only = getenv("BENCH_ONLY");   /* "name,batch" for profiling one case */
    for (int e = 0; e < 7; e++)
        for (int bi = 0; bi < 2; bi++) {
            int batch = bi ? 256 : 64;
            char key[32];
            snprintf(key, sizeof key, "%s,%d", names[e], batch);
            if (only && strcmp(only, key) != 0) continue;
            double rate;
            if (time_estimator(&ctx, names[e], e < 5, batch, steps, &x, &y, &rng, &rate)) return 1;
            if (e < 5) {
                double limit = sgemm_gflops_again(peak) * 1e9 / all_pairs_flops(batch);
                printf("%-8s %5d %10.1f %12.1f %8.3f%s\n", names[e], batch, rate, limit, rate / limit,
                       ratio_mark(rate / limit));
            } else {
                printf("%-8s %5d %10.1f %12s %8s\n", names[e], batch, rate, "-", "-");
            }
        }
    /* one all-pairs bound again on one thread: the PyTorch twin's one-core row */
    if (threads != 1 && !only) {
        im_workers_free(ctx.workers);
        openblas_set_num_threads(1);
        double peak1 = sgemm_gflops();
        if (im_workers_new(&ctx, 1, &ctx.workers)) return 1;
        printf("\nnwj on one thread (sgemm %.1f GFLOP/s)\n", peak1);
        for (int bi = 0; bi < 2; bi++) {
            int batch = bi ? 256 : 64;
            double rate;
            if (time_estimator(&ctx, "nwj", 1, batch, steps, &x, &y, &rng, &rate)) return 1;
            double limit = sgemm_gflops_again(peak1) * 1e9 / all_pairs_flops(batch);
            printf("%-8s %5d %10.1f %12.1f %8.3f%s\n", "nwj", batch, rate, limit, rate / limit, ratio_mark(rate / limit));
        }
        im_workers_free(ctx.workers);
        openblas_set_num_threads(threads);
        if (im_workers_new(&ctx, threads, &ctx.workers)) return 1;
    }
    /* KSG: the neighbour search at the sizes the estimator family promises */
    printf("\nksg (k = 3), %d threads: seconds per estimate\n%-22s %10s %10s %10s\n", threads, "data", "seconds",
           "estimate", "true MI");
    const int ksg_cases[][3] = { { 100000, 1, 1 }, { 10000, 10, 10 }, { 10000, 20, 20 } };
    for (int c = 0; c < 3; c++) {
        int m = ksg_cases[c][0], dx = ksg_cases[c][1], dy = ksg_cases[c][2];
        double *kx = malloc(sizeof(double) * (size_t)m * dx), *ky = malloc(sizeof(double) * (size_t)m * dy), mi;
        const double rho = 0.5;
        for (long i = 0; i < (long)m * dx; i++) {
            kx[i] = im_rng_normal(&rng);
            ky[i] = rho * kx[i] + sqrt(1 - rho * rho) * im_rng_normal(&rng);
        }
        double t0 = now();
        if (im_ksg(&ctx, kx, ky, m, dx, dy, 3, &mi)) {
            fprintf(stderr, "bench_estimators: %s\n", ctx.err);
            return 1;
        }
        char label[64];
        snprintf(label, sizeof label, "N = %d, %d+%d-D", m, dx, dy);
        printf("%-22s %10.2f %10.4f %10.4f\n", label, now() - t0, mi, -0.5 * dx * log(1 - rho * rho));
        free(kx);
        free(ky);
    }
    im_mat_free(&x);
    im_mat_free(&y);
    im_workers_free(ctx.workers);
    im_registry_free(ctx.registry);
    return 0;
}
