/* model.c — the fairness task's model and its training: an encoder plugin
 * and a linear head, trained on task loss + β·penalty(Z, T) with the
 * core's penalty (penalty.h: critic steps of trained estimators, refits of
 * fitted ones, on `refit_rows` rows or, refit_on = batch, the published
 * reference's recipe, on every batch's own Z) and the core's loop (warm-up
 * of β, checkpoints). The learning rate may follow a cosine to 0
 * (lr_schedule). */
#include <math.h>
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

im_status fairness_train(im_task *t, const fairness_settings *s, model *m, im_penalty *pen, double *seconds_per_epoch)
{
    im_ctx *ctx = t->ctx;
    const im_split *tr = &t->ds.train;
    im_mat xb = { 0 }, yb = { 0 }, tb = { 0 };
    im_optim opt;
    im_loop l;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "fairness", .epochs = s->epochs, .rows = tr->x.rows,
                                                         .batch = s->batch, .warmup = s->pen.warmup,
                                                         .checkpoint_every = s->checkpoint_every,
                                                         .hint = "lower lr or beta" });
    if (!st) st = im_mat_alloc(ctx, &xb, l.batch, tr->x.cols);
    if (!st) st = im_mat_alloc(ctx, &yb, l.batch, 1);
    if (!st) st = im_mat_alloc(ctx, &tb, l.batch, tr->t.cols);
    if (!st) {
        im_adam_init(&opt, &m->all, s->lr);
        opt.weight_decay = s->weight_decay;
        opt.workers = ctx->workers;
    }
    /* a checkpoint: the encoder's and head's weights with their Adam
     * moments, the encoder's own state, the estimator's weights and state */
    if (!st) st = im_loop_keep_params(&l, "model", &m->all, &opt);
    if (!st) st = im_loop_keep_encoder(&l, "encoder", &m->enc);
    if (!st && pen) st = im_loop_keep_estimator(&l, "estimator", pen->est, &pen->opt);
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
        if (!st && pen) st = im_penalty_prepare(ctx, pen, l.step, &m->enc, &tr->x, &tr->t, z->val, &tb, t->rng);
        if (st) break;
        if (s->cosine) opt.lr = s->lr * 0.5 * (1 + cos(M_PI * l.step / l.total));
        im_tensor *logits = im_linear_layer_forward(g, &m->head, z), *y = im_input(g, &yb);
        im_tensor *loss = regression ? im_mse(g, logits, y) : im_bce_logits(g, logits, y);
        if (pen) loss = im_add(g, loss, im_scale(g, im_penalty_value(g, pen, z, im_input(g, &tb)), s->beta * l.ramp));
        st = im_loop_update(&l, loss, &opt);
    }
    st = im_loop_end(&l, st);
    *seconds_per_epoch = l.seconds / s->epochs;
    im_mat_free(&xb);
    im_mat_free(&yb);
    im_mat_free(&tb);
    return st;
}
