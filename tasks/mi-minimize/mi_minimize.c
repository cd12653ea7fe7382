/* mi_minimize.c — task `mi-minimize` (since 0.6): the demonstration of
 * Scalable Infomin Learning's reference code (after CLUB's): the
 * parameters θ of a Gaussian sampler are trained to minimise an
 * estimator's Î(X; g(Y)) through a fixed bijection g, and the true MI of
 * the sampled pair, known in closed form, is followed at every step.
 *
 * The sampler: for each of `dim` coordinates k, with z1, z2 ~ N(0, 1),
 *     x_k = z1 sin θ_k + z2 cos θ_k,   y_k = z1 cos θ_k + z2 sin θ_k,
 * unit variances and correlation ρ_k = sin 2θ_k, so
 *     I(X;Y) = −½ Σ_k log(1 − ρ_k²) = −Σ_k log |cos 2θ_k|
 * (θ_k = `theta0`, 0.55 by default: ρ = 0.89, 0.79 nats a coordinate).
 * The estimator sees (x, g(y)): with bijection = exp-tanh each pair of
 * coordinates of y becomes q = y·A, A = [[1, 1.5], [1.5, 1]], then
 * (exp q_1, tanh q_2) — invertible, so I(X; g(Y)) = I(X;Y), while the pair
 * is far from Gaussian.
 *
 * One step: the estimator is prepared on fresh samples — a fitted one
 * (slice) refitted on `fit_rows` of them, a trained one (club, the
 * variational bounds) `inner_steps` Adam ascents of its objective on
 * batches of them, at its own lr; a closed-form one (pearson, dcor,
 * hsic) needs nothing — then θ takes one Adam step (lr) down the
 * estimator's objective on a fresh batch, differentiated through the
 * sampler and g. Records: the curve `steps` (step, true MI, the
 * objective on the batch), the true MI at the start and the end, the
 * lowest reached and the first step from which it stays below a tenth of
 * the start; after a sweep, a table per estimator and bijection and
 * <output>-true-mi.png: the mean true MI over seeds against steps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_DIM 64

typedef struct {
    int dim, exp_tanh, steps, batch, fit_rows, inner_steps, log_every;
    double theta0, lr;
} settings;

static const im_field minimize_fields[] = {
    IM_INT(settings, dim, "2", "coordinate pairs (x_k, y_k) of the sampler", "1..64"),
    IM_FLOAT(settings, theta0, "0.55", "every theta_k at the start (rho = sin 2 theta)", NULL),
    IM_FIELD_AS(settings, exp_tanh, "bijection", "string", int, "exp-tanh", "g applied to Y before the estimator "
                "sees it: none, or exp-tanh (each pair of coordinates: q = yA, A = [[1, 1.5], [1.5, 1]], then "
                "(exp q1, tanh q2)); it leaves the MI unchanged", "none|exp-tanh"),
    IM_INT(settings, steps, "1500", "Adam steps of the sampler", ">=1"),
    IM_INT(settings, batch, "200", "samples of a sampler step (and of each critic ascent)", ">=2"),
    IM_FLOAT(settings, lr, "1e-3", "the sampler's Adam learning rate", ">0"),
    IM_INT(settings, fit_rows, "5000", "fresh samples a fitted estimator (slice) is refitted on before each step",
           ">=16"),
    IM_INT(settings, inner_steps, "5", "ascents of a trained estimator's objective before each step", ">=0"),
    IM_INT(settings, log_every, "10", "steps between points of the curve", ">=1"),
    IM_FIELDS_END,
};

static im_status minimize_validate(im_ctx *ctx, const im_section *sec)
{
    settings s;
    im_status st = im_fields_read(ctx, sec, &s);
    if (!st && s.exp_tanh && s.dim % 2)
        st = im_section_fail(ctx, sec, "bijection", "exp-tanh maps pairs of coordinates: dim = %d is odd", s.dim);
    return st;
}

/* −Σ log |cos 2θ_k|: the sampler's MI in nats */
static double true_mi(const im_param *theta)
{
    double mi = 0;
    for (int k = 0; k < theta->cols; k++) mi -= log(fabs(cos(2 * (double)theta->value[k])));
    return mi;
}

/* x and g(y) of the sampler at θ from the noise z1, z2 (rows x dim), on g */
static void sample(im_tape *g, const settings *s, im_tensor *theta, const im_mat *z1, const im_mat *z2, im_tensor **x,
                   im_tensor **gy)
{
    im_tensor *a = im_input(g, z1), *b = im_input(g, z2);
    im_tensor *sn = im_sin(g, theta), *cs = im_sin(g, im_add_scalar(g, theta, M_PI / 2));
    *x = im_add(g, im_mul(g, a, sn), im_mul(g, b, cs));
    im_tensor *y = im_add(g, im_mul(g, a, cs), im_mul(g, b, sn));
    if (!s->exp_tanh || !y) {
        *gy = y;
        return;
    }
    im_tensor *out = NULL, *A = im_tensor_new(g, 2, 2);
    if (!A) {
        *gy = NULL;
        return;
    }
    A->val[0] = 1, A->val[1] = 1.5, A->val[2] = 1.5, A->val[3] = 1;
    for (int k = 0; k < s->dim; k += 2) {
        im_tensor *q = im_matmul(g, im_slice_cols(g, y, k, 2), A, 0, 0);
        im_tensor *pair = im_concat_cols(g, im_exp(g, im_slice_cols(g, q, 0, 1)), im_tanh(g, im_slice_cols(g, q, 1, 1)));
        out = out ? im_concat_cols(g, out, pair) : pair;
    }
    *gy = out;
}

static void draw_noise(im_rng *rng, im_mat *z1, im_mat *z2)
{
    for (long i = 0; i < (long)z1->rows * z1->cols; i++) z1->data[i] = (im_real)im_rng_normal(rng);
    for (long i = 0; i < (long)z2->rows * z2->cols; i++) z2->data[i] = (im_real)im_rng_normal(rng);
}

/* fresh samples as matrices (gradients off, g rewound here) */
static im_status fresh(im_ctx *ctx, im_tape *g, const settings *s, im_param *theta, im_rng *rng, im_mat *z1, im_mat *z2,
                       im_mat *x, im_mat *gy)
{
    im_tape_reset(g);
    draw_noise(rng, z1, z2);
    im_tensor *tx, *ty;
    sample(g, s, im_param_frozen(g, theta), z1, z2, &tx, &ty);
    if (!tx || !ty) return ctx->status;
    memcpy(x->data, tx->val, sizeof(im_real) * (size_t)x->rows * (size_t)x->cols);
    memcpy(gy->data, ty->val, sizeof(im_real) * (size_t)gy->rows * (size_t)gy->cols);
    return IM_OK;
}

typedef struct {
    im_mat z1, z2, x, gy;   /* a batch */
    im_mat fz1, fz2, fx, fgy;   /* fit_rows fresh samples (a fitted estimator) */
} buffers;

static void buffers_free(buffers *b)
{
    im_mat *m[8] = { &b->z1, &b->z2, &b->x, &b->gy, &b->fz1, &b->fz2, &b->fx, &b->fgy };
    for (int i = 0; i < 8; i++) im_mat_free(m[i]);
}

static im_status buffers_alloc(im_ctx *ctx, const settings *s, int fits, buffers *b)
{
    im_status st = IM_OK;
    im_mat *m[8] = { &b->z1, &b->z2, &b->x, &b->gy, &b->fz1, &b->fz2, &b->fx, &b->fgy };
    for (int i = 0; i < (fits ? 8 : 4) && !st; i++) st = im_mat_alloc(ctx, m[i], i < 4 ? s->batch : s->fit_rows, s->dim);
    return st;
}

/* Before a sampler step: the estimator refitted, or its critic trained,
 * on fresh samples. */
static im_status prepare(im_task *t, const settings *s, im_estimator *est, im_params *critic, im_optim *opt_critic,
                         im_tape *g, im_tape *eval, im_param *theta, buffers *b)
{
    im_ctx *ctx = t->ctx;
    im_status st = IM_OK;
    if (critic) {
        for (int k = 0; k < s->inner_steps && !st; k++) {
            st = fresh(ctx, eval, s, theta, t->rng, &b->z1, &b->z2, &b->x, &b->gy);
            if (!st) st = im_estimator_ascend(ctx, est, g, opt_critic, &b->x, &b->gy, 1);
        }
    } else if (est->vt->fit) {
        st = fresh(ctx, eval, s, theta, t->rng, &b->fz1, &b->fz2, &b->fx, &b->fgy);
        if (!st) st = est->vt->fit(est->self, ctx, &b->fx, &b->fgy, NULL, NULL, NULL);
    }
    return st;
}

typedef struct {
    double start, end, lowest;
    long below_tenth;   /* the first step after which the true MI is below start / 10; -1: never */
} outcome;

static im_status descend(im_task *t, const settings *s, im_estimator *est, outcome *out)
{
    im_ctx *ctx = t->ctx;
    im_params params = { 0 };
    im_param *theta = im_params_add(ctx, &params, "theta", 1, s->dim);
    im_params *critic = est->vt->params ? est->vt->params(est->self) : NULL;
    im_optim opt, opt_critic;
    buffers b = { 0 };
    im_tape *eval = im_tape_new(ctx);
    im_loop l;
    im_status st = theta && eval ? IM_OK : ctx->status;
    if (!st) st = buffers_alloc(ctx, s, !critic && est->vt->fit, &b);
    if (critic && !st) {
        im_train_opts topts;
        st = im_train_opts_read(ctx, &est->sec, &topts);
        if (!st) im_train_opts_adam(ctx, &topts, critic, &opt_critic);
    }
    if (!st)
        st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "mi-minimize", .steps = s->steps, .progress_every = 100 });
    if (st) {
        im_tape_free(eval);
        buffers_free(&b);
        im_params_free(&params);
        return st;
    }
    im_tape_set_grad(eval, 0);
    im_init_const(theta, s->theta0);
    im_adam_init(&opt, &params, s->lr);
    im_curve *curve = im_record_curve(t->rec, "steps", 3, (const char *const[]){ "step", "true_mi", "objective" });
    *out = (outcome){ .start = true_mi(theta), .lowest = true_mi(theta), .below_tenth = -1 };
    im_curve_add(curve, (double[]){ 0, out->start, NAN });
    while (!st && im_loop_next(&l)) {
        st = prepare(t, s, est, critic, &opt_critic, l.g, eval, theta, &b);
        if (st) break;
        im_tape_reset(l.g);
        draw_noise(t->rng, &b.z1, &b.z2);
        im_tensor *x, *gy;
        sample(l.g, s, im_param_tensor(l.g, theta), &b.z1, &b.z2, &x, &gy);
        im_tensor *loss = x && gy ? est->vt->objective(est->self, l.g, x, gy) : NULL;
        double value = loss ? im_item(loss) : NAN;
        st = im_loop_update(&l, loss, &opt);
        if (st) break;
        double mi = true_mi(theta);
        out->lowest = fmin(out->lowest, mi);
        if (mi < out->start / 10) {
            if (out->below_tenth < 0) out->below_tenth = l.step + 1;
        } else {
            out->below_tenth = -1;   /* back above: not yet for good */
        }
        if ((l.step + 1) % s->log_every == 0 || l.step + 1 == s->steps) {
            im_curve_add(curve, (double[]){ l.step + 1, mi, value });
            im_loop_note(&l, "true MI %.4f nats", mi);
        }
    }
    st = im_loop_end(&l, st);
    out->end = true_mi(theta);
    im_tape_free(eval);
    buffers_free(&b);
    im_params_free(&params);
    return st;
}

static im_status minimize_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_estimator *est = NULL;
    outcome o;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NO_DATASET);
    if (!st) st = im_estimator_new(ctx, cfg, "estimator", s.dim, s.dim, rng, &est);
    if (!st && !est->vt->objective)
        st = im_fail(ctx, IM_EINVAL, "mi-minimize: estimator %s is not differentiable: the sampler cannot descend it "
                     "(slice, club, tc, renyi, pearson, dcor, hsic and the variational bounds can)", est->plugin->name);
    if (!st) st = descend(&t, &s, est, &o);
    if (!st) {
        im_record_str(rec, "estimator", est->plugin->name);
        im_record_str(rec, "bijection", s.exp_tanh ? "exp-tanh" : "none");
        im_record_num(rec, "true_mi_start", o.start);
        im_record_num(rec, "true_mi_end", o.end);
        im_record_num(rec, "true_mi_lowest", o.lowest);
        if (o.below_tenth >= 0) im_record_num(rec, "steps_to_tenth", (double)o.below_tenth);   /* absent: never */
        printf("mi-minimize with %s: true MI %.4f -> %.4f nats (lowest %.4f)", est->plugin->name, o.start, o.end,
               o.lowest);
        if (o.below_tenth >= 0) printf(", below a tenth of the start from step %ld on\n", o.below_tenth);
        else printf(", never below a tenth of the start for good\n");
    }
    im_estimator_free(est);
    im_task_close(&t);
    return st;
}

/* a run's name in the summary: its estimator and bijection */
static void run_name(const im_record *rec, char *buf, size_t size)
{
    const char *est = im_record_text(rec, "estimator"), *g = im_record_text(rec, "bijection");
    snprintf(buf, size, "%s, g = %s", est ? est : "?", g ? g : "?");
}

/* a group's mean true-MI curve over its seeds into x, y (rows each);
 * the rows every run has */
static int mean_curve(const im_run_group *grp, double *x, double *y, int cap)
{
    int rows = cap;
    for (int k = 0; k < grp->n; k++) {
        const im_curve *c = im_record_find_curve(grp->run[k], "steps");
        rows = c && im_curve_rows(c) < rows ? im_curve_rows(c) : (c ? rows : 0);
    }
    for (int r = 0; r < rows; r++) {
        x[r] = im_curve_get(im_record_find_curve(grp->run[0], "steps"), r, 0), y[r] = 0;
        for (int k = 0; k < grp->n; k++) y[r] += im_curve_get(im_record_find_curve(grp->run[k], "steps"), r, 1) / grp->n;
    }
    return rows;
}

/* After a sweep: per estimator and bijection, the true MI at the end and
 * the step it fell below a tenth (mean ± sd over seeds), and the mean
 * true MI against steps as <output>-true-mi.png. */
static im_status minimize_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    enum { MAX_GROUPS = 16 };
    static const char *const skip[] = { "estimator.plugin=", "task.bijection=", NULL };
    im_run_group groups[MAX_GROUPS];
    int n_groups = im_group_runs(recs, n, run_name, skip, groups, MAX_GROUPS), cap = 0;
    if (!n_groups) return IM_OK;
    printf("\nmi-minimize: the sampler's true MI (nats; mean ± sd over seeds)\n%-34s %-18s %-18s %s\n", "", "end",
           "lowest", "steps to a tenth (for good)");
    for (int i = 0; i < n_groups; i++) {
        char a[64], b[64], c[64];
        printf("%-34s %-18s %-18s %s\n", groups[i].key, im_group_format(&groups[i], "true_mi_end", "%.4f", a, sizeof a),
               im_group_format(&groups[i], "true_mi_lowest", "%.4f", b, sizeof b),
               im_group_format(&groups[i], "steps_to_tenth", "%.0f", c, sizeof c));
        const im_curve *first = im_record_find_curve(groups[i].run[0], "steps");
        cap = first && im_curve_rows(first) > cap ? im_curve_rows(first) : cap;
    }
    double *buf = malloc(sizeof(double) * 2 * (size_t)cap * (size_t)n_groups), top = 0;
    if (!buf) return im_fail(ctx, IM_ENOMEM, "mi-minimize: out of memory");
    im_series series[MAX_GROUPS];
    char names[MAX_GROUPS][420];
    for (int i = 0; i < n_groups; i++) {
        double *x = buf + 2 * (size_t)cap * i, *y = x + cap;
        int rows = mean_curve(&groups[i], x, y, cap);
        for (int r = 0; r < rows; r++) top = fmax(top, y[r]);
        snprintf(names[i], sizeof names[i], "%.384s (%d seed%s)", groups[i].key, groups[i].n,
                 groups[i].n > 1 ? "s" : "");
        series[i] = (im_series){ .name = names[i], .x = x, .y = y, .n = rows };
    }
    char path[4096];
    im_output_path(&runs[0], -1, "-true-mi.png", path, sizeof path);
    im_plot_spec spec = { .title = "The sampler's true I(X;Y) per step (mean over seeds)",
                          .x_label = "sampler step", .y_label = "true MI, nats", .width = 1100, .height = 600,
                          .y_min = -0.02 * top, .y_max = 1.05 * top };
    im_status st = im_plot_lines(ctx, path, &spec, series, n_groups);
    if (!st) printf("true MI against steps: %s\n", path);
    free(buf);
    return st;
}

static const char *const headline[] = {
    "true_mi_start", "true_mi_end", "true_mi_lowest", "steps_to_tenth",
    NULL
};

static const im_task_vt minimize_vt = { IM_VT_SIZE(im_task_vt), .run = minimize_run, .summarize = minimize_summarize,
                                        .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin minimize = IM_PLUGIN(IM_TASK, "mi-minimize",
                                    "a Gaussian sampler trained to minimise an estimator's MI through a bijection, "
                                    "its true MI in closed form at every step",
                                    NULL, &minimize_vt, .validate = minimize_validate, .fields = minimize_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &minimize, NULL };
