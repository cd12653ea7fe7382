/* probe.c — how well a simple classifier reads frozen features: the
 * evaluation protocol of Deep InfoMax (Hjelm et al. 2019, §4.1) and Deep
 * Graph Infomax, a linear classifier (or a small MLP) trained on the
 * features of training rows and scored on test rows. Features are
 * standardised first (training rows' mean and sd), so one learning rate
 * suits pixels, codes, feature maps and node embeddings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/batcher.h"
#include "infomin/estimator.h"
#include "infomin/nn.h"
#include "infomin/optim.h"
#include "infomin/probe.h"

#define PROBE_BATCH 256
/* A probe takes at least this many steps, whatever its rows: 10 epochs of
 * 1,000 rows are 40 steps, far from a trained classifier. */
#define PROBE_MIN_STEPS 500

int *im_class_labels(im_ctx *ctx, const im_mat *y, int n)
{
    int *labels = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!labels) {
        im_fail(ctx, IM_ENOMEM, "class labels: out of memory");
        return NULL;
    }
    for (int r = 0; r < n; r++) labels[r] = (int)im_mat_row(y, r)[0];
    return labels;
}

/* a and b standardised in place with a's column statistics */
static void standardize(im_mat *a, im_mat *b)
{
    for (int c = 0; c < a->cols; c++) {
        double s = 0, ss = 0;
        for (int r = 0; r < a->rows; r++) s += im_mat_row(a, r)[c];
        double mean = s / a->rows;
        for (int r = 0; r < a->rows; r++) ss += (im_mat_row(a, r)[c] - mean) * (im_mat_row(a, r)[c] - mean);
        double sd = sqrt(ss / a->rows), inv = sd > 1e-8 ? 1 / sd : 0;
        for (int r = 0; r < a->rows; r++) im_mat_row(a, r)[c] = (im_real)((im_mat_row(a, r)[c] - mean) * inv);
        for (int r = 0; r < b->rows; r++) im_mat_row(b, r)[c] = (im_real)((im_mat_row(b, r)[c] - mean) * inv);
    }
}

im_status im_probe_accuracy(im_ctx *ctx, const im_probe_data *d, int hidden, int epochs, double lr, im_rng *rng,
                            double *accuracy)
{
    im_mat tr = { 0 }, te = { 0 }, xb = { 0 };
    im_params params = { 0 };
    im_mlp net;
    im_batcher batcher = { 0 };
    int *yb = malloc(sizeof(int) * PROBE_BATCH), n = d->train->rows;
    int batch = n < PROBE_BATCH ? n : PROBE_BATCH;
    im_tape *g = im_tape_new(ctx);
    im_status st = !yb || !g ? im_fail(ctx, IM_ENOMEM, "probe: out of memory") : IM_OK;
    if (!st) st = im_mat_slice_cols(ctx, &tr, d->train, 0, d->train->cols);   /* copies, standardised below */
    if (!st) st = im_mat_slice_cols(ctx, &te, d->test, 0, d->test->cols);
    if (!st) st = im_mat_alloc(ctx, &xb, batch, tr.cols);
    if (!st) standardize(&tr, &te);
    if (!st) st = im_mlp_init(ctx, &net, &params, "probe", tr.cols, &hidden, hidden > 0, d->classes, IM_ACT_RELU,
                              IM_ACT_NONE, rng);
    if (!st) st = im_batcher_init(ctx, &batcher, n, rng);
    im_optim opt;
    im_adam_init(&opt, &params, lr);
    opt.workers = ctx->workers;
    long steps = (long)epochs * ((n + batch - 1) / batch);
    if (steps < PROBE_MIN_STEPS) steps = PROBE_MIN_STEPS;
    for (long step = 0; step < steps && !st; step++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "interrupted in a probe");
            break;
        }
        for (int k = 0; k < batch; k++) {
            int r = im_batcher_next(&batcher, rng);
            im_mat_copy_row(&xb, k, &tr, r);
            yb[k] = d->train_labels[r];
        }
        im_tape_reset(g);
        im_tensor *loss = im_cross_entropy_logits(g, im_mlp_forward(g, &net, im_input(g, &xb)), yb);
        st = loss ? im_backward(g, loss) : ctx->status;
        if (!st) im_optim_step(&opt);
    }
    long correct = 0;
    im_tape_set_grad(g, 0);
    for (int r0 = 0; r0 < te.rows && !st; r0 += 1000) {
        int m = te.rows - r0 < 1000 ? te.rows - r0 : 1000;
        im_tape_reset(g);
        im_tensor *logits = im_mlp_forward(g, &net, im_leaf(g, m, te.cols, im_mat_row(&te, r0), 0));
        if (!logits) {
            st = ctx->status;
            break;
        }
        for (int r = 0; r < m; r++) {
            const im_real *l = logits->val + (long)r * d->classes;
            int best = 0;
            for (int c = 1; c < d->classes; c++)
                if (l[c] > l[best]) best = c;
            correct += best == d->test_labels[r0 + r];
        }
    }
    *accuracy = te.rows ? (double)correct / te.rows : NAN;
    im_tape_free(g);
    im_params_free(&params);
    im_batcher_free(&batcher);
    im_mat_free(&tr);
    im_mat_free(&te);
    im_mat_free(&xb);
    free(yb);
    return st;
}

im_status im_probe_rho_star(im_ctx *ctx, const im_mat *z_fit, const im_mat *t_fit, const im_mat *z_eval,
                            const im_mat *t_eval, int steps, im_rng *rng, double *rho)
{
    char text[256];
    snprintf(text, sizeof text, "[estimator:leakage]\nplugin = renyi\nsteps = %d\nbatch = %d\n", steps,
             z_fit->rows < 256 ? z_fit->rows : 256);   /* a small fitting split: one batch of all of it */
    im_config cfg;
    im_status st = im_config_parse_string(ctx, text, "rho* critic", &cfg);
    if (st) return st;
    im_estimator *est = NULL;
    *rho = NAN;
    st = im_estimator_new(ctx, &cfg, "estimator:leakage", z_fit->cols, t_fit->cols, rng, &est);
    if (!st) st = im_estimator_fit(ctx, est, z_fit, t_fit, NULL, NULL, NULL);
    if (!st) st = im_estimator_estimate(ctx, est, z_eval, t_eval, rho);
    im_estimator_free(est);
    im_config_free(&cfg);
    return st;
}
