/* model.c — the fairness task's model and its training: an encoder plugin
 * and a linear head, trained on task loss + β·penalty(Z, T) with the
 * core's penalty (penalty.h: critic steps of trained estimators, refits of
 * fitted ones, on `refit_rows` rows or, refit_on = batch, the published
 * reference's recipe, on every batch's own Z) and the core's loop (warm-up
 * of β, checkpoints). The learning rate may follow a cosine to 0
 * (lr_schedule). given = y: one penalty per class of Y, each on its
 * class's rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "fairness.h"

void fairness_model_free(model *m)
{
    im_encoder_free(&m->enc);
    im_params_free(&m->head_params);
    im_params_view_free(&m->all);
}

im_status fairness_model_init(im_ctx *ctx, const im_config *cfg, int in_dim, im_rng *rng, model *m)
{
    memset(m, 0, sizeof *m);
    im_status st = im_encoder_new(ctx, cfg, "encoder", in_dim, (im_shape){ 0 }, rng, &m->enc);
    if (!st) st = im_linear_layer_init(ctx, &m->head, &m->head_params, "head", m->enc.out_dim, 1, IM_ACT_NONE, rng);
    if (!st) st = im_params_view_append(ctx, &m->all, im_encoder_params(&m->enc));
    if (!st) st = im_params_view_append(ctx, &m->all, &m->head_params);
    return st;
}

/* given = y: the training rows of each class (x and t), which class c's
 * refits sample from (fairness_run checked that each has 16). */
static im_status rows_by_class(im_ctx *ctx, const im_split *tr, im_mat x[2], im_mat t[2])
{
    int *idx = malloc(sizeof(int) * (size_t)tr->x.rows), n[2] = { 0, 0 };
    im_status st = idx ? IM_OK : im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    for (int c = 0; c < 2 && !st; c++) {
        for (int r = 0; r < tr->x.rows; r++)
            if ((tr->y.data[r] > 0.5f) == c) idx[n[c]++] = r;
        st = im_mat_gather_rows(ctx, &x[c], &tr->x, idx, n[c]);
        if (!st) st = im_mat_gather_rows(ctx, &t[c], &tr->t, idx, n[c]);
    }
    free(idx);
    return st;
}

/* given = y, one batch: the positions of each class's rows, its Z values
 * and its T (the batch's rows of class c: idx[c][0..n[c])), in buffers of
 * a whole batch's rows allocated before the loop. */
typedef struct {
    int *idx[2], n[2];
    im_mat z[2], t[2];
} class_batch;

static void class_batch_free(class_batch *b)
{
    for (int c = 0; c < 2; c++) free(b->idx[c]), im_mat_free(&b->z[c]), im_mat_free(&b->t[c]);
}

/* Before the encoder step: each penalty's refit or critic steps — pen[0]
 * on the whole batch, or (two penalties) pen[c] on the batch's rows of
 * class c, refitted on the training rows of class c (cx, ct). A class with
 * fewer than 4 rows in the batch sits the step out (n[c] = 0). */
static im_status prepare_penalties(im_task *t, im_penalty *pen, int n_pen, long step, const im_encoder *enc,
                                   const im_mat cx[2], const im_mat ct[2], const im_tensor *z, const im_mat *yb,
                                   const im_mat *tb, class_batch *b)
{
    im_ctx *ctx = t->ctx;
    const im_split *tr = &t->ds.train;
    if (n_pen == 1) return im_penalty_prepare(ctx, &pen[0], step, enc, &tr->x, &tr->t, z->val, tb, t->rng);
    im_status st = IM_OK;
    const im_mat zall = { z->rows, z->cols, z->val };
    for (int c = 0; c < 2 && !st; c++) {
        b->n[c] = 0;
        for (int r = 0; r < z->rows; r++)
            if ((yb->data[r] > 0.5f) == c) b->idx[c][b->n[c]++] = r;
        if (b->n[c] < 4) {
            b->n[c] = 0;
            continue;
        }
        b->z[c].rows = b->t[c].rows = b->n[c];   /* the room of a whole batch, allocated once */
        for (int k = 0; k < b->n[c]; k++) {
            im_mat_copy_row(&b->z[c], k, &zall, b->idx[c][k]);
            im_mat_copy_row(&b->t[c], k, tb, b->idx[c][k]);
        }
        st = im_penalty_prepare(ctx, &pen[c], step, enc, &cx[c], &ct[c], b->z[c].data, &b->t[c], t->rng);
    }
    return st;
}

/* The penalty before β on g: pen[0](z, t), or Σ_c (n_c/B)·pen[c] on the
 * rows of class c. NULL on failure (the message in the tape's ctx). */
static im_tensor *penalty_value(im_tape *g, const im_penalty *pen, int n_pen, im_tensor *z, const im_mat *tb,
                                class_batch *b)
{
    if (n_pen == 1) return im_penalty_value(g, &pen[0], z, im_input(g, tb));
    im_tensor *sum = NULL;
    for (int c = 0; c < 2; c++) {
        if (!b->n[c]) continue;
        im_tensor *v = im_penalty_value(g, &pen[c], im_gather_rows(g, z, b->idx[c], b->n[c]), im_input(g, &b->t[c]));
        v = im_scale(g, v, (double)b->n[c] / z->rows);
        sum = sum ? im_add(g, sum, v) : v;
    }
    return sum ? sum : im_scale(g, im_sum(g, z, IM_ALL), 0.0);   /* neither class has 4 rows here: a zero */
}

im_status fairness_train(im_task *t, const fairness_settings *s, model *m, im_penalty *pen, int n_pen,
                         double *seconds_per_epoch)
{
    im_ctx *ctx = t->ctx;
    const im_split *tr = &t->ds.train;
    im_mat xb = { 0 }, yb = { 0 }, tb = { 0 }, cx[2] = { { 0 } }, ct[2] = { { 0 } };
    class_batch cb = { { NULL, NULL }, { 0, 0 }, { { 0 } }, { { 0 } } };
    im_optim opt;
    im_loop l;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "fairness", .epochs = s->epochs, .rows = tr->x.rows,
                                                         .batch = s->batch, .warmup = s->pen.warmup,
                                                         .checkpoint_every = s->checkpoint_every,
                                                         .hint = "lower lr or beta" });
    if (!st) st = im_mat_alloc(ctx, &xb, l.batch, tr->x.cols);
    if (!st) st = im_mat_alloc(ctx, &yb, l.batch, 1);
    if (!st) st = im_mat_alloc(ctx, &tb, l.batch, tr->t.cols);
    if (!st && n_pen == 2) {
        st = rows_by_class(ctx, tr, cx, ct);
        for (int c = 0; c < 2 && !st; c++) {
            if (!(cb.idx[c] = malloc(sizeof(int) * (size_t)l.batch)))
                st = im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
            if (!st) st = im_mat_alloc(ctx, &cb.z[c], l.batch, m->enc.out_dim);
            if (!st) st = im_mat_alloc(ctx, &cb.t[c], l.batch, tr->t.cols);
        }
    }
    if (!st) {
        im_adam_init(&opt, &m->all, s->lr);
        opt.weight_decay = s->weight_decay;
        opt.workers = ctx->workers;
    }
    /* a checkpoint: the encoder's and head's weights with their Adam
     * moments, the encoder's own state, the estimators' weights and state */
    if (!st) st = im_loop_keep_params(&l, "model", &m->all, &opt);
    if (!st) st = im_loop_keep_encoder(&l, "encoder", &m->enc);
    static const char *const pen_names[2] = { "estimator", "estimator-y1" };
    for (int c = 0; c < n_pen && !st; c++) st = im_loop_keep_estimator(&l, pen_names[c], pen[c].est, &pen[c].opt);
    if (!st) st = im_loop_resume(&l);
    int regression = t->ds.y_kind == IM_VAR_CONTINUOUS;
    while (!st && im_loop_next(&l)) {
        im_tape *g = l.g;
        for (int k = 0; k < l.batch; k++) {
            im_mat_copy_row(&xb, k, &tr->x, l.rows[k]);
            im_mat_copy_row(&yb, k, &tr->y, l.rows[k]);
            im_mat_copy_row(&tb, k, &tr->t, l.rows[k]);
        }
        im_tensor *z = im_encoder_forward(g, &m->enc, im_input(g, &xb));
        if (!z) st = ctx->status;
        if (!st && n_pen) st = prepare_penalties(t, pen, n_pen, l.step, &m->enc, cx, ct, z, &yb, &tb, &cb);
        if (st) break;
        if (s->cosine) opt.lr = s->lr * 0.5 * (1 + cos(M_PI * l.step / l.total));
        im_tensor *logits = im_linear_layer_forward(g, &m->head, z), *y = im_input(g, &yb);
        im_tensor *loss = regression ? im_mse(g, logits, y) : im_bce_logits(g, logits, y);
        if (n_pen) loss = im_add(g, loss, im_scale(g, penalty_value(g, pen, n_pen, z, &tb, &cb), s->beta * l.ramp));
        st = im_loop_update(&l, loss, &opt);
    }
    st = im_loop_end(&l, st);
    *seconds_per_epoch = l.seconds / s->epochs;
    im_mat_free(&xb);
    im_mat_free(&yb);
    im_mat_free(&tb);
    for (int c = 0; c < 2; c++) im_mat_free(&cx[c]), im_mat_free(&ct[c]);
    class_batch_free(&cb);
    return st;
}
