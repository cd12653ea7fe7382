/* loop.h — a task's training loop as an iterator: the body stays in the
 * task's own file, in plain sight, and the loop owns what every training
 * loop repeats: the tape, the mini-batch rows, the interrupt poll, the
 * warm-up factor, the progress bar, the divergence check, and checkpoints
 * with --resume.
 *
 *     im_loop l;
 *     im_status st = im_loop_begin(&l, task, &(im_loop_opts){ .name = "my-task", .epochs = s.epochs,
 *                                              .rows = ds->train.x.rows, .batch = s.batch });
 *     im_adam_init(&opt, &params, s.lr);
 *     while (!st && im_loop_next(&l)) {
 *         for (int k = 0; k < l.batch; k++) im_mat_copy_row(&xb, k, &ds->train.x, l.rows[k]);
 *         im_tensor *loss = forward(l.g, ...);
 *         st = im_loop_update(&l, loss, &opt);          // backward, finite check, Adam step
 *         if (!st && im_loop_epoch_done(&l)) ...;      // per-epoch curves, evaluation
 *     }
 *     st = im_loop_end(&l, st);
 *
 * Steps are counted from 0; `l.step` is the one the body runs, `l.epoch`
 * its epoch (from 1). The loop allocates nothing after im_loop_begin but
 * the checkpoints it writes.
 *
 * Checkpoints (checkpoint_every > 0): after every that many epochs, the
 * loop writes what the task registered with im_loop_keep_* (weights with
 * their Adam moments, an encoder's or estimator's own state, curves, raw
 * blocks) beside the epoch, the seconds trained, the run's generator and
 * the batcher, to the run's checkpoint file (im_checkpoint_target); a run
 * started with --resume continues from it (im_loop_resume) and ends with
 * the numbers of one never stopped. The file is removed when training
 * ends. What cannot be saved (an encoder without state hooks) is refused
 * when it is registered, before the first step. */
#ifndef INFOMIN_LOOP_H
#define INFOMIN_LOOP_H

#include "api.h"
#include "batcher.h"
#include "encoder.h"
#include "estimator.h"
#include "tape.h"
#include "optim.h"
#include "taskkit.h"

typedef struct im_loop_opts {
    const char *name;      /* progress label, prefix of the messages (NULL: the task's name) */
    int epochs;            /* passes; 0: `steps` steps with no epochs */
    long steps;            /* epochs = 0: the number of steps */
    int rows, batch;       /* each step draws batch of rows 0..rows-1 (batch capped at rows); rows 0: none */
    int whole_batches;     /* an epoch is rows / batch steps (batch norm needs full batches); else rounded up */
    int extra_rows, extra_batch;   /* a second set of rows, drawn after the first (domain-adapt's target) */
    long per_epoch;        /* rows = 0: steps in an epoch (0: 1) */
    double warmup;         /* epochs over which `ramp` rises linearly from 0 to 1 (0: ramp is 1) */
    int progress_every;    /* steps between progress lines (0: 20); every epoch end shows one too */
    int checkpoint_every;  /* epochs between checkpoints (0: none) */
    const char *hint;      /* advice after a divergence ("lower lr or beta"; NULL: "lower lr") */
} im_loop_opts;

#define IM_LOOP_KEEP_MAX 16

typedef struct im_loop_block {
    int kind;
    const char *name;
    void *what;
    im_optim *opt;
    size_t size;
} im_loop_block;

typedef struct im_loop {
    /* read by the body */
    im_tape *g;           /* the tape, reset by each im_loop_next */
    const int *rows;       /* this step's rows: batch of the first set, then extra_batch of the second */
    int batch, extra_batch;
    long step, total, per_epoch;
    int epoch;             /* from 1 */
    double ramp;           /* the warm-up factor of this step, in (0, 1] */
    int resumed;           /* im_loop_resume continued a checkpoint */
    double seconds;        /* training time, that before a resume included (final after im_loop_end) */
    /* the loop's own */
    im_task *task;
    im_loop_opts o;
    im_batcher from[2];
    int *row_buf;
    im_status st;
    int started, stopped;
    double t0, tracked;
    long step0;            /* the step at t0: this process's steps give the ETA */
    long n_tracked;
    char note[160];
    im_loop_block keep[IM_LOOP_KEEP_MAX];
    int n_keep;
    char ck_path[4096];
    uint64_t ck_hash;
    const im_params *best_of;   /* im_loop_keep_best */
    im_real *best;
    double best_score;
    int patience, since_best;
} im_loop;

/* The tape, the batchers (their first permutations drawn from the run's
 * generator now) and, with checkpoint_every, the checkpoint's path. */
IM_API im_status im_loop_begin(im_loop *l, im_task *task, const im_loop_opts *o);
/* The next step: 0 when training is over (every step run, a failure, an
 * interrupt, im_loop_stop). Before it: the last step's progress and, after
 * an epoch, its checkpoint when one is due. */
IM_API int im_loop_next(im_loop *l);
/* Backward from loss, the divergence check (a non-finite loss fails naming
 * the step and the hint), then opt's step (opt may be NULL). */
IM_API im_status im_loop_update(im_loop *l, im_tensor *loss, im_optim *opt);
/* Whether this step is the first, or the last, of an epoch. */
IM_API int im_loop_epoch_start(const im_loop *l);
IM_API int im_loop_epoch_done(const im_loop *l);
/* A value whose mean over the epoch so far the progress bar shows
 * (im_loop_mean reads it: the epoch's mean at its last step). */
IM_API void im_loop_track(im_loop *l, double value);
IM_API double im_loop_mean(const im_loop *l);
/* Text the progress bar shows from now on (an epoch's evaluation). */
IM_API void im_loop_note(im_loop *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* End after this step. */
IM_API void im_loop_stop(im_loop *l);
/* Early stopping: the weights of params at the best score offered so far
 * are kept (a copy made now), the loop stops after `patience` offers
 * without a better one, and im_loop_end puts the best weights back. Not
 * with checkpoint_every (refused). */
IM_API im_status im_loop_keep_best(im_loop *l, const im_params *params, int patience);
/* The score of the weights as they are now (higher is better; offer it
 * before the optimiser's step moves them). */
IM_API void im_loop_score(im_loop *l, double score);
/* Finish: the progress bar, the seconds, the checkpoint removed after a
 * whole run; returns st, else the loop's own status. */
IM_API im_status im_loop_end(im_loop *l, im_status st);

/* What a checkpoint holds beyond the loop's own state: registered before
 * im_loop_resume; each name once. Params are saved with opt's moments
 * and step count (opt may be NULL); an encoder's and an estimator's own
 * state through their state hooks (an estimator's trained weights too,
 * with opt); a curve's rows; raw bytes. */
IM_API im_status im_loop_keep_params(im_loop *l, const char *name, im_params *params, im_optim *opt);
IM_API im_status im_loop_keep_encoder(im_loop *l, const char *name, const im_encoder *enc);
IM_API im_status im_loop_keep_estimator(im_loop *l, const char *name, im_estimator *est, im_optim *opt);
IM_API im_status im_loop_keep_curve(im_loop *l, const char *name, im_curve *curve);
IM_API im_status im_loop_keep_bytes(im_loop *l, const char *name, void *data, size_t size);
/* With checkpoint_every and --resume and a checkpoint of this run: load it
 * (l->resumed, and the loop continues after its epoch). Else nothing, with
 * a line on stderr when an earlier run's checkpoint is started over. */
IM_API im_status im_loop_resume(im_loop *l);

#endif
