/* train.c — InfoGraph (Sun et al., ICLR 2020): maximise the Jensen–Shannon
 * MI between each node's ("patch") representation and the embedding of
 * its graph. Per batch of graphs: node representations H from the
 * encoder, graph embeddings G = P·H (sums), both through a projection MLP
 * (φ for nodes, ψ for graphs), scores S = φ(H) ψ(G)ᵀ; a node and its own
 * graph are a positive pair, a node and every other graph of the batch a
 * negative one:
 *     loss = mean_pos softplus(−S) + mean_neg softplus(S)
 * (the negative JSD bound, as in Deep InfoMax). The batches are drawn once
 * (a seeded shuffle of the training graphs) and visited in a new order
 * every epoch, so the loop allocates nothing after they are made. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infograph.h"

/* The node and graph projections, and the batches of graphs drawn once. */
typedef struct {
    im_mlp local, global;
    im_params proj, all;
    ig_batch *batches;
    im_mat *negative;   /* per batch: 1 − own */
    int n_batches;
} ig_model;

static void ig_model_free(ig_model *t)
{
    for (int b = 0; b < t->n_batches; b++) {
        ig_batch_free(&t->batches[b]);
        im_mat_free(&t->negative[b]);
    }
    free(t->batches);
    free(t->negative);
    im_params_free(&t->proj);
    im_params_view_free(&t->all);
}

static im_status ig_model_init(im_ctx *ctx, const ig_settings *s, const im_graph_set *gs, int n_train,
                              const im_encoder *enc, im_rng *rng, ig_model *t)
{
    int d = enc->out_dim, hidden = s->proj;
    im_status st = im_mlp_init(ctx, &t->local, &t->proj, "infograph.local", d, &hidden, 1, s->proj, IM_ACT_RELU,
                               IM_ACT_NONE, rng);
    if (!st) st = im_mlp_init(ctx, &t->global, &t->proj, "infograph.global", d, &hidden, 1, s->proj, IM_ACT_RELU,
                              IM_ACT_NONE, rng);
    if (!st) st = im_params_view_append(ctx, &t->all, im_encoder_params(enc));
    if (!st) st = im_params_view_append(ctx, &t->all, &t->proj);
    int batch = s->batch < n_train ? s->batch : n_train, n = n_train / batch;
    int *order = malloc(sizeof(int) * (size_t)n_train);
    t->batches = calloc((size_t)n, sizeof *t->batches);
    t->negative = calloc((size_t)n, sizeof *t->negative);
    if (!st && (!order || !t->batches || !t->negative)) st = im_fail(ctx, IM_ENOMEM, "infograph: out of memory");
    if (!st) im_rng_permutation(rng, order, n_train);
    for (int b = 0; b < n && !st; b++) {
        st = ig_batch_make(ctx, gs, order + (size_t)b * batch, batch, &t->batches[b]);
        if (!st) t->n_batches++;
        if (!st) st = im_mat_alloc(ctx, &t->negative[b], t->batches[b].own.rows, batch);
        for (long i = 0; !st && i < (long)t->negative[b].rows * batch; i++)
            t->negative[b].data[i] = 1 - t->batches[b].own.data[i];
    }
    free(order);
    return st;
}

static im_tensor *batch_loss(im_tape *g, const ig_model *t, const im_encoder *enc, int b)
{
    const ig_batch *bt = &t->batches[b];
    im_tensor *h = im_encoder_forward(g, enc, im_input(g, &bt->x));
    im_tensor *graphs = im_spmm(g, &bt->readout, h);
    im_tensor *scores = im_matmul(g, im_mlp_forward(g, &t->local, h), im_mlp_forward(g, &t->global, graphs), 0, 1);
    double n_pos = bt->n_nodes, n_neg = (double)bt->n_nodes * (bt->n_graphs - 1);
    im_tensor *pos = im_sum(g, im_mul(g, im_softplus(g, im_neg(g, scores)), im_input(g, &bt->own)), IM_ALL);
    im_tensor *neg = im_sum(g, im_mul(g, im_softplus(g, scores), im_input(g, &t->negative[b])), IM_ALL);
    return im_add(g, im_scale(g, pos, 1 / n_pos), im_scale(g, neg, 1 / n_neg));
}

im_status ig_train(im_task *task, const ig_settings *s, im_encoder *enc)
{
    im_ctx *ctx = task->ctx;
    const im_graph_set *gs = task->ds.graphs;
    ig_model t = { 0 };
    im_optim opt;
    im_loop l = { 0 };
    int *visit = NULL;
    im_status st = ig_model_init(ctx, s, gs, task->ds.train.x.rows, enc, task->rng, &t);
    if (!st && t.n_batches && t.batches[0].n_graphs < 2)
        st = im_fail(ctx, IM_EINVAL, "infograph: batches of %d graph: no negative pairs (batch >= 2)",
                     t.batches[0].n_graphs);
    if (!st && !(visit = malloc(sizeof(int) * (size_t)(t.n_batches + 1))))
        st = im_fail(ctx, IM_ENOMEM, "infograph: out of memory");
    if (!st) st = im_loop_begin(&l, task, &(im_loop_opts){ .name = "infograph", .epochs = s->epochs,
                                                            .per_epoch = t.n_batches });
    if (!st) {
        im_adam_init(&opt, &t.all, s->lr);
        opt.workers = ctx->workers;
    }
    static const char *const cols[] = { "epoch", "loss" };
    im_curve *curve = im_record_curve(task->rec, "train", 2, cols);
    while (!st && im_loop_next(&l)) {
        /* the batches were drawn once; each epoch visits them in a new order */
        if (im_loop_epoch_start(&l)) im_rng_permutation(task->rng, visit, t.n_batches);
        int b = visit[l.step % l.per_epoch];
        st = im_encoder_set_graph(ctx, enc, &t.batches[b].adjacency);
        im_tensor *loss = st ? NULL : batch_loss(l.g, &t, enc, b);
        if (!st) st = im_loop_update(&l, loss, &opt);
        if (!st) im_loop_track(&l, im_item(loss));
        if (!st && im_loop_epoch_done(&l)) im_curve_add(curve, (double[]){ l.epoch, im_loop_mean(&l) });
    }
    st = im_loop_end(&l, st);
    free(visit);
    ig_model_free(&t);
    return st;
}
