/* gan.c — task `gan`: a GAN on a 2-D mixture (gaussian-grid, spiral), with
 * the standard losses or f-GAN's for any f-divergence (`divergence`), and
 * the MINE paper's remedy for mode collapse as an option: mine_beta > 0
 * adds β·Î(G([ε, c]); c) to what the generator maximises, Î from any
 * estimator plugin with a differentiable objective (train.c): MINE, or
 * InfoGAN's Barber–Agakov term with `ba`.
 *
 * Evaluation on eval_samples samples of G, codes uniform, against the
 * modes of the data (metrics.c): a sample is of high quality within
 * radius_sd within-mode sd of its nearest mode centre; a mode is captured
 * when at least mode_share of the samples (1%: a quarter of a fair share
 * of 25) are its high-quality samples; the reverse KL is that of the
 * high-quality samples' histogram over the modes to uniform. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gan.h"

const im_field gan_fields[] = {
    IM_INT(gan_settings, steps, "5000", "generator updates (one discriminator and critic_steps critic updates each)",
           ">=1"),
    IM_INT(gan_settings, batch, "256", "real and generated samples per step", ">=2"),
    IM_INT(gan_settings, noise_dim, "8", "width of the noise ε in G's input [ε, one-hot c]", ">=1"),
    IM_FLOAT(gan_settings, lr_g, "2e-4", "Adam learning rate of the generator", ">0"),
    IM_FLOAT(gan_settings, lr_d, "2e-4", "Adam learning rate of the discriminator", ">0"),
    IM_FLOAT(gan_settings, lr_critic, "2e-4", "Adam learning rate of the estimator's critic (mine_beta > 0)", ">0"),
    IM_FLOAT(gan_settings, adam_beta1, "0.5", "Adam's first-moment decay for all three (0.5: the GAN custom)",
             "0..0.999"),
    IM_FLOAT(gan_settings, mine_beta, "0", "weight of the MI term beta * I(G([eps, c]); c) (0: a vanilla GAN)", ">=0",
             .gates = "estimator"),
    IM_INT(gan_settings, critic_steps, "1", "critic updates per generator update (mine_beta > 0)", ">=1"),
    IM_INT(gan_settings, eval_samples, "10000", "generated samples the metrics count", ">=100"),
    IM_INT(gan_settings, plot_samples, "2000", "generated (and real) points kept in the record for the picture",
           "0..100000"),
    IM_FLOAT(gan_settings, radius_sd, "3", "high quality: within this many within-mode sd of a mode centre", ">0"),
    IM_FLOAT(gan_settings, mode_share, "0.01", "a mode is captured with at least this share of the samples", "0..1"),
    IM_INT(gan_settings, log_every, "100", "steps between points of the loss curve", ">=1"),
    IM_CHOICE(gan_settings, divergence, "gan", "f-GAN's divergence (Nowozin et al. 2016): gan is the standard "
              "non-saturating losses; any other: D ascends E_P[g_f(V)] - E_Q[f*(g_f(V))], G ascends E_Q[g_f(V)]",
              GAN_DIVERGENCES, .neutral = "gan"),
    IM_FLOAT(gan_settings, alpha, "2", "the alpha of divergence = alpha (not 0 or 1)", NULL, .neutral = "2"),
    IM_INT(gan_settings, d_steps, "1", "discriminator updates per generator update (the extra ones on fresh rows)",
           ">=1", .neutral = "1"),
    IM_FIELDS_END,
};

im_status gan_validate(im_ctx *ctx, const im_section *sec)
{
    gan_settings s;
    im_status st = im_fields_read(ctx, sec, &s);
    if (!st && !im_fdiv_alpha_ok(gan_fdiv(s.divergence), s.alpha))
        st = im_section_fail(ctx, sec, "alpha", IM_FDIV_ALPHA_LIMITS);
    return st;
}

im_fdiv gan_fdiv(int divergence)
{
    static const char *const names[] = { "gan", "kl", "reverse-kl", "pearson", "neyman", "hellinger", "jeffrey", "js",
                                         "tv", "alpha" };
    im_fdiv d = IM_FDIV_GAN;
    if (divergence >= 0 && divergence < (int)(sizeof names / sizeof names[0])) im_fdiv_find(names[divergence], &d);
    return d;
}

static im_status evaluate(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, const gan_model *m, im_rng *rng,
                          im_record *rec)
{
    int *codes = malloc(sizeof(int) * (size_t)s->eval_samples);
    im_mat gen = { 0 };
    im_status st = codes ? IM_OK : im_fail(ctx, IM_ENOMEM, "gan: out of memory");
    if (!st) st = gan_generate(ctx, m, s->eval_samples, rng, &gen, codes);
    if (!st) st = gan_score_samples(ctx, s, ds, &gen, codes, rec);
    im_mat_free(&gen);
    free(codes);
    return st;
}

static im_status build(im_ctx *ctx, const im_config *cfg, const gan_settings *s, const im_dataset *ds, im_rng *rng,
                       gan_model *m, im_estimator **est)
{
    if (ds->y_kind != IM_VAR_CLASSES && ds->y_kind != IM_VAR_BINARY)
        return im_fail(ctx, IM_EINVAL, "gan: dataset %s has no mode labels (Y classes): use gaussian-grid, spiral or "
                       "another dataset whose Y is the mode", ds->name);
    m->x_dim = ds->train.x.cols;
    m->noise_dim = s->noise_dim;
    m->codes = ds->y_classes;
    im_status st = im_encoder_new(ctx, cfg, "encoder:generator", m->noise_dim + m->codes, (im_shape){ 0 }, rng, &m->gen);
    if (!st && m->gen.out_dim != m->x_dim)
        st = im_fail(ctx, IM_ECONFIG, "gan: [encoder:generator] makes %d columns, the data have %d: set out = %d",
                     m->gen.out_dim, m->x_dim, m->x_dim);
    if (!st) st = im_encoder_new(ctx, cfg, "encoder:discriminator", m->x_dim, (im_shape){ 0 }, rng, &m->disc);
    if (!st && m->disc.out_dim != 1)
        st = im_fail(ctx, IM_ECONFIG, "gan: [encoder:discriminator] makes %d columns: set out = 1 (a logit)",
                     m->disc.out_dim);
    if (!st && s->mine_beta > 0) st = gan_mi_estimator(ctx, cfg, "gan", m->x_dim, m->codes, rng, est);
    return st;
}

static im_status gan_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    gan_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, 0);
    gan_model m = { 0 };
    im_estimator *est = NULL;
    if (!st) st = build(ctx, cfg, &s, &t.ds, rng, &m, &est);
    double t0 = im_seconds();
    if (!st) st = gan_train(&t, &s, &m, est);
    if (!st) {
        im_record_num(rec, "mine_beta", s.mine_beta);
        im_record_num(rec, "train_seconds", im_seconds() - t0);
        st = evaluate(ctx, &s, &t.ds, &m, rng, rec);
    }
    im_estimator_free(est);
    im_encoder_free(&m.gen);
    im_encoder_free(&m.disc);
    im_task_close(&t);
    return st;
}

im_status gan_mi_estimator(im_ctx *ctx, const im_config *cfg, const char *task, int x_dim, int y_dim, im_rng *rng,
                           im_estimator **est)
{
    im_status st = im_estimator_new(ctx, cfg, "estimator", x_dim, y_dim, rng, est);
    if (!st && !(*est)->vt->objective)
        st = im_fail(ctx, IM_EINVAL, "%s: estimator %s has no differentiable objective: it cannot be the MI term (use "
                     "mine, nwj, infonce, jsd, smile, ...)", task, (*est)->plugin->name);
    return st;
}

static const char *const gan_sections[] = { "encoder:generator", "encoder:discriminator", NULL };
static const im_task_vt gan_vt = { IM_VT_SIZE(im_task_vt), .run = gan_run, .summarize = gan_summarize,
                                   .labelled_sections = gan_sections };
static const im_plugin gan = IM_PLUGIN(IM_TASK, "gan",
                               "GAN on a 2-D mixture (standard or f-GAN losses), optionally with beta * I(G([eps, c]); c) "
                               "(MINE, InfoGAN's ba, ...): mode coverage",
                               NULL, &gan_vt, .validate = gan_validate, .fields = gan_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &gan, &gan_bigan_plugin, NULL };
