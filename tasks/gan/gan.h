/* gan.h — the task `gan`, shared by its files: gan.c (keys, one run),
 * train.c (the alternating updates), summary.c (after a sweep: the table
 * over seeds and the picture). */
#ifndef GAN_H
#define GAN_H

#include "infomin/infomin.h"
#include "infomin/stats.h"

typedef struct {
    int steps, batch, noise_dim, critic_steps, eval_samples, plot_samples, log_every;
    double lr_g, lr_d, lr_critic, adam_beta1, mine_beta, radius_sd, mode_share;
} gan_settings;

/* The generator G([ε, one-hot c]) and the discriminator D(x) (a logit). */
typedef struct {
    im_encoder gen, disc;
    int x_dim, noise_dim, codes;
} gan_model;

/* Trains model (and, with mine_beta > 0, the estimator's critic) for
 * s->steps steps; the loss curves into rec. */
im_status gan_train(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, gan_model *m, im_estimator *est,
                    im_rng *rng, im_record *rec);
/* n samples of G with codes drawn uniformly, into out (n x x_dim, allocated
 * here); the codes into codes (n ints) when not NULL. */
im_status gan_generate(im_ctx *ctx, const gan_model *m, int n, im_rng *rng, im_mat *out, int *codes);
im_status gan_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
