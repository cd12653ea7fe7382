/* bigan.c — task `bigan`: adversarially learned inference (ALI, Dumoulin et
 * al. 2017; BiGAN, Donahue et al. 2017) on a 2-D mixture, with the MINE
 * paper's term for it (Belghazi et al. 2018, section 5.2) as an option.
 * An encoder E: x → z, a generator G: z → x (z ~ N(0, I), noise_dim wide)
 * and a discriminator D on joint pairs [x, z]:
 *   D:       BCE(D([x, E(x)]), 1) + BCE(D([G(z), z]), 0), E and G fixed;
 *   critic:  ascents of the estimator's objective on (x, E(x)), E fixed;
 *   E and G: BCE(D([x, E(x)]), 0) + BCE(D([G(z), z]), 1) − β·Î(X; E(X)),
 *            one Adam over both (lr_g), D and the critic held fixed.
 * Metrics: the mode coverage of G's samples (metrics.c) and the
 * reconstruction error mean ‖x − G(E(x))‖ over the test split — what the
 * MI term should lower: a code that keeps more of x lets G give it back. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gan.h"

typedef struct {
    im_encoder enc, gen, disc;
    im_params eg;   /* a view over E's and G's weights: one optimiser */
    int x_dim, z_dim;
} bigan_model;

typedef struct {
    const gan_settings *s;
    const im_dataset *ds;
    bigan_model *m;
    im_estimator *est;
    im_optim opt_eg, opt_d, opt_critic;
    im_graph *g;
    im_mat real, z, code, ones, zeros;
    im_batcher batcher;
    im_curve *curve;
} trainer;

static im_params *critic_params(const trainer *t)
{
    return t->est && t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
}

/* the two joint pairs' logits: D([x, E(x)]) and D([G(z), z]); E(x) out */
static void joint_logits(trainer *t, int detach, im_tensor **real_logit, im_tensor **fake_logit, im_tensor **code)
{
    im_graph *g = t->g;
    im_tensor *x = im_input(g, &t->real), *z = im_input(g, &t->z);
    im_tensor *e = im_encoder_forward(g, &t->m->enc, x), *gz = im_encoder_forward(g, &t->m->gen, z);
    if (detach) e = im_detach(g, e), gz = im_detach(g, gz);
    *real_logit = im_encoder_forward(g, &t->m->disc, im_concat_cols(g, x, e));
    *fake_logit = im_encoder_forward(g, &t->m->disc, im_concat_cols(g, gz, z));
    *code = e;
}

static im_status discriminator_step(trainer *t, double *loss_d)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_params_zero_grad(im_encoder_params(&t->m->disc));
    im_tensor *rl, *fl, *e;
    joint_logits(t, 1, &rl, &fl, &e);
    im_tensor *loss = im_add(g, im_bce_logits(g, rl, im_input(g, &t->ones)), im_bce_logits(g, fl, im_input(g, &t->zeros)));
    im_status st = im_backward(g, loss);
    if (st) return st;
    *loss_d = im_item(loss);
    memcpy(t->code.data, e->val, sizeof(im_real) * (size_t)t->code.rows * t->code.cols);
    im_optim_step(&t->opt_d);
    return IM_OK;
}

static im_status encoder_generator_step(trainer *t, double *loss_eg, double *mi)
{
    im_graph *g = t->g;
    im_graph_reset(g);
    im_tensor *rl, *fl, *e;
    joint_logits(t, 0, &rl, &fl, &e);
    im_tensor *loss = im_add(g, im_bce_logits(g, rl, im_input(g, &t->zeros)), im_bce_logits(g, fl, im_input(g, &t->ones)));
    im_tensor *term = NULL;
    if (t->est) {
        term = t->est->vt->objective(t->est->self, g, im_input(g, &t->real), e);
        loss = im_sub(g, loss, im_scale(g, term, t->s->mine_beta));
    }
    im_status st = im_backward(g, loss);
    if (st) return st;
    *loss_eg = im_item(loss);
    *mi = term ? im_item(term) : NAN;
    if (!isfinite(*loss_eg))
        return im_fail(im_graph_ctx(g), IM_ENUMERIC, "bigan: encoder/generator loss is %g (lower lr_g or mine_beta)",
                       *loss_eg);
    im_optim_step(&t->opt_eg);
    return IM_OK;
}

static void trainer_free(trainer *t)
{
    im_graph_free(t->g);
    im_mat *mats[] = { &t->real, &t->z, &t->code, &t->ones, &t->zeros };
    for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++) im_mat_free(mats[i]);
    im_batcher_free(&t->batcher);
}

static im_status trainer_init(im_ctx *ctx, trainer *t, im_rng *rng, im_record *rec)
{
    const gan_settings *s = t->s;
    int b = s->batch;
    im_status st = im_mat_alloc(ctx, &t->real, b, t->m->x_dim);
    if (!st) st = im_mat_alloc(ctx, &t->z, b, t->m->z_dim);
    if (!st) st = im_mat_alloc(ctx, &t->code, b, t->m->z_dim);
    if (!st) st = im_mat_alloc(ctx, &t->ones, b, 1);
    if (!st) st = im_mat_alloc(ctx, &t->zeros, b, 1);
    if (!st && !(t->g = im_graph_new(ctx))) st = ctx->status;
    if (!st) st = im_batcher_init(ctx, &t->batcher, t->ds->train.x.rows, rng);
    if (st) return st;
    for (int r = 0; r < b; r++) t->ones.data[r] = 1, t->zeros.data[r] = 0;
    gan_adam(&t->opt_eg, &t->m->eg, s->lr_g, s->adam_beta1, ctx);
    gan_adam(&t->opt_d, im_encoder_params(&t->m->disc), s->lr_d, s->adam_beta1, ctx);
    if (critic_params(t)) gan_adam(&t->opt_critic, critic_params(t), s->lr_critic, s->adam_beta1, ctx);
    static const char *const cols[] = { "step", "loss_d", "loss_eg", "mi_term" };
    t->curve = im_record_curve(rec, "train", 4, cols);
    return IM_OK;
}

static im_status train(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, bigan_model *m, im_estimator *est,
                       im_rng *rng, im_record *rec)
{
    trainer t = { .s = s, .ds = ds, .m = m, .est = est };
    im_status st = trainer_init(ctx, &t, rng, rec);
    double sum[3] = { 0 };
    int since = 0;
    for (int step = 1; step <= s->steps && !st; step++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "bigan: interrupted at step %d of %d", step, s->steps);
            break;
        }
        for (int k = 0; k < s->batch; k++) im_mat_copy_row(&t.real, k, &ds->train.x, im_batcher_next(&t.batcher, rng));
        for (long i = 0; i < (long)t.z.rows * t.z.cols; i++) t.z.data[i] = (im_real)im_rng_normal(rng);
        double ld, leg, mi;
        st = discriminator_step(&t, &ld);
        if (!st) st = gan_critic_steps(t.g, est, &t.opt_critic, &t.real, &t.code, s->critic_steps);
        if (!st) st = encoder_generator_step(&t, &leg, &mi);
        if (st) break;
        sum[0] += ld, sum[1] += leg, sum[2] += isnan(mi) ? 0 : mi, since++;
        if (step % s->log_every == 0 || step == s->steps) {
            im_curve_add(t.curve, (double[]){ step, sum[0] / since, sum[1] / since, est ? sum[2] / since : NAN });
            char detail[96];
            snprintf(detail, sizeof detail, "D %.3f EG %.3f", sum[0] / since, sum[1] / since);
            im_progress(ctx, "bigan", step, s->steps, detail);
            sum[0] = sum[1] = sum[2] = 0, since = 0;
        }
    }
    im_progress_done(ctx);
    trainer_free(&t);
    return st;
}

/* f(x) for every row of x with the tape off, into out (allocated here) */
static im_status apply(im_ctx *ctx, const im_encoder *f, const im_mat *x, im_mat *out)
{
    im_graph *g = im_graph_new(ctx);
    im_status st = g ? im_mat_alloc(ctx, out, x->rows, f->out_dim) : ctx->status;
    if (!st) {
        im_graph_set_grad(g, 0);
        im_tensor *y = im_encoder_forward(g, f, im_input(g, x));
        if (y)
            memcpy(out->data, y->val, sizeof(im_real) * (size_t)x->rows * f->out_dim);
        else
            st = ctx->status ? ctx->status : im_fail(ctx, IM_ENOMEM, "bigan: forward pass failed");
    }
    im_graph_free(g);
    return st;
}

static im_status evaluate(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, const bigan_model *m, im_rng *rng,
                          im_record *rec)
{
    im_mat z = { 0 }, gen = { 0 }, code = { 0 }, back = { 0 };
    im_status st = im_mat_alloc(ctx, &z, s->eval_samples, m->z_dim);
    for (long i = 0; !st && i < (long)z.rows * z.cols; i++) z.data[i] = (im_real)im_rng_normal(rng);
    if (!st) st = apply(ctx, &m->gen, &z, &gen);
    if (!st) st = gan_score_samples(ctx, s, ds, &gen, NULL, rec);
    if (!st) st = apply(ctx, &m->enc, &ds->test.x, &code);
    if (!st) st = apply(ctx, &m->gen, &code, &back);
    if (!st) {
        double sum = 0;
        for (int r = 0; r < back.rows; r++) {
            double d2 = 0;
            for (int j = 0; j < back.cols; j++) {
                double d = im_mat_row(&back, r)[j] - im_mat_row(&ds->test.x, r)[j];
                d2 += d * d;
            }
            sum += sqrt(d2);
        }
        im_record_num(rec, "reconstruction", sum / back.rows);
        printf("  reconstruction error mean |x - G(E(x))| on %d test points: %.4f\n", back.rows, sum / back.rows);
    }
    im_mat_free(&z);
    im_mat_free(&gen);
    im_mat_free(&code);
    im_mat_free(&back);
    return st;
}

static im_status build(im_ctx *ctx, const im_config *cfg, const gan_settings *s, const im_dataset *ds, im_rng *rng,
                       bigan_model *m, im_estimator **est)
{
    if (ds->y_kind != IM_VAR_CLASSES && ds->y_kind != IM_VAR_BINARY)
        return im_fail(ctx, IM_EINVAL, "bigan: dataset %s has no mode labels (Y classes): use gaussian-grid or spiral",
                       ds->name);
    m->x_dim = ds->train.x.cols;
    m->z_dim = s->noise_dim;
    im_status st = im_encoder_new(ctx, cfg, "encoder:encoder", m->x_dim, (im_shape){ 0 }, rng, &m->enc);
    if (!st && m->enc.out_dim != m->z_dim)
        st = im_fail(ctx, IM_ECONFIG, "bigan: [encoder:encoder] makes %d columns, the latent z has noise_dim = %d: "
                     "set out = %d", m->enc.out_dim, m->z_dim, m->z_dim);
    if (!st) st = im_encoder_new(ctx, cfg, "encoder:generator", m->z_dim, (im_shape){ 0 }, rng, &m->gen);
    if (!st && m->gen.out_dim != m->x_dim)
        st = im_fail(ctx, IM_ECONFIG, "bigan: [encoder:generator] makes %d columns, the data have %d: set out = %d",
                     m->gen.out_dim, m->x_dim, m->x_dim);
    if (!st) st = im_encoder_new(ctx, cfg, "encoder:discriminator", m->x_dim + m->z_dim, (im_shape){ 0 }, rng, &m->disc);
    if (!st && m->disc.out_dim != 1)
        st = im_fail(ctx, IM_ECONFIG, "bigan: [encoder:discriminator] makes %d columns: set out = 1 (a logit)",
                     m->disc.out_dim);
    if (!st) st = im_params_view_append(ctx, &m->eg, im_encoder_params(&m->enc));
    if (!st) st = im_params_view_append(ctx, &m->eg, im_encoder_params(&m->gen));
    if (!st && s->mine_beta > 0) st = gan_mi_estimator(ctx, cfg, "bigan", m->x_dim, m->z_dim, rng, est);
    return st;
}

static im_status bigan_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    gan_settings s;
    im_status st = gan_read_settings(ctx, cfg, &s);
    if (st) return st;
    im_dataset ds;
    st = im_dataset_load(ctx, cfg, "dataset", rng, &ds);
    if (st) return st;
    bigan_model m = { 0 };
    im_estimator *est = NULL;
    st = build(ctx, cfg, &s, &ds, rng, &m, &est);
    double t0 = im_seconds();
    if (!st) st = train(ctx, &s, &ds, &m, est, rng, rec);
    if (!st) {
        im_record_num(rec, "mine_beta", s.mine_beta);
        im_record_num(rec, "train_seconds", im_seconds() - t0);
        st = evaluate(ctx, &s, &ds, &m, rng, rec);
    }
    im_estimator_free(est);
    im_params_view_free(&m.eg);
    im_encoder_free(&m.enc);
    im_encoder_free(&m.gen);
    im_encoder_free(&m.disc);
    im_dataset_free(&ds);
    return st;
}

static const im_task_vt bigan_vt = { IM_VT_SIZE(im_task_vt), .run = bigan_run, .summarize = gan_summarize,
                                     .uses_section = gan_uses_section };
const im_plugin gan_bigan_plugin = IM_PLUGIN(IM_TASK, "bigan",
                                     "ALI/BiGAN on a 2-D mixture, optionally with beta * I(X; E(X)): modes, reconstruction",
                                     gan_params, &bigan_vt);
