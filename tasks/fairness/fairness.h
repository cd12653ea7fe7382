/* fairness.h — private to the fairness task: its settings, the model
 * (encoder + linear head), training (model.c), the leakage audit (audit.c)
 * and the sweep summary (summary.c). */
#ifndef INFOMIN_TASK_FAIRNESS_H
#define INFOMIN_TASK_FAIRNESS_H

#include "infomin/infomin.h"

typedef struct {
    double beta, lr, weight_decay;
    int cosine;           /* lr_schedule = cosine */
    int epochs, batch, checkpoint_every;
    int given_y;          /* given = y: the penalty is Σ_y p(y)·Î(Z;T | Y = y) */
    im_audit_opts audit;   /* the leakage measures' settings */
    const char *save_codes;   /* "": none */
    im_penalty_opts pen;
    double select_accuracy;        /* read by the sweep summary only */
    const char *reference_rho;     /* likewise */
} fairness_settings;

/* The model: encoder plugin, linear head; `all` lists both parameter sets
 * without owning them. */
typedef struct {
    im_encoder enc;
    im_params head_params;
    im_linear_layer head;
    im_params all;
} model;

void fairness_model_free(model *m);
im_status fairness_model_init(im_ctx *ctx, const im_config *cfg, int in_dim, im_rng *rng, model *m);

/* Train encoder and head (and the penalties' critics or refits) on the
 * training split: n_pen = 0 (no penalty), 1 (pen[0] on every row) or 2
 * (given = y: pen[c] on the rows of class c, each weighted by its share of
 * the batch); wall seconds per epoch into *seconds_per_epoch. With
 * checkpoint_every, a killed run continues on --resume. */
im_status fairness_train(im_task *t, const fairness_settings *s, model *m, im_penalty *pen, int n_pen,
                         double *seconds_per_epoch);

/* The audit (audit.c): the head's scores on test Z judged and the leakage
 * of T in the codes z[0..2] of the training, validation and test rows. */
im_status fairness_audit(im_task *t, const fairness_settings *s, const model *m, const im_mat *z[3], double *quality);
/* save_codes (codes.c): the codes z[0..2] and the head's scores of every
 * row and an audit INI for them, with the generator's state as it is now
 * (call just before the audit). */
im_status fairness_save_codes(im_task *t, const fairness_settings *s, const im_mat *z[3],
                              const im_real *const scores[3]);

/* The next item of a "penalty:value, ..." list (fairness.c). */
int fairness_next_reference(const char **p, const char **name, size_t *len, double *value);
/* After a sweep: the trade-off plot and the chosen beta per penalty. */
im_status fairness_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
