/* model.c — the fairness task's model and its training: an encoder plugin
 * and a linear head, trained on task loss + beta * penalty(Z, T); trained
 * estimators alternate with the encoder (`inner_steps` critic updates on the
 * detached Z of the batch, then one encoder update through the critic held
 * fixed); fitted closed-form estimators (slice) are refitted on the Z of
 * `refit_rows` training rows every `refit_every` steps, or (refit_on =
 * batch, the published reference's recipe) on every batch's own Z. The
 * weight rises linearly from 0 to beta over `warmup` epochs, and the
 * learning rate may follow a cosine to 0 (lr_schedule). */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fairness.h"

void fairness_model_free(model *m)
{
    if (m->enc) m->vt->destroy(m->enc);
    im_params_free(&m->head_params);
    im_params_view_free(&m->all);
}

im_status fairness_model_init(im_ctx *ctx, const im_config *cfg, int in_dim, im_rng *rng, model *m)
{
    memset(m, 0, sizeof *m);
    im_section sec;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "encoder", &sec);
    if (st) return st;
    m->vt = sec.plugin->vtable;
    st = m->vt->create(ctx, &sec, in_dim, rng, &m->enc, &m->dz);
    if (!st) st = im_linear_layer_init(ctx, &m->head, &m->head_params, "head", m->dz, 1, IM_ACT_NONE, rng);
    if (st) return st;
    st = im_params_view_append(ctx, &m->all, m->vt->params(m->enc));
    if (!st) st = im_params_view_append(ctx, &m->all, &m->head_params);
    return st;
}

/* Z of every row of x into z (rows x dz), on g with the tape off. */
static im_status encode_on(im_graph *g, const model *m, const im_mat *x, im_mat *z)
{
    im_graph_set_grad(g, 0);
    im_status st = IM_OK;
    for (int r0 = 0; r0 < x->rows && !st; r0 += 4096) {
        int n = x->rows - r0 < 4096 ? x->rows - r0 : 4096;
        im_graph_reset(g);
        im_tensor *zt = m->vt->forward(m->enc, g, im_leaf(g, n, x->cols, im_mat_row(x, r0), 0));
        if (!zt) {
            st = im_graph_ctx(g)->status;
            break;
        }
        memcpy(im_mat_row(z, r0), zt->val, sizeof(im_real) * (size_t)n * m->dz);
    }
    return st;
}

/* The same on a graph of its own (evaluation). */
im_status fairness_encode(im_ctx *ctx, const model *m, const im_mat *x, im_mat *z)
{
    im_graph *g = im_graph_new(ctx);
    if (!g) return ctx->status;
    im_status st = encode_on(g, m, x, z);
    im_graph_free(g);
    return st;
}

typedef struct {
    const settings *s;
    const im_dataset *ds;
    model *m;
    im_estimator *est;     /* NULL when beta = 0 */
    int fits;              /* est is a fitted closed-form estimator (slice): refits, no critic */
    im_optim opt, critic_opt;
    im_graph *g;
    im_mat xb, yb, tb, zb;
    im_batcher batcher;
    /* refits of fitted estimators: a row sample, its X, T and Z (made once) */
    int *refit_order;
    im_mat refit_x, refit_t, refit_z;
} trainer;

static void next_batch(trainer *t, im_rng *rng)
{
    const im_split *tr = &t->ds->train;
    for (int k = 0; k < t->xb.rows; k++) {
        int r = im_batcher_next(&t->batcher, rng);
        im_mat_copy_row(&t->xb, k, &tr->x, r);
        im_mat_copy_row(&t->yb, k, &tr->y, r);
        im_mat_copy_row(&t->tb, k, &tr->t, r);
    }
}

static im_tensor *task_loss(trainer *t, im_tensor *logits)
{
    im_tensor *y = im_input(t->g, &t->yb);
    return t->ds->y_kind == IM_VAR_CONTINUOUS ? im_mse(t->g, logits, y) : im_bce_logits(t->g, logits, y);
}

/* the batch's Z as constants, on the trainer's own graph (no allocation) */
static im_status encode_batch(trainer *t)
{
    im_status st = encode_on(t->g, t->m, &t->xb, &t->zb);
    im_graph_set_grad(t->g, 1);
    return st;
}

static im_status critic_steps(trainer *t)
{
    im_params *cp = t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
    if (!cp || !t->est->vt->objective) return IM_OK;
    im_status st = encode_batch(t);
    for (int k = 0; k < t->s->inner_steps && !st; k++) {
        im_graph_reset(t->g);
        im_params_zero_grad(cp);   /* drop what the encoder's pass left there */
        im_tensor *obj = t->est->vt->objective(t->est->self, t->g, im_input(t->g, &t->zb), im_input(t->g, &t->tb));
        st = im_backward(t->g, im_neg(t->g, obj));
        if (!st) im_optim_step(&t->critic_opt);
    }
    return st;
}

static im_status refit(trainer *t, im_rng *rng)
{
    const im_split *tr = &t->ds->train;
    int n = t->refit_x.rows;
    im_rng_permutation(rng, t->refit_order, tr->x.rows);
    for (int k = 0; k < n; k++) {
        im_mat_copy_row(&t->refit_x, k, &tr->x, t->refit_order[k]);
        im_mat_copy_row(&t->refit_t, k, &tr->t, t->refit_order[k]);
    }
    im_status st = encode_on(t->g, t->m, &t->refit_x, &t->refit_z);
    im_graph_set_grad(t->g, 1);
    if (!st) st = t->est->vt->fit(t->est->self, im_graph_ctx(t->g), &t->refit_z, &t->refit_t, NULL, NULL, NULL);
    return st;
}

static im_status encoder_step(trainer *t, double beta)
{
    im_graph_reset(t->g);
    im_tensor *z = t->m->vt->forward(t->m->enc, t->g, im_input(t->g, &t->xb));
    im_tensor *logits = im_linear_layer_forward(t->g, &t->m->head, z);
    im_tensor *loss = task_loss(t, logits);
    im_status st = IM_OK;
    if (t->fits && t->s->refit_on_batch) {
        /* the reference recipe: new slices and CCA on this batch's Z, from
         * the forward pass the step makes anyway */
        memcpy(t->zb.data, z->val, sizeof(im_real) * (size_t)t->zb.rows * t->zb.cols);
        st = t->est->vt->fit(t->est->self, im_graph_ctx(t->g), &t->zb, &t->tb, NULL, NULL, NULL);
        if (st) return st;
    }
    if (t->est) {
        im_tensor *penalty = t->est->vt->objective(t->est->self, t->g, z, im_input(t->g, &t->tb));
        loss = im_add(t->g, loss, im_scale(t->g, penalty, beta));
    }
    st = im_backward(t->g, loss);
    if (!st && !isfinite(im_item(loss)))
        st = im_fail(im_graph_ctx(t->g), IM_ENUMERIC, "fairness: loss is %g (lower lr or beta)", im_item(loss));
    if (!st) im_optim_step(&t->opt);
    return st;
}

static void trainer_free(trainer *t)
{
    im_graph_free(t->g);
    im_mat_free(&t->xb);
    im_mat_free(&t->yb);
    im_mat_free(&t->tb);
    im_mat_free(&t->zb);
    im_batcher_free(&t->batcher);
    free(t->refit_order);
    im_mat_free(&t->refit_x);
    im_mat_free(&t->refit_t);
    im_mat_free(&t->refit_z);
}

/* Batches, graph, optimisers (the critic's from its trainer keys) and, for
 * fitted estimators, the refit buffers: all before the first step. */
static im_status trainer_init(im_ctx *ctx, trainer *t, int batch, im_rng *rng)
{
    const im_dataset *ds = t->ds;
    im_status st = im_mat_alloc(ctx, &t->xb, batch, ds->train.x.cols);
    if (!st) st = im_mat_alloc(ctx, &t->yb, batch, 1);
    if (!st) st = im_mat_alloc(ctx, &t->tb, batch, ds->train.t.cols);
    if (!st) st = im_mat_alloc(ctx, &t->zb, batch, t->m->dz);
    if (!st && !(t->g = im_graph_new(ctx))) st = ctx->status;
    if (!st) st = im_batcher_init(ctx, &t->batcher, ds->train.x.rows, rng);
    if (!st) {
        im_adam_init(&t->opt, &t->m->all, t->s->lr);
        t->opt.weight_decay = t->s->weight_decay;
        t->opt.pool = ctx->pool;
        im_params *cp = t->est && t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
        if (cp) {
            im_train_opts o;
            st = im_train_opts_read(ctx, &t->est->sec, &o);
            if (!st) im_train_opts_adam(ctx, &o, cp, &t->critic_opt);
        }
    }
    if (!st && t->fits && !t->s->refit_on_batch) {
        int n = t->s->refit_rows < ds->train.x.rows ? t->s->refit_rows : ds->train.x.rows;
        if (!(t->refit_order = malloc(sizeof(int) * (size_t)ds->train.x.rows)))
            st = im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
        if (!st) st = im_mat_alloc(ctx, &t->refit_x, n, ds->train.x.cols);
        if (!st) st = im_mat_alloc(ctx, &t->refit_t, n, ds->train.t.cols);
        if (!st) st = im_mat_alloc(ctx, &t->refit_z, n, t->m->dz);
    }
    return st;
}

/* ---- checkpoints: everything the remaining steps read ----
 * the epoch, the run's generator, the batcher's permutation and place, the
 * encoder's and head's weights with their Adam moments and step count,
 * the estimator's weights and its own state (state hooks), the seconds
 * trained so far. */

static im_params *critic_params(const trainer *t)
{
    return t->est && t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
}

/* What cannot be saved is said before the first step, not at the first save. */
static im_status checkpoint_supported(im_ctx *ctx, const trainer *t)
{
    if (!t->m->vt->state_size)
        return im_fail(ctx, IM_EINVAL, "fairness: checkpoint_every: the encoder cannot save its state (no state "
                       "hooks); set checkpoint_every = 0");
    if (t->est && !t->est->vt->state_size)
        return im_fail(ctx, IM_EINVAL, "fairness: checkpoint_every: estimator '%s' cannot save its state (no state "
                       "hooks); use slice, renyi, tc, club, hsic, pearson or dcor, or set checkpoint_every = 0",
                       t->est->plugin->name);
    return IM_OK;
}

static im_status save_checkpoint(im_ctx *ctx, const trainer *t, const checkpointing *c, int epoch, const im_rng *rng,
                                 double seconds)
{
    im_checkpoint *ck = im_checkpoint_new(c->hash);
    if (!ck) return im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    im_params *cp = critic_params(t);
    size_t state_n = t->est ? t->est->vt->state_size(t->est->self) : 0, enc_n = t->m->vt->state_size(t->m->enc);
    void *state = malloc(state_n + enc_n + 1);
    im_status st = state ? IM_OK : im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    if (!st) {
        t->m->vt->state_save(t->m->enc, state);
        st = im_checkpoint_put(ctx, ck, "encoder.state", state, enc_n);
    }
    if (!st) st = im_checkpoint_put(ctx, ck, "epoch", &epoch, sizeof epoch);
    if (!st) st = im_checkpoint_put(ctx, ck, "seconds", &seconds, sizeof seconds);
    if (!st) st = im_checkpoint_put_rng(ctx, ck, "rng", rng);
    if (!st) st = im_checkpoint_put_batcher(ctx, ck, "batcher", &t->batcher);
    if (!st) st = im_checkpoint_put_params(ctx, ck, "model", &t->m->all);
    if (!st) st = im_checkpoint_put(ctx, ck, "model.adam_t", &t->opt.t, sizeof t->opt.t);
    if (!st && cp) st = im_checkpoint_put_params(ctx, ck, "estimator", cp);
    if (!st && cp) st = im_checkpoint_put(ctx, ck, "estimator.adam_t", &t->critic_opt.t, sizeof t->critic_opt.t);
    if (!st && t->est) {
        t->est->vt->state_save(t->est->self, state);
        st = im_checkpoint_put(ctx, ck, "estimator.state", state, state_n);
    }
    if (!st) st = im_checkpoint_write(ctx, ck, c->path);
    free(state);
    im_checkpoint_free(ck);
    return st;
}

static im_status load_checkpoint(im_ctx *ctx, trainer *t, const checkpointing *c, int *epoch, im_rng *rng,
                                 double *seconds)
{
    im_checkpoint *ck;
    im_status st = im_checkpoint_read(ctx, c->path, c->hash, &ck);
    if (st) return st;
    im_params *cp = critic_params(t);
    size_t state_n = t->est ? t->est->vt->state_size(t->est->self) : 0, enc_n = t->m->vt->state_size(t->m->enc);
    void *state = malloc(state_n + enc_n + 1);
    if (!state) st = im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    if (!st) st = im_checkpoint_get(ctx, ck, "encoder.state", state, enc_n);
    if (!st) t->m->vt->state_load(t->m->enc, state);
    if (!st) st = im_checkpoint_get(ctx, ck, "epoch", epoch, sizeof *epoch);
    if (!st && (*epoch < 1 || *epoch >= t->s->epochs))
        st = im_fail(ctx, IM_EIO, "checkpoint %s: epoch %d is outside 1..%d", c->path, *epoch, t->s->epochs - 1);
    if (!st) st = im_checkpoint_get(ctx, ck, "seconds", seconds, sizeof *seconds);
    if (!st) st = im_checkpoint_get_rng(ctx, ck, "rng", rng);
    if (!st) st = im_checkpoint_get_batcher(ctx, ck, "batcher", &t->batcher);
    if (!st) st = im_checkpoint_get_params(ctx, ck, "model", &t->m->all);
    if (!st) st = im_checkpoint_get(ctx, ck, "model.adam_t", &t->opt.t, sizeof t->opt.t);
    if (!st && cp) st = im_checkpoint_get_params(ctx, ck, "estimator", cp);
    if (!st && cp) st = im_checkpoint_get(ctx, ck, "estimator.adam_t", &t->critic_opt.t, sizeof t->critic_opt.t);
    if (!st && t->est) st = im_checkpoint_get(ctx, ck, "estimator.state", state, state_n);
    if (!st && t->est) t->est->vt->state_load(t->est->self, state);
    free(state);
    im_checkpoint_free(ck);
    return st;
}

im_status fairness_train(im_ctx *ctx, const settings *s, const im_dataset *ds, model *m, im_estimator *est,
                         im_rng *rng, const checkpointing *ck, double *seconds_per_epoch)
{
    trainer t = { .s = s, .ds = ds, .m = m, .est = est };
    int batch = s->batch < ds->train.x.rows ? s->batch : ds->train.x.rows;
    int steps_per_epoch = (ds->train.x.rows + batch - 1) / batch, total = s->epochs * steps_per_epoch;
    int fits = est && est->vt->fit && !est->vt->params, first = 0, every = s->checkpoint_every;
    t.fits = fits;
    double before = 0;   /* seconds trained before a resume */
    im_status st = trainer_init(ctx, &t, batch, rng);
    if (!st && every) st = checkpoint_supported(ctx, &t);
    if (!st && every && ck->resume && access(ck->path, F_OK) == 0) {
        int epoch = 0;
        st = load_checkpoint(ctx, &t, ck, &epoch, rng, &before);
        if (!st) fprintf(stderr, "fairness: resumed from %s after epoch %d of %d\n", ck->path, epoch, s->epochs);
        first = epoch * steps_per_epoch;
    } else if (!st && every && access(ck->path, F_OK) == 0) {
        fprintf(stderr, "fairness: starting over; %s holds an earlier run's checkpoint (infomin-run --resume continues "
                "it)\n", ck->path);
    }
    double t0 = im_seconds();
    for (int step = first; step < total && !st; step++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "fairness: interrupted at step %d of %d", step, total);
            break;
        }
        next_batch(&t, rng);
        if (fits && !s->refit_on_batch && step % s->refit_every == 0) st = refit(&t, rng);
        if (!st && est) st = critic_steps(&t);
        if (s->cosine) t.opt.lr = s->lr * 0.5 * (1 + cos(M_PI * step / total));
        double ramp = s->warmup > 0 ? (step + 1) / (s->warmup * steps_per_epoch) : 1;
        if (!st) st = encoder_step(&t, s->beta * (ramp < 1 ? ramp : 1));
        if ((step + 1) % 20 == 0) im_progress(ctx, "fairness", step + 1, total, NULL);
        int epoch = (step + 1) / steps_per_epoch;
        if (!st && every && (step + 1) % steps_per_epoch == 0 && epoch % every == 0 && epoch < s->epochs)
            st = save_checkpoint(ctx, &t, ck, epoch, rng, before + im_seconds() - t0);
    }
    im_progress_done(ctx);
    *seconds_per_epoch = (before + im_seconds() - t0) / s->epochs;
    if (!st && every) unlink(ck->path);   /* finished: nothing to continue */
    trainer_free(&t);
    return st;
}
