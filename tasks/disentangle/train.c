/* train.c — the disentangle task's autoencoder and its training: an
 * encoder plugin (image-aware for image datasets), an MLP decoder reading
 * one-hot T at every layer, a Bernoulli likelihood per pixel (BCE on
 * logits), and the penalty β·Î(Z;T) with its critic updates or refits
 * between steps. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "disentangle.h"

im_status dt_model_init(im_ctx *ctx, const im_config *cfg, const dt_settings *s, const im_dataset *ds, int levels,
                        im_rng *rng, dt_model *m)
{
    memset(m, 0, sizeof *m);
    im_status st = im_encoder_new(ctx, cfg, "encoder", ds->train.x.cols, ds->x_shape, rng, &m->enc);
    if (st) return st;
    m->dz = m->enc.out_dim;
    m->n_dec = s->n_decoder_hidden + 1;
    m->pixels = ds->train.x.cols;
    for (int l = 0, in = m->dz; l < m->n_dec && !st; l++) {
        int out = l < s->n_decoder_hidden ? s->decoder_hidden[l] : m->pixels;
        st = im_linear_layer_init(ctx, &m->dec[l], &m->dec_params, "decoder", in + levels, out,
                                  l < s->n_decoder_hidden ? IM_ACT_RELU : IM_ACT_NONE, rng);
        in = out;
    }
    if (!st) st = im_params_view_append(ctx, &m->all, im_encoder_params(&m->enc));
    if (!st) st = im_params_view_append(ctx, &m->all, &m->dec_params);
    return st;
}

void dt_model_free(dt_model *m)
{
    im_encoder_free(&m->enc);
    im_params_free(&m->dec_params);
    im_params_view_free(&m->all);
}

/* T enters every layer (a conditional decoder): rendering a colour is a
 * product of T and the garment. Measured on coloured Fashion-MNIST: fed
 * codes that hold no colour (the encoder shown each image made grey), it
 * reconstructs as well as the unpenalised model does from codes that hold
 * it (training BCE 0.211 against 0.213 after 8 epochs), so what the
 * penalty costs in MSE is the encoder's, not the decoder's. */
static im_tensor *decoder_logits(im_tape *g, const dt_model *m, im_tensor *z, im_tensor *onehot)
{
    im_tensor *h = z;
    for (int l = 0; l < m->n_dec; l++) {
        h = im_linear_layer_forward(g, &m->dec[l], im_concat_cols(g, h, onehot));
        if (l < m->n_dec - 1) h = im_relu(g, h);
    }
    return h;
}

im_status dt_decode(im_ctx *ctx, const dt_model *m, const im_mat *z, const im_mat *onehot, im_mat *out)
{
    im_status st = im_mat_alloc(ctx, out, z->rows, m->pixels);
    im_tape *g = st ? NULL : im_tape_new(ctx);
    if (!st && !g) st = ctx->status;
    if (!st) im_tape_set_grad(g, 0);
    for (int r0 = 0; r0 < z->rows && !st; r0 += 1024) {
        int n = z->rows - r0 < 1024 ? z->rows - r0 : 1024;
        im_tape_reset(g);
        im_tensor *p = im_sigmoid(g, decoder_logits(g, m, im_leaf(g, n, z->cols, im_mat_row(z, r0), 0),
                                                    im_leaf(g, n, onehot->cols, im_mat_row(onehot, r0), 0)));
        if (!p) st = ctx->status;
        else memcpy(im_mat_row(out, r0), p->val, sizeof(im_real) * (size_t)n * (size_t)out->cols);
    }
    im_tape_free(g);
    if (st) im_mat_free(out);
    return st;
}

im_status dt_train(im_task *t, const dt_settings *s, const dt_nuisance *tr, dt_model *m, im_penalty *pen, double *spe,
                   double *last_bce)
{
    im_ctx *ctx = t->ctx;
    const im_dataset *ds = &t->ds;
    im_mat xb = { 0 }, tb = { 0 }, ob = { 0 };   /* images, nuisance values, one-hot */
    im_optim opt;
    im_loop l;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "disentangle", .epochs = s->epochs,
                                                         .rows = ds->train.x.rows, .batch = s->batch,
                                                         .warmup = s->pen.warmup, .hint = "lower lr or beta" });
    if (!st) st = im_mat_alloc(ctx, &xb, l.batch, ds->train.x.cols);
    if (!st) st = im_mat_alloc(ctx, &tb, l.batch, 1);
    if (!st) st = im_mat_alloc(ctx, &ob, l.batch, tr->onehot.cols);
    if (!st) {
        im_adam_init(&opt, &m->all, s->lr);
        opt.workers = ctx->workers;
    }
    while (!st && im_loop_next(&l)) {
        im_tape *g = l.g;
        for (int k = 0; k < l.batch; k++) {
            im_mat_copy_row(&xb, k, &ds->train.x, l.rows[k]);
            im_mat_copy_row(&tb, k, &tr->value, l.rows[k]);
            im_mat_copy_row(&ob, k, &tr->onehot, l.rows[k]);
        }
        im_tensor *z = im_encoder_forward(g, &m->enc, im_input(g, &xb));
        if (!z) st = ctx->status;
        /* the penalty's critic steps or refit come between the encoder's
         * pass and the penalty it scores */
        if (!st && pen) st = im_penalty_prepare(ctx, pen, l.step, &m->enc, &ds->train.x, &tr->value, z->val, &tb, t->rng);
        if (st) break;
        im_tensor *bce = im_bce_logits(g, decoder_logits(g, m, z, im_input(g, &ob)), im_input(g, &xb));
        im_tensor *loss = pen ? im_add(g, bce, im_scale(g, im_penalty_value(g, pen, z, im_input(g, &tb)), s->beta * l.ramp))
                              : bce;
        st = im_loop_update(&l, loss, &opt);
        if (!st) im_loop_track(&l, im_item(bce));
        if (!st && im_loop_epoch_done(&l)) *last_bce = im_loop_mean(&l);
    }
    st = im_loop_end(&l, st);
    *spe = l.seconds / s->epochs;
    im_mat_free(&xb);
    im_mat_free(&tb);
    im_mat_free(&ob);
    return st;
}
