/* train.c — the bottleneck's training: one Adam step on
 *     cross-entropy(q(y|z)) + β·penalty,  z = μ(x) + σ(x)·ε,
 * per batch, the penalty being VIB's KL(p(z|x) ‖ N(0, I)) (an upper bound
 * on I(X;Z)) or an estimator's Î(X;Z) on the batch (x the pixels, z the
 * code, gradients into z). A trained estimator's critic alternates with
 * the encoder as in MINE's bottleneck: `critic_steps` ascents of its
 * objective on the batch's detached (x, z), then the encoder's step
 * through the critic held fixed. The learning rate decays by lr_decay
 * after every epoch; the test split is measured before the first epoch
 * and after each. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bottleneck.h"

/* A step's buffers: the batch's images, noise draws, detached codes and labels. */
typedef struct {
    im_mat xb, eps, zb;
    int *labels, *yb;    /* every training label; the batch's */
} batch;

static void batch_free(batch *b)
{
    im_mat_free(&b->xb);
    im_mat_free(&b->eps);
    im_mat_free(&b->zb);
    free(b->labels);
    free(b->yb);
}

static im_status batch_init(im_ctx *ctx, batch *b, const im_split *tr, int rows, int k)
{
    im_status st = im_mat_alloc(ctx, &b->xb, rows, tr->x.cols);
    if (!st) st = im_mat_alloc(ctx, &b->eps, rows, k);
    if (!st) st = im_mat_alloc(ctx, &b->zb, rows, k);
    if (!st && !(b->labels = im_class_labels(ctx, &tr->y, tr->y.rows))) st = ctx->status;
    if (!st && !(b->yb = malloc(sizeof(int) * (size_t)rows))) st = im_fail(ctx, IM_ENOMEM, "bottleneck: out of memory");
    return st;
}

/* The batch's codes as constants (the draws the encoder's step will use). */
static im_status encode_batch(im_tape *g, const bn_settings *s, const bn_model *m, batch *b)
{
    im_tape_reset(g);
    im_tape_set_grad(g, 0);
    bn_code_tensors c = bn_code_of(g, s, m, im_encoder_forward(g, &m->enc, im_input(g, &b->xb)), im_input(g, &b->eps));
    im_tape_set_grad(g, 1);
    if (!c.z) return im_tape_ctx(g)->status;
    memcpy(b->zb.data, c.z->val, sizeof(im_real) * (size_t)b->zb.rows * b->zb.cols);
    return IM_OK;
}

/* cross-entropy + β·penalty on g; the two parts into *ce and *penalty */
static im_tensor *step_loss(im_tape *g, const bn_settings *s, const bn_model *m, im_estimator *est, batch *b,
                            double *ce, double *penalty)
{
    bn_code_tensors c = bn_code_of(g, s, m, im_encoder_forward(g, &m->enc, im_input(g, &b->xb)), im_input(g, &b->eps));
    im_tensor *loss = c.z ? im_cross_entropy_logits(g, im_linear_layer_forward(g, &m->head, c.z), b->yb) : NULL;
    im_tensor *pen = NULL;
    if (s->reg == BN_VIB) pen = bn_vib_kl(g, &c, m->k);
    if (s->reg == BN_ESTIMATOR && c.z) pen = est->vt->objective(est->self, g, im_input(g, &b->xb), c.z);
    *ce = loss ? im_item(loss) : NAN;
    *penalty = pen ? im_item(pen) : NAN;
    return pen ? im_add(g, loss, im_scale(g, pen, s->beta)) : loss;
}

im_status bn_train(im_task *t, const bn_settings *s, bn_model *m, im_estimator *est, bn_scores *last)
{
    im_ctx *ctx = t->ctx;
    const im_dataset *ds = &t->ds;
    batch b = { 0 };
    im_optim opt, critic_opt;
    im_loop l;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "bottleneck", .epochs = s->epochs,
                                                         .rows = ds->train.x.rows, .batch = s->batch,
                                                         .whole_batches = 1, .hint = "lower lr or beta" });
    if (!st) st = batch_init(ctx, &b, &ds->train, l.batch, m->k);
    if (!st) {
        im_adam_init(&opt, &m->all, s->lr);
        opt.beta1 = s->adam_beta1;
        opt.workers = ctx->workers;
    }
    im_params *cp = est && est->vt->params ? est->vt->params(est->self) : NULL;
    if (!st && cp) {
        im_train_opts o;
        st = im_train_opts_read(ctx, &est->sec, &o);
        if (!st) im_train_opts_adam(ctx, &o, cp, &critic_opt);
    }
    static const char *const cols[] = { "epoch", "train_ce", "penalty", "test_error", "ixz_lower", "ixz_upper", "izy" };
    im_curve *curve = im_record_curve(t->rec, "epochs", 7, cols);
    if (!st) st = bn_evaluate(ctx, s, ds, m, t->rng, last);
    if (!st) im_curve_add(curve, (double[]){ 0, NAN, NAN, last->error, last->ixz_lower, last->ixz_upper, last->izy });
    double sum_ce = 0, sum_pen = 0;
    while (!st && im_loop_next(&l)) {
        if (im_loop_epoch_start(&l)) sum_ce = sum_pen = 0;
        for (int k = 0; k < l.batch; k++) {
            im_mat_copy_row(&b.xb, k, &ds->train.x, l.rows[k]);
            b.yb[k] = b.labels[l.rows[k]];
        }
        if (s->code != BN_DETERMINISTIC)
            for (long i = 0; i < (long)b.eps.rows * b.eps.cols; i++) b.eps.data[i] = (im_real)im_rng_normal(t->rng);
        /* MINE's alternation: the critic's ascents on the batch's (x, z), then the encoder through it */
        if (cp) st = encode_batch(l.g, s, m, &b);
        if (!st && cp) st = im_estimator_ascend(ctx, est, l.g, &critic_opt, &b.xb, &b.zb, s->critic_steps);
        if (st) break;
        im_tape_reset(l.g);
        double ce, pen;
        st = im_loop_update(&l, step_loss(l.g, s, m, est, &b, &ce, &pen), &opt);
        sum_ce += ce, sum_pen += pen;
        if (st || !im_loop_epoch_done(&l)) continue;
        opt.lr *= s->lr_decay;
        st = bn_evaluate(ctx, s, ds, m, t->rng, last);
        if (st) break;
        double n = (double)l.per_epoch;
        im_curve_add(curve, (double[]){ l.epoch, sum_ce / n, s->reg == BN_NONE ? NAN : sum_pen / n, last->error,
                                        last->ixz_lower, last->ixz_upper, last->izy });
        im_loop_note(&l, "test error %.2f%%, I(X;Z) >= %.2f, I(Z;Y) >= %.3f", 100 * last->error, last->ixz_lower,
                     last->izy);
    }
    st = im_loop_end(&l, st);
    batch_free(&b);
    return st;
}
