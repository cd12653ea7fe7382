/* estimator.h — the estimator interface and the generic critic trainer.
 *
 * An estimator is fitted on (X, Y) samples and reports I(X;Y) on held-out
 * data. Trained (variational) estimators expose a differentiable
 * `objective` on one batch and their parameters; the core's generic trainer
 * (Adam on the objective, train/validation split, early stopping) fits them
 * unless the plugin brings its own `fit`. Infomin tasks use `objective` as a
 * penalty, with gradients flowing into x and y. */
#ifndef INFOMIN_ESTIMATOR_H
#define INFOMIN_ESTIMATOR_H

#include "api.h"
#include "cfg.h"
#include "tape.h"
#include "mat.h"
#include "optim.h"
#include "param.h"
#include "results.h"
#include "rng.h"

typedef enum { IM_BOUND_LOWER, IM_BOUND_UPPER, IM_BOUND_ESTIMATE } im_bound;
/* IM_UNIT_F_INFORMATION (since 0.6): an f-information I_f(X;Y) =
 * D_f(P_XY‖P_X P_Y) of a member other than KL, in that divergence's own
 * scale (fdiv.h) */
typedef enum { IM_UNIT_NATS, IM_UNIT_CORRELATION, IM_UNIT_F_INFORMATION } im_unit;

/* Appended fields only (plugin.h); required: create, destroy. */
typedef struct im_estimator_vt {
    uint32_t size;   /* IM_VT_SIZE(im_estimator_vt) */
    im_bound bound;
    im_unit unit;
    im_status (*create)(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self);
    void (*destroy)(void *self);
    /* The bound on one batch, 1x1, recorded on g (NULL: not differentiable;
     * on failure returns NULL with the message in the tape's ctx). */
    im_tensor *(*objective)(void *self, im_tape *g, im_tensor *x, im_tensor *y);
    /* Trainable parameters (NULL: none). */
    im_params *(*params)(void *self);
    /* Optional: fit on train, watch val. NULL: the generic trainer. */
    im_status (*fit)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, const im_mat *xv,
                     const im_mat *yv, im_record *rec);
    /* Point estimate on held-out data (nats, or a correlation). NULL: the
     * objective evaluated on the whole data without a tape. */
    im_status (*estimate)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out);
    /* Optional: a validation score for keeping the best weights, higher is
     * better (e.g. CLUB's log-likelihood: its lowest bound comes from an
     * untrained q). NULL: the estimate, maximised for lower bounds and
     * estimates; upper bounds then keep their last weights. */
    im_status (*select)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *score);
    /* Optional: sees the whole training set once, before any training step
     * (data-dependent set-up, e.g. the critic's input maps); called by
     * im_estimator_fit before the plugin's fit or the generic trainer. */
    im_status (*prepare)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y);
    /* since 0.2 (appended; optional): the trainer went back to earlier
     * weights after a divergence (on_divergence = recover); drop running
     * statistics that describe the weights left behind (MINE's moving
     * average of E_q[e^T]). */
    void (*restart)(void *self);
    /* since 0.4 (appended; optional): the instance's state beyond its
     * params, for checkpoints: state_size() bytes that state_save writes and
     * state_load reads back into an instance created from the same section
     * and sizes (fitted matrices, a private generator, moving averages).
     * An estimator whose params are all its state returns 0. NULL: it
     * cannot be checkpointed, and tasks say so before training. */
    size_t (*state_size)(void *self);
    void (*state_save)(void *self, void *buf);
    void (*state_load)(void *self, const void *buf);
    /* since 0.6 (appended; optional): the conditional MI I(X;Y|Z) in nats
     * on the rows (x, y, z), for an estimator that trains nothing and has a
     * conditional form of its own (ksg: Frenzel & Pompe). NULL: tasks use
     * the chain rule I(X;Y|Z) = I(X;[Y,Z]) − I(X;Z) with two instances. */
    im_status (*estimate_given)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, const im_mat *z,
                                double *out);
    /* since 0.6 (appended; optional): one line on what the last estimate
     * did, for the record and the user (auto: the estimator it chose and
     * why). NULL, or "" for nothing to say. */
    const char *(*note)(void *self);
} im_estimator_vt;

/* Generic-trainer settings, read from the estimator's section. */
typedef struct im_train_opts {
    int steps, batch, eval_every, patience, log_every;
    double lr, weight_decay, grad_clip;
    double average;   /* > 0: validate and keep an EMA of the weights with this decay */
    int recover;      /* on_divergence = recover: restore, halve lr, go on (else fail) */
} im_train_opts;

/* Spec entries for the trainer keys: splice into a plugin's spec table. */
#define IM_TRAINER_PARAMS(steps, batch, lr, average)                                                            \
    { "steps", "int", steps, "training steps (Adam updates of the critic)", ">=1" },                    \
    { "batch", "int", batch, "samples per step", ">=2" },                                               \
    { "lr", "float", lr, "Adam learning rate", ">0" },                                                   \
    { "weight_decay", "float", "0", "decoupled weight decay (AdamW)", ">=0" },                           \
    { "grad_clip", "float", "0", "clip the global gradient norm to this (0: off)", ">=0" },              \
    { "eval_every", "int", "200", "steps between validation estimates", ">=1" },                        \
    { "patience", "int", "0", "stop after this many evaluations without improvement (0: never)", ">=0" }, \
    { "log_every", "int", "10", "steps between points of the training curve", ">=1" },                 \
    { "average", "float", average, "decay of an exponential moving average of the weights, validated and "  \
      "kept instead of the last weights (0: off)", "0..1" },                                                 \
    { "on_divergence", "string", "fail", "when the objective or its gradient turns NaN/Inf or explodes (norm " \
      "> 1e12): fail naming the step, or recover: restore the last good weights, halve lr, go on",         \
      "fail|recover" }

typedef struct im_estimator {
    const im_plugin *plugin;
    const im_estimator_vt *vt;
    void *self;
    im_section sec;
    im_rng *rng;
} im_estimator;

IM_API im_status im_estimator_new(im_ctx *ctx, const im_config *cfg, const char *section, int dx, int dy, im_rng *rng,
                                  im_estimator **out);
IM_API void im_estimator_free(im_estimator *est);
/* since 0.6: whether the estimator learns from rows (a plugin fit, or
 * parameters for the generic trainer): 1 when its estimate must read rows
 * it was not fitted on, 0 when it can read every row (KSG, the closed
 * forms). The handle API's im_mi_trains is the same test. */
IM_API int im_estimator_trains(const im_estimator *est);
/* Fit with the plugin's own fit, else the generic trainer; a no-op for
 * estimators with neither (closed-form). Curves go into rec (may be NULL). */
IM_API im_status im_estimator_fit(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y, const im_mat *xv,
                                  const im_mat *yv, im_record *rec);
/* The estimate on (x, y). Since 0.6 an estimate in nats below
 * IM_ESTIMATE_FLOOR fails (IM_ENUMERIC, the value and the rows named)
 * instead of being reported: MI is not negative. */
#define IM_ESTIMATE_FLOOR (-1.0)
IM_API im_status im_estimator_estimate(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y, double *out);
/* since 0.6: I(X;Y|Z) by the estimator's own conditional form, with the
 * checks of im_estimator_estimate (rows, finite values, the floor);
 * IM_EINVAL when it has none. */
/* since 0.6: the plugin's note on its last estimate ("" when it keeps
 * none): tasks record it as `estimator_note`. */
IM_API const char *im_estimator_note(const im_estimator *est);
IM_API im_status im_estimator_estimate_given(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y,
                                             const im_mat *z, double *out);
/* since 0.6: how far a fitted estimate may move, re-reading held-out rows
 * with the estimator as fitted (uncertainty.c).
 * A half-sampling interval: `resamples` random cuts of (x, y) into two
 * halves A and B, the deviations ±(θ_A − θ_B)/2 (the full estimate's
 * variance at the root-n rate, the half-sample bias cancelled), the basic
 * interval of coverage ci around `estimate`. Unlike the bootstrap it draws
 * no duplicate rows, which break kNN estimators such as KSG. It holds the
 * estimate's sampling noise, not its bias (bench/bench_coverage). */
IM_API im_status im_estimator_half_interval(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y,
                                            int resamples, double ci, double estimate, im_rng *rng, double *lo,
                                            double *hi);
/* since 0.6: the same interval for any reading of rows: n_vars matrices
 * of equal row counts (at most 8), cut alike into halves, and `read`
 * giving the estimate on the rows of one half (rows[0..n_vars)). */
typedef im_status (*im_rows_reader)(void *arg, im_ctx *ctx, const im_mat *rows, double *out);
IM_API im_status im_half_interval(im_ctx *ctx, const im_mat *const *vars, int n_vars, im_rows_reader read, void *arg,
                                  int resamples, double ci, double estimate, im_rng *rng, double *lo, double *hi);
/* since 0.6 (crossfit.c): the cross-fitted estimate of the estimator in
 * [section] on (x, y) and its interval of coverage ci: the rows shuffled
 * by rng into `folds` folds, fold k read by a fresh instance fitted on the
 * others (a tenth of all rows choosing its weights); the estimate the mean
 * of the folds' readings, the interval mean ± t_{folds−1}·sd/√folds (lo,
 * hi may be NULL). The spread holds what refitting changes, which the
 * half-sampling interval of a fitted critic does not. */
IM_API im_status im_estimator_crossfit(im_ctx *ctx, const im_config *cfg, const char *section, const im_mat *x,
                                       const im_mat *y, int folds, double ci, im_rng *rng, double *estimate,
                                       double *lo, double *hi);
/* since 0.6: a task's key of cross-fitting folds, read from sec at
 * validation: 0 (none) or 2..100; 1 fold is refused by name (it reads no
 * row unseen), before any training. */
IM_API im_status im_section_crossfit_folds(im_ctx *ctx, const im_section *sec, const char *key);
/* since 0.6: the first fold of im_estimator_crossfit alone: one instance
 * fitted on (folds − 1)/folds of the rows (a tenth of all rows choosing
 * its weights) and read on the rest; one fit instead of `folds`. */
IM_API im_status im_estimator_holdout(im_ctx *ctx, const im_config *cfg, const char *section, const im_mat *x,
                                      const im_mat *y, int folds, im_rng *rng, double *estimate);
/* The permutation test of X independent of Y with the estimate as the
 * statistic s0 (its size for signed statistics): Y's rows shuffled
 * `permutations` times, p = (1 + #{|s| >= |s0|}) / (1 + permutations). */
IM_API im_status im_estimator_permutation_test(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y,
                                               int permutations, im_rng *rng, double *observed, double *p_value);
IM_API const char *im_bound_name(im_bound b);
IM_API const char *im_unit_name(im_unit u);

/* The generic trainer itself, for plugins that wrap it. */
IM_API im_status im_train_opts_read(im_ctx *ctx, const im_section *sec, im_train_opts *opts);
/* Adam on params with the options' lr, weight decay and clipping, split
 * over ctx's workers: the optimiser of every loop that trains a critic. */
IM_API void im_train_opts_adam(im_ctx *ctx, const im_train_opts *opts, im_params *params, im_optim *opt);
IM_API im_status im_train_critic(im_ctx *ctx, im_estimator *est, const im_train_opts *opts, const im_mat *x,
                                 const im_mat *y, const im_mat *xv, const im_mat *yv, im_record *rec);
/* A critic trained alongside a task (a penalty, MINE's GAN term): `steps`
 * Adam ascents (opt) of the estimator's objective on (x, y) held fixed, on
 * g, its gradients from the task's last pass through it dropped first.
 * Nothing for an estimator without trained weights. */
IM_API im_status im_estimator_ascend(im_ctx *ctx, im_estimator *est, im_tape *g, im_optim *opt, const im_mat *x,
                                     const im_mat *y, int steps);

#endif
