/* train.c — a GAN with the standard (non-saturating) losses, and the MINE
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
#include <stdlib.h>
#include <string.h>
#include "gan.h"

typedef struct {
    const gan_settings *s;
    const im_dataset *ds;
    gan_model *m;
    im_estimator *est;
    im_optim opt_g, opt_d, opt_critic;
    im_graph *g;
    im_mat real, z, onehot, fake, ones, zeros;
    im_batcher batcher;
    im_curve *curve;
} trainer;

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
    im_graph *g = im_graph_new(ctx);
    im_status st = g ? im_mat_alloc(ctx, &z, n, m->noise_dim + m->codes) : ctx->status;
    if (!st) st = im_mat_alloc(ctx, out, n, m->x_dim);
    if (!st) {
        draw_latent(m, rng, &z, NULL, codes);
        im_graph_set_grad(g, 0);
        im_tensor *x = im_encoder_forward(g, &m->gen, im_input(g, &z));
        if (x)
            memcpy(out->data, x->val, sizeof(im_real) * (size_t)n * m->x_dim);
        else
            st = ctx->status ? ctx->status : im_fail(ctx, IM_ENOMEM, "gan: generator failed");
    }
    im_mat_free(&z);
    im_graph_free(g);
    return st;
}

static im_params *critic_params(const trainer *t)
{
    return t->est && t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
}

static im_status discriminator_step(trainer *t, double *loss_d)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_params_zero_grad(im_encoder_params(&t->m->disc));   /* what G's pass left there */
    im_tensor *fake = im_detach(g, im_encoder_forward(g, &t->m->gen, im_input(g, &t->z)));
    im_tensor *real_logit = im_encoder_forward(g, &t->m->disc, im_input(g, &t->real));
    im_tensor *fake_logit = im_encoder_forward(g, &t->m->disc, fake);
    im_tensor *loss = im_add(g, im_bce_logits(g, real_logit, im_input(g, &t->ones)),
                             im_bce_logits(g, fake_logit, im_input(g, &t->zeros)));
    im_status st = im_backward(g, loss);
    if (st) return st;
    *loss_d = im_item(loss);
    if (fake) memcpy(t->fake.data, fake->val, sizeof(im_real) * (size_t)t->fake.rows * t->fake.cols);
    im_optim_step(&t->opt_d);
    return IM_OK;
}

im_status gan_critic_steps(im_graph *g, im_estimator *est, im_optim *opt, const im_mat *x, const im_mat *y, int steps)
{
    im_params *cp = est && est->vt->params ? est->vt->params(est->self) : NULL;
    im_status st = IM_OK;
    for (int k = 0; cp && k < steps && !st; k++) {
        im_graph_reset(g);
        im_params_zero_grad(cp);   /* what the generator's pass left there */
        im_tensor *obj = est->vt->objective(est->self, g, im_input(g, x), im_input(g, y));
        st = im_backward(g, im_neg(g, obj));
        if (!st) im_optim_step(opt);
    }
    return st;
}

static im_status generator_step(trainer *t, double *loss_g, double *mi)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_tensor *fake = im_encoder_forward(g, &t->m->gen, im_input(g, &t->z));
    im_tensor *loss = im_bce_logits(g, im_encoder_forward(g, &t->m->disc, fake), im_input(g, &t->ones));
    im_tensor *term = NULL;
    if (t->est) {
        term = t->est->vt->objective(t->est->self, g, fake, im_input(g, &t->onehot));
        loss = im_sub(g, loss, im_scale(g, term, t->s->mine_beta));
    }
    im_status st = im_backward(g, loss);
    if (st) return st;
    *loss_g = im_item(loss);
    *mi = term ? im_item(term) : NAN;
    if (!isfinite(*loss_g))
        return im_fail(im_graph_ctx(g), IM_ENUMERIC, "gan: generator loss is %g (lower lr_g or mine_beta)", *loss_g);
    im_optim_step(&t->opt_g);
    return IM_OK;
}

static void trainer_free(trainer *t)
{
    im_graph_free(t->g);
    im_mat *mats[] = { &t->real, &t->z, &t->onehot, &t->fake, &t->ones, &t->zeros };
    for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++) im_mat_free(mats[i]);
    im_batcher_free(&t->batcher);
}

void gan_adam(im_optim *opt, const im_params *p, double lr, double beta1, im_ctx *ctx)
{
    im_adam_init(opt, p, lr);
    opt->beta1 = beta1;
    opt->pool = ctx->pool;
}

static im_status trainer_init(im_ctx *ctx, trainer *t, im_rng *rng, im_record *rec)
{
    const gan_settings *s = t->s;
    int b = s->batch;
    im_status st = im_mat_alloc(ctx, &t->real, b, t->m->x_dim);
    if (!st) st = im_mat_alloc(ctx, &t->z, b, t->m->noise_dim + t->m->codes);
    if (!st) st = im_mat_alloc(ctx, &t->onehot, b, t->m->codes);
    if (!st) st = im_mat_alloc(ctx, &t->fake, b, t->m->x_dim);
    if (!st) st = im_mat_alloc(ctx, &t->ones, b, 1);
    if (!st) st = im_mat_alloc(ctx, &t->zeros, b, 1);
    if (!st && !(t->g = im_graph_new(ctx))) st = ctx->status;
    if (!st) st = im_batcher_init(ctx, &t->batcher, t->ds->train.x.rows, rng);
    if (st) return st;
    for (int r = 0; r < b; r++) t->ones.data[r] = 1, t->zeros.data[r] = 0;
    gan_adam(&t->opt_g, im_encoder_params(&t->m->gen), s->lr_g, s->adam_beta1, ctx);
    gan_adam(&t->opt_d, im_encoder_params(&t->m->disc), s->lr_d, s->adam_beta1, ctx);
    im_params *cp = critic_params(t);
    if (cp) gan_adam(&t->opt_critic, cp, s->lr_critic, s->adam_beta1, ctx);
    static const char *const cols[] = { "step", "loss_d", "loss_g", "mi_term" };
    t->curve = im_record_curve(rec, "train", 4, cols);
    return IM_OK;
}

im_status gan_train(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, gan_model *m, im_estimator *est,
                    im_rng *rng, im_record *rec)
{
    trainer t = { .s = s, .ds = ds, .m = m, .est = est };
    im_status st = trainer_init(ctx, &t, rng, rec);
    double sum_d = 0, sum_g = 0, sum_mi = 0;
    int since = 0;
    for (int step = 1; step <= s->steps && !st; step++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "gan: interrupted at step %d of %d", step, s->steps);
            break;
        }
        for (int k = 0; k < s->batch; k++) im_mat_copy_row(&t.real, k, &ds->train.x, im_batcher_next(&t.batcher, rng));
        draw_latent(m, rng, &t.z, &t.onehot, NULL);
        double ld, lg, mi;
        st = discriminator_step(&t, &ld);
        if (!st) st = gan_critic_steps(t.g, est, &t.opt_critic, &t.fake, &t.onehot, s->critic_steps);
        if (!st) st = generator_step(&t, &lg, &mi);
        if (st) break;
        sum_d += ld, sum_g += lg, sum_mi += isnan(mi) ? 0 : mi, since++;
        if (step % s->log_every == 0 || step == s->steps) {
            im_curve_add(t.curve, (double[]){ step, sum_d / since, sum_g / since, est ? sum_mi / since : NAN });
            char detail[96];
            snprintf(detail, sizeof detail, "D %.3f G %.3f%s", sum_d / since, sum_g / since, est ? " MI" : "");
            if (est) snprintf(detail + strlen(detail), sizeof detail - strlen(detail), " %.3f", sum_mi / since);
            im_progress(ctx, "gan", step, s->steps, detail);
            sum_d = sum_g = sum_mi = 0, since = 0;
        }
    }
    im_progress_done(ctx);
    trainer_free(&t);
    return st;
}
