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
static im_tensor *decoder_logits(im_graph *g, const dt_model *m, im_tensor *z, im_tensor *onehot)
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
    im_graph *g = st ? NULL : im_graph_new(ctx);
    if (!st && !g) st = ctx->status;
    if (!st) im_graph_set_grad(g, 0);
    for (int r0 = 0; r0 < z->rows && !st; r0 += 1024) {
        int n = z->rows - r0 < 1024 ? z->rows - r0 : 1024;
        im_graph_reset(g);
        im_tensor *p = im_sigmoid(g, decoder_logits(g, m, im_leaf(g, n, z->cols, im_mat_row(z, r0), 0),
                                                    im_leaf(g, n, onehot->cols, im_mat_row(onehot, r0), 0)));
        if (!p) st = ctx->status;
        else memcpy(im_mat_row(out, r0), p->val, sizeof(im_real) * (size_t)n * (size_t)out->cols);
    }
    im_graph_free(g);
    if (st) im_mat_free(out);
    return st;
}

typedef struct {
    im_mat xb, tb, ob;   /* images, nuisance values, one-hot */
    im_batcher batcher;
    im_graph *g;
    im_optim opt;
} trainer;

static void trainer_free(trainer *t)
{
    im_mat_free(&t->xb);
    im_mat_free(&t->tb);
    im_mat_free(&t->ob);
    im_batcher_free(&t->batcher);
    im_graph_free(t->g);
}

static void next_batch(trainer *t, const im_dataset *ds, const dt_nuisance *tr, im_rng *rng)
{
    for (int k = 0; k < t->xb.rows; k++) {
        int r = im_batcher_next(&t->batcher, rng);
        im_mat_copy_row(&t->xb, k, &ds->train.x, r);
        im_mat_copy_row(&t->tb, k, &tr->value, r);
        im_mat_copy_row(&t->ob, k, &tr->onehot, r);
    }
}

/* One encoder-decoder step; the penalty's critic steps or refit come
 * between the encoder's pass and the penalty it scores. *recon gets the
 * batch's BCE. */
static im_status step(im_ctx *ctx, trainer *t, double beta, const im_dataset *ds, const dt_nuisance *tr, dt_model *m,
                      im_penalty *pen, long k, im_rng *rng, double *recon)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_tensor *z = im_encoder_forward(g, &m->enc, im_input(g, &t->xb));
    if (!z) return ctx->status;
    im_status st = IM_OK;
    if (pen) st = im_penalty_prepare(ctx, pen, k, &m->enc, &ds->train.x, &tr->value, z->val, &t->tb, rng);
    if (st) return st;
    im_tensor *bce = im_bce_logits(g, decoder_logits(g, m, z, im_input(g, &t->ob)), im_input(g, &t->xb));
    im_tensor *loss = pen ? im_add(g, bce, im_scale(g, im_penalty_value(g, pen, z, im_input(g, &t->tb)), beta)) : bce;
    st = loss ? im_backward(g, loss) : ctx->status;
    if (!st && !isfinite(im_item(loss)))
        st = im_fail(ctx, IM_ENUMERIC, "disentangle: loss is %g at step %ld (lower lr or beta)", im_item(loss), k);
    if (!st) im_optim_step(&t->opt);
    *recon = st ? NAN : im_item(bce);
    return st;
}

im_status dt_train(im_ctx *ctx, const dt_settings *s, const im_dataset *ds, const dt_nuisance *tr, dt_model *m,
                   im_penalty *pen, im_rng *rng, double *spe, double *last_bce)
{
    trainer t = { 0 };
    int batch = s->batch < ds->train.x.rows ? s->batch : ds->train.x.rows;
    long per_epoch = (ds->train.x.rows + batch - 1) / batch, total = per_epoch * s->epochs;
    im_status st = im_mat_alloc(ctx, &t.xb, batch, ds->train.x.cols);
    if (!st) st = im_mat_alloc(ctx, &t.tb, batch, 1);
    if (!st) st = im_mat_alloc(ctx, &t.ob, batch, tr->onehot.cols);
    if (!st) st = im_batcher_init(ctx, &t.batcher, ds->train.x.rows, rng);
    if (!st && !(t.g = im_graph_new(ctx))) st = ctx->status;
    if (!st) {
        im_adam_init(&t.opt, &m->all, s->lr);
        t.opt.pool = ctx->pool;
    }
    double t0 = im_seconds(), recon_sum = 0;
    for (long k = 0; k < total && !st; k++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "disentangle: interrupted at step %ld of %ld", k, total);
            break;
        }
        double recon = NAN;
        next_batch(&t, ds, tr, rng);
        double ramp = s->warmup > 0 ? (k + 1) / (s->warmup * per_epoch) : 1;
        st = step(ctx, &t, s->beta * (ramp < 1 ? ramp : 1), ds, tr, m, pen, k, rng, &recon);
        recon_sum += recon;
        if ((k + 1) % per_epoch == 0 || (k + 1) % 20 == 0) {
            char detail[64];
            snprintf(detail, sizeof detail, "BCE %.4f", recon_sum / ((k % per_epoch) + 1));
            im_progress(ctx, "disentangle", k + 1, total, detail);
            if ((k + 1) % per_epoch == 0) *last_bce = recon_sum / per_epoch, recon_sum = 0;
        }
    }
    im_progress_done(ctx);
    *spe = (im_seconds() - t0) / s->epochs;
    trainer_free(&t);
    return st;
}
