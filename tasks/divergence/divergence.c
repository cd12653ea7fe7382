/* divergence.c — task `divergence` (since 0.6): D_f(P‖Q) from two samples
 * with a critic, for any member of the f-divergence family (fdiv.h) or KL
 * by Donsker–Varadhan, against the exact value (f-GAN's variational
 * divergence estimation, Nowozin et al. 2016 §2).
 *
 * The samples are drawn here, from the seed: P = N(0, I_dim) and
 * Q = N(shift·e, scale²·I_dim) with e = (1, ..., 1)/√dim (so the means lie
 * `shift` apart), or (q = mixture, one dimension) Q = ½N(−shift, scale²) +
 * ½N(shift, scale²); n_train + n_val + n_test rows of each. A critic
 * V: R^dim → R (an MLP) maximises E_P[g_f(V)] − E_Q[f*(g_f(V))] on batches
 * of training rows of both; the weights with the best bound on the
 * validation rows are kept, and the bound on the test rows is the
 * estimate. The truth: im_fdiv_gaussian (closed forms, or a grid with its
 * error for tv, js and gan); for the mixture, D_f integrated on a grid of
 * 200,001 points over ±(shift + 14 sd), its error the change on a grid
 * twice as coarse. Since 0.6, divergence = knn estimates KL with no critic
 * by Wang, Kulkarni & Verdú's k-th-neighbour distances (stats.h) on the
 * same test rows. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

enum { DV = IM_FDIV_COUNT, KNN };   /* after the ten members: KL by Donsker–Varadhan, KL by kNN distances */

typedef struct {
    int divergence, mixture, k;
    double alpha, shift, scale, lr;
    int dim, n_train, n_val, n_test, steps, batch, eval_every;
    int hidden[8], n_hidden;
    int relu;   /* activation: 0 tanh, 1 relu */
} settings;

static const im_field divergence_fields[] = {
    IM_CHOICE(settings, divergence, "kl", "the f-divergence (fdiv.h), or dv: KL by the Donsker-Varadhan bound, or "
              "knn: KL by k-th-neighbour distances (no critic)", "tv|kl|reverse-kl|pearson|neyman|hellinger|jeffrey|js|gan|alpha|dv|knn"),
    IM_INT(settings, k, "5", "neighbours of divergence = knn", "1..64", .neutral = "5"),
    IM_FLOAT(settings, alpha, "2", "the alpha of divergence = alpha (not 0 or 1)", NULL),
    IM_INT(settings, dim, "2", "dimensions of the two Gaussians", "1..64"),
    IM_FIELD_AS(settings, mixture, "q", "string", int, "gaussian", "Q: a Gaussian, or (dim = 1) the mixture "
                "1/2 N(-shift, scale^2) + 1/2 N(shift, scale^2)", "gaussian|mixture", .neutral = "gaussian"),
    IM_FLOAT(settings, shift, "1", "distance between the means of P = N(0, I) and Q", ">=0"),
    IM_FLOAT(settings, scale, "1.2", "standard deviation of Q in every coordinate (P's is 1)", ">0"),
    IM_INT(settings, n_train, "20000", "training rows of each sample", ">=2"),
    IM_INT(settings, n_val, "2000", "validation rows of each sample (the kept critic's choice)", ">=2"),
    IM_INT(settings, n_test, "20000", "test rows of each sample (the estimate)", ">=2"),
    IM_INTS(settings, hidden, n_hidden, "128,128", "the critic's hidden widths", ">=1"),
    IM_FIELD_AS(settings, relu, "activation", "string", int, "tanh", "the critic's hidden activation (TV's optimal "
                "critic is a step: tanh units can stall at half of it)", "tanh|relu", .neutral = "tanh"),
    IM_INT(settings, steps, "3000", "Adam steps of the critic", ">=1"),
    IM_INT(settings, batch, "256", "rows of P and of Q per step", ">=2"),
    IM_FLOAT(settings, lr, "5e-4", "Adam learning rate", ">0"),
    IM_INT(settings, eval_every, "250", "steps between validation bounds", ">=1"),
    IM_FIELDS_END,
};

static im_status divergence_validate(im_ctx *ctx, const im_section *sec)
{
    settings s;
    im_status st = im_fields_read(ctx, sec, &s);
    if (!st && s.mixture && s.dim != 1)
        st = im_section_fail(ctx, sec, "q", "the mixture is one-dimensional (its exact value is integrated on a "
                             "grid): dim = 1, got %d", s.dim);
    if (!st && !im_fdiv_alpha_ok((im_fdiv)s.divergence, s.alpha))   /* dv: not a member, any alpha */
        st = im_section_fail(ctx, sec, "alpha", IM_FDIV_ALPHA_LIMITS);
    return st;
}

/* The rows of P (which 0) and Q (1) of the three splits. */
typedef struct {
    im_mat split[2][3];
} samples;

static void samples_free(samples *d)
{
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < 3; k++) im_mat_free(&d->split[w][k]);
}

static im_status draw(im_ctx *ctx, const settings *s, im_rng *rng, samples *d)
{
    const int n[3] = { s->n_train, s->n_val, s->n_test };
    double offset = s->shift / sqrt((double)s->dim);
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < 3; k++) {
            im_status st = im_mat_alloc(ctx, &d->split[w][k], n[k], s->dim);
            if (st) return st;
            for (long i = 0; i < (long)n[k] * s->dim; i++) {
                double centre = s->mixture ? (im_rng_uniform(rng) < 0.5 ? -s->shift : s->shift) : offset;
                d->split[w][k].data[i] = (im_real)(w ? centre + s->scale * im_rng_normal(rng) : im_rng_normal(rng));
            }
        }
    return IM_OK;
}

/* D_f(N(0, 1) ‖ the mixture) on a grid, and the change on every second
 * point as its error */
static double mixture_truth(im_fdiv d, double alpha, double shift, double scale, double *error)
{
    enum { N = 200001 };
    double half = shift + 14 * fmax(1, scale), h = 2 * half / (N - 1);
    double *p = malloc(sizeof(double) * N), *q = malloc(sizeof(double) * N);
    if (!p || !q) {
        free(p);
        free(q);
        return NAN;
    }
    for (int i = 0; i < N; i++) {
        double x = -half + i * h, a = (x + shift) / scale, b = (x - shift) / scale;
        p[i] = exp(-0.5 * x * x) / sqrt(2 * M_PI);
        q[i] = 0.5 * (exp(-0.5 * a * a) + exp(-0.5 * b * b)) / (scale * sqrt(2 * M_PI));
    }
    double fine = im_fdiv_on_grid(d, alpha, p, q, N, h);
    for (int i = 0; i < N; i += 2) p[i / 2] = p[i], q[i / 2] = q[i];
    double coarse = im_fdiv_on_grid(d, alpha, p, q, N / 2 + 1, 2 * h);
    *error = fabs(fine - coarse);
    free(p);
    free(q);
    return fine;
}

/* The exact value, and its quadrature error. */
static double truth(const settings *s, double *error)
{
    im_fdiv d = s->divergence >= DV ? IM_FDIV_KL : (im_fdiv)s->divergence;   /* DV bounds KL, knn reads it */
    if (s->mixture) return mixture_truth(d, s->alpha, s->shift, s->scale, error);
    double mp[64], sp[64], mq[64], sq[64];
    for (int k = 0; k < s->dim; k++) mp[k] = 0, sp[k] = 1, mq[k] = s->shift / sqrt((double)s->dim), sq[k] = s->scale;
    return im_fdiv_gaussian(d, s->alpha, s->dim, mp, sp, mq, sq, error);
}

static im_tensor *bound(im_tape *g, const settings *s, im_tensor *vp, im_tensor *vq)
{
    return s->divergence == DV ? im_bound_dv(g, vp, vq) : im_bound_f(g, vp, vq, (im_fdiv)s->divergence, s->alpha);
}

/* The bound on whole matrices on an evaluation tape g (gradients off,
 * rewound here: one tape serves every evaluation of a run). */
static im_status evaluate(im_ctx *ctx, im_tape *g, const settings *s, const im_mlp *net, const im_mat *p,
                          const im_mat *q, double *value)
{
    im_tape_reset(g);
    im_tensor *v = bound(g, s, im_mlp_forward(g, net, im_input(g, p)), im_mlp_forward(g, net, im_input(g, q)));
    if (!v) return ctx->status;
    *value = im_item(v);
    return IM_OK;
}

static im_status train(im_task *t, const settings *s, const samples *d, im_mlp *net, im_params *params, im_tape *eval)
{
    im_ctx *ctx = t->ctx;
    im_mat xp = { 0 }, xq = { 0 };
    im_loop l;
    im_optim opt;
    im_status st = im_mat_alloc(ctx, &xp, s->batch, s->dim);
    if (!st) st = im_mat_alloc(ctx, &xq, s->batch, s->dim);
    if (!st)
        st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "divergence", .steps = s->steps, .rows = s->n_train,
                                                   .batch = s->batch, .extra_rows = s->n_train,
                                                   .extra_batch = s->batch });
    if (st) {
        im_mat_free(&xp);
        im_mat_free(&xq);
        return st;
    }
    st = im_loop_keep_best(&l, params, s->steps);   /* patience of every step: the best is kept, nothing stops */
    im_curve *train_curve = im_record_curve(t->rec, "train", 2, (const char *const[]){ "step", "bound" });
    im_curve *val_curve = im_record_curve(t->rec, "val", 2, (const char *const[]){ "step", "val_estimate" });
    im_adam_init(&opt, params, s->lr);
    opt.workers = ctx->workers;
    while (!st && im_loop_next(&l)) {
        for (int k = 0; k < l.batch; k++) im_mat_copy_row(&xp, k, &d->split[0][0], l.rows[k]);
        for (int k = 0; k < l.extra_batch; k++) im_mat_copy_row(&xq, k, &d->split[1][0], l.rows[l.batch + k]);
        im_tensor *b = bound(l.g, s, im_mlp_forward(l.g, net, im_input(l.g, &xp)),
                             im_mlp_forward(l.g, net, im_input(l.g, &xq)));
        if ((l.step + 1) % 10 == 0 && b) im_curve_add(train_curve, (double[]){ l.step + 1, im_item(b) });
        if (b) im_loop_track(&l, im_item(b));
        if ((l.step + 1) % s->eval_every == 0 || l.step + 1 == s->steps) {
            double val;
            st = evaluate(ctx, eval, s, net, &d->split[0][1], &d->split[1][1], &val);
            if (!st) {
                im_curve_add(val_curve, (double[]){ l.step + 1, val });
                im_loop_note(&l, "val %.4f", val);
                im_loop_score(&l, val);
            }
        }
        if (!st) st = im_loop_update(&l, b ? im_neg(l.g, b) : NULL, &opt);
    }
    st = im_loop_end(&l, st);
    im_mat_free(&xp);
    im_mat_free(&xq);
    return st;
}

/* KL by k-th-neighbour distances on the rows of p and q (no training). */
static im_status knn_kl(im_ctx *ctx, const settings *s, const im_mat *p, const im_mat *q, double *out)
{
    double *pd = im_mat_to_double(p), *qd = im_mat_to_double(q);
    im_status st = pd && qd ? im_knn_kl(ctx, pd, p->rows, qd, q->rows, s->dim, s->k, out)
                            : im_fail(ctx, IM_ENOMEM, "divergence: out of memory");
    free(pd);
    free(qd);
    return st;
}

static im_status divergence_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NO_DATASET);
    samples d = { 0 };
    im_params params = { 0 };
    im_mlp net;
    im_tape *eval = st ? NULL : im_tape_new(ctx);
    if (!st && !eval) st = ctx->status;
    if (eval) im_tape_set_grad(eval, 0);
    if (!st) st = draw(ctx, &s, rng, &d);
    double estimate = NAN, error = 0, exact = truth(&s, &error);
    if (!st && s.divergence == KNN) {
        st = knn_kl(ctx, &s, &d.split[0][2], &d.split[1][2], &estimate);
    } else {
        if (!st)
            st = im_mlp_init(ctx, &net, &params, "critic", s.dim, s.hidden, s.n_hidden, 1,
                             s.relu ? IM_ACT_RELU : IM_ACT_TANH, IM_ACT_NONE, rng);
        if (!st) st = train(&t, &s, &d, &net, &params, eval);
        if (!st) st = evaluate(ctx, eval, &s, &net, &d.split[0][2], &d.split[1][2], &estimate);
    }
    if (!st) {
        const char *name = s.divergence == DV ? "dv" : s.divergence == KNN ? "knn" : im_fdiv_get((im_fdiv)s.divergence)->name;
        im_record_str(rec, "divergence", name);
        im_record_num(rec, "estimate", estimate);
        im_record_num(rec, "n_test", s.n_test);
        if (s.mixture)
            printf("%s between N(0, 1) and 1/2 N(-%g, %g^2) + 1/2 N(%g, %g^2): %.4f", name, s.shift, s.scale, s.shift,
                   s.scale, estimate);
        else
            printf("%s between N(0, I_%d) and N(%g apart, %g^2 I): %.4f", name, s.dim, s.shift, s.scale, estimate);
        if (isfinite(exact)) {
            im_record_num(rec, "true_value", exact);
            im_record_num(rec, "truth_error", error);
            im_record_num(rec, "bias", estimate - exact);
            if (exact > 1e-3) im_record_num(rec, "rel_error", (estimate - exact) / exact);
            printf(", exact %.4f (%+.1f%%)", exact, exact > 1e-3 ? 100 * (estimate - exact) / exact : 0.0);
        } else {
            printf(", exact %s", isinf(exact) ? "infinite (the integral diverges)" : "not known in this dimension");
        }
        printf("\n");
    }
    im_tape_free(eval);
    im_params_free(&params);
    samples_free(&d);
    im_task_close(&t);
    return st;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "estimate", "true_value", "rel_error", "bias", "truth_error",
    NULL
};

static const im_task_vt divergence_vt = { IM_VT_SIZE(im_task_vt), .run = divergence_run,
                                          .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin divergence = IM_PLUGIN(IM_TASK, "divergence",
                                      "D_f(P||Q) of two Gaussian samples by a critic, any f-divergence, against the truth",
                                      NULL, &divergence_vt, .validate = divergence_validate,
                                      .fields = divergence_fields);
extern const im_plugin fgan_fit_plugin;   /* fit.c */
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &divergence, &fgan_fit_plugin, NULL };
