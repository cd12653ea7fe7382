/* audit.h — what a representation Z keeps of a sensitive variable T, and
 * what a model's decisions on it cost in fairness, measured apart from any
 * training penalty (since 0.6; core/train/audit.c). The fairness task
 * audits its own codes with it; the audit task audits codes a user brings
 * (csv or npy), and the two give the same figures on the same codes,
 * splits and random stream.
 *
 *   quality: accuracy (binary Y; the decision is score > 0) or RMSE
 *     (continuous Y) of the model's scores on test rows; with a binary T,
 *     the demographic-parity gap ΔDP = |P(ŷ=1 | T=1) − P(ŷ=1 | T=0)| and
 *     the equalised-odds gap ΔEO = max over y of the same within Y = y;
 *   leakage, in this order of draws from the generator:
 *     (a) a fresh MLP adversary trained on frozen training Z to predict T:
 *         test AUC (binary T) or R² (continuous T);
 *     (b) ρ*(Z;T): a fresh `renyi` critic fitted on validation Z,
 *         reported on test Z (Scalable Infomin Learning's metric);
 *     (c) KSG MI between T and random 2-D projections of test Z
 *         (standardised), averaged over `ksg_slices` projections; a binary
 *         T gets 1e-6 jitter, which makes KSG the Ross (2014)
 *         discrete-continuous estimator.
 * Record keys: accuracy or rmse, delta_dp, delta_eo, adversary_auc or
 * adversary_r2, rho_star, ksg_mi. */
#ifndef INFOMIN_AUDIT_H
#define INFOMIN_AUDIT_H

#include "api.h"
#include "fields.h"
#include "mat.h"
#include "results.h"
#include "rng.h"

typedef struct im_audit_opts {
    int adversary_hidden[8], n_adversary_hidden;   /* the adversary's hidden widths */
    int adversary_epochs;                          /* its epochs on training Z */
    int renyi_steps;                               /* ρ*'s critic: steps on validation Z */
    int ksg_slices;                                /* random 2-D projections for (c) */
} im_audit_opts;

/* The keys of the options, spliced into a task's field table (fields.h). */
#define IM_AUDIT_FIELDS(T, m)                                                                                     \
    IM_LIST_AS_(T, m.adversary_hidden, m.n_adversary_hidden, "adversary_hidden", "ints", int, "64,64",             \
                "leakage adversary: hidden widths", ">=1"),                                                         \
    IM_FIELD_AS(T, m.adversary_epochs, "adversary_epochs", "int", int, "20",                                       \
                "leakage adversary: epochs on frozen training Z", ">=1"),                                          \
    IM_FIELD_AS(T, m.renyi_steps, "renyi_steps", "int", int, "2000",                                               \
                "rho*(Z;T): steps of the fresh renyi critic on validation Z", ">=1"),                             \
    IM_FIELD_AS(T, m.ksg_slices, "ksg_slices", "int", int, "20", "random 2-D projections of Z for the KSG leakage", \
                ">=1")

/* The codes and variables of the three splits (one column of T; Y and the
 * scores may be NULL when there is no task to judge). */
typedef struct im_audit_data {
    const im_mat *z_train, *z_val, *z_test;
    const im_mat *t_train, *t_val, *t_test;
    int t_binary;                 /* T in {0, 1}: AUC, the gaps, KSG with jitter */
    const im_mat *y_test;         /* the target on test rows (one column) */
    const im_real *score_test;    /* the model's output per test row */
    int y_binary;                 /* Y in {0, 1}: accuracy and the gaps; else RMSE */
} im_audit_data;

/* Accuracy or RMSE into *quality and the record; ΔDP and ΔEO when T and Y
 * are binary. */
IM_API im_status im_audit_quality(im_ctx *ctx, const im_audit_data *d, im_record *rec, double *quality);
/* (a), (b) and (c) into the record. */
IM_API im_status im_audit_leakage(im_ctx *ctx, const im_audit_opts *o, const im_audit_data *d, im_rng *rng,
                                  im_record *rec);
/* 1 when every value of the one-column m is 0 or 1 */
IM_API int im_audit_is_binary(const im_mat *m);

#endif
