/* bench_conv.c — convolutional encoder training throughput against the
 * sgemm-bound limit.
 *
 * Workload (the image tasks'): the `conv` encoder with its defaults on
 * 28×28 grey images — conv 64, 128, 256 (4×4, stride 2, padding 1), batch
 * norm and ReLU after each, a dense layer of 1024 (batch norm, ReLU), a code
 * of 64 — and a linear head to 10 classes, cross-entropy, Adam: a
 * supervised training step (forward, backward, update) at batch 128, on
 * random images (the speed does not depend on the pixels). Images/s of the
 * median of 5 blocks, at 1 and 2 threads.
 *
 * The limit: the FLOPs of one image's step — per convolution 2·O·C·k²·P
 * (P output pixels) forward, as much again for the weight gradient and for
 * the input gradient (but the first layer's, whose input is data), the same
 * rule for dense layers — divided into a large cblas_sgemm's GFLOP/s
 * measured in the same run at the same thread count.
 *
 *   usage: bench_conv [steps per block]      (prints one table; exits 0) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench_util.h"
#include "infomin/infomin.h"

#define BATCH 128
#define BLOCKS 5

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* FLOPs of one image's training step for the default encoder + head. */
static double image_flops(void)
{
    im_shape s = { 1, 28, 28 };
    const int channels[3] = { 64, 128, 256 };
    double f = 0;
    for (int l = 0; l < 3; l++) {
        im_shape o = im_conv_shape(s, channels[l], 4, 2, 1);
        double mm = 2.0 * o.c * s.c * 16 * o.h * o.w;
        f += mm * (l == 0 ? 2 : 3);
        s = o;
    }
    const int dense[4] = { (int)im_shape_size(s), 1024, 64, 10 };
    for (int l = 0; l < 3; l++) f += 3 * 2.0 * dense[l] * dense[l + 1];
    return f;
}

typedef struct {
    im_encoder enc;
    im_params head_params, all;
    im_linear_layer head;
    im_optim opt;
    im_tape *g;
    im_mat x;
    int labels[BATCH];
} model;

static im_status step(model *m)
{
    im_tape_reset(m->g);
    im_tensor *z = im_encoder_forward(m->g, &m->enc, im_input(m->g, &m->x));
    im_tensor *loss = im_cross_entropy_logits(m->g, im_linear_layer_forward(m->g, &m->head, z), m->labels);
    im_status st = loss ? im_backward(m->g, loss) : im_tape_ctx(m->g)->status;
    if (!st) im_optim_step(&m->opt);
    return st;
}

static im_status run(im_ctx *ctx, int steps, double *rate)
{
    im_config cfg;
    im_status st = im_config_parse_string(ctx, "[task]\nplugin = dim\n[encoder]\nplugin = conv\n", "bench", &cfg);
    if (st) return st;
    im_rng rng;
    im_rng_seed(&rng, 1);
    model m = { 0 };
    st = im_encoder_new(ctx, &cfg, "encoder", 784, (im_shape){ 1, 28, 28 }, &rng, &m.enc);
    if (!st) st = im_linear_layer_init(ctx, &m.head, &m.head_params, "head", m.enc.out_dim, 10, IM_ACT_NONE, &rng);
    if (!st) st = im_mat_alloc(ctx, &m.x, BATCH, 784);
    if (!st && !(m.g = im_tape_new(ctx))) st = ctx->status;
    if (!st) st = im_params_view_append(ctx, &m.all, im_encoder_params(&m.enc));
    if (!st) st = im_params_view_append(ctx, &m.all, &m.head_params);
    if (!st) {
        im_adam_init(&m.opt, &m.all, 1e-3);
        m.opt.workers = ctx->workers;
        for (long i = 0; i < (long)BATCH * 784; i++) m.x.data[i] = (float)im_rng_uniform(&rng);
        for (int i = 0; i < BATCH; i++) m.labels[i] = (int)im_rng_below(&rng, 10);
    }
    for (int k = 0; k < 3 && !st; k++) st = step(&m);   /* warm-up: the arena's first steps */
    double rates[BLOCKS];
    for (int b = 0; b < BLOCKS && !st; b++) {
        double t0 = now();
        for (int k = 0; k < steps && !st; k++) st = step(&m);
        rates[b] = steps * BATCH / (now() - t0);
    }
    if (!st) {
        qsort(rates, BLOCKS, sizeof rates[0], compare_doubles);
        *rate = rates[BLOCKS / 2];
    }
    im_tape_free(m.g);
    im_mat_free(&m.x);
    im_params_view_free(&m.all);
    im_params_free(&m.head_params);
    im_encoder_free(&m.enc);
    im_config_free(&cfg);
    return st;
}

int main(int argc, char **argv)
{
    int steps = argc > 1 ? atoi(argv[1]) : 20;
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.registry = im_registry_new();
    im_registry_load_search_path(&ctx, ctx.registry, getenv("INFOMIN_BENCH_PLUGIN_PATH"));
    if (!im_registry_find(ctx.registry, IM_ENCODER, "conv") || !im_registry_find(ctx.registry, IM_TASK, "dim")) {
        fprintf(stderr, "bench_conv: the conv and dim plugins were not found (run from the build tree)\n");
        return 1;
    }
    double flops = image_flops();
    char blas[96];
    printf("\nconv encoder 64-128-256 (4x4 s2) + dense 1024 + code 64 + head 10, batch norm, ReLU, Adam; batch %d; %s\n",
           BATCH, im_blas_kernels(blas, sizeof blas));
    printf("%-7s %10s %12s %12s %10s %8s\n", "threads", "images/s", "MFLOP/image", "sgemm GF/s", "limit/s", "ratio");
    for (int threads = 1; threads <= 2; threads++) {
        openblas_set_num_threads(threads);
        double peak = sgemm_gflops(), rate = 0;
        im_workers_free(ctx.workers);
        ctx.workers = NULL;
        if (im_workers_new(&ctx, threads, &ctx.workers) || run(&ctx, steps, &rate)) {
            fprintf(stderr, "bench_conv: %s\n", ctx.err);
            return 1;
        }
        peak = sgemm_gflops_again(peak);
        double limit = peak * 1e9 / flops;
        printf("%-7d %10.1f %12.2f %12.1f %10.1f %8.3f%s\n", threads, rate, flops / 1e6, peak, limit, rate / limit,
               ratio_mark(rate / limit));
    }
    im_workers_free(ctx.workers);
    im_registry_free(ctx.registry);
    return 0;
}
