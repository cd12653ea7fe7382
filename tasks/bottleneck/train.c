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

typedef struct {
    const bn_settings *s;
    const im_dataset *ds;
    bn_model *m;
    im_estimator *est;   /* regularizer = estimator only */
    im_optim opt, critic_opt;
    im_graph *g;
    im_mat xb, eps, zb;
    int *labels, *yb;    /* every training label; the batch's */
    im_batcher batcher;
    im_curve *curve;
} trainer;

static im_params *critic_params(const trainer *t)
{
    return t->est && t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
}

static void next_batch(trainer *t, im_rng *rng)
{
    for (int k = 0; k < t->xb.rows; k++) {
        int r = im_batcher_next(&t->batcher, rng);
        im_mat_copy_row(&t->xb, k, &t->ds->train.x, r);
        t->yb[k] = t->labels[r];
    }
    if (t->s->code != BN_DETERMINISTIC)
        for (long i = 0; i < (long)t->eps.rows * t->eps.cols; i++) t->eps.data[i] = (im_real)im_rng_normal(rng);
}

/* The batch's codes as constants (the draws the encoder's step will use). */
static im_status encode_batch(trainer *t)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_graph_set_grad(g, 0);
    bn_code_tensors c = bn_code_of(g, t->s, t->m, im_encoder_forward(g, &t->m->enc, im_input(g, &t->xb)),
                                   im_input(g, &t->eps));
    im_graph_set_grad(g, 1);
    if (!c.z) return im_graph_ctx(g)->status;
    memcpy(t->zb.data, c.z->val, sizeof(im_real) * (size_t)t->zb.rows * t->zb.cols);
    return IM_OK;
}

static im_status critic_steps(trainer *t)
{
    im_params *cp = critic_params(t);
    if (!cp) return IM_OK;
    im_status st = encode_batch(t);
    for (int k = 0; k < t->s->critic_steps && !st; k++) {
        im_graph_reset(t->g);
        im_params_zero_grad(cp);   /* what the encoder's pass left there */
        im_tensor *obj = t->est->vt->objective(t->est->self, t->g, im_input(t->g, &t->xb), im_input(t->g, &t->zb));
        st = im_backward(t->g, im_neg(t->g, obj));
        if (!st) im_optim_step(&t->critic_opt);
    }
    return st;
}

static im_status encoder_step(trainer *t, double *ce, double *penalty)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    bn_code_tensors c = bn_code_of(g, t->s, t->m, im_encoder_forward(g, &t->m->enc, im_input(g, &t->xb)),
                                   im_input(g, &t->eps));
    im_tensor *loss = c.z ? im_cross_entropy_logits(g, im_linear_layer_forward(g, &t->m->head, c.z), t->yb) : NULL;
    im_tensor *pen = NULL;
    if (t->s->reg == BN_VIB) pen = bn_vib_kl(g, &c, t->m->k);
    if (t->s->reg == BN_ESTIMATOR && c.z) pen = t->est->vt->objective(t->est->self, g, im_input(g, &t->xb), c.z);
    *ce = loss ? im_item(loss) : NAN;
    *penalty = pen ? im_item(pen) : NAN;
    if (pen) loss = im_add(g, loss, im_scale(g, pen, t->s->beta));
    im_status st = im_backward(g, loss);
    if (!st && !isfinite(im_item(loss)))
        st = im_fail(im_graph_ctx(g), IM_ENUMERIC, "bottleneck: loss is %g (cross-entropy %g, penalty %g): lower lr "
                     "or beta", im_item(loss), *ce, *penalty);
    if (!st) im_optim_step(&t->opt);
    return st;
}

static void trainer_free(trainer *t)
{
    im_graph_free(t->g);
    im_mat_free(&t->xb);
    im_mat_free(&t->eps);
    im_mat_free(&t->zb);
    free(t->labels);
    free(t->yb);
    im_batcher_free(&t->batcher);
}

static im_status trainer_init(im_ctx *ctx, trainer *t, int batch, im_rng *rng, im_record *rec)
{
    const im_split *tr = &t->ds->train;
    im_status st = im_mat_alloc(ctx, &t->xb, batch, tr->x.cols);
    if (!st) st = im_mat_alloc(ctx, &t->eps, batch, t->m->k);
    if (!st) st = im_mat_alloc(ctx, &t->zb, batch, t->m->k);
    if (!st && !(t->labels = im_class_labels(ctx, &tr->y, tr->y.rows))) st = ctx->status;
    if (!st && !(t->yb = malloc(sizeof(int) * (size_t)batch))) st = im_fail(ctx, IM_ENOMEM, "bottleneck: out of memory");
    if (!st && !(t->g = im_graph_new(ctx))) st = ctx->status;
    if (!st) st = im_batcher_init(ctx, &t->batcher, tr->x.rows, rng);
    if (st) return st;
    im_adam_init(&t->opt, &t->m->all, t->s->lr);
    t->opt.beta1 = t->s->adam_beta1;
    t->opt.pool = ctx->pool;
    im_params *cp = critic_params(t);
    if (cp) {
        im_train_opts o;
        st = im_train_opts_read(ctx, &t->est->sec, &o);
        if (!st) im_train_opts_adam(ctx, &o, cp, &t->critic_opt);
    }
    static const char *const cols[] = { "epoch", "train_ce", "penalty", "test_error", "ixz_lower", "ixz_upper", "izy" };
    t->curve = im_record_curve(rec, "epochs", 7, cols);
    return st;
}

static void add_point(trainer *t, int epoch, double ce, double penalty, const bn_scores *sc)
{
    im_curve_add(t->curve, (double[]){ epoch, ce, penalty, sc->error, sc->ixz_lower, sc->ixz_upper, sc->izy });
}

im_status bn_train(im_ctx *ctx, const bn_settings *s, const im_dataset *ds, bn_model *m, im_estimator *est,
                   im_rng *rng, im_record *rec, bn_scores *last)
{
    trainer t = { .s = s, .ds = ds, .m = m, .est = est };
    int batch = s->batch < ds->train.x.rows ? s->batch : ds->train.x.rows;
    int steps = ds->train.x.rows / batch, total = s->epochs * steps;
    im_status st = trainer_init(ctx, &t, batch, rng, rec);
    if (!st) st = bn_evaluate(ctx, s, ds, m, rng, last);
    if (!st) add_point(&t, 0, NAN, NAN, last);
    for (int epoch = 1; epoch <= s->epochs && !st; epoch++) {
        double sum_ce = 0, sum_pen = 0;
        for (int k = 0; k < steps && !st; k++) {
            if (im_interrupted(ctx)) {
                st = im_fail(ctx, IM_EINTERRUPTED, "bottleneck: interrupted in epoch %d of %d", epoch, s->epochs);
                break;
            }
            double ce = NAN, pen = NAN;
            next_batch(&t, rng);
            if (est) st = critic_steps(&t);
            if (!st) st = encoder_step(&t, &ce, &pen);
            sum_ce += ce, sum_pen += pen;
            int done = (epoch - 1) * steps + k + 1;
            if (done % 20 == 0) im_progress(ctx, "bottleneck", done, total, NULL);
        }
        t.opt.lr *= s->lr_decay;
        if (!st) st = bn_evaluate(ctx, s, ds, m, rng, last);
        if (st) break;
        add_point(&t, epoch, sum_ce / steps, s->reg == BN_NONE ? NAN : sum_pen / steps, last);
        char detail[128];
        snprintf(detail, sizeof detail, "epoch %d: test error %.2f%%, I(X;Z) >= %.2f, I(Z;Y) >= %.3f", epoch,
                 100 * last->error, last->ixz_lower, last->izy);
        im_progress(ctx, "bottleneck", epoch * steps, total, detail);
    }
    im_progress_done(ctx);
    trainer_free(&t);
    return st;
}
