/* taskkit.h — what a task plugin is written on: opening a run (its [task]
 * section read into the task's settings struct through the descriptor's
 * field table, the [dataset] loaded and checked for what the task needs)
 * and, in loop.h, its training loop.
 *
 *     static im_status my_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
 *     {
 *         my_settings s;
 *         im_task t;
 *         im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_CLASSES);
 *         ... train and evaluate on t.ds ...
 *         im_task_close(&t);
 *         return st;
 *     }
 *
 * ARCHITECTURE.md ("Writing a task") walks through a whole one. */
#ifndef INFOMIN_TASKKIT_H
#define INFOMIN_TASKKIT_H

#include "api.h"
#include "cfg.h"
#include "data.h"
#include "estimator.h"
#include "results.h"
#include "rng.h"

/* What a task needs of its dataset, checked by im_task_open with a message
 * naming the task and the dataset. Flags, or'ed. */
enum {
    IM_NEEDS_CLASSES = 1 << 0,   /* Y: one column of class labels, at least 2 classes */
    IM_NEEDS_T = 1 << 1,         /* one target column Y and one sensitive column T */
    IM_NEEDS_BINARY_T = 1 << 2,  /* T: one binary column (a domain) */
    IM_NEEDS_IMAGES = 1 << 3,    /* X: image rows (a shape C×H×W) */
    IM_NO_DATASET = 1 << 4,      /* load no [dataset] (the task makes its data, or loads it per seed) */
    IM_TRAINING_OPTIONAL = 1 << 5   /* since 0.6: a dataset without training rows (split = 0,0,1) is fine: the
                                       estimator's fit says so if it trains; else such a dataset is refused */
};

/* One run of a task: what its hooks were given, its bound [task] section
 * and its dataset. */
typedef struct im_task {
    im_ctx *ctx;
    const im_config *cfg;
    im_rng *rng;
    im_record *rec;
    im_section sec;     /* [task] */
    im_dataset ds;      /* [dataset], owned */
    int has_ds;
} im_task;

/* Bind [task], read its keys into settings (the plugin's field table; NULL
 * settings: none), load [dataset] (unless IM_NO_DATASET) and check it
 * against needs. On failure
 * *t holds nothing to free beyond what im_task_close frees. */
IM_API im_status im_task_open(im_task *t, im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec,
                              void *settings, unsigned needs);
IM_API void im_task_close(im_task *t);
/* The [task] settings of a configuration without a run (a uses_section or
 * uses_key hook): the field table into settings; nonzero when they cannot
 * be read (the run will say why). */
IM_API int im_task_settings(im_ctx *ctx, const im_config *cfg, void *settings);

/* since 0.6: the rows a task's estimator reads on the dataset (the [task]
 * key `rows`, declared with IM_ROWS_FIELD): auto — every row, the
 * training, validation and test rows one above the other, when the
 * estimator trains nothing (scikit-learn, NPEET and bmi read every row),
 * the test split when it trains; all — every row, refused for an
 * estimator that trains (it would read rows it was fitted on); test — the
 * test split (a comparison of estimators at one N). x and y are copies,
 * the caller's to free; *what is "rows" (every row) or "test rows". */
enum { IM_ROWS_AUTO, IM_ROWS_ALL, IM_ROWS_TEST };
#define IM_ROWS_FIELD(T, m)                                                                                      \
    IM_FIELD_AS(T, m, "rows", "string", int, "auto", "rows the estimate reads: auto (every row for an estimator " \
                "that trains nothing, the test split for one that trains), all, or test", "auto|all|test")
IM_API im_status im_task_estimator_rows(im_task *t, const im_estimator *est, int rows, im_mat *x, im_mat *y,
                                        const char **what);

#endif
