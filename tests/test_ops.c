/* test_ops.c — every op's backward against central finite differences,
 * in the float64 build of the core (IM_REAL_DOUBLE), where a relative
 * tolerance of 1e-6 is sharp: a wrong factor or a missed term fails it.
 *
 * Each case builds y = op(inputs) and the scalar L = Σ w ⊙ y with a fixed
 * random w, so every output element's gradient path is exercised. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/colmap.h"
#include "infomin/tape.h"
#include "infomin/nn.h"
#include "infomin/param.h"
#include "infomin/workers.h"
#include "infomin/rng.h"
#include "infomin/sparse.h"
#include "infomin/stats.h"

#define MAX_IN 3
typedef im_tensor *(*build_fn)(im_tape *g, im_tensor **in);

typedef struct {
    const char *name;
    int n_in;
    int shape[MAX_IN][2];
    build_fn build;
    int positive;       /* inputs drawn from (0.5, 2): log, sqrt, div */
    int grad_mask;      /* bit i set: check the gradient of input i (default all) */
} grad_case;

static const int labels[] = { 2, 0, 1, 2, 1, 0, 0 };
static const int gather_idx[] = { 3, 0, 3, 1, 2 };

/* L = Σ w ⊙ build(in); w is drawn once per case from the same seed. */
static double loss_of(im_tape *g, const grad_case *tc, im_tensor **in, const double *w, im_tensor **out_y)
{
    im_tensor *y = tc->build(g, in);
    ck_assert_msg(y != NULL, "%s: op failed: %s", tc->name, im_tape_ctx(g)->err);
    double loss = 0;
    for (long i = 0; i < (long)y->rows * y->cols; i++) loss += w[i] * y->val[i];
    if (out_y) *out_y = y;
    return loss;
}

static void check_case(const grad_case *tc)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_tape *g = im_tape_new(&ctx);
    im_rng rng;
    im_rng_seed(&rng, 1234);
    double *data[MAX_IN];
    for (int k = 0; k < tc->n_in; k++) {
        long n = (long)tc->shape[k][0] * tc->shape[k][1];
        data[k] = malloc(sizeof(double) * n);
        for (long i = 0; i < n; i++)
            data[k][i] = tc->positive ? 0.5 + 1.5 * im_rng_uniform(&rng) : im_rng_normal(&rng);
    }
    /* analytic gradients */
    im_tensor *in[MAX_IN];
    for (int k = 0; k < tc->n_in; k++) in[k] = im_leaf(g, tc->shape[k][0], tc->shape[k][1], data[k], 1);
    im_tensor *y = NULL;
    double w[4096];
    loss_of(g, tc, in, (double[4096]){ 0 }, &y);
    long ny = (long)y->rows * y->cols;
    ck_assert_int_le(ny, 4096);
    for (long i = 0; i < ny; i++) w[i] = im_rng_normal(&rng);
    im_tape_reset(g);
    for (int k = 0; k < tc->n_in; k++) in[k] = im_leaf(g, tc->shape[k][0], tc->shape[k][1], data[k], 1);
    y = tc->build(g, in);
    im_tensor *wt = im_leaf(g, y->rows, y->cols, w, 0);
    im_tensor *loss = im_sum(g, im_mul(g, y, wt), IM_ALL);
    ck_assert_int_eq(im_backward(g, loss), IM_OK);
    double *analytic[MAX_IN];
    for (int k = 0; k < tc->n_in; k++) {
        long n = (long)tc->shape[k][0] * tc->shape[k][1];
        analytic[k] = calloc(n, sizeof(double));
        if (in[k]->grad) memcpy(analytic[k], in[k]->grad, sizeof(double) * n);
    }
    /* numeric gradients, one coordinate at a time */
    const double h = 1e-6;
    int mask = tc->grad_mask ? tc->grad_mask : 0xff;
    for (int k = 0; k < tc->n_in; k++) {
        if (!(mask & (1 << k))) continue;
        long n = (long)tc->shape[k][0] * tc->shape[k][1];
        for (long i = 0; i < n; i++) {
            double saved = data[k][i], lp, lm;
            data[k][i] = saved + h;
            im_tape_reset(g);
            for (int j = 0; j < tc->n_in; j++) in[j] = im_leaf(g, tc->shape[j][0], tc->shape[j][1], data[j], 0);
            lp = loss_of(g, tc, in, w, NULL);
            data[k][i] = saved - h;
            im_tape_reset(g);
            for (int j = 0; j < tc->n_in; j++) in[j] = im_leaf(g, tc->shape[j][0], tc->shape[j][1], data[j], 0);
            lm = loss_of(g, tc, in, w, NULL);
            data[k][i] = saved;
            double numeric = (lp - lm) / (2 * h), a = analytic[k][i];
            double scale = fmax(1.0, fmax(fabs(a), fabs(numeric)));
            ck_assert_msg(fabs(a - numeric) <= 1e-6 * scale, "%s: d/d input%d[%ld]: analytic %.10g, numeric %.10g",
                          tc->name, k, i, a, numeric);
        }
    }
    for (int k = 0; k < tc->n_in; k++) {
        free(data[k]);
        free(analytic[k]);
    }
    im_tape_free(g);
}

/* ---- builders ---- */
static im_tensor *b_matmul_nn(im_tape *g, im_tensor **x) { return im_matmul(g, x[0], x[1], 0, 0); }
static im_tensor *b_matmul_nt(im_tape *g, im_tensor **x) { return im_matmul(g, x[0], x[1], 0, 1); }
static im_tensor *b_matmul_tn(im_tape *g, im_tensor **x) { return im_matmul(g, x[0], x[1], 1, 0); }
static im_tensor *b_matmul_tt(im_tape *g, im_tensor **x) { return im_matmul(g, x[0], x[1], 1, 1); }
static im_tensor *b_linear(im_tape *g, im_tensor **x) { return im_linear(g, x[0], x[1], x[2]); }
static im_tensor *b_linear_nobias(im_tape *g, im_tensor **x) { return im_linear(g, x[0], x[1], NULL); }
#define LINEAR_ACT(name, act) \
    static im_tensor *name(im_tape *g, im_tensor **x) { return im_linear_act(g, x[0], x[1], x[2], act); }
LINEAR_ACT(b_linear_relu, IM_ACT_RELU)
LINEAR_ACT(b_linear_leaky, IM_ACT_LEAKY_RELU)
LINEAR_ACT(b_linear_elu, IM_ACT_ELU)
LINEAR_ACT(b_linear_tanh, IM_ACT_TANH)
LINEAR_ACT(b_linear_sigmoid, IM_ACT_SIGMOID)
LINEAR_ACT(b_linear_softplus, IM_ACT_SOFTPLUS)
static im_tensor *b_add(im_tape *g, im_tensor **x) { return im_add(g, x[0], x[1]); }
static im_tensor *b_sub(im_tape *g, im_tensor **x) { return im_sub(g, x[0], x[1]); }
static im_tensor *b_mul(im_tape *g, im_tensor **x) { return im_mul(g, x[0], x[1]); }
static im_tensor *b_div(im_tape *g, im_tensor **x) { return im_div(g, x[0], x[1]); }
static im_tensor *b_bias_add(im_tape *g, im_tensor **x) { return im_bias_add(g, x[0], x[1]); }
static im_tensor *b_scale(im_tape *g, im_tensor **x) { return im_scale(g, x[0], -2.5); }
static im_tensor *b_add_scalar(im_tape *g, im_tensor **x) { return im_add_scalar(g, x[0], 0.7); }
static im_tensor *b_neg(im_tape *g, im_tensor **x) { return im_neg(g, x[0]); }
static im_tensor *b_relu(im_tape *g, im_tensor **x) { return im_relu(g, x[0]); }
static im_tensor *b_leaky(im_tape *g, im_tensor **x) { return im_leaky_relu(g, x[0], 0.2); }
static im_tensor *b_elu(im_tape *g, im_tensor **x) { return im_elu(g, x[0], 1.3); }
static im_tensor *b_tanh(im_tape *g, im_tensor **x) { return im_tanh(g, x[0]); }
static im_tensor *b_sigmoid(im_tape *g, im_tensor **x) { return im_sigmoid(g, x[0]); }
static im_tensor *b_asinh(im_tape *g, im_tensor **x) { return im_asinh(g, im_scale(g, x[0], 3)); }
/* The critic's input maps, fitted once on 40 rows spread over (−1.2, 1.2):
 * the N(0, 1) test inputs land between knots and past both ends. */
static im_tensor *b_colmap(im_tape *g, im_tensor **x, im_colmap_kind kind)
{
    static im_colmap maps[3];
    im_colmap *m = &maps[kind];
    if (!m->fitted) {
        im_ctx ctx;
        im_ctx_init(&ctx);
        double fit[40 * 2];
        for (int i = 0; i < 40 * 2; i++) fit[i] = 1.2 * sin(1.7 * i + 0.3);
        im_colmap_init(m, kind, 2);
        ck_assert_int_eq(im_colmap_fit(&ctx, m, fit, 40), IM_OK);
    }
    return im_colmap_apply(g, m, x[0]);
}
static im_tensor *b_squash(im_tape *g, im_tensor **x) { return b_colmap(g, x, IM_COLMAP_SQUASH); }
static im_tensor *b_quantile(im_tape *g, im_tensor **x) { return b_colmap(g, x, IM_COLMAP_QUANTILE); }
static im_tensor *b_softplus(im_tape *g, im_tensor **x) { return im_softplus(g, x[0]); }
static im_tensor *b_exp(im_tape *g, im_tensor **x) { return im_exp(g, x[0]); }
static im_tensor *b_log(im_tape *g, im_tensor **x) { return im_log(g, x[0]); }
static im_tensor *b_square(im_tape *g, im_tensor **x) { return im_square(g, x[0]); }
static im_tensor *b_sqrt(im_tape *g, im_tensor **x) { return im_sqrt(g, x[0]); }
static im_tensor *b_abs(im_tape *g, im_tensor **x) { return im_abs(g, x[0]); }
static im_tensor *b_sin(im_tape *g, im_tensor **x) { return im_sin(g, x[0]); }
static im_tensor *b_clamp(im_tape *g, im_tensor **x) { return im_clamp(g, x[0], -0.5, 0.8); }
static im_tensor *b_sum_all(im_tape *g, im_tensor **x) { return im_sum(g, x[0], IM_ALL); }
static im_tensor *b_sum_row(im_tape *g, im_tensor **x) { return im_sum(g, x[0], IM_ROWWISE); }
static im_tensor *b_sum_col(im_tape *g, im_tensor **x) { return im_sum(g, x[0], IM_COLWISE); }
static im_tensor *b_mean_all(im_tape *g, im_tensor **x) { return im_mean(g, x[0], IM_ALL); }
static im_tensor *b_mean_row(im_tape *g, im_tensor **x) { return im_mean(g, x[0], IM_ROWWISE); }
static im_tensor *b_mean_col(im_tape *g, im_tensor **x) { return im_mean(g, x[0], IM_COLWISE); }
static im_tensor *b_lse_all(im_tape *g, im_tensor **x) { return im_logsumexp(g, x[0], IM_ALL); }
static im_tensor *b_lse_row(im_tape *g, im_tensor **x) { return im_logsumexp(g, x[0], IM_ROWWISE); }
static im_tensor *b_lse_col(im_tape *g, im_tensor **x) { return im_logsumexp(g, x[0], IM_COLWISE); }
static im_tensor *b_log_softmax(im_tape *g, im_tensor **x) { return im_log_softmax(g, x[0]); }
static im_tensor *b_concat_cols(im_tape *g, im_tensor **x) { return im_concat_cols(g, x[0], x[1]); }
static im_tensor *b_concat_rows(im_tape *g, im_tensor **x) { return im_concat_rows(g, x[0], x[1]); }
static im_tensor *b_slice_cols(im_tape *g, im_tensor **x) { return im_slice_cols(g, x[0], 1, 2); }
static im_tensor *b_slice_rows(im_tape *g, im_tensor **x) { return im_slice_rows(g, x[0], 2, 3); }
static im_tensor *b_gather(im_tape *g, im_tensor **x) { return im_gather_rows(g, x[0], gather_idx, 5); }
/* a 4x5 sparse matrix with an empty row, a repeated position (summed) and
 * negative values; made once, reachable to the end */
static const im_csr *sparse_4x5(void)
{
    static im_csr a;
    if (!a.rows) {
        static const int r[] = { 0, 0, 2, 2, 3, 0, 3 }, c[] = { 1, 4, 0, 2, 3, 1, 0 };
        static const double v[] = { 0.5, -1.2, 2.0, 0.3, 1.1, 0.25, -0.7 };
        im_ctx ctx;
        im_ctx_init(&ctx);
        ck_assert_int_eq(im_csr_from_entries(&ctx, 4, 5, r, c, v, 7, &a), IM_OK);
    }
    return &a;
}
static im_tensor *b_spmm(im_tape *g, im_tensor **x) { return im_spmm(g, sparse_4x5(), x[0]); }
/* the product twice on one input: the scatter accumulates */
static im_tensor *b_spmm_twice(im_tape *g, im_tensor **x)
{
    return im_add(g, im_spmm(g, sparse_4x5(), x[0]), im_tanh(g, im_spmm(g, sparse_4x5(), x[0])));
}
static im_tensor *b_outer_add(im_tape *g, im_tensor **x) { return im_outer_add(g, x[0], x[1]); }
#define OUTER_ACT(name, act) \
    static im_tensor *name(im_tape *g, im_tensor **x) { return im_outer_add_act(g, x[0], x[1], act); }
OUTER_ACT(b_outer_relu, IM_ACT_RELU)
OUTER_ACT(b_outer_elu, IM_ACT_ELU)
OUTER_ACT(b_outer_tanh, IM_ACT_TANH)
OUTER_ACT(b_outer_softplus, IM_ACT_SOFTPLUS)
static im_tensor *b_standardize(im_tape *g, im_tensor **x) { return im_standardize_cols(g, x[0], 1e-3); }
static im_tensor *b_ce(im_tape *g, im_tensor **x) { return im_cross_entropy_logits(g, x[0], labels); }
static im_tensor *b_bce(im_tape *g, im_tensor **x)
{
    return im_bce_logits(g, x[0], im_sigmoid(g, x[1]));   /* soft targets in (0,1) */
}
static im_tensor *b_mse(im_tape *g, im_tensor **x) { return im_mse(g, x[0], x[1]); }
static im_tensor *b_gauss(im_tape *g, im_tensor **x) { return im_gaussian_loglik(g, x[0], x[1], x[2]); }
static im_tensor *b_surrogate(im_tape *g, im_tensor **x)
{
    /* value and gradient path agree here, so finite differences see the
     * surrogate's gradient; x0 takes no part and must get none */
    return im_surrogate(g, im_detach(g, im_scale(g, x[1], 2.0)), im_scale(g, x[1], 2.0));
}
static im_tensor *b_diag(im_tape *g, im_tensor **x) { return im_diag(g, x[0]); }
static im_tensor *b_offdiag(im_tape *g, im_tensor **x) { return im_offdiag(g, x[0]); }
static im_tensor *b_reshape(im_tape *g, im_tensor **x) { return im_tanh(g, im_reshape(g, x[0], 2, 6)); }
static im_tensor *b_transpose(im_tape *g, im_tensor **x) { return im_transpose(g, x[0]); }
static im_tensor *b_logdet(im_tape *g, im_tensor **x)
{
    /* an SPD argument: xᵀx/n of a 6x3 x, plus a ridge */
    return im_logdet(g, im_scale(g, im_matmul(g, x[0], x[0], 1, 0), 1.0 / 6), 0.1);
}
static im_tensor *b_gram(im_tape *g, im_tensor **x) { return im_matmul(g, x[0], x[0], 0, 1); }
static im_tensor *b_chain(im_tape *g, im_tensor **x)
{
    /* a small critic: reuse of one tensor by two consumers accumulates */
    im_tensor *h = im_tanh(g, im_linear(g, x[0], x[1], x[2]));
    return im_add(g, im_mul(g, h, h), im_log_softmax(g, h));
}

/* ---- images: rows of NCHW values ---- */
#define SHAPE(c, h, w) ((im_shape){ c, h, w })
static im_tensor *b_conv_k3(im_tape *g, im_tensor **x) { return im_conv2d(g, x[0], SHAPE(2, 5, 5), x[1], x[2], 3, 1, 0); }
static im_tensor *b_conv_odd_s2_p1(im_tape *g, im_tensor **x)
{
    return im_conv2d(g, x[0], SHAPE(2, 7, 5), x[1], x[2], 3, 2, 1);
}
static im_tensor *b_conv_k4_s2(im_tape *g, im_tensor **x) { return im_conv2d(g, x[0], SHAPE(1, 6, 6), x[1], x[2], 4, 2, 1); }
static im_tensor *b_conv_1x1_nobias(im_tape *g, im_tensor **x)
{
    return im_conv2d(g, x[0], SHAPE(3, 2, 3), x[1], NULL, 1, 1, 0);
}
static im_tensor *b_max_pool2(im_tape *g, im_tensor **x) { return im_max_pool(g, x[0], SHAPE(2, 5, 5), 2, 2); }
static im_tensor *b_max_pool3(im_tape *g, im_tensor **x) { return im_max_pool(g, x[0], SHAPE(1, 7, 6), 3, 2); }
static im_tensor *b_avg_pool2(im_tape *g, im_tensor **x) { return im_avg_pool(g, x[0], SHAPE(2, 4, 5), 2, 2); }
static im_tensor *b_avg_pool3(im_tape *g, im_tensor **x) { return im_avg_pool(g, x[0], SHAPE(2, 5, 5), 3, 1); }
static im_tensor *b_gap(im_tape *g, im_tensor **x) { return im_global_avg_pool(g, x[0], SHAPE(3, 3, 2)); }
static im_tensor *b_upsample2(im_tape *g, im_tensor **x) { return im_upsample(g, x[0], SHAPE(2, 3, 2), 2); }
static im_tensor *b_upsample3(im_tape *g, im_tensor **x) { return im_upsample(g, x[0], SHAPE(1, 2, 3), 3); }
static im_tensor *b_channels_last(im_tape *g, im_tensor **x) { return im_channels_last(g, x[0], SHAPE(3, 2, 3)); }
static im_tensor *b_bn_train(im_tape *g, im_tensor **x)
{
    return im_batch_norm(g, x[0], SHAPE(2, 3, 3), x[1], x[2], NULL, NULL, 0.1, 1e-5, 1);
}
static im_tensor *b_bn_dense(im_tape *g, im_tensor **x)
{
    return im_batch_norm(g, x[0], SHAPE(3, 1, 1), x[1], x[2], NULL, NULL, 0.1, 1e-5, 1);
}
static im_tensor *b_bn_eval(im_tape *g, im_tensor **x)
{
    static im_real stats[4] = { 0.3, -0.2, 1.7, 0.6 };   /* means, then variances */
    return im_batch_norm(g, x[0], SHAPE(2, 2, 2), x[1], x[2], stats, stats + 2, 0.1, 1e-5, 0);
}
static im_tensor *b_dropout(im_tape *g, im_tensor **x)
{
    im_rng r;
    im_rng_seed(&r, 7);   /* the same mask at every evaluation */
    return im_dropout(g, x[0], 0.4, &r);
}
/* A small encoder: conv, batch norm, relu, pool, conv, global pool. */
static im_tensor *b_conv_stack(im_tape *g, im_tensor **x)
{
    im_shape s1 = im_conv_shape(SHAPE(1, 6, 6), 2, 3, 1, 1);
    im_tensor *h = im_conv2d(g, x[0], SHAPE(1, 6, 6), x[1], NULL, 3, 1, 1);
    h = im_relu(g, im_batch_norm(g, h, s1, im_const(g, 1, 2, 1.5), im_const(g, 1, 2, 0.1), NULL, NULL, 0.1, 1e-5, 1));
    h = im_max_pool(g, h, s1, 2, 2);
    return im_global_avg_pool(g, im_conv2d(g, h, SHAPE(2, 3, 3), x[2], NULL, 2, 1, 0), SHAPE(2, 2, 2));
}

static const grad_case cases[] = {
    { "matmul 1x1·1x1", 2, { { 1, 1 }, { 1, 1 } }, b_matmul_nn, 0, 0 },
    { "matmul 3x4·4x2", 2, { { 3, 4 }, { 4, 2 } }, b_matmul_nn, 0, 0 },
    { "matmul 3x4·(5x4)ᵀ", 2, { { 3, 4 }, { 5, 4 } }, b_matmul_nt, 0, 0 },
    { "matmul (4x3)ᵀ·4x5", 2, { { 4, 3 }, { 4, 5 } }, b_matmul_tn, 0, 0 },
    { "matmul (4x3)ᵀ·(2x4)ᵀ", 2, { { 4, 3 }, { 2, 4 } }, b_matmul_tt, 0, 0 },
    { "linear 5x3 -> 4", 3, { { 5, 3 }, { 4, 3 }, { 1, 4 } }, b_linear, 0, 0 },
    { "linear 1x1 -> 1", 3, { { 1, 1 }, { 1, 1 }, { 1, 1 } }, b_linear, 0, 0 },
    { "linear no bias", 2, { { 6, 2 }, { 3, 2 } }, b_linear_nobias, 0, 0 },
    { "linear+relu", 3, { { 6, 3 }, { 5, 3 }, { 1, 5 } }, b_linear_relu, 0, 0 },
    { "linear+leaky_relu", 3, { { 6, 3 }, { 5, 3 }, { 1, 5 } }, b_linear_leaky, 0, 0 },
    { "linear+elu", 3, { { 6, 3 }, { 5, 3 }, { 1, 5 } }, b_linear_elu, 0, 0 },
    { "linear+tanh", 3, { { 6, 3 }, { 5, 3 }, { 1, 5 } }, b_linear_tanh, 0, 0 },
    { "linear+sigmoid", 3, { { 6, 3 }, { 5, 3 }, { 1, 5 } }, b_linear_sigmoid, 0, 0 },
    { "linear+softplus", 3, { { 6, 3 }, { 5, 3 }, { 1, 5 } }, b_linear_softplus, 0, 0 },
    { "matmul x·xᵀ (one tensor twice)", 1, { { 4, 3 } }, b_gram, 0, 0 },
    { "add same", 2, { { 3, 4 }, { 3, 4 } }, b_add, 0, 0 },
    { "add row bcast", 2, { { 3, 4 }, { 1, 4 } }, b_add, 0, 0 },
    { "add col bcast", 2, { { 3, 4 }, { 3, 1 } }, b_add, 0, 0 },
    { "add scalar bcast", 2, { { 3, 4 }, { 1, 1 } }, b_add, 0, 0 },
    { "add outer bcast", 2, { { 1, 4 }, { 3, 1 } }, b_add, 0, 0 },
    { "sub col bcast", 2, { { 3, 4 }, { 3, 1 } }, b_sub, 0, 0 },
    { "sub scalar-first", 2, { { 1, 1 }, { 2, 5 } }, b_sub, 0, 0 },
    { "mul row bcast", 2, { { 5, 2 }, { 1, 2 } }, b_mul, 0, 0 },
    { "mul 1x1", 2, { { 1, 1 }, { 1, 1 } }, b_mul, 0, 0 },
    { "div col bcast", 2, { { 3, 4 }, { 3, 1 } }, b_div, 1, 0 },
    { "div same", 2, { { 2, 3 }, { 2, 3 } }, b_div, 1, 0 },
    { "bias_add", 2, { { 4, 3 }, { 1, 3 } }, b_bias_add, 0, 0 },
    { "scale", 1, { { 3, 5 } }, b_scale, 0, 0 },
    { "add_scalar", 1, { { 1, 1 } }, b_add_scalar, 0, 0 },
    { "neg", 1, { { 2, 3 } }, b_neg, 0, 0 },
    { "relu", 1, { { 4, 5 } }, b_relu, 0, 0 },
    { "leaky_relu", 1, { { 4, 5 } }, b_leaky, 0, 0 },
    { "elu", 1, { { 4, 5 } }, b_elu, 0, 0 },
    { "tanh", 1, { { 3, 2 } }, b_tanh, 0, 0 },
    { "sigmoid", 1, { { 3, 2 } }, b_sigmoid, 0, 0 },
    { "asinh", 1, { { 3, 2 } }, b_asinh, 0, 0 },
    { "softplus", 1, { { 3, 2 } }, b_softplus, 0, 0 },
    { "input map: squash", 1, { { 6, 2 } }, b_squash, 0, 0 },
    { "input map: quantile", 1, { { 8, 2 } }, b_quantile, 0, 0 },
    { "exp", 1, { { 2, 4 } }, b_exp, 0, 0 },
    { "log", 1, { { 2, 4 } }, b_log, 1, 0 },
    { "square", 1, { { 1, 1 } }, b_square, 0, 0 },
    { "sqrt", 1, { { 3, 3 } }, b_sqrt, 1, 0 },
    { "abs", 1, { { 3, 3 } }, b_abs, 0, 0 },
    { "sin", 1, { { 3, 3 } }, b_sin, 0, 0 },
    { "clamp", 1, { { 4, 4 } }, b_clamp, 0, 0 },
    { "sum all", 1, { { 3, 4 } }, b_sum_all, 0, 0 },
    { "sum rowwise", 1, { { 3, 4 } }, b_sum_row, 0, 0 },
    { "sum colwise", 1, { { 3, 4 } }, b_sum_col, 0, 0 },
    { "mean all 1x1", 1, { { 1, 1 } }, b_mean_all, 0, 0 },
    { "mean rowwise", 1, { { 5, 2 } }, b_mean_row, 0, 0 },
    { "mean colwise", 1, { { 5, 2 } }, b_mean_col, 0, 0 },
    { "logsumexp all", 1, { { 3, 4 } }, b_lse_all, 0, 0 },
    { "logsumexp rowwise", 1, { { 3, 4 } }, b_lse_row, 0, 0 },
    { "logsumexp colwise", 1, { { 3, 4 } }, b_lse_col, 0, 0 },
    { "log_softmax", 1, { { 4, 3 } }, b_log_softmax, 0, 0 },
    { "concat_cols", 2, { { 3, 2 }, { 3, 4 } }, b_concat_cols, 0, 0 },
    { "concat_rows", 2, { { 2, 3 }, { 4, 3 } }, b_concat_rows, 0, 0 },
    { "slice_cols", 1, { { 3, 5 } }, b_slice_cols, 0, 0 },
    { "slice_rows", 1, { { 6, 2 } }, b_slice_rows, 0, 0 },
    { "gather_rows (repeats)", 1, { { 4, 3 } }, b_gather, 0, 0 },
    { "spmm 4x5 sparse · 5x3", 1, { { 5, 3 } }, b_spmm, 0, 0 },
    { "spmm twice on one input", 1, { { 5, 2 } }, b_spmm_twice, 0, 0 },
    { "diag", 1, { { 4, 4 } }, b_diag, 0, 0 },
    { "offdiag", 1, { { 4, 4 } }, b_offdiag, 0, 0 },
    { "reshape 3x4 -> 2x6", 1, { { 3, 4 } }, b_reshape, 0, 0 },
    { "transpose", 1, { { 3, 5 } }, b_transpose, 0, 0 },
    { "logdet of a covariance", 1, { { 6, 3 } }, b_logdet, 0, 0 },
    { "outer_add", 2, { { 3, 2 }, { 4, 2 } }, b_outer_add, 0, 0 },
    { "outer_add+relu", 2, { { 3, 2 }, { 4, 2 } }, b_outer_relu, 0, 0 },
    { "outer_add+elu", 2, { { 3, 2 }, { 4, 2 } }, b_outer_elu, 0, 0 },
    { "outer_add+tanh", 2, { { 3, 2 }, { 4, 2 } }, b_outer_tanh, 0, 0 },
    { "outer_add+softplus", 2, { { 3, 2 }, { 4, 2 } }, b_outer_softplus, 0, 0 },
    { "standardize_cols", 1, { { 6, 3 } }, b_standardize, 0, 0 },
    { "cross_entropy_logits", 1, { { 7, 3 } }, b_ce, 0, 0 },
    { "bce_logits", 2, { { 5, 1 }, { 5, 1 } }, b_bce, 0, 1 },
    { "mse", 2, { { 4, 3 }, { 4, 3 } }, b_mse, 0, 0 },
    { "gaussian_loglik", 3, { { 4, 3 }, { 4, 3 }, { 4, 3 } }, b_gauss, 0, 0 },
    { "surrogate", 2, { { 2, 2 }, { 2, 2 } }, b_surrogate, 0, 0 },
    { "conv2d 2x(2,5,5) k3", 3, { { 2, 50 }, { 3, 18 }, { 1, 3 } }, b_conv_k3, 0, 0 },
    { "conv2d odd 7x5, stride 2, pad 1", 3, { { 3, 70 }, { 2, 18 }, { 1, 2 } }, b_conv_odd_s2_p1, 0, 0 },
    { "conv2d k4 s2 p1, batch 1", 3, { { 1, 36 }, { 4, 16 }, { 1, 4 } }, b_conv_k4_s2, 0, 0 },
    { "conv2d 1x1, no bias", 2, { { 4, 18 }, { 2, 3 } }, b_conv_1x1_nobias, 0, 0 },
    { "max_pool 2x2 on 5x5", 1, { { 2, 50 } }, b_max_pool2, 0, 0 },
    { "max_pool 3 stride 2 on 7x6", 1, { { 2, 42 } }, b_max_pool3, 0, 0 },
    { "avg_pool 2x2 on 4x5", 1, { { 2, 40 } }, b_avg_pool2, 0, 0 },
    { "avg_pool 3 stride 1", 1, { { 1, 50 } }, b_avg_pool3, 0, 0 },
    { "global_avg_pool", 1, { { 2, 18 } }, b_gap, 0, 0 },
    { "upsample x2", 1, { { 2, 12 } }, b_upsample2, 0, 0 },
    { "upsample x3, batch 1", 1, { { 1, 6 } }, b_upsample3, 0, 0 },
    { "channels_last", 1, { { 2, 18 } }, b_channels_last, 0, 0 },
    { "batch_norm train (2,3,3)", 3, { { 3, 18 }, { 1, 2 }, { 1, 2 } }, b_bn_train, 0, 0 },
    { "batch_norm train dense", 3, { { 5, 3 }, { 1, 3 }, { 1, 3 } }, b_bn_dense, 0, 0 },
    { "batch_norm eval", 3, { { 3, 8 }, { 1, 2 }, { 1, 2 } }, b_bn_eval, 0, 0 },
    { "dropout", 1, { { 3, 7 } }, b_dropout, 0, 0 },
    { "conv, bn, relu, pool, conv, gap", 3, { { 2, 36 }, { 2, 9 }, { 2, 8 } }, b_conv_stack, 0, 0 },
    { "chain: tanh(linear) reused", 3, { { 5, 3 }, { 4, 3 }, { 1, 4 } }, b_chain, 0, 0 },
};
#define N_CASES ((int)(sizeof cases / sizeof cases[0]))

START_TEST(op_gradient_matches_finite_differences)
{
    check_case(&cases[_i]);
}
END_TEST

/* The convolution split over worker threads: several groups per thread, a ragged
 * last group; values and every gradient as on one thread (float64: only
 * the summation order of the weight gradient differs). */
static void conv_pass(im_workers *workers, const double *x, const double *w, const double *b, double *out)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.workers = workers;
    im_tape *g = im_tape_new(&ctx);
    im_tensor *xt = im_leaf(g, 70, 72, (double *)x, 1), *wt = im_leaf(g, 4, 18, (double *)w, 1);
    im_tensor *bt = im_leaf(g, 1, 4, (double *)b, 1);
    im_tensor *y = im_conv2d(g, xt, SHAPE(2, 6, 6), wt, bt, 3, 1, 1);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(im_backward(g, im_sum(g, im_square(g, y), IM_ALL)), IM_OK);
    memcpy(out, y->val, sizeof(double) * 70 * 144);
    memcpy(out + 70 * 144, xt->grad, sizeof(double) * 70 * 72);
    memcpy(out + 70 * 216, wt->grad, sizeof(double) * 72);
    memcpy(out + 70 * 216 + 72, bt->grad, sizeof(double) * 4);
    im_tape_free(g);
}

START_TEST(conv_split_over_threads_matches_one_thread)
{
    enum { N = 70 * 216 + 76 };
    static double x[70 * 72], w[72], b[4], one[N], three[N];
    im_rng rng;
    im_rng_seed(&rng, 5);
    for (int i = 0; i < 70 * 72; i++) x[i] = im_rng_normal(&rng);
    for (int i = 0; i < 72; i++) w[i] = im_rng_normal(&rng);
    for (int i = 0; i < 4; i++) b[i] = im_rng_normal(&rng);
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_workers *workers;
    ck_assert_int_eq(im_workers_new(&ctx, 3, &workers), IM_OK);
    conv_pass(NULL, x, w, b, one);
    conv_pass(workers, x, w, b, three);
    for (int i = 0; i < N; i++)
        ck_assert_msg(fabs(one[i] - three[i]) <= 1e-10 * fmax(1, fabs(one[i])), "value %d: %.15g vs %.15g", i, one[i],
                      three[i]);
    im_workers_free(workers);
}
END_TEST

/* The outer add with its activation (the all-pairs critic's first layer)
 * split over worker threads: values and both gradients identical to one thread's,
 * bit for bit. */
static void outer_pass(im_workers *workers, const double *a, const double *b, const double *c, double *out)
{
    enum { NA = 48, NB = 40, H = 64 };
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.workers = workers;
    im_tape *g = im_tape_new(&ctx);
    im_tensor *at = im_leaf(g, NA, H, (double *)a, 1), *bt = im_leaf(g, NB, H, (double *)b, 1);
    im_tensor *y = im_outer_add_act(g, at, bt, IM_ACT_TANH);
    ck_assert_ptr_nonnull(y);
    ck_assert_int_eq(im_backward(g, im_sum(g, im_mul(g, y, im_leaf(g, NA * NB, H, (double *)c, 0)), IM_ALL)), IM_OK);
    memcpy(out, y->val, sizeof(double) * NA * NB * H);
    memcpy(out + NA * NB * H, at->grad, sizeof(double) * NA * H);
    memcpy(out + NA * NB * H + NA * H, bt->grad, sizeof(double) * NB * H);
    im_tape_free(g);
}

START_TEST(outer_add_split_over_threads_matches_one_thread)
{
    enum { NA = 48, NB = 40, H = 64, N = NA * NB * H + (NA + NB) * H };
    static double a[NA * H], b[NB * H], c[NA * NB * H], one[N], three[N];
    im_rng rng;
    im_rng_seed(&rng, 6);
    for (int i = 0; i < NA * H; i++) a[i] = im_rng_normal(&rng);
    for (int i = 0; i < NB * H; i++) b[i] = im_rng_normal(&rng);
    for (int i = 0; i < NA * NB * H; i++) c[i] = im_rng_normal(&rng);
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_workers *workers;
    ck_assert_int_eq(im_workers_new(&ctx, 3, &workers), IM_OK);
    outer_pass(NULL, a, b, c, one);
    outer_pass(workers, a, b, c, three);
    for (int i = 0; i < N; i++) ck_assert_msg(one[i] == three[i], "value %d: %.17g vs %.17g", i, one[i], three[i]);
    ck_assert(one[NA * NB * H] != 0);   /* the gradients were written */
    im_workers_free(workers);
}
END_TEST

/* Image ops refuse shapes that do not match their input, by name. */
START_TEST(image_shape_errors_are_named)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_tape *g = im_tape_new(&ctx);
    im_tensor *x = im_const(g, 2, 50, 1), *w = im_const(g, 3, 18, 1);
    ck_assert_ptr_null(im_conv2d(g, x, SHAPE(2, 5, 4), w, NULL, 3, 1, 0));
    ck_assert_ptr_nonnull(strstr(ctx.err, "im_conv2d: input rows have 50 values, shape 2x5x4 has 40"));
    im_tape_free(g);
    const char *expect[] = { "im_conv2d: weight is 3x18, expected 3x32", "do not fit a 5x5 image",
                             "im_max_pool: window 6, stride 1 do not fit", "im_batch_norm: gamma 1x3",
                             "im_batch_norm: evaluation needs the running", "im_dropout: probability 1 outside" };
    for (int i = 0; i < 6; i++) {
        im_ctx_init(&ctx);
        g = im_tape_new(&ctx);
        x = im_const(g, 2, 50, 1);
        w = im_const(g, 3, 18, 1);
        im_tensor *gb = im_const(g, 1, 2, 1), *r;
        switch (i) {
        case 0: r = im_conv2d(g, x, SHAPE(2, 5, 5), w, NULL, 4, 1, 0); break;
        case 1: r = im_conv2d(g, x, SHAPE(2, 5, 5), im_const(g, 3, 98, 1), NULL, 7, 1, 0); break;
        case 2: r = im_max_pool(g, x, SHAPE(2, 5, 5), 6, 1); break;
        case 3: r = im_batch_norm(g, x, SHAPE(2, 5, 5), im_const(g, 1, 3, 1), gb, NULL, NULL, 0.1, 1e-5, 1); break;
        case 4: r = im_batch_norm(g, x, SHAPE(2, 5, 5), gb, gb, NULL, NULL, 0.1, 1e-5, 0); break;
        default: r = im_dropout(g, x, 1.0, NULL); break;
        }
        ck_assert_ptr_null(r);
        ck_assert_msg(strstr(ctx.err, expect[i]) != NULL, "case %d: '%s'", i, ctx.err);
        im_tape_free(g);
    }
}
END_TEST

/* The error path: a shape mismatch names the op and both shapes, sticks,
 * and every later op returns NULL. */
START_TEST(shape_errors_are_sticky_and_named)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_tape *g = im_tape_new(&ctx);
    im_tensor *a = im_const(g, 3, 4, 1), *b = im_const(g, 5, 4, 1);
    im_tensor *c = im_matmul(g, a, b, 0, 0);
    ck_assert_ptr_null(c);
    ck_assert_str_eq(ctx.err, "im_matmul: inner dimensions differ: 3x4 · 5x4");
    ck_assert_ptr_null(im_relu(g, c));
    ck_assert_ptr_null(im_add(g, a, im_const(g, 2, 4, 1)));   /* first message kept */
    ck_assert_str_eq(ctx.err, "im_matmul: inner dimensions differ: 3x4 · 5x4");
    ck_assert_int_ne(im_backward(g, NULL), IM_OK);
    im_tape_reset(g);
    ck_assert_ptr_null(im_add(g, im_const(g, 3, 4, 1), im_const(g, 2, 4, 1)));
    ck_assert_str_eq(ctx.err, "im_add: shapes 3x4 and 2x4 do not broadcast");
    im_tape_free(g);
}
END_TEST

START_TEST(normal_quantile_inverts_the_cdf)
{
    const double ps[] = { 1e-12, 1e-6, 0.0013, 0.025, 0.3, 0.5, 0.77, 0.975, 1 - 1e-9 };
    for (int i = 0; i < (int)(sizeof ps / sizeof ps[0]); i++) {
        /* compared in the smaller tail, where the digits are */
        double x = im_normal_quantile(ps[i]), tail = fmin(ps[i], 1 - ps[i]), back = 0.5 * erfc(fabs(x) / M_SQRT2);
        ck_assert_msg(fabs(back - tail) <= 1e-12 * tail, "p %g: tail of Φ(Φ⁻¹(p)) %.17g", ps[i], back);
        ck_assert(ps[i] < 0.5 ? x < 0 : x >= 0);
    }
    ck_assert_double_eq_tol(im_normal_quantile(0.975), 1.959963984540054, 1e-12);
    ck_assert_double_eq_tol(im_normal_quantile(0.5), 0, 1e-15);
}
END_TEST

static void map_rows(im_tape *g, const im_colmap *m, double *rows, int n, double *out)
{
    im_tape_reset(g);
    im_tensor *y = im_colmap_apply(g, m, im_leaf(g, n, m->cols, rows, 0));
    ck_assert_ptr_nonnull(y);
    memcpy(out, y->val, sizeof(double) * (size_t)n * m->cols);
}

/* The copula map sees ranks only: x and an increasing transform of x give the
 * same values on the rows they were fitted on (all knots here),
 * ties merge into one knot, and the map keeps increasing past the ends. */
START_TEST(quantile_map_is_rank_invariant)
{
    enum { N = 1000 };   /* <= IM_COLMAP_KNOTS: every row is a knot */
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_tape *g = im_tape_new(&ctx);
    im_rng rng;
    im_rng_seed(&rng, 7);
    double *x = malloc(sizeof(double) * N * 2), *t = malloc(sizeof(double) * N * 2);
    double *a = malloc(sizeof(double) * N * 2), *b = malloc(sizeof(double) * N * 2);
    for (int i = 0; i < N; i++) {
        x[2 * i] = im_rng_normal(&rng);
        x[2 * i + 1] = im_rng_uniform(&rng) < 0.3;   /* binary: two knots after merging */
        t[2 * i] = x[2 * i] * x[2 * i] * x[2 * i];
        t[2 * i + 1] = 5 * x[2 * i + 1] - 2;
    }
    im_colmap mx, mt;
    im_colmap_init(&mx, IM_COLMAP_QUANTILE, 2);
    im_colmap_init(&mt, IM_COLMAP_QUANTILE, 2);
    ck_assert_int_eq(im_colmap_fit(&ctx, &mx, x, N), IM_OK);
    ck_assert_int_eq(im_colmap_fit(&ctx, &mt, t, N), IM_OK);
    ck_assert_int_eq(mx.knots[1], 2);
    for (int k = 1; k < mx.knots[0]; k++) ck_assert(mx.v[k] > mx.v[k - 1] && mx.q[k] > mx.q[k - 1]);
    map_rows(g, &mx, x, N, a);
    map_rows(g, &mt, t, N, b);
    for (int i = 0; i < 2 * N; i++) ck_assert_msg(fabs(a[i] - b[i]) < 1e-9, "row %d: %.12g vs %.12g", i / 2, a[i], b[i]);
    double edge[4] = { mx.v[0] - 1, 0, mx.v[mx.knots[0] - 1] + 1, 1 }, mapped[4];
    map_rows(g, &mx, edge, 2, mapped);
    ck_assert(mapped[0] < mx.q[0] && mapped[2] > mx.q[mx.knots[0] - 1]);
    ck_assert(mapped[1] < mapped[3]);
    im_colmap_free(&mx);
    im_colmap_free(&mt);
    free(x);
    free(t);
    free(a);
    free(b);
    im_tape_free(g);
}
END_TEST

static Suite *ops_suite(void)
{
    Suite *s = suite_create("ops (float64 gradient checks)");
    TCase *tc = tcase_create("gradients");
    tcase_add_loop_test(tc, op_gradient_matches_finite_differences, 0, N_CASES);
    tcase_add_test(tc, shape_errors_are_sticky_and_named);
    tcase_add_test(tc, conv_split_over_threads_matches_one_thread);
    tcase_add_test(tc, outer_add_split_over_threads_matches_one_thread);
    tcase_add_test(tc, image_shape_errors_are_named);
    suite_add_tcase(s, tc);
    TCase *maps = tcase_create("input maps");
    tcase_add_test(maps, normal_quantile_inverts_the_cdf);
    tcase_add_test(maps, quantile_map_is_rank_invariant);
    suite_add_tcase(s, maps);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ops_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
