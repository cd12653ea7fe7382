/* train.c — the two trainings of the dgi task, full batch (every node in
 * every step: the graph is one sample).
 *
 * Deep Graph Infomax (Veličković et al., ICLR 2019): node embeddings
 * H = E(X, A) and H̃ = E(X̃, A) of the corrupted graph (the feature rows
 * shuffled, the edges kept), the summary s = σ(mean_i h_i), the bilinear
 * discriminator D(h, s) = hᵀ W s, and the Jensen–Shannon (binary
 * cross-entropy) objective: real pairs (h_i, s) against corrupted ones
 * (h̃_i, s). Adam; training stops when the loss has not improved for
 * `patience` epochs, and the best epoch's weights are kept, as in DGI.
 *
 * The supervised baseline: the same encoder and a linear head trained on
 * the training nodes' labels, the weights of the best validation accuracy
 * kept. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dgi.h"

typedef struct {
    im_params disc;   /* W of the bilinear discriminator */
    im_param *w;
    im_params all;
    im_mat shuffled, ones, zeros;
    int *perm;
} infomax;

static void infomax_free(infomax *m)
{
    im_params_free(&m->disc);
    im_params_view_free(&m->all);
    im_mat_free(&m->shuffled);
    im_mat_free(&m->ones);
    im_mat_free(&m->zeros);
    free(m->perm);
}

static im_status infomax_init(im_ctx *ctx, const dgi_graph *gr, im_encoder *enc, im_rng *rng, infomax *m)
{
    int n = gr->x.rows, d = enc->out_dim;
    im_status st = (m->w = im_params_add(ctx, &m->disc, "dgi.bilinear", d, d)) ? IM_OK : ctx->status;
    if (!st) im_init_xavier(m->w, rng);
    if (!st) st = im_params_view_append(ctx, &m->all, im_encoder_params(enc));
    if (!st) st = im_params_view_append(ctx, &m->all, &m->disc);
    if (!st) st = im_mat_alloc(ctx, &m->shuffled, n, gr->x.cols);
    if (!st) st = im_mat_alloc(ctx, &m->ones, n, 1);
    if (!st) st = im_mat_alloc(ctx, &m->zeros, n, 1);
    if (!st && !(m->perm = malloc(sizeof(int) * (size_t)n))) st = im_fail(ctx, IM_ENOMEM, "dgi: out of memory");
    for (int r = 0; !st && r < n; r++) m->ones.data[r] = 1;
    return st;
}

/* ½ [BCE(D(H, s), 1) + BCE(D(H̃, s), 0)] */
static im_tensor *infomax_loss(im_tape *g, const dgi_graph *gr, im_encoder *enc, infomax *m)
{
    im_tensor *h = im_encoder_forward(g, enc, im_input(g, &gr->x));
    im_tensor *h_corrupt = im_encoder_forward(g, enc, im_input(g, &m->shuffled));
    im_tensor *summary = im_sigmoid(g, im_mean(g, h, IM_COLWISE));                       /* 1 x d */
    im_tensor *ws = im_matmul(g, im_param_tensor(g, m->w), summary, 0, 1);                /* d x 1 */
    im_tensor *real = im_bce_logits(g, im_matmul(g, h, ws, 0, 0), im_input(g, &m->ones));
    im_tensor *fake = im_bce_logits(g, im_matmul(g, h_corrupt, ws, 0, 0), im_input(g, &m->zeros));
    return im_scale(g, im_add(g, real, fake), 0.5);
}

im_status dgi_train_infomax(im_task *t, const dgi_settings *s, const dgi_graph *gr, im_encoder *enc, int *epochs_run)
{
    im_ctx *ctx = t->ctx;
    infomax m = { 0 };
    im_optim opt;
    im_loop l = { 0 };
    im_status st = infomax_init(ctx, gr, enc, t->rng, &m);
    if (!st) st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "dgi", .epochs = s->epochs, .progress_every = 10 });
    if (!st) st = im_loop_keep_best(&l, &m.all, s->patience);
    if (!st) {
        im_adam_init(&opt, &m.all, s->lr);
        opt.weight_decay = s->weight_decay;
        opt.workers = ctx->workers;
    }
    static const char *const cols[] = { "epoch", "loss" };
    im_curve *curve = im_record_curve(t->rec, "train", 2, cols);
    *epochs_run = 0;
    while (!st && im_loop_next(&l)) {   /* one epoch: the whole graph */
        im_rng_permutation(t->rng, m.perm, gr->x.rows);   /* the corruption: features shuffled over the nodes */
        for (int r = 0; r < gr->x.rows; r++) im_mat_copy_row(&m.shuffled, r, &gr->x, m.perm[r]);
        im_tensor *loss = infomax_loss(l.g, gr, enc, &m);
        st = im_loop_update(&l, loss, NULL);
        if (st) break;
        im_loop_score(&l, -im_item(loss));   /* the weights of this loss, before the step */
        im_optim_step(&opt);
        im_curve_add(curve, (double[]){ l.epoch, im_item(loss) });
        *epochs_run = l.epoch;
    }
    st = im_loop_end(&l, st);   /* the best epoch's weights back */
    infomax_free(&m);
    return st;
}

/* Accuracy of the head on rows [r0, r0 + n) of the graph's nodes. */
static double head_accuracy(const im_tensor *logits, const int *labels, int r0, int n, int classes)
{
    int correct = 0;
    for (int r = r0; r < r0 + n; r++) {
        const im_real *l = logits->val + (size_t)r * classes;
        int best = 0;
        for (int c = 1; c < classes; c++)
            if (l[c] > l[best]) best = c;
        correct += best == labels[r];
    }
    return n ? (double)correct / n : NAN;
}

im_status dgi_train_supervised(im_task *t, const dgi_settings *s, const dgi_graph *gr, im_encoder *enc,
                               double *test_accuracy)
{
    im_ctx *ctx = t->ctx;
    im_params head_params = { 0 }, all = { 0 };
    im_linear_layer head;
    im_optim opt;
    im_loop l = { 0 };
    im_status st = im_linear_layer_init(ctx, &head, &head_params, "dgi.head", enc->out_dim, gr->classes, IM_ACT_NONE,
                                        t->rng);
    if (!st) st = im_params_view_append(ctx, &all, im_encoder_params(enc));
    if (!st) st = im_params_view_append(ctx, &all, &head_params);
    if (!st) st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "dgi", .epochs = s->epochs, .progress_every = 10 });
    if (!st) st = im_loop_keep_best(&l, &all, s->patience);
    if (!st) {
        im_adam_init(&opt, &all, s->lr);
        opt.weight_decay = s->weight_decay;
        opt.workers = ctx->workers;
    }
    static const char *const cols[] = { "epoch", "loss", "val_accuracy" };
    im_curve *curve = im_record_curve(t->rec, "train", 3, cols);
    while (!st && im_loop_next(&l)) {
        im_tape *g = l.g;
        im_tensor *logits = im_linear_layer_forward(g, &head, im_encoder_forward(g, enc, im_input(g, &gr->x)));
        im_tensor *loss = im_cross_entropy_logits(g, im_slice_rows(g, logits, 0, gr->n_train), gr->labels);
        st = im_loop_update(&l, loss, NULL);
        if (st) break;
        double val = head_accuracy(logits, gr->labels, gr->n_train, gr->n_val, gr->classes);
        im_loop_score(&l, gr->n_val ? val : -im_item(loss));   /* no validation nodes: the training loss */
        im_optim_step(&opt);
        im_curve_add(curve, (double[]){ l.epoch, im_item(loss), val });
    }
    st = im_loop_end(&l, st);   /* the best epoch's weights back */
    im_tape *g = st ? NULL : im_tape_new(ctx);
    if (!st && !g) st = ctx->status;
    if (!st) {
        im_tape_set_grad(g, 0);
        im_tensor *logits = im_linear_layer_forward(g, &head, im_encoder_forward(g, enc, im_input(g, &gr->x)));
        st = logits ? IM_OK : ctx->status;
        if (!st) *test_accuracy = head_accuracy(logits, gr->labels, gr->n_train + gr->n_val, gr->n_test, gr->classes);
    }
    im_tape_free(g);
    im_params_free(&head_params);
    im_params_view_free(&all);
    return st;
}
