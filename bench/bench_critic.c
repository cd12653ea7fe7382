/* bench_critic.c — critic training throughput against the sgemm-bound limit.
 *
 * Workload (the project's reference): the `mine` estimator's concat critic
 * 40 -> 256 -> 256 -> 1 (ReLU), B joint + B shuffled pairs per step, the DV
 * loss with MINE's EMA correction, Adam; 1000 steps through the generic
 * trainer, exactly the loop `infomin-run` runs. Batch 64 and 256, at 1 and
 * 2 threads (infomin's worker threads splitting each product; OpenBLAS single-threaded).
 * The steps are timed in 5 blocks and the median block's rate is printed: the
 * machine is shared, and the median is robust to another tenant's burst.
 *
 * The limit: the FLOPs of one step (forward, weight gradients, and input
 * gradients of the layers whose inputs need them) divided by the GFLOP/s of a
 * large cblas_sgemm measured in the same run at the same thread count. A
 * ratio near 1 means the step is as fast as its matrix products allow.
 *
 * A second table prices the smooth activations: tanh and elu critics
 * against the ReLU one, one thread, same run.
 *
 * A third table repeats the runs with one busy process competing for the
 * cores (a child of this program spinning, stopped at the end), as on any
 * shared workstation or cluster node: the default thread count must then
 * cost about what one thread costs.
 *
 *   usage: bench_critic [steps]      (prints three tables; exits 0) */
#include <cblas.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "bench_util.h"
#include "infomin/infomin.h"

/* FLOPs of one step for layer widths w[0..n_layers], on rows = 2B samples:
 * forward 2·rows·in·out per layer, the same again for each weight gradient,
 * and again for each input gradient except the first layer's (data). */
static double step_flops(const int *w, int n_layers, int rows)
{
    double f = 0;
    for (int l = 0; l < n_layers; l++) {
        double mm = 2.0 * rows * w[l] * w[l + 1];
        f += mm * (l == 0 ? 2 : 3);
    }
    return f;
}

#define BLOCKS 5

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* steps/s of the median block: the machine is shared, and one slow block
 * (another tenant's burst) should not decide the figure. */
static int run_mine(im_ctx *ctx, int batch, int steps, const char *activation, double *rate)
{
    char ini[1024];
    snprintf(ini, sizeof ini,
             "[task]\nplugin = mi-estimate\n[estimator]\nplugin = mine\nnegatives = shuffle\nhidden = 256,256\nbatch = %d\n"
             "steps = %d\nlr = 1e-4\neval_every = 1000000\nlog_every = 1000000\nactivation = %s\n",
             batch, steps, activation);
    im_config cfg;
    im_status st = im_config_parse_string(ctx, ini, "bench", &cfg);
    if (st) return st;
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_mat x, y;
    const int n = 20000, d = 20;
    im_mat_alloc(ctx, &x, n, d);
    im_mat_alloc(ctx, &y, n, d);
    for (long i = 0; i < (long)n * d; i++) {
        x.data[i] = (float)im_rng_normal(&rng);
        y.data[i] = 0.8f * x.data[i] + 0.6f * (float)im_rng_normal(&rng);
    }
    im_estimator *est;
    st = im_estimator_new(ctx, &cfg, "estimator", d, d, &rng, &est);
    if (!st) {
        im_train_opts opts;
        st = im_train_opts_read(ctx, &est->sec, &opts);
        /* warm-up: the arena's first step and the threads' start */
        opts.steps = 20;
        if (!st) st = im_train_critic(ctx, est, &opts, &x, &y, NULL, NULL, NULL);
        double rates[BLOCKS];
        opts.steps = steps / BLOCKS;
        for (int b = 0; b < BLOCKS && !st; b++) {
            double t0 = now();
            st = im_train_critic(ctx, est, &opts, &x, &y, NULL, NULL, NULL);
            rates[b] = opts.steps / (now() - t0);
        }
        qsort(rates, BLOCKS, sizeof rates[0], compare_doubles);
        *rate = rates[BLOCKS / 2];
        im_estimator_free(est);
    }
    im_mat_free(&x);
    im_mat_free(&y);
    im_config_free(&cfg);
    return st;
}

static int set_threads(im_ctx *ctx, int threads)
{
    im_workers_free(ctx->workers);
    ctx->workers = NULL;
    if (im_workers_new(ctx, threads, &ctx->workers)) {   /* sets OpenBLAS to 1 thread */
        fprintf(stderr, "bench_critic: %s\n", ctx->err);
        return 1;
    }
    return 0;
}

/* The smooth activations' price: the same critic with tanh and elu hidden
 * layers against ReLU, one thread, in the same run (their exp/tanh run on
 * SLEEF's vector functions, core/engine/vmath.c). */
static int activations(im_ctx *ctx, int steps, const char *only)
{
    if (only || set_threads(ctx, 1)) return only ? 0 : 1;
    const char *acts[] = { "relu", "tanh", "elu" };
    printf("\nhidden activation, one thread (time per step against ReLU's):\n");
    printf("%-5s %12s %12s %12s %10s %10s\n", "B", "relu st/s", "tanh st/s", "elu st/s", "tanh/relu", "elu/relu");
    int batches[] = { 64, 256 };
    for (int k = 0; k < 2; k++) {
        double rate[3];
        for (int a = 0; a < 3; a++)
            if (run_mine(ctx, batches[k], steps, acts[a], &rate[a])) {
                fprintf(stderr, "bench_critic: %s\n", ctx->err);
                return 1;
            }
        printf("%-5d %12.1f %12.1f %12.1f %10.3f %10.3f\n", batches[k], rate[0], rate[1], rate[2], rate[0] / rate[1],
               rate[0] / rate[2]);
    }
    return 0;
}

/* steps/s at 1 and 2 threads for each batch size while a child process
 * spins on one core; the slowdown of 2 threads against 1 is the figure. */
static int contended(im_ctx *ctx, int steps, const char *only)
{
    pid_t busy = fork();
    if (busy < 0) return perror("bench_critic: fork"), 1;
    if (busy == 0) {
        for (volatile unsigned long spin = 0;; spin++) {}
    }
    printf("\nwith one busy process competing (a spinning child):\n");
    printf("%-5s %14s %14s %16s\n", "B", "1 thread st/s", "2 threads st/s", "time 2t / 1t");
    int batches[] = { 64, 256 }, rc = 0;
    for (int k = 0; k < 2 && !rc; k++) {
        char key[32];
        snprintf(key, sizeof key, "busy,%d", batches[k]);
        if (only && strcmp(only, key) != 0) continue;
        double rate[2];
        for (int threads = 1; threads <= 2 && !rc; threads++) {
            rc = set_threads(ctx, threads);
            if (!rc && run_mine(ctx, batches[k], steps, "relu", &rate[threads - 1])) {
                fprintf(stderr, "bench_critic: %s\n", ctx->err);
                rc = 1;
            }
        }
        if (!rc) printf("%-5d %14.1f %14.1f %16.3f\n", batches[k], rate[0], rate[1], rate[0] / rate[1]);
    }
    kill(busy, SIGKILL);
    waitpid(busy, NULL, 0);
    return rc;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 1000;
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.registry = im_registry_new();
    im_registry_load_search_path(&ctx, ctx.registry, getenv("INFOMIN_BENCH_PLUGIN_PATH"));
    if (!im_registry_find(ctx.registry, IM_ESTIMATOR, "mine")) {
        fprintf(stderr, "bench_critic: the mine plugin was not found (run from the build tree)\n");
        return 1;
    }
    const int widths[] = { 40, 256, 256, 1 };
    char blas[96];
    printf("critic 40-256-256-1 (ReLU), DV loss + EMA, Adam; %d steps; B joint + B shuffled rows; %s\n", steps,
           im_blas_kernels(blas, sizeof blas));
    printf("%-7s %-5s %10s %12s %12s %10s %8s\n", "threads", "B", "steps/s", "MFLOP/step", "sgemm GF/s", "limit/s",
           "ratio");
    const char *only = getenv("BENCH_ONLY");   /* "threads,batch" for profiling one case */
    for (int threads = 1; threads <= 2; threads++) {
        /* the limit: OpenBLAS's own best on a large product at this count */
        openblas_set_num_threads(threads);
        double peak = sgemm_gflops();
        if (set_threads(&ctx, threads)) return 1;
        int batches[] = { 64, 256 };
        for (int k = 0; k < 2; k++) {
            char key[32];
            snprintf(key, sizeof key, "%d,%d", threads, batches[k]);
            if (only && strcmp(only, key) != 0) continue;
            double rate;
            if (run_mine(&ctx, batches[k], steps, "relu", &rate)) {
                fprintf(stderr, "bench_critic: %s\n", ctx.err);
                return 1;
            }
            double flops = step_flops(widths, 3, 2 * batches[k]), row_peak = sgemm_gflops_again(peak);
            double limit = row_peak * 1e9 / flops;
            printf("%-7d %-5d %10.1f %12.2f %12.1f %10.1f %8.3f%s\n", threads, batches[k], rate, flops / 1e6, row_peak,
                   limit, rate / limit, ratio_mark(rate / limit));
        }
    }
    int rc = activations(&ctx, steps, only);
    if (!rc) rc = contended(&ctx, steps, only);
    im_workers_free(ctx.workers);
    im_registry_free(ctx.registry);
    return rc;
}
