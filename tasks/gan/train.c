/* train.c — a GAN with the standard (non-saturating) losses or, with
 * `divergence`, f-GAN's for any member of the family; and the MINE
 * paper's regulariser (Belghazi et al. 2018, section 5.1): the generator
 * gets z = [ε, one-hot c] and maximises β·Î(G(z); c) beside fooling D, the
 * estimator's critic trained alternately. One step:
 *   D:       BCE(D(x), 1) + BCE(D(G(z)), 0), G's output held fixed;
 *   critic:  `critic_steps` ascents of the estimator's objective on the
 *            batch's (G(z), c), G held fixed;
 *   G:       BCE(D(G(z)), 1) − β·Î(G(z); c), through D and the critic held
 *            fixed (their gradients from this pass are dropped before their
 *            own next step). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gan.h"

/* A step's buffers: real rows, the latent [ε, c] and its one-hot part,
 * G's detached output, the BCE targets. */
typedef struct {
    im_mat real, z, onehot, fake, ones, zeros;
} batch;

static void batch_free(batch *b)
{
    im_mat *mats[] = { &b->real, &b->z, &b->onehot, &b->fake, &b->ones, &b->zeros };
    for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++) im_mat_free(mats[i]);
}

/* z = [ε, one-hot c] for every row, c uniform; the one-hot part alone in onehot */
static void draw_latent(const gan_model *m, im_rng *rng, im_mat *z, im_mat *onehot, int *codes)
{
    for (int r = 0; r < z->rows; r++) {
        im_real *row = im_mat_row(z, r), *oh = onehot ? im_mat_row(onehot, r) : NULL;
        for (int j = 0; j < m->noise_dim; j++) row[j] = (im_real)im_rng_normal(rng);
        int c = (int)im_rng_below(rng, (uint32_t)m->codes);
        for (int j = 0; j < m->codes; j++) row[m->noise_dim + j] = j == c;
        if (oh) memcpy(oh, row + m->noise_dim, sizeof(im_real) * (size_t)m->codes);
        if (codes) codes[r] = c;
    }
}

im_status gan_generate(im_ctx *ctx, const gan_model *m, int n, im_rng *rng, im_mat *out, int *codes)
{
    im_mat z = { 0 };
    im_tape *g = im_tape_new(ctx);
    im_status st = g ? im_mat_alloc(ctx, &z, n, m->noise_dim + m->codes) : ctx->status;
    if (!st) st = im_mat_alloc(ctx, out, n, m->x_dim);
    if (!st) {
        draw_latent(m, rng, &z, NULL, codes);
        im_tape_set_grad(g, 0);
        im_tensor *x = im_encoder_forward(g, &m->gen, im_input(g, &z));
        if (x)
            memcpy(out->data, x->val, sizeof(im_real) * (size_t)n * m->x_dim);
        else
            st = ctx->status ? ctx->status : im_fail(ctx, IM_ENOMEM, "gan: generator failed");
    }
    im_mat_free(&z);
    im_tape_free(g);
    return st;
}

/* D: BCE(D(x), 1) + BCE(D(G(z)), 0), or (another divergence) the negated
 * f-GAN bound −(E_P[g_f(V)] − E_Q[f*(g_f(V))]); G's output held fixed
 * (and kept in b->fake). */
static im_status discriminator_step(im_loop *l, const gan_settings *s, const gan_model *m, batch *b, im_optim *opt,
                                    double *loss_d)
{
    im_tape *g = l->g;
    im_params_zero_grad(im_encoder_params(&m->disc));   /* what G's pass left there */
    im_tensor *fake = im_detach(g, im_encoder_forward(g, &m->gen, im_input(g, &b->z)));
    im_tensor *real_logit = im_encoder_forward(g, &m->disc, im_input(g, &b->real));
    im_tensor *fake_logit = im_encoder_forward(g, &m->disc, fake);
    im_tensor *loss = s->divergence
                          ? im_neg(g, im_bound_f(g, real_logit, fake_logit, gan_fdiv(s->divergence), s->alpha))
                          : im_add(g, im_bce_logits(g, real_logit, im_input(g, &b->ones)),
                                   im_bce_logits(g, fake_logit, im_input(g, &b->zeros)));
    im_status st = im_loop_update(l, loss, opt);
    if (st) return st;
    *loss_d = im_item(loss);
    memcpy(b->fake.data, fake->val, sizeof(im_real) * (size_t)b->fake.rows * b->fake.cols);
    return IM_OK;
}

/* G: BCE(D(G(z)), 1) (another divergence: −E_Q[g_f(V(G(z)))]) − β·Î(G(z); c),
 * through D and the critic held fixed. */
static im_status generator_step(im_loop *l, const gan_settings *s, const gan_model *m, im_estimator *est, batch *b,
                                im_optim *opt, double *loss_g, double *mi)
{
    im_tape *g = l->g;
    im_tape_reset(g);
    im_tensor *fake = im_encoder_forward(g, &m->gen, im_input(g, &b->z)), *v = im_encoder_forward(g, &m->disc, fake);
    im_tensor *loss = s->divergence
                          ? im_neg(g, im_mean(g, im_fdiv_activate(g, v, gan_fdiv(s->divergence), s->alpha), IM_ALL))
                          : im_bce_logits(g, v, im_input(g, &b->ones));
    im_tensor *term = NULL;
    if (est) {
        term = est->vt->objective(est->self, g, fake, im_input(g, &b->onehot));
        loss = im_sub(g, loss, im_scale(g, term, s->mine_beta));
    }
    im_status st = im_loop_update(l, loss, opt);
    if (st) return st;
    *loss_g = im_item(loss);
    *mi = term ? im_item(term) : NAN;
    return IM_OK;
}

void gan_adam(im_optim *opt, const im_params *p, double lr, double beta1, im_ctx *ctx)
{
    im_adam_init(opt, p, lr);
    opt->beta1 = beta1;
    opt->workers = ctx->workers;
}

/* f-GAN's bounds can be infinite (reverse KL and Neyman's chi^2 where G's
 * samples leave the data) or overflow as e^V (Hellinger, Jeffrey, KL) */
static const char *const f_gan_hint = "f-GAN's bound diverged: reverse-kl and neyman are infinite where G's samples "
                                      "leave the data, others overflow with a fast D; lower lr_d or d_steps, or take "
                                      "another divergence";

im_status gan_loop_begin(gan_loop *r, im_task *t, const gan_settings *s, const char *name, const char *g_name,
                        const im_encoder *disc, im_estimator *est)
{
    memset(r, 0, sizeof *r);
    r->g_name = g_name;
    const char *hint = s->divergence ? f_gan_hint : "lower lr_g or mine_beta";
    im_status st = im_loop_begin(&r->l, t, &(im_loop_opts){ .name = name, .steps = s->steps,
                                                            .rows = t->ds.train.x.rows, .batch = s->batch,
                                                            .progress_every = s->log_every, .hint = hint });
    r->critic = est && est->vt->params ? est->vt->params(est->self) : NULL;
    gan_adam(&r->opt_d, im_encoder_params(disc), s->lr_d, s->adam_beta1, t->ctx);
    if (r->critic) gan_adam(&r->opt_critic, r->critic, s->lr_critic, s->adam_beta1, t->ctx);
    char g_col[16];
    snprintf(g_col, sizeof g_col, "loss_%s", !strcmp(g_name, "EG") ? "eg" : "g");
    const char *cols[] = { "step", "loss_d", g_col, "mi_term" };
    r->curve = im_record_curve(t->rec, "train", 4, cols);
    return st;
}

void gan_loop_log(gan_loop *r, const gan_settings *s, double loss_d, double loss_g, double mi)
{
    r->sum[0] += loss_d, r->sum[1] += loss_g, r->sum[2] += isnan(mi) ? 0 : mi, r->since++;
    long step = r->l.step + 1;
    if (step % s->log_every != 0 && step != r->l.total) return;
    double n = r->since;
    im_curve_add(r->curve, (double[]){ step, r->sum[0] / n, r->sum[1] / n, isnan(mi) ? NAN : r->sum[2] / n });
    im_loop_note(&r->l, "D %.3f %s %.3f", r->sum[0] / n, r->g_name, r->sum[1] / n);
    r->sum[0] = r->sum[1] = r->sum[2] = 0, r->since = 0;
}

im_status gan_train(im_task *t, const gan_settings *s, gan_model *m, im_estimator *est)
{
    im_ctx *ctx = t->ctx;
    batch b = { 0 };
    im_optim opt_g;
    gan_loop r;
    im_status st = gan_loop_begin(&r, t, s, "gan", "G", &m->disc, est);
    int rows = r.l.batch;
    if (!st) st = im_mat_alloc(ctx, &b.real, rows, m->x_dim);
    if (!st) st = im_mat_alloc(ctx, &b.z, rows, m->noise_dim + m->codes);
    if (!st) st = im_mat_alloc(ctx, &b.onehot, rows, m->codes);
    if (!st) st = im_mat_alloc(ctx, &b.fake, rows, m->x_dim);
    if (!st) st = im_mat_alloc(ctx, &b.ones, rows, 1);
    if (!st) st = im_mat_alloc(ctx, &b.zeros, rows, 1);
    for (int k = 0; !st && k < rows; k++) b.ones.data[k] = 1, b.zeros.data[k] = 0;
    gan_adam(&opt_g, im_encoder_params(&m->gen), s->lr_g, s->adam_beta1, ctx);
    while (!st && im_loop_next(&r.l)) {
        for (int k = 0; k < rows; k++) im_mat_copy_row(&b.real, k, &t->ds.train.x, r.l.rows[k]);
        draw_latent(m, t->rng, &b.z, &b.onehot, NULL);
        double ld, lg, mi;
        st = discriminator_step(&r.l, s, m, &b, &r.opt_d, &ld);
        for (int k = 1; k < s->d_steps && !st; k++) {   /* extra D updates: fresh rows and latents */
            im_tape_reset(r.l.g);
            for (int i = 0; i < rows; i++)
                im_mat_copy_row(&b.real, i, &t->ds.train.x, (int)im_rng_below(t->rng, (uint32_t)t->ds.train.x.rows));
            draw_latent(m, t->rng, &b.z, &b.onehot, NULL);
            st = discriminator_step(&r.l, s, m, &b, &r.opt_d, &ld);
        }
        if (!st && r.critic) st = im_estimator_ascend(ctx, est, r.l.g, &r.opt_critic, &b.fake, &b.onehot, s->critic_steps);
        if (!st) st = generator_step(&r.l, s, m, est, &b, &opt_g, &lg, &mi);
        if (!st) gan_loop_log(&r, s, ld, lg, mi);
    }
    st = im_loop_end(&r.l, st);
    batch_free(&b);
    return st;
}
