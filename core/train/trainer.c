/* trainer.c — the generic critic trainer: Adam on the estimator's
 * objective over shuffled mini-batches, a validation estimate every
 * `eval_every` steps, early stopping with `patience`, and the best
 * validation weights restored at the end. With `average`, the weights
 * validated and kept are an exponential moving average of the trained ones
 * (Polyak averaging): SGD noise in the last weights costs a critic the most
 * where the MI is small. Also the critic's ascents between a task's steps
 * (im_estimator_ascend). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/batcher.h"
#include "infomin/clock.h"
#include "estimate.h"
#include "infomin/estimator.h"
#include "infomin/optim.h"
#include "infomin/progress.h"

im_status im_train_opts_read(im_ctx *ctx, const im_section *sec, im_train_opts *o)
{
    im_status st = im_section_int(ctx, sec, "steps", &o->steps);
    if (!st) st = im_section_int(ctx, sec, "batch", &o->batch);
    if (!st) st = im_section_float(ctx, sec, "lr", &o->lr);
    if (!st) st = im_section_float(ctx, sec, "weight_decay", &o->weight_decay);
    if (!st) st = im_section_float(ctx, sec, "grad_clip", &o->grad_clip);
    if (!st) st = im_section_int(ctx, sec, "eval_every", &o->eval_every);
    if (!st) st = im_section_int(ctx, sec, "patience", &o->patience);
    if (!st) st = im_section_int(ctx, sec, "log_every", &o->log_every);
    if (!st) st = im_section_float(ctx, sec, "average", &o->average);
    const char *on_divergence = "fail";
    if (!st && im_section_has(sec, "on_divergence")) st = im_section_string(ctx, sec, "on_divergence", &on_divergence);
    o->recover = !st && strcmp(on_divergence, "recover") == 0;
    return st;
}

void im_train_opts_adam(im_ctx *ctx, const im_train_opts *opts, im_params *params, im_optim *opt)
{
    im_adam_init(opt, params, opts->lr);
    opt->workers = ctx->workers;
    opt->weight_decay = opts->weight_decay;
    opt->clip_norm = opts->grad_clip;
}

/* The state of one training run, made before the loop so that the loop
 * itself allocates nothing. */
typedef struct {
    im_tape *g;
    im_mat xb, yb;
    im_batcher batcher;
    im_optim opt;
    im_real *best;
    im_real *avg, *live;   /* average: the averaged weights; the live ones while the average is validated */
    im_real *initial;      /* on_divergence = recover: the weights before the first step */
    int recoveries;
    double log_norm;       /* running mean of log(gradient norm), NAN before the first step */
    long numel;
    im_curve *train_curve, *val_curve;
    double best_score, best_estimate;
    int best_step, since_best;
} trainer;

static void trainer_free(trainer *t)
{
    im_tape_free(t->g);
    im_mat_free(&t->xb);
    im_mat_free(&t->yb);
    im_batcher_free(&t->batcher);
    free(t->best);
    free(t->avg);
    free(t->live);
    free(t->initial);
}

static im_status trainer_init(im_ctx *ctx, trainer *t, im_estimator *est, const im_train_opts *opts,
                              const im_mat *x, const im_mat *y, im_record *rec)
{
    im_params *params = est->vt->params(est->self);
    if (x->rows < opts->batch)   /* a smaller batch would be a different estimator, silently */
        return im_fail(ctx, IM_EINVAL, "estimator %s: %d training rows, fewer than one batch of %d: lower batch or give "
                       "more rows", est->plugin->name, x->rows, opts->batch);
    int batch = opts->batch;
    im_status st = IM_OK;
    t->g = im_tape_new(ctx);
    t->numel = im_params_numel(params);
    t->best = malloc(sizeof(im_real) * (size_t)t->numel);
    if (opts->average > 0) {
        t->avg = calloc((size_t)t->numel, sizeof(im_real));
        t->live = malloc(sizeof(im_real) * (size_t)t->numel);
    }
    if (opts->recover && (t->initial = malloc(sizeof(im_real) * (size_t)t->numel))) im_params_save(params, t->initial);
    if (!t->g || !t->best || (opts->average > 0 && (!t->avg || !t->live)) || (opts->recover && !t->initial))
        st = im_fail(ctx, IM_ENOMEM, "trainer: out of memory");
    if (!st) st = im_mat_alloc(ctx, &t->xb, batch, x->cols);
    if (!st) st = im_mat_alloc(ctx, &t->yb, batch, y->cols);
    if (!st) st = im_batcher_init(ctx, &t->batcher, x->rows, est->rng);
    if (st) return st;
    im_train_opts_adam(ctx, opts, params, &t->opt);
    static const char *const train_cols[] = { "step", "objective" }, *const val_cols[] = { "step", "val_estimate" };
    t->train_curve = im_record_curve(rec, "train", 2, train_cols);
    t->val_curve = im_record_curve(rec, "val", 2, val_cols);
    t->best_score = -INFINITY;
    t->best_estimate = NAN;
    t->log_norm = NAN;
    return IM_OK;
}

/* avg ← d·avg + (1 − d)·weights: the first step's weights, then d ramped up
 * as min(decay, (1 + t)/(10 + t)) so that early weights (near the
 * initialisation) fade out quickly. Read straight from the parameters: the
 * flat copy in t->live is made only when the average is validated. */
static void update_average(trainer *t, const im_params *params, double decay, int step)
{
    double d = step == 1 ? 0 : fmin(decay, (1.0 + step) / (10.0 + step));
    const im_real keep = (im_real)d, take = (im_real)(1 - d);   /* in im_real: one vector pass (2% of a step in double) */
    im_real *avg = t->avg;
    for (int i = 0; i < params->count; i++) {
        const im_param *p = params->items[i];
        long n = (long)p->rows * p->cols;
        const im_real *restrict value = p->value;
        im_real *restrict a = avg;
        for (long k = 0; k < n; k++) a[k] = keep * a[k] + take * value[k];
        avg += n;
    }
}

static void next_batch(trainer *t, im_rng *rng, const im_mat *x, const im_mat *y)
{
    for (int k = 0; k < t->xb.rows; k++) {
        int r = im_batcher_next(&t->batcher, rng);
        im_mat_copy_row(&t->xb, k, x, r);
        im_mat_copy_row(&t->yb, k, y, r);
    }
}

/* The model-selection score on validation data, higher is better; *usable
 * is 0 when the estimator has no criterion (upper bounds without select). */
static im_status selection_score(im_ctx *ctx, im_estimator *est, const im_mat *xv, const im_mat *yv, double *estimate,
                                 double *score, int *usable)
{
    im_status st = im_estimator_raw_estimate(est, ctx, xv, yv, estimate);
    if (st) return st;
    *usable = 1;
    if (est->vt->select) return est->vt->select(est->self, ctx, xv, yv, score);
    *score = *estimate;
    if (est->vt->bound == IM_BOUND_UPPER) *usable = 0;
    return IM_OK;
}

/* Validate the weights at `step` (the average, when kept): a new best is
 * saved; *stop when `patience` evaluations passed without one. */
static im_status validate(im_ctx *ctx, trainer *t, im_estimator *est, const im_train_opts *opts, const im_mat *xv,
                          const im_mat *yv, int step, int *stop)
{
    im_params *params = est->vt->params(est->self);
    double v, score;
    int usable;
    if (t->avg) {   /* validate the average; the live weights wait in t->live */
        im_params_save(params, t->live);
        im_params_load(params, t->avg);
    }
    im_status st = selection_score(ctx, est, xv, yv, &v, &score, &usable);
    if (!st) {
        im_curve_add(t->val_curve, (double[]){ step, v });
        if (usable && isfinite(score) && score > t->best_score) {
            t->best_score = score;
            t->best_estimate = v;
            t->best_step = step;
            t->since_best = 0;
            im_params_save(params, t->best);
        } else {
            *stop = opts->patience > 0 && ++t->since_best >= opts->patience;
        }
    }
    if (t->avg) im_params_load(params, t->live);
    return st;
}

/* An exploded step: a gradient norm 1000 times its running (geometric)
 * mean (and above 1000: a collapsed critic's 1e-5 growing back to 0.1 is
 * no explosion), or beyond 1e12. Early in a diverging run the norm jumps by 10³-10⁷
 * in one step (lr = 10 on the quickstart: 3.4 to 1.3e7); a healthy one moves
 * by a few times at most. */
#define EXPLODED_JUMP 1e3
#define EXPLODED_NORM 1e12
/* An objective beyond ±1e6 nats has left every MI of float data behind: a
 * critic of bounded units (tanh) saturated by a huge step keeps its
 * gradient finite, and only its value says it diverged (lr = 1e30: the
 * objective reads -1e33 from step 2). */
#define EXPLODED_VALUE 1e6
/* A weight beyond 1e10: bounded units (tanh, sigmoid) saturated by a huge
 * step can leave both the objective and the gradient finite and tame (a
 * maximal correlation stays in [-1, 1]; renyi at lr = 1e30 read 0.74); the
 * weights themselves then say the run diverged. */
#define EXPLODED_WEIGHT 1e10

static double largest_weight(const im_params *params)
{
    double top = 0;
    for (int i = 0; i < params->count; i++) {
        const im_param *p = params->items[i];
        for (long j = 0; j < (long)p->rows * p->cols; j++) {
            double a = fabs((double)p->value[j]);
            if (!(a <= top)) top = a;   /* NaN wins */
        }
    }
    return top;
}
#define MAX_RECOVERIES 12     /* lr can drop to 1/4096 of its setting */

/* A NaN/Inf objective or gradient, or an exploded gradient, at `step`:
 * fail naming it, or (on_divergence = recover) go back to the last good
 * weights — the best validated so far, else the initial ones; weights
 * between validations may already be drifting away — with fresh moments
 * and half the learning rate. */
static im_status diverged(im_ctx *ctx, trainer *t, im_estimator *est, int step, double value, double norm)
{
    if (!t->initial || t->recoveries == MAX_RECOVERIES)
        return im_fail(ctx, IM_ENUMERIC,
                       "estimator %s: training diverged at step %d: objective %g, gradient norm %g (a NaN or "
                       "infinity, an exploding gradient, an objective beyond 1e6 or a weight beyond 1e10 in size; "
                       "lower lr or add grad_clip%s)",
                       est->plugin->name, step, value, norm,
                       t->initial ? "; on_divergence = recover gave up after 12 recoveries" : ", or on_divergence = recover");
    im_params_load(t->opt.params, t->best_step > 0 ? t->best : t->initial);
    if (t->avg) im_params_save(t->opt.params, t->avg);   /* the average restarts there too */
    if (est->vt->restart) est->vt->restart(est->self);
    im_optim_reset(&t->opt);
    t->opt.lr *= 0.5;
    t->recoveries++;
    return IM_OK;
}

/* One Adam step on the batch's objective; its value into *value (NaN when
 * the step diverged and was recovered from: nothing else to do this step). */
static im_status train_step(im_ctx *ctx, trainer *t, im_estimator *est, int step, double *value)
{
    im_tape_reset(t->g);
    im_tensor *obj = est->vt->objective(est->self, t->g, im_input(t->g, &t->xb), im_input(t->g, &t->yb));
    im_status st = im_backward(t->g, im_neg(t->g, obj));
    if (st) return st;
    *value = im_item(obj);
    double norm = NAN;
    if (isfinite(*value) && fabs(*value) <= EXPLODED_VALUE)
        norm = im_optim_step(&t->opt);   /* not applied when not finite or exploded */
    else
        im_params_zero_grad(t->opt.params);
    int exploded = !isfinite(norm) || norm > EXPLODED_NORM ||
                   (!isnan(t->log_norm) && norm > EXPLODED_JUMP * fmax(exp(t->log_norm), 1.0)) ||
                   !(largest_weight(t->opt.params) <= EXPLODED_WEIGHT);
    if (exploded) {
        st = diverged(ctx, t, est, step, *value, norm);
        *value = NAN;
        return st;
    }
    if (norm > 0) t->log_norm = isnan(t->log_norm) ? log(norm) : 0.99 * t->log_norm + 0.01 * log(norm);
    return IM_OK;
}

im_status im_train_critic(im_ctx *ctx, im_estimator *est, const im_train_opts *opts, const im_mat *x,
                          const im_mat *y, const im_mat *xv, const im_mat *yv, im_record *rec)
{
    im_params *params = est->vt->params(est->self);
    trainer t = { 0 };
    im_status st = trainer_init(ctx, &t, est, opts, x, y, rec);
    if (st) {
        trainer_free(&t);
        return st;
    }
    int have_val = xv && yv && xv->rows >= 2, step;
    double smoothed = NAN, started = im_seconds();
    char detail[96];
    for (step = 1; step <= opts->steps; step++) {
        double value;
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "estimator %s: interrupted at step %d of %d", est->plugin->name, step,
                         opts->steps);
            break;
        }
        next_batch(&t, est->rng, x, y);
        st = train_step(ctx, &t, est, step, &value);
        if (st) break;
        if (isnan(value)) continue;   /* recovered from a divergence: back to the last good weights */
        if (t.avg) update_average(&t, params, opts->average, step);
        smoothed = isnan(smoothed) ? value : 0.95 * smoothed + 0.05 * value;
        if (step % opts->log_every == 0) im_curve_add(t.train_curve, (double[]){ step, value });
        if (have_val && (step % opts->eval_every == 0 || step == opts->steps)) {
            int stop = 0;
            st = validate(ctx, &t, est, opts, xv, yv, step, &stop);
            if (st || stop) break;
        }
        if (step % 50 == 0) {
            if (isnan(t.best_estimate))   /* no validation yet */
                snprintf(detail, sizeof detail, "objective %.4f val -", smoothed);
            else
                snprintf(detail, sizeof detail, "objective %.4f val %.4f", smoothed, t.best_estimate);
            double spent = im_seconds() - started;
            im_progress_timed(ctx, est->plugin->name, step, opts->steps, detail, spent, step, spent);
        }
    }
    im_progress_done(ctx);
    if (!st && t.best_step > 0)
        im_params_load(params, t.best);
    else if (!st && t.avg)
        im_params_load(params, t.avg);   /* no checkpoint chosen: the average, as asked */
    if (!st && rec) {
        if (t.initial) im_record_num(rec, "divergence_recoveries", t.recoveries);
        im_record_num(rec, "train_steps", step > opts->steps ? opts->steps : step);
        if (t.best_step > 0) im_record_num(rec, "best_val_step", t.best_step);
    }
    trainer_free(&t);
    return st;
}

im_status im_estimator_ascend(im_ctx *ctx, im_estimator *est, im_tape *g, im_optim *opt, const im_mat *x,
                              const im_mat *y, int steps)
{
    im_params *cp = est->vt->params ? est->vt->params(est->self) : NULL;
    im_status st = IM_OK;
    for (int k = 0; cp && est->vt->objective && k < steps && !st; k++) {
        im_tape_reset(g);
        im_params_zero_grad(cp);   /* drop what the task's pass through the critic left there */
        im_tensor *obj = est->vt->objective(est->self, g, im_input(g, x), im_input(g, y));
        st = obj ? im_backward(g, im_neg(g, obj)) : ctx->status;
        if (!st) im_optim_step(opt);
    }
    return st;
}
