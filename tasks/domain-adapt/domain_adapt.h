/* domain_adapt.h — private to the domain-adapt task: settings, the model
 * (encoder + classifier), training (train.c), the metrics (evaluate.c)
 * and the sweep summary (summary.c). */
#ifndef INFOMIN_TASK_DOMAIN_ADAPT_H
#define INFOMIN_TASK_DOMAIN_ADAPT_H

#include "infomin/infomin.h"

typedef enum { DA_SOURCE_ONLY, DA_INFOMIN } da_method;   /* the order of the method key's choices */

typedef struct {
    int method;   /* da_method */
    double beta, lr;
    int epochs, batch;
    double select_source_drop;   /* read by the sweep summary */
    im_penalty_opts pen;
    im_leakage_opts leak;
} da_settings;

/* Encoder plugin Z_c = f(X) and a linear classifier on Z_c. */
typedef struct {
    im_encoder enc;
    im_params head_params, all;   /* all: encoder's and head's, not owned */
    im_linear_layer head;
    int classes;
} da_model;

/* The training split's rows by domain (T = 0 source, 1 target). */
typedef struct {
    int *rows[2];
    int n[2];
} da_domains;

/* Encoder and classifier on the training split (the penalty's critic or
 * refits in between); seconds per epoch into *spe. */
im_status da_train(im_task *t, const da_settings *s, const da_domains *dom, da_model *m, im_penalty *pen, double *spe);
/* Source and target test accuracy, a fresh domain classifier on Z_c, ρ*. */
im_status da_evaluate(im_ctx *ctx, const da_settings *s, const im_dataset *ds, const da_model *m, im_rng *rng,
                      im_record *rec);
im_status da_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
