/* dim.h — private to the dim task: its settings, training of the encoder
 * (Deep InfoMax or supervised, train.c), the probes that read frozen
 * features (probe.c) and the sweep's table and plot (summary.c). */
#ifndef INFOMIN_TASK_DIM_H
#define INFOMIN_TASK_DIM_H

#include "infomin/infomin.h"

/* The method and estimator keys' choices, in their order. */
typedef enum { METHOD_DIM_L, METHOD_DIM_G, METHOD_DIM, METHOD_SUPERVISED, METHOD_RANDOM, METHOD_RAW } dim_method;
typedef enum { BOUND_JSD, BOUND_INFONCE, BOUND_DV } dim_bound;

typedef struct {
    int method;                /* dim_method */
    int bound;                 /* dim_bound */
    double alpha, beta, gamma; /* global MI, local MI, prior matching    */
    int gaussian_prior;        /* prior = gaussian */
    int epochs, batch;
    double lr;
    int critic_hidden, embed;
    int probe_rows, probe_epochs, probe_hidden;
    double probe_lr;
    int curve_rows;            /* rows of the per-epoch probe (0: none) */
    int checkpoint_every;      /* epochs between checkpoints (0: none) */
    int features_last;         /* probe_features = last */
    /* derived from the above */
    const char *method_name;   /* as given: dim-l, dim-g, dim, supervised, random, raw */
    int infomax;               /* a Deep InfoMax method (dim-l, dim-g, dim) */
    im_encode_what features;   /* what the "features" probes read: the local map or the last block */
} dim_settings;

/* Linear-probe accuracy on the code and the conv features (enc NULL: the
 * pixels; acc[0] NaN) of the first curve_rows training and test rows: the
 * per-epoch curve. */
im_status dim_quick_probe(im_ctx *ctx, const dim_settings *s, const im_dataset *ds, const im_encoder *enc,
                          im_rng *rng, double acc[2]);

/* The record's per-epoch curve: epoch, loss, local_mi, global_mi,
 * linear_code, linear_features (epoch 0: before training). */
im_curve *dim_curve(im_record *rec);

/* Train the encoder by Deep InfoMax (s->infomax) or with a linear
 * classification head (METHOD_SUPERVISED) on the task's training split;
 * curves into its record. With s->checkpoint_every, a killed run
 * continues on --resume. */
im_status dim_train(im_task *t, const dim_settings *s, im_encoder *enc, double *seconds_per_epoch);

im_status dim_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
