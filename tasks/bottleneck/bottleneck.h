/* bottleneck.h — the task `bottleneck`, shared by its files: bottleneck.c
 * (keys, one run), model.c (encoder, code, classifier, the VIB term),
 * train.c (the loop), evaluate.c (test error and the information plane's
 * two coordinates), summary.c (after a sweep: the table and the plane). */
#ifndef BOTTLENECK_H
#define BOTTLENECK_H

#include "infomin/infomin.h"
#include "infomin/stats.h"

/* What is added to the cross-entropy: nothing (the deterministic
 * baseline), VIB's KL(p(z|x) ‖ N(0, I)), or an estimator's Î(X;Z). */
typedef enum { BN_NONE, BN_VIB, BN_ESTIMATOR } bn_regularizer;   /* the regularizer key's choices, in order */
/* The code: Z = μ(x) + σ(x)·ε (the encoder makes μ and σ), Z = μ(x) +
 * noise_sd·ε, or Z = μ(x). */
typedef enum { BN_GAUSSIAN, BN_NOISE, BN_DETERMINISTIC } bn_code;

typedef struct {
    int reg;          /* bn_regularizer */
    int code_key;     /* the code key's choice: auto, gaussian, noise, deterministic */
    double beta, noise_sd, lr, lr_decay, adam_beta1;
    int code_dim, epochs, batch, critic_steps, eval_samples, info_rows;
    /* derived (bn_settings_derive) */
    bn_code code;
    const char *reg_name, *code_name;
} bn_settings;

/* The encoder x -> [μ] or [μ, s] (σ = softplus(s − 5), as in VIB) and the
 * softmax classifier on Z; `all` lists both parameter sets, owning none. */
typedef struct {
    im_encoder enc;
    im_params head_params;
    im_linear_layer head;
    im_params all;
    int k, classes;
} bn_model;

im_status bn_model_init(im_ctx *ctx, const im_config *cfg, const bn_settings *s, const im_dataset *ds, im_rng *rng,
                        bn_model *m);
void bn_model_free(bn_model *m);
/* The code on the tape from the encoder's output h and standard normal
 * draws eps (rows x k; unused for deterministic codes): Z, and its mean and
 * standard deviation (sd NULL for a deterministic code). */
typedef struct {
    im_tensor *z, *mu, *sd;
} bn_code_tensors;
bn_code_tensors bn_code_of(im_tape *g, const bn_settings *s, const bn_model *m, im_tensor *h, im_tensor *eps);
/* VIB's rate: mean over rows of KL(N(μ, σ²) ‖ N(0, I)), 1x1. */
im_tensor *bn_vib_kl(im_tape *g, const bn_code_tensors *c, int k);

/* One evaluation on the test split: error (argmax of the softmax averaged
 * over eval_samples draws of Z), Î(Z;Y) = H(Y) − cross-entropy (nats, a
 * lower bound), and Î(X;Z) between its Gaussian-channel bounds on the
 * first info_rows test images (a deterministic code: log m, no upper). */
typedef struct {
    double error, cross_entropy, izy, ixz_lower, ixz_upper;
    int info_rows;   /* the test rows the I(X;Z) bounds read: info_rows, or all there are when fewer */
} bn_scores;
im_status bn_evaluate(im_ctx *ctx, const bn_settings *s, const im_dataset *ds, const bn_model *m, im_rng *rng,
                      bn_scores *out);

/* Trains encoder and classifier (and the estimator's critic, when trained)
 * for s->epochs epochs, evaluating after each: the curve `epochs` in the
 * task's record. */
im_status bn_train(im_task *t, const bn_settings *s, bn_model *m, im_estimator *est, bn_scores *last);
im_status bn_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
