/* test_core.c — the float32 core as users link it: arena reuse, optimisers,
 * RNG reproducibility, MLP training. */
#include <check.h>
#include <stdio.h>
#include <float.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/tape.h"
#include "infomin/nn.h"
#include "infomin/optim.h"
#include "infomin/param.h"
#include "infomin/workers.h"
#include "infomin/pool.h"
#include "infomin/rng.h"
#include "infomin/sparse.h"
#include "infomin/stats.h"
#include "infomin/progress.h"

/* One critic step, as the trainer does it: arena reset, forward, backward,
 * Adam. After the first step the arena must not grow at all. */
START_TEST(arena_does_not_grow_over_1000_steps)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_rng rng;
    im_rng_seed(&rng, 7);
    im_params params = { 0 };
    im_mlp mlp;
    int hidden[] = { 32, 32 };
    ck_assert_int_eq(im_mlp_init(&ctx, &mlp, &params, "critic", 6, hidden, 2, 1, IM_ACT_RELU, IM_ACT_NONE, &rng), IM_OK);
    im_optim opt;
    im_adam_init(&opt, &params, 1e-3);
    im_mat x;
    ck_assert_int_eq(im_mat_alloc(&ctx, &x, 64, 6), IM_OK);
    for (int i = 0; i < 64 * 6; i++) x.data[i] = (float)im_rng_normal(&rng);
    im_tape *g = im_tape_new(&ctx);
    int perm[64];
    size_t capacity_after_first = 0;
    for (int step = 0; step < 1000; step++) {
        im_tape_reset(g);
        im_rng_permutation(&rng, perm, 64);
        im_tensor *in = im_input(g, &x);
        im_tensor *t = im_mlp_forward(g, &mlp, im_concat_rows(g, in, im_gather_rows(g, in, perm, 64)));
        im_tensor *loss = im_sub(g, im_logsumexp(g, im_slice_rows(g, t, 64, 64), IM_ALL),
                                 im_mean(g, im_slice_rows(g, t, 0, 64), IM_ALL));
        ck_assert_ptr_nonnull(loss);
        ck_assert_int_eq(im_backward(g, loss), IM_OK);
        im_optim_step(&opt);
        if (step == 0) capacity_after_first = im_tape_capacity(g);
        ck_assert_uint_eq(im_tape_capacity(g), capacity_after_first);
    }
    ck_assert_uint_gt(capacity_after_first, 0);
    im_tape_free(g);
    im_mat_free(&x);
    im_params_free(&params);
}
END_TEST

/* f(p) = Σ a_k (p_k − c_k)², convex with minimum at c; Adam must get there. */
static double quadratic_step(im_tape *g, im_param *p, const float *a, const float *c)
{
    im_tape_reset(g);
    im_tensor *pt = im_param_tensor(g, p);
    float *ad = im_tape_alloc(g, sizeof(float) * 5), *cd = im_tape_alloc(g, sizeof(float) * 5);
    memcpy(ad, a, sizeof(float) * 5);
    memcpy(cd, c, sizeof(float) * 5);
    im_tensor *d = im_sub(g, pt, im_leaf(g, 1, 5, cd, 0));
    im_tensor *loss = im_sum(g, im_mul(g, im_square(g, d), im_leaf(g, 1, 5, ad, 0)), IM_ALL);
    ck_assert_int_eq(im_backward(g, loss), IM_OK);
    return im_item(loss);
}

/* The vectorised transcendental ops (SLEEF, core/engine/vmath.c) against
 * libm in double: 1,003 values (the vector body and a scalar tail) over
 * [-40, 40] and the float range's ends, within 4 float ulps (SLEEF's
 * bounds: 1 ulp, 3.5 for tanh); overflow and NaN as libm has them. */
typedef im_tensor *(*unary_op)(im_tape *, im_tensor *);
static im_tensor *op_elu(im_tape *g, im_tensor *x) { return im_elu(g, x, 1.0); }
static double ref_elu(double x) { return x > 0 ? x : expm1(x); }
static double ref_sigmoid(double x) { return 1 / (1 + exp(-x)); }
static double ref_softplus(double x) { return fmax(x, 0) + log1p(exp(-fabs(x))); }
static double ref_log_abs(double x) { return log(fabs(x)); }

START_TEST(vectorised_transcendentals_match_libm)
{
    struct { const char *name; unary_op op; double (*ref)(double); int positive; } cases[] = {
        { "tanh", im_tanh, tanh, 0 }, { "exp", im_exp, exp, 0 }, { "log", im_log, ref_log_abs, 1 },
        { "sigmoid", im_sigmoid, ref_sigmoid, 0 }, { "softplus", im_softplus, ref_softplus, 0 },
        { "elu", op_elu, ref_elu, 0 }, { "asinh", im_asinh, asinh, 0 },
    };
    enum { N = 1003 };
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_tape *g = im_tape_new(&ctx);
    im_mat x;
    ck_assert_int_eq(im_mat_alloc(&ctx, &x, N, 1), IM_OK);
    for (int c = 0; c < (int)(sizeof cases / sizeof cases[0]); c++) {
        for (int i = 0; i < N; i++) {
            double v = -40 + 80.0 * i / (N - 1);
            x.data[i] = (float)(cases[c].positive ? fabs(v) + 1e-3 : v);
        }
        x.data[N - 3] = 3e38f;
        x.data[N - 2] = cases[c].positive ? 1e-30f : -3e38f;
        x.data[N - 1] = NAN;
        im_tape_reset(g);
        im_tensor *y = cases[c].op(g, im_input(g, &x));
        ck_assert_ptr_nonnull(y);
        for (int i = 0; i < N - 1; i++) {
            double want = cases[c].ref(x.data[i]), got = y->val[i];
            if (isinf((float)want)) {
                ck_assert_msg(isinf(got) && (got > 0) == (want > 0), "%s(%g) = %g, libm %g", cases[c].name, x.data[i],
                              got, want);
                continue;
            }
            double tol = 4 * FLT_EPSILON * fabs(want) + 1e-37;
            ck_assert_msg(fabs(got - want) <= tol, "%s(%.9g) = %.9g, libm %.9g", cases[c].name, x.data[i], got, want);
        }
        ck_assert_msg(isnan(y->val[N - 1]), "%s(NaN) = %g", cases[c].name, y->val[N - 1]);
    }
    im_mat_free(&x);
    im_tape_free(g);
}
END_TEST

/* A layer's tanh (the fused bias + activation, SLEEF's 3.5-ulp kernel):
 * rows of 17 values (a 16-wide vector and a tail) through an identity
 * weight, against libm within 4 float ulps. */
START_TEST(layer_tanh_matches_libm)
{
    enum { ROWS = 59, K = 17 };
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_tape *g = im_tape_new(&ctx);
    im_tensor *x = im_const(g, ROWS, K, 0), *w = im_const(g, K, K, 0);
    for (int i = 0; i < ROWS * K; i++) x->val[i] = (float)(-40 + 80.0 * i / (ROWS * K - 1));
    for (int k = 0; k < K; k++) w->val[k * K + k] = 1;
    im_tensor *y = im_linear_act(g, x, w, NULL, IM_ACT_TANH);
    ck_assert_ptr_nonnull(y);
    for (int i = 0; i < ROWS * K; i++) {
        double want = tanh((double)x->val[i]);
        ck_assert_msg(fabs(y->val[i] - want) <= 4 * FLT_EPSILON * fabs(want) + 1e-37, "tanh(%.9g) = %.9g, libm %.9g",
                      x->val[i], y->val[i], want);
    }
    im_tape_free(g);
}
END_TEST

START_TEST(adam_minimises_a_convex_quadratic)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_params params = { 0 };
    im_param *p = im_params_add(&ctx, &params, "p", 1, 5);
    const float a[5] = { 1, 10, 0.1f, 3, 100 }, c[5] = { 1, -2, 3, 0.5f, -0.25f };
    im_optim opt;
    im_adam_init(&opt, &params, 0.05);
    im_tape *g = im_tape_new(&ctx);
    double first = quadratic_step(g, p, a, c), last = first;
    for (int step = 0; step < 3000; step++) {
        last = quadratic_step(g, p, a, c);
        im_optim_step(&opt);
    }
    ck_assert_double_gt(first, 1.0);
    ck_assert_double_lt(last, 1e-5);
    for (int k = 0; k < 5; k++) ck_assert_float_eq_tol(p->value[k], c[k], 1e-3);
    im_tape_free(g);
    im_params_free(&params);
}
END_TEST

START_TEST(sgd_momentum_and_clipping)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_params params = { 0 };
    im_param *p = im_params_add(&ctx, &params, "p", 1, 2);
    p->grad[0] = 3;
    p->grad[1] = 4;   /* norm 5 */
    im_optim opt;
    im_sgd_init(&opt, &params, 0.1, 0.9);
    opt.clip_norm = 1.0;
    double norm = im_optim_step(&opt);
    ck_assert_double_eq_tol(norm, 5.0, 1e-6);
    /* clipped gradient (0.6, 0.8), lr 0.1 */
    ck_assert_float_eq_tol(p->value[0], -0.06f, 1e-6);
    ck_assert_float_eq_tol(p->value[1], -0.08f, 1e-6);
    ck_assert_float_eq(p->grad[0], 0.0f);   /* step zeroes the gradients */
    p->grad[0] = 0.6f;
    p->grad[1] = 0.8f;
    im_optim_step(&opt);   /* velocity 0.9·(0.6,0.8) + (0.6,0.8) */
    ck_assert_float_eq_tol(p->value[0], -0.06f - 0.1f * 1.14f, 1e-6);
    im_params_free(&params);
}
END_TEST

START_TEST(rng_is_reproducible_and_well_distributed)
{
    im_rng a, b;
    im_rng_seed(&a, 42);
    im_rng_seed(&b, 42);
    for (int i = 0; i < 1000; i++) ck_assert_uint_eq(im_rng_u64(&a), im_rng_u64(&b));
    im_rng_seed(&b, 43);
    ck_assert_uint_ne(im_rng_u64(&a), im_rng_u64(&b));
    /* moments of 200k normals: mean 0 ± 0.01, variance 1 ± 0.02 */
    double sum = 0, sq = 0;
    int n = 200000;
    for (int i = 0; i < n; i++) {
        double z = im_rng_normal(&a);
        sum += z;
        sq += z * z;
    }
    ck_assert_double_eq_tol(sum / n, 0.0, 0.01);
    ck_assert_double_eq_tol(sq / n, 1.0, 0.02);
    /* uniform mean 1/2 */
    sum = 0;
    for (int i = 0; i < n; i++) sum += im_rng_uniform(&a);
    ck_assert_double_eq_tol(sum / n, 0.5, 0.005);
    /* a permutation holds each index exactly once */
    int perm[1000], seen[1000] = { 0 };
    im_rng_permutation(&a, perm, 1000);
    for (int i = 0; i < 1000; i++) seen[perm[i]]++;
    for (int i = 0; i < 1000; i++) ck_assert_int_eq(seen[i], 1);
    /* below(n) is uniform: 6 buckets of 60k draws within 2% */
    int counts[6] = { 0 };
    for (int i = 0; i < 360000; i++) counts[im_rng_below(&a, 6)]++;
    for (int k = 0; k < 6; k++) ck_assert_int_lt(abs(counts[k] - 60000), 1200);
}
END_TEST

static void count_part(void *arg, int part, int n_parts)
{
    ((long *)arg)[part] += 1;
}

/* One critic step (forward, backward, Adam) with and without a 2-thread
 * set of workers: splitting products and elementwise passes across threads must not
 * change the numbers. */
static void critic_step(im_workers *workers, float *loss_out, im_params *params_out)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.workers = workers;
    im_rng rng;
    im_rng_seed(&rng, 11);
    im_mlp mlp;
    int hidden[] = { 256, 256 };
    ck_assert_int_eq(im_mlp_init(&ctx, &mlp, params_out, "c", 40, hidden, 2, 1, IM_ACT_RELU, IM_ACT_NONE, &rng), IM_OK);
    im_mat x;
    ck_assert_int_eq(im_mat_alloc(&ctx, &x, 512, 40), IM_OK);
    for (int i = 0; i < 512 * 40; i++) x.data[i] = (float)im_rng_normal(&rng);
    im_tape *g = im_tape_new(&ctx);
    im_tensor *t = im_mlp_forward(g, &mlp, im_input(g, &x));
    im_tensor *loss = im_sub(g, im_logsumexp(g, im_slice_rows(g, t, 256, 256), IM_ALL),
                             im_mean(g, im_tanh(g, im_slice_rows(g, t, 0, 256)), IM_ALL));
    ck_assert_int_eq(im_backward(g, loss), IM_OK);
    *loss_out = (float)im_item(loss);
    im_optim opt;
    im_adam_init(&opt, params_out, 1e-2);
    opt.workers = workers;
    im_optim_step(&opt);   /* after one step m = (1 - β1)·grad: the gradients stay comparable */
    im_tape_free(g);
    im_mat_free(&x);
}

START_TEST(workers_changes_no_number)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_workers *workers;
    ck_assert_int_eq(im_workers_new(&ctx, 2, &workers), IM_OK);
    ck_assert_int_eq(im_workers_count(workers), 2);
    im_params serial = { 0 }, pooled = { 0 };
    float loss_serial, loss_pooled;
    critic_step(NULL, &loss_serial, &serial);
    critic_step(workers, &loss_pooled, &pooled);
    ck_assert_float_eq(loss_serial, loss_pooled);
    for (int i = 0; i < serial.count; i++) {
        long n = (long)serial.items[i]->rows * serial.items[i]->cols;
        for (long k = 0; k < n; k++) {
            const im_param *a = serial.items[i], *b = pooled.items[i];
            ck_assert_msg(fabsf(a->m[k] - b->m[k]) <= 1e-6f * (1e-3f + fabsf(a->m[k])), "grad %s[%ld]: %g vs %g",
                          a->name, k, a->m[k], b->m[k]);
            /* Adam's first step moves a weight by lr·g/(|g| + ε): a gradient
             * that cancels to roundoff can land on either side of zero, so
             * the step may differ by lr·|Δg| / (min |g| + ε), at most 2·lr */
            float mmin = fminf(fabsf(a->m[k]), fabsf(b->m[k])), dm = fabsf(a->m[k] - b->m[k]);
            float step_tol = 1e-2f * fminf(2.0f, dm / (mmin + 1e-8f * 0.1f));
            ck_assert_msg(fabsf(a->value[k] - b->value[k]) <= 1e-6f * (1 + fabsf(a->value[k])) + step_tol,
                          "value %s[%ld]: %g vs %g (grad %g vs %g)", a->name, k, a->value[k], b->value[k], a->m[k],
                          b->m[k]);
        }
    }
    /* many tiny jobs back to back: no lost wake-up, no hang */
    long total = 0;
    for (int rep = 0; rep < 20000; rep++) {
        long counts[2] = { 0, 0 };
        im_workers_run(workers, count_part, counts);
        total += counts[0] + counts[1];
    }
    ck_assert_int_eq(total, 40000);
    im_params_free(&serial);
    im_params_free(&pooled);
    im_workers_free(workers);
}
END_TEST

/* A part that a worker runs slowly (it "lost its core": 20 ms asleep) when
 * the job asks for it, so that the workers also backs off now and then while
 * the test runs; every part counts its runs. */
typedef struct {
    int counts[4];
    int on_caller[4];
    pthread_t caller;
    int stall;
} stall_job;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void stall_part(void *arg, int part, int n_parts)
{
    stall_job *j = arg;
    __atomic_add_fetch(&j->counts[part], 1, __ATOMIC_SEQ_CST);
    j->on_caller[part] = pthread_equal(pthread_self(), j->caller);
    if (j->stall && !j->on_caller[part]) usleep(20000);
    for (double t0 = now_seconds(); now_seconds() - t0 < 20e-6;) {}   /* 20 µs of work: time for workers to claim */
}

/* Parts are claimed by whoever comes first: every part of every job runs
 * exactly once on an oversubscribed set of workers (4 threads), with a worker
 * stalling now and then. Which thread ran which part is the scheduler's
 * business (a busy machine decides it), so the test does not look. */
START_TEST(workers_runs_every_part_once)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_workers *workers;
    ck_assert_int_eq(im_workers_new(&ctx, 4, &workers), IM_OK);
    for (int rep = 0; rep < 500; rep++) {
        stall_job j = { .caller = pthread_self(), .stall = rep % 100 == 0 };
        im_workers_run(workers, stall_part, &j);
        for (int p = 0; p < 4; p++) ck_assert_int_eq(j.counts[p], 1);
    }
    im_workers_free(workers);
}
END_TEST

/* The 0.5 names (pool.h) still work: im_pool_* are the workers' functions
 * and the `pool` member of im_ctx and im_optim is `workers`. */
START_TEST(workers_keep_their_names_before_0_6)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_pool *pool;
    ck_assert_int_eq(im_pool_new(&ctx, 2, &pool), IM_OK);
    ctx.pool = pool;
    ck_assert_ptr_eq(ctx.workers, pool);
    im_optim opt = { 0 };
    opt.workers = ctx.pool;
    ck_assert_ptr_eq(opt.pool, pool);
    ck_assert_int_eq(im_pool_threads(pool), 2);
    long counts[2] = { 0, 0 };
    im_pool_run(pool, count_part, counts);
    ck_assert(counts[0] == 1 && counts[1] == 1);
    im_pool_free(pool);
}
END_TEST

/* n serial jobs, then a split one */
static void expect_serial(im_workers_policy *p, int n)
{
    for (int k = 0; k < n; k++) ck_assert_msg(im_workers_policy_serial(p), "job %d of %d after a loss was split", k, n);
    ck_assert_msg(!im_workers_policy_serial(p), "more than %d jobs ran serially", n);
}

/* The workers' back-off policy on made-up observations (4 parts a job): no
 * clock and no scheduler, so a busy machine cannot change the answer. */
START_TEST(workers_backs_off_after_a_stall_and_forgets_after_gains)
{
    im_workers_policy p = { 0 };
    ck_assert(!im_workers_policy_serial(&p));
    /* a split that paid: the caller's 2 parts took 1 ms, the job 1 ms (2 ms alone) */
    im_workers_policy_observe(&p, 4, 2, 1e-3, 1e-3, 0);
    ck_assert(!im_workers_policy_serial(&p));
    /* a stalled worker: 3 parts in 0.3 ms, the job 20 ms: a loss beyond any credit */
    im_workers_policy_observe(&p, 4, 3, 3e-4, 20e-3, 0);
    expect_serial(&p, 16);
    im_workers_policy_observe(&p, 4, 3, 3e-4, 20e-3, 0);   /* again, no gains between: twice as long */
    expect_serial(&p, 32);
    for (int k = 0; k < 3; k++) im_workers_policy_observe(&p, 4, 2, 1e-3, 0.5e-3, 0);   /* 1.5 ms gained: forgiven */
    im_workers_policy_observe(&p, 4, 3, 3e-4, 20e-3, 0);
    expect_serial(&p, 16);
    /* losses without gains between double the back-off up to 4096 jobs */
    for (int k = 0; k < 12; k++) {
        im_workers_policy_observe(&p, 4, 3, 3e-4, 20e-3, 0);
        while (im_workers_policy_serial(&p)) {}
    }
    ck_assert_int_eq(p.backoff, 4096);
    /* a small loss that the credit of earlier gains absorbs is no loss */
    im_workers_policy q = { 0 };
    im_workers_policy_observe(&q, 4, 2, 1e-3, 0.5e-3, 0);   /* +1.5 ms, capped at 1 ms */
    im_workers_policy_observe(&q, 4, 2, 1e-3, 2.5e-3, 0);   /* -0.5 ms: credit 0.5 ms left */
    ck_assert(!im_workers_policy_serial(&q));
}
END_TEST

/* Jobs whose parts the caller ran alone (no worker came): 32 of them with
 * the workers asleep, or 4 with them awake, make a loss; jobs under 20 µs
 * say nothing; a job a worker helped with starts the count again. */
START_TEST(workers_backs_off_when_no_worker_comes)
{
    im_workers_policy p = { 0 };
    for (int k = 0; k < 31; k++) im_workers_policy_observe(&p, 4, 4, 1e-3, 1e-3, 1);
    ck_assert(!im_workers_policy_serial(&p));
    im_workers_policy_observe(&p, 4, 4, 1e-3, 1e-3, 1);
    expect_serial(&p, 16);
    im_workers_policy q = { 0 };
    for (int k = 0; k < 3; k++) im_workers_policy_observe(&q, 4, 4, 1e-3, 1e-3, 0);
    ck_assert(!im_workers_policy_serial(&q));
    im_workers_policy_observe(&q, 4, 2, 1e-3, 1e-3, 0);   /* a worker helped: the count starts again */
    for (int k = 0; k < 3; k++) im_workers_policy_observe(&q, 4, 4, 1e-3, 1e-3, 0);
    ck_assert(!im_workers_policy_serial(&q));
    for (int k = 0; k < 100; k++) im_workers_policy_observe(&q, 4, 4, 10e-6, 10e-6, 0);   /* too short to tell */
    ck_assert(!im_workers_policy_serial(&q));
    im_workers_policy_observe(&q, 4, 4, 1e-3, 1e-3, 0);
    expect_serial(&q, 16);
}
END_TEST

/* CSR from unordered entries (repeats summed, columns sorted), refusals by
 * place, and the GCN normalisation of a hand-made graph: a path 0-1-2, a
 * self-loop on 2 (replaced by 1) and an isolated node 3. */
static int compare_ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* im_sort_doubles is a radix sort from 256 values on: the same order as a
 * comparison sort for negatives, zeros of both signs, infinities, ties,
 * values of one sign and scale (skipped passes) and every size around the
 * switch. */
START_TEST(sort_doubles_orders_like_a_comparison_sort)
{
    static const long sizes[] = { 0, 1, 2, 255, 256, 257, 1000, 100000 };
    im_rng rng;
    im_rng_seed(&rng, 7);
    for (int kind = 0; kind < 4; kind++)
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
            long n = sizes[s];
            double *a = malloc(sizeof *a * (size_t)(n + 1)), *b = malloc(sizeof *b * (size_t)(n + 1));
            for (long i = 0; i < n; i++) {
                double u = im_rng_normal(&rng);
                a[i] = kind == 0   ? u * 1e3
                       : kind == 1 ? 1.0 + fabs(u) * 1e-6                      /* one sign and scale */
                       : kind == 2 ? (double)(long)(u * 3)                     /* many ties, ±0 */
                                   : (i % 7 == 0 ? (i % 2 ? INFINITY : -INFINITY) : (i % 5 ? u : -0.0));
            }
            memcpy(b, a, sizeof *a * (size_t)n);
            im_sort_doubles(a, n);
            qsort(b, (size_t)n, sizeof *b, compare_ascending);
            for (long i = 0; i < n; i++) ck_assert_msg(a[i] == b[i], "kind %d, n %ld, place %ld: %g, not %g", kind, n, i, a[i], b[i]);
            for (long i = 1; i < n; i++) ck_assert(a[i - 1] <= a[i]);
            free(a);
            free(b);
        }
}
END_TEST

/* What im_progress_timed writes to stderr (fd 2 sent to a file meanwhile). */
static void progress_text(im_ctx *ctx, long done, long total, double seconds, long timed, double timed_seconds,
                          char *out, size_t size)
{
    char path[] = "/tmp/infomin-progress-XXXXXX";
    int fd = mkstemp(path), saved = dup(2);
    ck_assert(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    im_progress_timed(ctx, "mine", done, total, "val -", seconds, timed, timed_seconds);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t n = (size_t)pread(fd, out, size - 1, 0);
    out[n] = '\0';
    close(fd);
    unlink(path);
}

/* The bar's time: spent, and the time left from this process's rate. */
START_TEST(progress_shows_elapsed_time_and_eta)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    char out[512];
    progress_text(&ctx, 50, 600, 12, 50, 12, out, sizeof out);
    ck_assert_str_eq(out, "");   /* not a terminal: nothing */
    ctx.progress = 1;
    progress_text(&ctx, 50, 600, 12, 50, 12, out, sizeof out);
    ck_assert_msg(strstr(out, "] 50/600 val -  12s, ETA 2m12s") != NULL, "%s", out);
    /* resumed after 300 of 600 steps taken in an hour; 100 more in 60 s here */
    progress_text(&ctx, 400, 600, 3660, 100, 60, out, sizeof out);
    ck_assert_msg(strstr(out, "] 400/600 val -  1h01m, ETA 2m00s") != NULL, "%s", out);
    progress_text(&ctx, 600, 600, 59.6, 600, 59.6, out, sizeof out);
    ck_assert_msg(strstr(out, "] 600/600 val -  1m00s\033[K") != NULL, "%s", out);
}
END_TEST

START_TEST(sparse_matrices_and_gcn_normalisation)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_csr a, norm;
    const int r[] = { 1, 0, 2, 1, 2, 0 }, c[] = { 0, 1, 1, 2, 2, 1 };
    ck_assert_int_eq(im_csr_from_entries(&ctx, 4, 4, r, c, NULL, 6, &a), IM_OK);
    ck_assert_int_eq(a.nnz, 5);   /* (0,1) given twice */
    const long ptr[] = { 0, 1, 3, 5, 5 };
    const int cols[] = { 1, 0, 2, 1, 2 };
    for (int i = 0; i <= 4; i++) ck_assert_int_eq(a.row_ptr[i], ptr[i]);
    for (int i = 0; i < 5; i++) ck_assert_int_eq(a.col[i], cols[i]);
    ck_assert_double_eq(a.val[0], 2);
    ck_assert_int_eq(im_csr_gcn_norm(&ctx, &a, &norm), IM_EINVAL);   /* (0,1) weighs 2, (1,0) 1 */
    ck_assert_str_eq(ctx.err, "GCN normalisation: the adjacency is not symmetric: (0, 1) = 2, (1, 0) = 1");
    im_csr_free(&a);
    const int r2[] = { 0, 1, 1, 2, 2 }, c2[] = { 1, 0, 2, 1, 2 };
    ck_assert_int_eq(im_csr_from_entries(&ctx, 4, 4, r2, c2, NULL, 5, &a), IM_OK);
    ck_assert_int_eq(im_csr_gcn_norm(&ctx, &a, &norm), IM_OK);
    /* degrees of A + I: 2, 3, 2, 1; Â = D^-1/2 (A + I) D^-1/2 */
    const double d[4] = { 2, 3, 2, 1 };
    double dense[4][4] = { { 0 } };
    for (int i = 0; i < 4; i++)
        for (long k = norm.row_ptr[i]; k < norm.row_ptr[i + 1]; k++) dense[i][norm.col[k]] = norm.val[k];
    const int adj[4][4] = { { 1, 1, 0, 0 }, { 1, 1, 1, 0 }, { 0, 1, 1, 0 }, { 0, 0, 0, 1 } };
    for (int i = 0; i < 4; i++) {
        double weighted = 0;   /* Â D^½ 1 = D^½ 1: each row's sum weighted by √d */
        for (int j = 0; j < 4; j++) {
            ck_assert_double_eq_tol(dense[i][j], adj[i][j] / sqrt(d[i] * d[j]), 1e-6);
            weighted += dense[i][j] * sqrt(d[j]);
        }
        ck_assert_double_eq_tol(weighted, sqrt(d[i]), 1e-6);
    }
    ck_assert_double_eq_tol(dense[3][3], 1, 1e-7);   /* an isolated node keeps itself */
    double sums[4];
    im_csr_row_sums(&norm, sums);
    ck_assert_double_eq_tol(sums[0], 0.5 + 1 / sqrt(6.0), 1e-6);
    im_csr_free(&norm);
    im_csr_free(&a);
    const int bad_r[] = { 0, 4 }, bad_c[] = { 0, 0 };
    ck_assert_int_eq(im_csr_from_entries(&ctx, 4, 4, bad_r, bad_c, NULL, 2, &a), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "sparse matrix 4x4: entry 1 at (4, 0) is outside it");
    const double neg[] = { 1, -1 };
    const int ok_r[] = { 0, 1 }, ok_c[] = { 1, 0 };
    ck_assert_int_eq(im_csr_from_entries(&ctx, 2, 2, ok_r, ok_c, neg, 2, &a), IM_OK);
    ck_assert_int_eq(im_csr_gcn_norm(&ctx, &a, &norm), IM_EINVAL);
    im_csr_free(&a);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("numeric");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, arena_does_not_grow_over_1000_steps);
    tcase_add_test(tc, vectorised_transcendentals_match_libm);
    tcase_add_test(tc, layer_tanh_matches_libm);
    tcase_add_test(tc, adam_minimises_a_convex_quadratic);
    tcase_add_test(tc, sgd_momentum_and_clipping);
    tcase_add_test(tc, rng_is_reproducible_and_well_distributed);
    tcase_add_test(tc, workers_changes_no_number);
    tcase_add_test(tc, workers_runs_every_part_once);
    tcase_add_test(tc, workers_keep_their_names_before_0_6);
    tcase_add_test(tc, workers_backs_off_after_a_stall_and_forgets_after_gains);
    tcase_add_test(tc, workers_backs_off_when_no_worker_comes);
    tcase_add_test(tc, sparse_matrices_and_gcn_normalisation);
    tcase_add_test(tc, sort_doubles_orders_like_a_comparison_sort);
    tcase_add_test(tc, progress_shows_elapsed_time_and_eta);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(core_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
