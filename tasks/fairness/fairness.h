/* fairness.h — private to the fairness task: its settings, the model
 * (encoder + linear head), training (model.c), the leakage audit (audit.c)
 * and the sweep summary (summary.c). */
#ifndef INFOMIN_TASK_FAIRNESS_H
#define INFOMIN_TASK_FAIRNESS_H

#include "infomin/infomin.h"

typedef struct {
    double beta, lr, weight_decay, warmup;
    int refit_on_batch;   /* refit_on = batch: the reference recipe */
    int cosine;           /* lr_schedule = cosine */
    int epochs, batch, inner_steps, refit_every, refit_rows, adv_epochs, renyi_steps, ksg_slices, checkpoint_every;
    int adv_hidden[8], n_adv_hidden;
} settings;

/* The model: encoder plugin, linear head; `all` lists both parameter sets
 * without owning them. */
typedef struct {
    const im_encoder_vt *vt;
    void *enc;
    int dz;
    im_params head_params;
    im_linear_layer head;
    im_params all;
} model;

void fairness_model_free(model *m);
im_status fairness_model_init(im_ctx *ctx, const im_config *cfg, int in_dim, im_rng *rng, model *m);
/* Z of every row of x into z (rows x dz), on a graph of its own. */
im_status fairness_encode(im_ctx *ctx, const model *m, const im_mat *x, im_mat *z);
/* Where and whether training checkpoints (checkpoint_every > 0): the file,
 * the hash of the run's configuration it must carry, and whether to
 * continue from it (--resume). */
typedef struct {
    char path[4096];
    uint64_t hash;
    int resume;
} checkpointing;

/* Train encoder and head (and the estimator's critic, when trained) on the
 * training split; wall seconds per epoch into *seconds_per_epoch. With
 * s->checkpoint_every, the state after every that many epochs goes to
 * ck->path (removed when training ends), and a resumed run starts from it. */
im_status fairness_train(im_ctx *ctx, const settings *s, const im_dataset *ds, model *m, im_estimator *est,
                         im_rng *rng, const checkpointing *ck, double *seconds_per_epoch);

/* The audit (audit.c): task quality and fairness gaps of the head on test Z,
 * and three leakage measures independent of the training penalty. */
im_status fairness_evaluate_task(im_ctx *ctx, const model *m, const im_dataset *ds, const im_mat *z, im_record *rec,
                                 double *quality);
im_status fairness_adversary(im_ctx *ctx, const settings *s, const im_dataset *ds, const im_mat *ztr,
                             const im_mat *zte, im_rng *rng, im_record *rec);
im_status fairness_renyi_leakage(im_ctx *ctx, const settings *s, const im_dataset *ds, const im_mat *zva,
                                 const im_mat *zte, im_rng *rng, im_record *rec);
im_status fairness_ksg_leakage(im_ctx *ctx, const settings *s, const im_dataset *ds, const im_mat *z, im_rng *rng,
                               im_record *rec);

/* The next item of a "penalty:value, ..." list (fairness.c). */
int fairness_next_reference(const char **p, const char **name, size_t *len, double *value);
/* After a sweep: the trade-off plot and the chosen beta per penalty. */
im_status fairness_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
