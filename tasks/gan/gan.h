/* gan.h — the tasks `gan` and `bigan`, shared by their files: gan.c (keys,
 * one run), train.c (the GAN's alternating updates), bigan.c (ALI/BiGAN),
 * metrics.c (mode coverage), summary.c (after a sweep: the table over
 * seeds and the picture). */
#ifndef GAN_H
#define GAN_H

#include "infomin/infomin.h"
#include "infomin/stats.h"

typedef struct {
    int steps, batch, noise_dim, critic_steps, eval_samples, plot_samples, log_every;
    double lr_g, lr_d, lr_critic, adam_beta1, mine_beta, radius_sd, mode_share;
    int divergence, d_steps;   /* since 0.6: f-GAN's member (GAN_DIVERGENCES), D updates per G update */
    double alpha;
} gan_settings;

/* The `divergence` key's values in order; index 0, gan, is the standard
 * losses (gan.c). */
#define GAN_DIVERGENCES "gan|kl|reverse-kl|pearson|neyman|hellinger|jeffrey|js|tv|alpha"
/* The member of fdiv.h a `divergence` index names. */
im_fdiv gan_fdiv(int divergence);
/* The [task] section's checks (alpha) for gan; bigan's add its own. */
im_status gan_validate(im_ctx *ctx, const im_section *sec);

/* The generator G([ε, one-hot c]) and the discriminator D(x) (a logit). */
typedef struct {
    im_encoder gen, disc;
    int x_dim, noise_dim, codes;
} gan_model;

/* Trains model (and, with mine_beta > 0, the estimator's critic) for
 * s->steps steps on the task's training split; the loss curves into its
 * record. */
im_status gan_train(im_task *t, const gan_settings *s, gan_model *m, im_estimator *est);
/* n samples of G with codes drawn uniformly, into out (n x x_dim, allocated
 * here); the codes into codes (n ints) when not NULL. */
im_status gan_generate(im_ctx *ctx, const gan_model *m, int n, im_rng *rng, im_mat *out, int *codes);
im_status gan_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);
/* Mode coverage of the generated rows against the modes of ds (metrics.c):
 * into rec, one line on stdout, and the first plot_samples points (with
 * their codes when not NULL) as curves for the picture. */
im_status gan_score_samples(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, const im_mat *gen,
                            const int *codes, im_record *rec);
/* What the gan and bigan loops share (train.c): the loop over the
 * training rows, the discriminator's and the MI term critic's
 * optimisers, and the loss curve, each point a mean over log_every steps. */
typedef struct {
    im_loop l;
    im_optim opt_d, opt_critic;
    im_params *critic;    /* the MI term's trained weights, or NULL */
    im_curve *curve;
    const char *g_name;   /* the generator side's loss: "G", "EG" */
    double sum[3];        /* D loss, generator loss, MI term since the last point */
    int since;
} gan_loop;
im_status gan_loop_begin(gan_loop *r, im_task *t, const gan_settings *s, const char *name, const char *g_name,
                        const im_encoder *disc, im_estimator *est);
/* A step's losses (mi NaN: no MI term); a curve point every log_every steps. */
void gan_loop_log(gan_loop *r, const gan_settings *s, double loss_d, double loss_g, double mi);
/* Adam with the tasks' first-moment decay, on the context's worker threads (train.c). */
void gan_adam(im_optim *opt, const im_params *params, double lr, double beta1, im_ctx *ctx);
/* The MI term's estimator from [estimator] (x_dim and y_dim wide); refused
 * when it has no differentiable objective; `task` names the task (gan.c). */
im_status gan_mi_estimator(im_ctx *ctx, const im_config *cfg, const char *task, int x_dim, int y_dim, im_rng *rng,
                           im_estimator **est);
/* Both tasks' keys and where they go (gan.c). */
extern const im_field gan_fields[];
extern const im_plugin gan_bigan_plugin;   /* bigan.c */

#endif
