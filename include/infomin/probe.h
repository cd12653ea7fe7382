/* probe.h — linear (or one-hidden-layer) probes on frozen features: how
 * much of a label a representation makes readable (Deep InfoMax's and Deep
 * Graph Infomax's evaluation). */
#ifndef INFOMIN_PROBE_H
#define INFOMIN_PROBE_H

#include "api.h"
#include "fields.h"
#include "cfg.h"
#include "mat.h"
#include "rng.h"

/* A probe's data: features of training and test rows and their classes. */
typedef struct im_probe_data {
    const im_mat *train, *test;
    const int *train_labels, *test_labels;
    int classes;
} im_probe_data;

/* Test accuracy of a classifier trained on frozen features, standardised
 * with the training rows' statistics: multinomial logistic regression
 * (hidden = 0) or one hidden ReLU layer; Adam, batches of 256, `epochs`
 * passes and at least 500 steps. */
IM_API im_status im_probe_accuracy(im_ctx *ctx, const im_probe_data *d, int hidden, int epochs, double lr, im_rng *rng,
                                   double *accuracy);
/* The classes of the first n rows of a one-column Y of class indices
 * (malloc'd; NULL with the message in ctx). */
IM_API int *im_class_labels(im_ctx *ctx, const im_mat *y, int n);
/* ρ*(Z;T), the Hirschfeld–Gebelein–Rényi maximal correlation as Scalable
 * Infomin Learning measures leakage: a fresh `renyi` critic trained for
 * `steps` on (z_fit, t_fit), its correlation reported on (z_eval, t_eval). */
IM_API im_status im_probe_rho_star(im_ctx *ctx, const im_mat *z_fit, const im_mat *t_fit, const im_mat *z_eval,
                                   const im_mat *t_eval, int steps, im_rng *rng, double *rho);

/* Leakage measured apart from any training penalty (the infomin tasks'
 * audits): a fresh classifier reading T from validation codes, scored on
 * test codes, and ρ*'s critic, and their keys, spliced into a task's
 * field table. */
typedef struct im_leakage_opts {
    int adversary_hidden, adversary_epochs, renyi_steps;
} im_leakage_opts;
#define IM_LEAKAGE_FIELDS(T, m)                                                                                \
    IM_FIELD_AS(T, m.adversary_hidden, "adversary_hidden", "int", int, "128",                               \
                "fresh classifier of T from the codes: hidden width (0: linear)", ">=0"),                    \
    IM_FIELD_AS(T, m.adversary_epochs, "adversary_epochs", "int", int, "20",                                \
                "that classifier: epochs on the validation codes", ">=1"),                                   \
    IM_FIELD_AS(T, m.renyi_steps, "renyi_steps", "int", int, "1000",                                         \
                "rho*(Z;T): steps of the fresh renyi critic on the validation codes", ">=1")

#endif
