/* penalty.c — an estimator as a training penalty (penalty.h): the refits
 * and critic updates between encoder steps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/optim.h"
#include "infomin/penalty.h"

static int fits(const im_penalty *p) { return p->est->vt->fit && !p->critic; }

im_status im_penalty_new(im_ctx *ctx, const im_config *cfg, const char *section, int dz, int dt,
                         const im_penalty_opts *o, int train_rows, im_rng *rng, im_penalty *p)
{
    memset(p, 0, sizeof *p);
    p->o = *o;
    im_status st = im_estimator_new(ctx, cfg, section, dz, dt, rng, &p->est);
    if (st) return st;
    if (!p->est->vt->objective)
        return im_fail(ctx, IM_EINVAL, "estimator %s is not differentiable: it cannot be a penalty (slice, club, tc, "
                       "renyi, pearson, dcor, hsic and the variational bounds can)", p->est->plugin->name);
    p->critic = p->est->vt->params ? p->est->vt->params(p->est->self) : NULL;
    if (p->critic) {
        im_train_opts t;
        st = im_train_opts_read(ctx, &p->est->sec, &t);
        if (!st) im_train_opts_adam(ctx, &t, p->critic, &p->opt);
        if (!st && !(p->g = im_tape_new(ctx))) st = ctx->status;
    }
    if (!st && fits(p) && !o->refit_on_batch) {
        p->refit_n = o->refit_rows < train_rows ? o->refit_rows : train_rows;
        if (!(p->order = malloc(sizeof(int) * (size_t)train_rows)))
            return im_fail(ctx, IM_ENOMEM, "penalty: out of memory");
    }
    return st;
}

void im_penalty_free(im_penalty *p)
{
    im_estimator_free(p->est);
    im_tape_free(p->g);
    im_mat_free(&p->zb);
    free(p->order);
    im_mat_free(&p->refit_x);
    im_mat_free(&p->refit_t);
    memset(p, 0, sizeof *p);
}

const char *im_penalty_name(const im_penalty *p) { return p->est ? p->est->plugin->name : "none"; }

void im_penalty_record(const im_penalty *p, double beta, im_record *rec)
{
    im_record_str(rec, "penalty", im_penalty_name(p));
    im_record_num(rec, "beta", beta);
}

void im_group_penalty_name(const im_record *rec, char *buf, size_t size)
{
    const char *pen = im_record_text(rec, "penalty");
    double beta = 0;
    im_record_metric(rec, "beta", &beta);
    if (!pen || beta == 0) snprintf(buf, size, "none");
    else snprintf(buf, size, "%s beta=%g", pen, beta);
}

/* New directions and CCA (slice) on the Z of a fresh row sample. */
static im_status refit(im_ctx *ctx, im_penalty *p, const im_encoder *enc, const im_mat *x, const im_mat *t, im_rng *rng)
{
    int n = p->refit_n;
    im_status st = IM_OK;
    if (!p->refit_x.data) {
        st = im_mat_alloc(ctx, &p->refit_x, n, x->cols);
        if (!st) st = im_mat_alloc(ctx, &p->refit_t, n, t->cols);
        if (st) return st;
    }
    im_rng_permutation(rng, p->order, x->rows);
    for (int k = 0; k < n; k++) {
        im_mat_copy_row(&p->refit_x, k, x, p->order[k]);
        im_mat_copy_row(&p->refit_t, k, t, p->order[k]);
    }
    im_mat z;
    st = im_encoder_encode(ctx, enc, &p->refit_x, IM_ENCODE_CODE, &z);
    if (!st) st = p->est->vt->fit(p->est->self, ctx, &z, &p->refit_t, NULL, NULL, NULL);
    im_mat_free(&z);
    return st;
}

/* The batch's Z values into zb: its room grows to the largest batch seen,
 * so batches of varying rows (given = y: one class's) allocate nothing in
 * the training loop once it has seen the largest. */
static im_status hold_batch(im_ctx *ctx, im_penalty *p, const im_real *z, int rows, int dz)
{
    long need = (long)rows * dz;
    if (need > p->zb_room) {
        im_mat_free(&p->zb);
        p->zb_room = 0;
        im_status st = im_mat_alloc(ctx, &p->zb, rows, dz);
        if (st) return st;
        p->zb_room = need;
    }
    p->zb.rows = rows, p->zb.cols = dz;
    memcpy(p->zb.data, z, sizeof(im_real) * (size_t)need);
    return IM_OK;
}

im_status im_penalty_prepare(im_ctx *ctx, im_penalty *p, long step, const im_encoder *enc, const im_mat *x,
                             const im_mat *t, const im_real *z, const im_mat *tb, im_rng *rng)
{
    if (!p->est) return IM_OK;
    im_status st = IM_OK;
    if (fits(p) && !p->o.refit_on_batch && step % p->o.refit_every == 0) st = refit(ctx, p, enc, x, t, rng);
    if (!st && (p->critic || (fits(p) && p->o.refit_on_batch))) st = hold_batch(ctx, p, z, tb->rows, enc->out_dim);
    /* the reference recipe: new slices and CCA on this batch's Z */
    if (!st && fits(p) && p->o.refit_on_batch) st = p->est->vt->fit(p->est->self, ctx, &p->zb, tb, NULL, NULL, NULL);
    if (!st && p->critic) st = im_estimator_ascend(ctx, p->est, p->g, &p->opt, &p->zb, tb, p->o.inner_steps);
    return st;
}

im_tensor *im_penalty_value(im_tape *g, const im_penalty *p, im_tensor *z, im_tensor *t)
{
    return p->est->vt->objective(p->est->self, g, z, t);
}
