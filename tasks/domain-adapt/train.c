/* train.c — the domain-adapt task's training: batches of source rows
 * (their labels) and, for infomin, as many target rows (no labels); the
 * classifier's cross-entropy on the source half, β·penalty(Z_c, domain)
 * on the whole batch, the penalty's critic steps or refits in between. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "domain_adapt.h"

typedef struct {
    im_mat xb, tb;
    int *yb;
    im_batcher from[2];   /* over the source rows, the target rows */
    im_graph *g;
    im_optim opt;
    int half;             /* source rows per batch */
} trainer;

static void trainer_free(trainer *t)
{
    im_mat_free(&t->xb);
    im_mat_free(&t->tb);
    free(t->yb);
    im_batcher_free(&t->from[0]);
    im_batcher_free(&t->from[1]);
    im_graph_free(t->g);
}

static void next_batch(trainer *t, const im_dataset *ds, const da_domains *dom, im_rng *rng)
{
    for (int k = 0; k < t->xb.rows; k++) {
        int d = k >= t->half, r = dom->rows[d][im_batcher_next(&t->from[d], rng)];
        im_mat_copy_row(&t->xb, k, &ds->train.x, r);
        im_mat_row(&t->tb, k)[0] = (im_real)d;
        if (!d) t->yb[k] = (int)im_mat_row(&ds->train.y, r)[0];
    }
}

static im_status step(im_ctx *ctx, trainer *t, const da_settings *s, const im_dataset *ds, da_model *m,
                      im_penalty *pen, long k, im_rng *rng, double *ce)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_tensor *z = im_encoder_forward(g, &m->enc, im_input(g, &t->xb));
    if (!z) return ctx->status;
    im_status st = pen ? im_penalty_prepare(ctx, pen, k, &m->enc, &ds->train.x, &ds->train.t, z->val, &t->tb, rng)
                       : IM_OK;
    if (st) return st;
    im_tensor *zs = t->half < t->xb.rows ? im_slice_rows(g, z, 0, t->half) : z;
    im_tensor *loss = im_cross_entropy_logits(g, im_linear_layer_forward(g, &m->head, zs), t->yb);
    im_tensor *total = pen ? im_add(g, loss, im_scale(g, im_penalty_value(g, pen, z, im_input(g, &t->tb)), s->beta))
                           : loss;
    st = total ? im_backward(g, total) : ctx->status;
    if (!st && !isfinite(im_item(total)))
        st = im_fail(ctx, IM_ENUMERIC, "domain-adapt: loss is %g at step %ld (lower lr or beta)", im_item(total), k);
    if (!st) im_optim_step(&t->opt);
    *ce = st ? NAN : im_item(loss);
    return st;
}

im_status da_train(im_ctx *ctx, const da_settings *s, const im_dataset *ds, const da_domains *dom, da_model *m,
                   im_penalty *pen, im_rng *rng, double *spe)
{
    trainer t = { 0 };
    int batch = s->batch, mixed = s->method == DA_INFOMIN;
    t.half = mixed ? batch / 2 : batch;
    if (t.half > dom->n[0]) t.half = dom->n[0];
    if (mixed && batch - t.half > dom->n[1]) batch = t.half + dom->n[1];
    if (!mixed) batch = t.half;
    long per_epoch = (dom->n[0] + t.half - 1) / t.half, total = per_epoch * s->epochs;
    im_status st = im_mat_alloc(ctx, &t.xb, batch, ds->train.x.cols);
    if (!st) st = im_mat_alloc(ctx, &t.tb, batch, 1);
    if (!st && !(t.yb = malloc(sizeof(int) * (size_t)batch)))
        st = im_fail(ctx, IM_ENOMEM, "domain-adapt: out of memory");
    for (int d = 0; d < 2 && !st; d++) st = im_batcher_init(ctx, &t.from[d], dom->n[d], rng);
    if (!st && !(t.g = im_graph_new(ctx))) st = ctx->status;
    if (!st) {
        im_adam_init(&t.opt, &m->all, s->lr);
        t.opt.pool = ctx->pool;
    }
    double t0 = im_seconds(), ce_sum = 0;
    for (long k = 0; k < total && !st; k++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "domain-adapt: interrupted at step %ld of %ld", k, total);
            break;
        }
        double ce = NAN;
        next_batch(&t, ds, dom, rng);
        st = step(ctx, &t, s, ds, m, pen, k, rng, &ce);
        ce_sum += ce;
        if ((k + 1) % 20 == 0 || (k + 1) % per_epoch == 0) {
            char detail[64];
            snprintf(detail, sizeof detail, "source CE %.4f", ce_sum / (k % per_epoch + 1));
            im_progress(ctx, "domain-adapt", k + 1, total, detail);
            if ((k + 1) % per_epoch == 0) ce_sum = 0;
        }
    }
    im_progress_done(ctx);
    *spe = (im_seconds() - t0) / s->epochs;
    trainer_free(&t);
    return st;
}
