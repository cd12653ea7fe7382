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

/* A step's buffers: real rows, latent draws, E's detached codes, targets. */
typedef struct {
    im_mat real, z, code, ones, zeros;
} batch;

static void batch_free(batch *b)
{
    im_mat *mats[] = { &b->real, &b->z, &b->code, &b->ones, &b->zeros };
    for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++) im_mat_free(mats[i]);
}

/* the two joint pairs' logits: D([x, E(x)]) and D([G(z), z]); E(x) out */
static void joint_logits(im_tape *g, const bigan_model *m, const batch *b, int detach, im_tensor **real_logit,
                         im_tensor **fake_logit, im_tensor **code)
{
    im_tensor *x = im_input(g, &b->real), *z = im_input(g, &b->z);
    im_tensor *e = im_encoder_forward(g, &m->enc, x), *gz = im_encoder_forward(g, &m->gen, z);
    if (detach) e = im_detach(g, e), gz = im_detach(g, gz);
    *real_logit = im_encoder_forward(g, &m->disc, im_concat_cols(g, x, e));
    *fake_logit = im_encoder_forward(g, &m->disc, im_concat_cols(g, gz, z));
    *code = e;
}

/* D: BCE(D([x, E(x)]), 1) + BCE(D([G(z), z]), 0), E and G fixed (E(x) kept in b->code). */
static im_status discriminator_step(im_loop *l, const bigan_model *m, batch *b, im_optim *opt, double *loss_d)
{
    im_tape *g = l->g;
    im_params_zero_grad(im_encoder_params(&m->disc));
    im_tensor *rl, *fl, *e;
    joint_logits(g, m, b, 1, &rl, &fl, &e);
    im_tensor *loss = im_add(g, im_bce_logits(g, rl, im_input(g, &b->ones)), im_bce_logits(g, fl, im_input(g, &b->zeros)));
    im_status st = im_loop_update(l, loss, opt);
    if (st) return st;
    *loss_d = im_item(loss);
    memcpy(b->code.data, e->val, sizeof(im_real) * (size_t)b->code.rows * b->code.cols);
    return IM_OK;
}

/* E and G: BCE(D([x, E(x)]), 0) + BCE(D([G(z), z]), 1) − β·Î(X; E(X)), D and the critic fixed. */
static im_status encoder_generator_step(im_loop *l, const gan_settings *s, const bigan_model *m, im_estimator *est,
                                        batch *b, im_optim *opt, double *loss_eg, double *mi)
{
    im_tape *g = l->g;
    im_tape_reset(g);
    im_tensor *rl, *fl, *e;
    joint_logits(g, m, b, 0, &rl, &fl, &e);
    im_tensor *loss = im_add(g, im_bce_logits(g, rl, im_input(g, &b->zeros)), im_bce_logits(g, fl, im_input(g, &b->ones)));
    im_tensor *term = NULL;
    if (est) {
        term = est->vt->objective(est->self, g, im_input(g, &b->real), e);
        loss = im_sub(g, loss, im_scale(g, term, s->mine_beta));
    }
    im_status st = im_loop_update(l, loss, opt);
    if (st) return st;
    *loss_eg = im_item(loss);
    *mi = term ? im_item(term) : NAN;
    return IM_OK;
}

static im_status train(im_task *t, const gan_settings *s, bigan_model *m, im_estimator *est)
{
    im_ctx *ctx = t->ctx;
    batch b = { 0 };
    im_optim opt_eg;
    gan_loop r;
    im_status st = gan_loop_begin(&r, t, s, "bigan", "EG", &m->disc, est);
    int rows = r.l.batch;
    if (!st) st = im_mat_alloc(ctx, &b.real, rows, m->x_dim);
    if (!st) st = im_mat_alloc(ctx, &b.z, rows, m->z_dim);
    if (!st) st = im_mat_alloc(ctx, &b.code, rows, m->z_dim);
    if (!st) st = im_mat_alloc(ctx, &b.ones, rows, 1);
    if (!st) st = im_mat_alloc(ctx, &b.zeros, rows, 1);
    for (int k = 0; !st && k < rows; k++) b.ones.data[k] = 1, b.zeros.data[k] = 0;
    gan_adam(&opt_eg, &m->eg, s->lr_g, s->adam_beta1, ctx);
    while (!st && im_loop_next(&r.l)) {
        for (int k = 0; k < rows; k++) im_mat_copy_row(&b.real, k, &t->ds.train.x, r.l.rows[k]);
        for (long i = 0; i < (long)b.z.rows * b.z.cols; i++) b.z.data[i] = (im_real)im_rng_normal(t->rng);
        double ld, leg, mi;
        st = discriminator_step(&r.l, m, &b, &r.opt_d, &ld);
        if (!st && r.critic) st = im_estimator_ascend(ctx, est, r.l.g, &r.opt_critic, &b.real, &b.code, s->critic_steps);
        if (!st) st = encoder_generator_step(&r.l, s, m, est, &b, &opt_eg, &leg, &mi);
        if (!st) gan_loop_log(&r, s, ld, leg, mi);
    }
    st = im_loop_end(&r.l, st);
    batch_free(&b);
    return st;
}

/* f(x) for every row of x with the tape off, into out (allocated here) */
static im_status apply(im_ctx *ctx, const im_encoder *f, const im_mat *x, im_mat *out)
{
    im_tape *g = im_tape_new(ctx);
    im_status st = g ? im_mat_alloc(ctx, out, x->rows, f->out_dim) : ctx->status;
    if (!st) {
        im_tape_set_grad(g, 0);
        im_tensor *y = im_encoder_forward(g, f, im_input(g, x));
        if (y)
            memcpy(out->data, y->val, sizeof(im_real) * (size_t)x->rows * f->out_dim);
        else
            st = ctx->status ? ctx->status : im_fail(ctx, IM_ENOMEM, "bigan: forward pass failed");
    }
    im_tape_free(g);
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
    gan_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, 0);
    bigan_model m = { 0 };
    im_estimator *est = NULL;
    if (!st) st = build(ctx, cfg, &s, &t.ds, rng, &m, &est);
    double t0 = im_seconds();
    if (!st) st = train(&t, &s, &m, est);
    if (!st) {
        im_record_num(rec, "mine_beta", s.mine_beta);
        im_record_num(rec, "train_seconds", im_seconds() - t0);
        st = evaluate(ctx, &s, &t.ds, &m, rng, rec);
    }
    im_estimator_free(est);
    im_params_view_free(&m.eg);
    im_encoder_free(&m.enc);
    im_encoder_free(&m.gen);
    im_encoder_free(&m.disc);
    im_task_close(&t);
    return st;
}

static const char *const bigan_sections[] = { "encoder:encoder", "encoder:generator", "encoder:discriminator", NULL };
static const im_task_vt bigan_vt = { IM_VT_SIZE(im_task_vt), .run = bigan_run, .summarize = gan_summarize,
                                     .labelled_sections = bigan_sections };
/* bigan keeps the standard losses and one D update per step */
static im_status bigan_validate(im_ctx *ctx, const im_section *sec)
{
    gan_settings s;
    im_status st = gan_validate(ctx, sec);
    if (!st) st = im_fields_read(ctx, sec, &s);
    if (!st && s.divergence)
        st = im_section_fail(ctx, sec, "divergence", "bigan trains with the standard losses only (divergence = gan)");
    if (!st && s.d_steps != 1)
        st = im_section_fail(ctx, sec, "d_steps", "bigan takes one discriminator update per step (d_steps = 1)");
    return st;
}

const im_plugin gan_bigan_plugin = IM_PLUGIN(IM_TASK, "bigan",
                                     "ALI/BiGAN on a 2-D mixture, optionally with beta * I(X; E(X)): modes, reconstruction",
                                     NULL, &bigan_vt, .validate = bigan_validate, .fields = gan_fields);
