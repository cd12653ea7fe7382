/* penalty.h — an estimator plugin used as the training penalty
 * β·Î(Z;T) of an infomin task (fairness, disentangle, domain-adapt): what
 * it needs between encoder steps. A trained estimator (a critic: renyi,
 * club, tc, the variational bounds) takes `inner_steps` Adam updates on
 * the batch's Z, detached, before each encoder step — the alternation of
 * Scalable Infomin Learning's adversarial baselines; a fitted closed-form
 * one (slice: new directions and CCA) is refitted on the Z of `refit_rows`
 * training rows every `refit_every` steps, or (refit_on = batch, the
 * published reference's recipe) on every batch's own Z; the rest (pearson,
 * dcor, hsic) need nothing. The encoder step then adds β times the
 * estimator's objective, differentiable in Z, with the critic held fixed;
 * `warmup` is the epochs over which the task's loop ramps β up (loop.h). */
#ifndef INFOMIN_PENALTY_H
#define INFOMIN_PENALTY_H

#include "api.h"
#include "encoder.h"
#include "estimator.h"
#include "fields.h"

typedef struct im_penalty_opts {
    int inner_steps, refit_every, refit_rows;
    /* since 0.6 */
    double warmup;         /* epochs over which the weight rises from 0 (the loop's ramp) */
    int refit_on_batch;    /* refit_on = batch: refits on every step's own Z, not on refit_rows rows */
} im_penalty_opts;

/* The penalty's keys, for member m (an im_penalty_opts) of a task's
 * settings struct T (fields.h); the refit defaults are the task's: an
 * encoder pass over refit_rows is paid every refit_every steps. A task
 * whose figures predate refit_on or warmup (every penalty has them since
 * 0.6) names the value that computes what it did before ("rows", "0"):
 * at it the key stays out of the cell hash; NULL: always hashed. */
#define IM_PENALTY_FIELDS(T, m, every_default, rows_default, refit_on_neutral, warmup_neutral)                   \
    IM_FIELD_AS(T, m.inner_steps, "inner_steps", "int", int, "5",                                            \
                "critic updates per encoder update (trained estimators)", ">=0"),                            \
    IM_FIELD_AS(T, m.refit_every, "refit_every", "int", int, every_default,                                   \
                "steps between refits of fitted closed-form estimators (slice)", ">=1"),                     \
    IM_FIELD_AS(T, m.refit_rows, "refit_rows", "int", int, rows_default,                                      \
                "training rows whose Z a refit uses (all when fewer)", ">=16"),                              \
    IM_FIELD_AS(T, m.refit_on_batch, "refit_on", "string", int, "rows",                                     \
                "what slice's refits fit: rows (refit_rows training rows every refit_every steps) or batch "  \
                "(the published reference's recipe: every step, on the step's own batch)", "rows|batch",     \
                .neutral = (refit_on_neutral)),                                                               \
    IM_FIELD_AS(T, m.warmup, "warmup", "float", double, "0",                                                 \
                "epochs over which the penalty weight rises linearly from 0 to beta", ">=0",                 \
                .neutral = (warmup_neutral))

typedef struct im_penalty {
    im_estimator *est;     /* owned */
    im_penalty_opts o;
    im_params *critic;     /* the estimator's trained weights, or NULL */
    im_optim opt;          /* on critic, from the estimator's trainer keys */
    im_tape *g;           /* the critic's steps */
    im_mat zb;             /* the batch's Z, detached */
    int *order;            /* refits: a permutation of the training rows, */
    int refit_n;           /* the rows a refit reads (its first ones), */
    im_mat refit_x, refit_t;   /* their X and T (allocated at the first refit) */
    /* since 0.6: values zb.data holds room for (batches of varying rows,
     * e.g. one class's rows: grown, never shrunk) */
    long zb_room;
} im_penalty;

/* The estimator in [section] for Z of dz columns and T of dt, refusing one
 * without a differentiable objective by name. train_rows: the training
 * split's size (refits sample from it). */
IM_API im_status im_penalty_new(im_ctx *ctx, const im_config *cfg, const char *section, int dz, int dt,
                                const im_penalty_opts *o, int train_rows, im_rng *rng, im_penalty *out);
IM_API void im_penalty_free(im_penalty *p);
IM_API const char *im_penalty_name(const im_penalty *p);
/* The run's penalty in its record: "penalty" (its name, "none" without
 * one) and "beta" (its weight), what im_group_penalty_name reads. */
IM_API void im_penalty_record(const im_penalty *p, double beta, im_record *rec);
/* The usual name of a penalised run in a sweep summary: "none" (β = 0, or
 * no "penalty" text), else "<penalty> beta=<β>", from the record's
 * "penalty" text and "beta" metric; with IM_GROUP_PENALTY_KEYS as the skip
 * list (the sweep labels it stands for) im_group_runs groups a sweep over
 * estimators, β and seeds by setting. */
IM_API void im_group_penalty_name(const im_record *rec, char *buf, size_t size);
#define IM_GROUP_PENALTY_KEYS { "task.beta=", "estimator.plugin=", NULL }
/* Before the encoder step `step` (from 0): a refit when due, on the Z of a
 * fresh sample of the training rows (x, t) made by enc (refit_on = batch:
 * on the batch's own Z, every step); then the critic's updates on the
 * batch's Z values z (rows of tb, dz columns) and tb. */
IM_API im_status im_penalty_prepare(im_ctx *ctx, im_penalty *p, long step, const im_encoder *enc, const im_mat *x,
                                    const im_mat *t, const im_real *z, const im_mat *tb, im_rng *rng);
/* The estimator's objective at (z, t) on g: the penalty before β. */
IM_API im_tensor *im_penalty_value(im_tape *g, const im_penalty *p, im_tensor *z, im_tensor *t);

#endif
