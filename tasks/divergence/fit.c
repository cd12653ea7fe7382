/* fit.c — task `fgan-fit` (since 0.6): f-GAN's first experiment (Nowozin
 * et al. 2016, §4.1): a single Gaussian Q = N(μ, σ²) fitted to a mixture
 * P = w N(−shift, scale²) + (1 − w) N(shift, scale²) by minimising any
 * f-divergence D_f(P‖Q) through its variational bound, against the exact
 * minimiser of that divergence.
 *
 * The saddle point: a critic V (an MLP) ascends
 *     F(θ, ω) = E_P[g_f(V(x))] − E_Q[f*(g_f(V(x)))]
 * (im_bound_f) for `critic_steps` Adam steps, then θ = (μ, log σ) descends
 * it for one, Q's samples x = μ + σε reparameterised; each step draws fresh
 * batches of P and Q from the seed. At the saddle the critic is optimal
 * and F is D_f(P‖Q_θ), so θ goes to the divergence's minimiser: KL's
 * covers the modes (it matches P's mean and variance), reverse KL's seeks
 * one.
 *
 * The exact minimiser: D_f(P‖N(μ, σ²)) on a grid of 40,001 points over
 * ±(shift + 30·scale) (im_fdiv_on_grid), minimised over (μ, log σ) by
 * Nelder–Mead from five starts (each mode, between them, P's moments, the
 * run's start), the lowest kept; and the local minimiser reached from the
 * fit, where a member has two basins (a mode, or both). After a sweep
 * <output>-fits.png draws P and each divergence's fitted Q (its first
 * run), and a table lists every fit beside its exact minimiser. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

typedef struct {
    int divergence, relu, steps, batch, critic_steps, log_every;
    int hidden[8], n_hidden;
    double alpha, shift, scale, weight, mu0, sd0, lr, lr_critic;
} settings;

static const im_field fit_fields[] = {
    IM_CHOICE(settings, divergence, "kl", "the f-divergence D_f(P||Q) minimised (fdiv.h)",
              "tv|kl|reverse-kl|pearson|neyman|hellinger|jeffrey|js|gan|alpha"),
    IM_FLOAT(settings, alpha, "2", "the alpha of divergence = alpha (not 0 or 1)", NULL),
    IM_FLOAT(settings, shift, "2", "P's components sit at -shift and +shift", ">0"),
    IM_FLOAT(settings, scale, "0.5", "standard deviation of each of P's components", ">0"),
    IM_FLOAT(settings, weight, "0.3", "weight of P's component at -shift (the other: 1 - weight)", "0.01..0.99"),
    IM_FLOAT(settings, mu0, "0.5", "Q's mean at the start", NULL),
    IM_FLOAT(settings, sd0, "0.6", "Q's standard deviation at the start (below sqrt 2 scale: Neyman's chi^2 is "
             "infinite for a Q that much wider than P's components)", ">0"),
    IM_INTS(settings, hidden, n_hidden, "64,64", "the critic's hidden widths", ">=1"),
    IM_FIELD_AS(settings, relu, "activation", "string", int, "tanh", "the critic's hidden activation", "tanh|relu"),
    IM_INT(settings, steps, "8000", "steps of Q (each after critic_steps of the critic)", ">=1"),
    IM_INT(settings, critic_steps, "5", "critic updates per update of Q", ">=1"),
    IM_INT(settings, batch, "512", "samples of P and of Q per update", ">=2"),
    IM_FLOAT(settings, lr, "2e-3", "Adam learning rate of Q's mean and log sd", ">0"),
    IM_FLOAT(settings, lr_critic, "1e-3", "Adam learning rate of the critic", ">0"),
    IM_INT(settings, log_every, "20", "steps between points of the curve", ">=1"),
    IM_FIELDS_END,
};

static im_status fit_validate(im_ctx *ctx, const im_section *sec)
{
    settings s;
    im_status st = im_fields_read(ctx, sec, &s);
    if (!st && !im_fdiv_alpha_ok((im_fdiv)s.divergence, s.alpha))
        st = im_section_fail(ctx, sec, "alpha", IM_FDIV_ALPHA_LIMITS);
    return st;
}

/* ---- the exact minimiser ---- */

enum { GRID = 40001 };

typedef struct {
    const settings *s;
    double lo, h, *p, *q;
} grid;

static double normal_pdf(double x, double mu, double sd)
{
    double z = (x - mu) / sd;
    return exp(-0.5 * z * z) / (sd * sqrt(2 * M_PI));
}

/* D_f(P‖N(mu, e^{2 log_sd})) on the grid */
static double divergence_at(grid *gr, double mu, double log_sd)
{
    double sd = exp(log_sd);
    if (!(sd > 1e-3 && sd < 1e3)) return INFINITY;
    for (int i = 0; i < GRID; i++) gr->q[i] = normal_pdf(gr->lo + i * gr->h, mu, sd);
    double v = im_fdiv_on_grid((im_fdiv)gr->s->divergence, gr->s->alpha, gr->p, gr->q, GRID, gr->h);
    return isnan(v) ? INFINITY : v;
}

/* Nelder–Mead in (mu, log sd) from a start; the best vertex into best[2] */
static double nelder_mead(grid *gr, double mu, double log_sd, double best[2])
{
    double v[3][2] = { { mu, log_sd }, { mu + 0.5, log_sd }, { mu, log_sd + 0.3 } }, f[3];
    for (int k = 0; k < 3; k++) f[k] = divergence_at(gr, v[k][0], v[k][1]);
    for (int it = 0; it < 400; it++) {
        int lo = 0, hi = 0;   /* order: best, worst */
        for (int k = 1; k < 3; k++) lo = f[k] < f[lo] ? k : lo, hi = f[k] > f[hi] ? k : hi;
        int mid = 3 - lo - hi;
        if (lo == hi) mid = (lo + 1) % 3, hi = (lo + 2) % 3;
        if (fabs(v[hi][0] - v[lo][0]) + fabs(v[hi][1] - v[lo][1]) < 1e-9) break;
        double c[2] = { (v[lo][0] + v[mid][0]) / 2, (v[lo][1] + v[mid][1]) / 2 }, r[2], e[2];
        for (int a = 0; a < 2; a++) r[a] = c[a] + (c[a] - v[hi][a]);
        double fr = divergence_at(gr, r[0], r[1]);
        if (fr < f[lo]) {
            for (int a = 0; a < 2; a++) e[a] = c[a] + 2 * (c[a] - v[hi][a]);
            double fe = divergence_at(gr, e[0], e[1]);
            if (fe < fr) memcpy(v[hi], e, sizeof e), f[hi] = fe;
            else memcpy(v[hi], r, sizeof r), f[hi] = fr;
        } else if (fr < f[mid]) {
            memcpy(v[hi], r, sizeof r), f[hi] = fr;
        } else {
            for (int a = 0; a < 2; a++) e[a] = c[a] + 0.5 * (v[hi][a] - c[a]);   /* contract */
            double fc = divergence_at(gr, e[0], e[1]);
            if (fc < f[hi]) {
                memcpy(v[hi], e, sizeof e), f[hi] = fc;
            } else {   /* shrink towards the best */
                for (int k = 0; k < 3; k++)
                    if (k != lo) {
                        for (int a = 0; a < 2; a++) v[k][a] = v[lo][a] + 0.5 * (v[k][a] - v[lo][a]);
                        f[k] = divergence_at(gr, v[k][0], v[k][1]);
                    }
            }
        }
    }
    int lo = 0;
    for (int k = 1; k < 3; k++) lo = f[k] < f[lo] ? k : lo;
    best[0] = v[lo][0], best[1] = v[lo][1];
    return f[lo];
}

/* The minimisers of D_f(P‖N(μ, σ²)): the global one (Nelder–Mead from
 * starts on each mode, between them and at P's moments, the lowest end
 * kept) into global[0..2] = μ, σ, D_f, and the local one reached by
 * descent from the fit (mu_fit, sd_fit) into local[0..2]: a divergence
 * with two minima (the modes, or covering both) can hold the fit in the
 * other. */
static im_status minimisers(im_ctx *ctx, const settings *s, double mu_fit, double sd_fit, double global[3],
                            double local[3])
{
    grid gr = { .s = s };
    /* 30 sd of a component past the outer modes: P stays above the
     * smallest double there (a P of 0 where Q is not makes reverse KL
     * infinite), and Q's of up to a few times P's spread fit inside */
    double half = s->shift + 30 * s->scale;
    gr.lo = -half, gr.h = 2 * half / (GRID - 1);
    gr.p = malloc(sizeof(double) * GRID), gr.q = malloc(sizeof(double) * GRID);
    if (!gr.p || !gr.q) {
        free(gr.p);
        free(gr.q);
        return im_fail(ctx, IM_ENOMEM, "fgan-fit: out of memory");
    }
    for (int i = 0; i < GRID; i++) {
        double x = gr.lo + i * gr.h;
        gr.p[i] = s->weight * normal_pdf(x, -s->shift, s->scale) + (1 - s->weight) * normal_pdf(x, s->shift, s->scale);
    }
    double m = (1 - 2 * s->weight) * s->shift, sd_m = sqrt(s->scale * s->scale + s->shift * s->shift - m * m);
    const double starts[][2] = { { -s->shift, s->scale }, { s->shift, s->scale }, { 0, s->scale }, { m, sd_m },
                                 { s->mu0, s->sd0 } };
    global[0] = global[1] = NAN, global[2] = INFINITY;
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++) {
        double at[2], v = nelder_mead(&gr, starts[k][0], log(starts[k][1]), at);
        if (v < global[2]) global[0] = at[0], global[1] = exp(at[1]), global[2] = v;
    }
    double at[2];
    local[2] = nelder_mead(&gr, mu_fit, log(sd_fit), at);
    local[0] = at[0], local[1] = exp(at[1]);
    free(gr.p);
    free(gr.q);
    return IM_OK;
}

/* ---- the saddle point ---- */

static void draw_p(const settings *s, im_rng *rng, im_mat *x)
{
    for (int i = 0; i < x->rows; i++) {
        double centre = im_rng_uniform(rng) < s->weight ? -s->shift : s->shift;
        x->data[i] = (im_real)(centre + s->scale * im_rng_normal(rng));
    }
}

/* Q's samples mu + e^{log sd} eps on g, the parameters trainable or not */
static im_tensor *q_samples(im_tape *g, im_param *mu, im_param *log_sd, const im_mat *eps, int frozen)
{
    im_tensor *m = frozen ? im_param_frozen(g, mu) : im_param_tensor(g, mu);
    im_tensor *l = frozen ? im_param_frozen(g, log_sd) : im_param_tensor(g, log_sd);
    return im_add(g, im_mul(g, im_input(g, eps), im_exp(g, l)), m);
}

typedef struct {
    im_mlp critic;
    im_params critic_params, q_params;
    im_param *mu, *log_sd;
    im_optim opt_critic, opt_q;
    im_mat xp, eps;
} model;

static im_status train(im_task *t, const settings *s, model *m)
{
    im_ctx *ctx = t->ctx;
    im_tape *g = im_tape_new(ctx);
    im_loop l;
    im_status st = g ? IM_OK : ctx->status;
    if (!st) st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "fgan-fit", .steps = s->steps, .progress_every = 200 });
    if (st) {
        im_tape_free(g);
        return st;
    }
    im_curve *curve = im_record_curve(t->rec, "fit", 4, (const char *const[]){ "step", "mu", "sd", "bound" });
    im_curve_add(curve, (double[]){ 0, m->mu->value[0], exp(m->log_sd->value[0]), NAN });
    while (!st && im_loop_next(&l)) {
        for (int k = 0; k < s->critic_steps && !st; k++) {   /* the critic ascends F, Q held */
            im_tape_reset(g);
            draw_p(s, t->rng, &m->xp);
            for (int i = 0; i < s->batch; i++) m->eps.data[i] = (im_real)im_rng_normal(t->rng);
            im_tensor *vp = im_mlp_forward(g, &m->critic, im_input(g, &m->xp));
            im_tensor *vq = im_mlp_forward(g, &m->critic, q_samples(g, m->mu, m->log_sd, &m->eps, 1));
            im_tensor *f = im_bound_f(g, vp, vq, (im_fdiv)s->divergence, s->alpha);
            im_params_zero_grad(&m->critic_params);
            st = f ? im_backward(g, im_neg(g, f)) : ctx->status;
            if (!st && !isfinite(im_item(f)))
                st = im_fail(ctx, IM_ENUMERIC, "fgan-fit: the bound is %g at step %ld (lower lr_critic)", im_item(f),
                             l.step);
            if (!st) im_optim_step(&m->opt_critic);
        }
        if (st) break;
        draw_p(s, t->rng, &m->xp);   /* Q descends F, the critic held */
        for (int i = 0; i < s->batch; i++) m->eps.data[i] = (im_real)im_rng_normal(t->rng);
        im_tensor *vp = im_mlp_forward_ex(l.g, &m->critic, im_input(l.g, &m->xp), 0, 1);
        im_tensor *vq = im_mlp_forward_ex(l.g, &m->critic, q_samples(l.g, m->mu, m->log_sd, &m->eps, 0), 0, 1);
        im_tensor *f = im_bound_f(l.g, vp, vq, (im_fdiv)s->divergence, s->alpha);
        st = im_loop_update(&l, f, &m->opt_q);
        if (!st && ((l.step + 1) % s->log_every == 0 || l.step + 1 == s->steps)) {
            im_curve_add(curve, (double[]){ l.step + 1, m->mu->value[0], exp(m->log_sd->value[0]), im_item(f) });
            im_loop_note(&l, "mu %.3f, sd %.3f", m->mu->value[0], exp(m->log_sd->value[0]));
        }
    }
    st = im_loop_end(&l, st);
    im_tape_free(g);
    return st;
}

static void model_free(model *m)
{
    im_params_free(&m->critic_params);
    im_params_free(&m->q_params);
    im_mat_free(&m->xp);
    im_mat_free(&m->eps);
}

static im_status model_init(im_ctx *ctx, const settings *s, im_rng *rng, model *m)
{
    memset(m, 0, sizeof *m);
    im_status st = im_mlp_init(ctx, &m->critic, &m->critic_params, "critic", 1, s->hidden, s->n_hidden, 1,
                               s->relu ? IM_ACT_RELU : IM_ACT_TANH, IM_ACT_NONE, rng);
    if (!st && (!(m->mu = im_params_add(ctx, &m->q_params, "mu", 1, 1)) ||
                !(m->log_sd = im_params_add(ctx, &m->q_params, "log_sd", 1, 1))))
        st = ctx->status;
    if (!st) st = im_mat_alloc(ctx, &m->xp, s->batch, 1);
    if (!st) st = im_mat_alloc(ctx, &m->eps, s->batch, 1);
    if (st) return st;
    im_init_const(m->mu, s->mu0);
    im_init_const(m->log_sd, log(s->sd0));
    im_adam_init(&m->opt_critic, &m->critic_params, s->lr_critic);
    im_adam_init(&m->opt_q, &m->q_params, s->lr);
    return IM_OK;
}

static im_status fit_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    model m;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NO_DATASET);
    int built = 0;
    if (!st) st = model_init(ctx, &s, rng, &m), built = 1;
    if (!st) st = train(&t, &s, &m);
    double glob[3] = { NAN, NAN, NAN }, loc[3] = { NAN, NAN, NAN };
    if (!st) st = minimisers(ctx, &s, m.mu->value[0], exp(m.log_sd->value[0]), glob, loc);
    if (!st) {
        const char *name = im_fdiv_get((im_fdiv)s.divergence)->name;
        double mu = m.mu->value[0], sd = exp(m.log_sd->value[0]);
        im_record_str(rec, "divergence", name);
        im_record_num(rec, "mu", mu);
        im_record_num(rec, "sd", sd);
        im_record_num(rec, "exact_mu", glob[0]);
        im_record_num(rec, "exact_sd", glob[1]);
        im_record_num(rec, "exact_divergence", glob[2]);
        im_record_num(rec, "local_mu", loc[0]);
        im_record_num(rec, "local_sd", loc[1]);
        im_record_num(rec, "local_divergence", loc[2]);
        im_record_num(rec, "mu_error", mu - glob[0]);
        im_record_num(rec, "var_rel_error", (sd * sd - glob[1] * glob[1]) / (glob[1] * glob[1]));
        printf("fgan-fit by %s: Q = N(%.3f, %.3f^2); the exact minimiser N(%.3f, %.3f^2) (D_f %.4f)", name, mu, sd,
               glob[0], glob[1], glob[2]);
        if (fabs(loc[0] - glob[0]) > 1e-2 || fabs(loc[1] - glob[1]) > 1e-2)
            printf(", the fit's own basin N(%.3f, %.3f^2) (D_f %.4f)", loc[0], loc[1], loc[2]);
        printf("\n");
    }
    if (built) model_free(&m);
    im_task_close(&t);
    return st;
}

/* After a sweep: each fit beside its exact minimiser, and P with every
 * fitted Q as a picture. */
static im_status fit_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    enum { POINTS = 801, MAX_LINES = 15 };
    settings s;
    if (!n || im_task_settings(ctx, &runs[0], &s)) return IM_OK;
    double *buf = malloc(sizeof(double) * POINTS * (MAX_LINES + 2));
    if (!buf) return im_fail(ctx, IM_ENOMEM, "fgan-fit: out of memory");
    double *x = buf, *p = buf + POINTS, lo = -s.shift - 4 * s.scale - 1, hi = s.shift + 4 * s.scale + 1;
    for (int i = 0; i < POINTS; i++) {
        x[i] = lo + (hi - lo) * i / (POINTS - 1);
        p[i] = s.weight * normal_pdf(x[i], -s.shift, s.scale) + (1 - s.weight) * normal_pdf(x[i], s.shift, s.scale);
    }
    im_series series[MAX_LINES + 1] = { { .name = "P (the mixture)", .x = x, .y = p, .n = POINTS, .dashed = 1 } };
    char names[MAX_LINES][64];
    int lines = 1;
    printf("\nfgan-fit: Q = N(mu, sd^2) fitted to P by each divergence, beside the exact minimiser and the minimum "
           "of the fit's own basin\n%-11s %7s %7s   %9s %9s %8s   %9s %9s\n", "divergence", "mu", "sd", "exact mu",
           "exact sd", "var err", "basin mu", "basin sd");
    for (int r = 0; r < n; r++) {
        double mu, sd, mx, sx, ve, lm, ls;
        const char *name = im_record_text(recs[r], "divergence");
        if (!im_record_ok(recs[r]) || !name || !im_record_metric(recs[r], "mu", &mu) ||
            !im_record_metric(recs[r], "sd", &sd) || !im_record_metric(recs[r], "exact_mu", &mx) ||
            !im_record_metric(recs[r], "exact_sd", &sx) || !im_record_metric(recs[r], "var_rel_error", &ve) ||
            !im_record_metric(recs[r], "local_mu", &lm) || !im_record_metric(recs[r], "local_sd", &ls))
            continue;
        printf("%-11s %7.3f %7.3f   %9.3f %9.3f %+7.1f%%   %9.3f %9.3f\n", name, mu, sd, mx, sx, 100 * ve, lm, ls);
        int drawn = 0;   /* one line per divergence: its first run */
        size_t len = strlen(name);
        for (int k = 1; k < lines; k++) drawn |= strncmp(names[k - 1], name, len) == 0 && names[k - 1][len] == ':';
        if (lines > MAX_LINES || drawn) continue;
        double *y = buf + (size_t)POINTS * (lines + 1);
        for (int i = 0; i < POINTS; i++) y[i] = normal_pdf(x[i], mu, sd);
        snprintf(names[lines - 1], sizeof names[0], "%s: N(%.2f, %.2f^2)", name, mu, sd);
        series[lines] = (im_series){ .name = names[lines - 1], .x = x, .y = y, .n = POINTS };
        lines++;
    }
    char path[4096];
    im_output_path(&runs[0], -1, "-fits.png", path, sizeof path);
    im_plot_spec spec = { .title = "A Gaussian fitted to a mixture by each f-divergence", .x_label = "x",
                          .y_label = "density", .width = 1100, .height = 600 };
    im_status st = lines > 1 ? im_plot_lines(ctx, path, &spec, series, lines) : IM_OK;
    if (!st && lines > 1) printf("fits: %s\n", path);
    free(buf);
    return st;
}

static const char *const headline[] = {
    "mu", "sd", "exact_mu", "exact_sd", "mu_error", "var_rel_error",
    NULL
};

static const im_task_vt fit_vt = { IM_VT_SIZE(im_task_vt), .run = fit_run, .summarize = fit_summarize,
                                   .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
const im_plugin fgan_fit_plugin = IM_PLUGIN(IM_TASK, "fgan-fit",
                                            "a Gaussian fitted to a mixture by any f-divergence (f-GAN), against the "
                                            "exact minimiser",
                                            NULL, &fit_vt, .validate = fit_validate, .fields = fit_fields);
