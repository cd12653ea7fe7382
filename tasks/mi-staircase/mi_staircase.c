/* mi_staircase.c — task `mi-staircase`: the benchmark of Poole et al. 2019.
 * One continuous training run of the estimator on correlated Gaussians whose
 * true MI steps through `levels` (2, 4, 6, 8, 10 nats by default) every
 * `steps_per_level` steps, with fresh samples at every step (infinite data,
 * so the estimate's error is the bound's bias and variance, not
 * overfitting). Reports, per level, the bias and variance of the per-batch
 * estimate over the level's last `window` steps, and plots estimate vs step
 * against the true MI. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_LEVELS 32

typedef struct {
    int dim, steps_per_level, window, batch, n_levels, plot;
    double levels[MAX_LEVELS];
    int dense;   /* structure = dense */
} settings;

static const im_field staircase_fields[] = {
    IM_INT(settings, dim, "20", "dimension of X and of Y", "1..1024"),
    IM_FLOATS(settings, levels, n_levels, "2,4,6,8,10", "true MI of each level, nats", ">=0"),
    IM_INT(settings, steps_per_level, "4000", "training steps per level", ">=1"),
    IM_INT(settings, window, "1000", "last steps of each level for bias and variance", ">=1"),
    IM_INT(settings, batch, "64", "samples per step", ">=2"),
    IM_FIELD_AS(settings, dense, "structure", "string", int, "componentwise", "correlation structure (see dataset "
                "gaussian)", "componentwise|dense"),
    IM_KEY_SPEC(IM_TRANSFORM_SPEC),
    IM_KEY_SPEC(IM_TRANSFORM_ON_SPEC),
    IM_BOOL(settings, plot, "true", "write <output>.png: estimate vs step against the true MI"),
    IM_FIELDS_END,
};

/* fresh batch from the generator, through the transform */
static im_status sample(im_ctx *ctx, const im_synth *gen, im_rng *rng, const im_section *sec, im_mat *x, im_mat *y)
{
    for (int r = 0; r < x->rows; r++) {
        double xs[1024], ys[1024];
        im_synth_sample(gen, rng, xs, ys);
        for (int c = 0; c < x->cols; c++) {
            im_mat_row(x, r)[c] = (im_real)xs[c];
            im_mat_row(y, r)[c] = (im_real)ys[c];
        }
    }
    const char *name, *on;
    im_status st = im_section_string(ctx, sec, "transform", &name);
    if (!st) st = im_section_string(ctx, sec, "transform_on", &on);
    if (!st && strcmp(on, "y") != 0) st = im_transform_mat(ctx, name, x);
    if (!st && strcmp(on, "x") != 0) st = im_transform_mat(ctx, name, y);
    return st;
}

static im_status write_plot(im_ctx *ctx, const im_config *cfg, im_record *rec, const char *name, const double *steps,
                            const double *truth, const double *est, int n)
{
    /* a moving average over 100 steps, as in Poole et al.'s figures */
    double *smooth = malloc(sizeof(double) * (size_t)n);
    if (!smooth) return im_fail(ctx, IM_ENOMEM, "staircase: out of memory");
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += est[i] - (i >= 100 ? est[i - 100] : 0);
        smooth[i] = acc / (i + 1 < 100 ? i + 1 : 100);
    }
    char path[4096], title[256];
    im_output_path(cfg, im_record_run(rec), ".png", path, sizeof path);
    snprintf(title, sizeof title, "%s on the MI staircase", name);
    im_series series[] = { { .name = "estimate (per batch)", .x = steps, .y = est, .n = n },
                           { .name = "moving average (100 steps)", .x = steps, .y = smooth, .n = n },
                           { .name = "true MI", .x = steps, .y = truth, .n = n, .dashed = 1 } };
    /* the truth's range plus a margin: single-batch outliers of high-variance
     * bounds would otherwise squash the staircase */
    double top = 0;
    for (int i = 0; i < n; i++) top = truth[i] > top ? truth[i] : top;
    im_plot_spec spec = { .title = title, .x_label = "training step", .y_label = "I(X;Y), nats", .y_min = -2.0,
                          .y_max = top + 4.0 };
    im_status st = im_plot_lines(ctx, path, &spec, series, 3);
    if (!st) {
        im_record_str(rec, "plot", path);
        printf("plot: %s\n", path);
    }
    free(smooth);
    return st;
}

/* One run's state, made before the first step. */
typedef struct {
    im_estimator *est;
    im_params *params;   /* NULL: a closed-form estimator, followed but not trained */
    im_optim opt;
    im_synth gen;
    im_mat xb, yb;
    double *steps, *truth, *values;   /* per step */
} run_state;

static void state_free(run_state *r)
{
    im_mat_free(&r->xb);
    im_mat_free(&r->yb);
    im_synth_free(&r->gen);
    im_estimator_free(r->est);
    free(r->steps);
    free(r->truth);
    free(r->values);
}

static im_status state_init(im_ctx *ctx, const im_config *cfg, const settings *s, im_rng *rng, run_state *r)
{
    int total = s->n_levels * s->steps_per_level;
    r->steps = malloc(sizeof(double) * (size_t)total);
    r->truth = malloc(sizeof(double) * (size_t)total);
    r->values = malloc(sizeof(double) * (size_t)total);
    im_status st = r->steps && r->truth && r->values ? IM_OK : im_fail(ctx, IM_ENOMEM, "staircase: out of memory");
    if (!st) st = im_estimator_new(ctx, cfg, "estimator", s->dim, s->dim, rng, &r->est);
    if (!st) st = im_synth_init(ctx, &r->gen, s->dim, s->levels[0], s->dense, rng);
    if (!st) st = im_mat_alloc(ctx, &r->xb, s->batch, s->dim);
    if (!st) st = im_mat_alloc(ctx, &r->yb, s->batch, s->dim);
    r->params = !st && r->est->vt->params ? r->est->vt->params(r->est->self) : NULL;
    if (!st && r->params) {
        im_train_opts opts;
        st = im_train_opts_read(ctx, &r->est->sec, &opts);
        if (!st) im_train_opts_adam(ctx, &opts, r->params, &r->opt);
    }
    if (!st && !r->est->vt->objective)
        st = im_fail(ctx, IM_EINVAL, "estimator %s has no per-batch objective to follow", r->est->plugin->name);
    return st;
}

/* Every step: a fresh batch at the current level, one update, the value. */
static im_status climb(im_task *t, const settings *s, run_state *r)
{
    im_ctx *ctx = t->ctx;
    im_loop l;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = r->est->plugin->name,
                                                         .steps = (long)s->n_levels * s->steps_per_level,
                                                         .progress_every = 100 });
    while (!st && im_loop_next(&l)) {
        int step = (int)l.step, level = step / s->steps_per_level;
        if (step % s->steps_per_level == 0) {
            im_synth_free(&r->gen);
            st = im_synth_init(ctx, &r->gen, s->dim, s->levels[level], s->dense, t->rng);
        }
        if (!st) st = sample(ctx, &r->gen, t->rng, &t->sec, &r->xb, &r->yb);
        if (st) break;
        im_tensor *obj = r->est->vt->objective(r->est->self, l.g, im_input(l.g, &r->xb), im_input(l.g, &r->yb));
        if (r->params) st = im_loop_update(&l, im_neg(l.g, obj), &r->opt);
        else if (!obj) st = ctx->status;
        if (st) break;
        r->steps[step] = step + 1;
        r->truth[step] = s->levels[level];
        r->values[step] = im_item(obj);
        im_loop_note(&l, "level %g nats, estimate %.3f", s->levels[level], r->values[step]);
    }
    return im_loop_end(&l, st);
}

/* Per level: mean, bias and variance over its last `window` steps. */
static void report(const settings *s, const run_state *r, im_record *rec)
{
    int total = s->n_levels * s->steps_per_level;
    static const char *const cols[] = { "step", "true_mi", "estimate" };
    im_curve *curve = im_record_curve(rec, "staircase", 3, cols);
    for (int i = 0; i < total; i++) im_curve_add(curve, (double[]){ r->steps[i], r->truth[i], r->values[i] });
    im_record_str(rec, "estimator", r->est->plugin->name);
    printf("%s on the %d-D staircase (batch %d, last %d of %d steps per level):\n", r->est->plugin->name, s->dim,
           s->batch, s->window, s->steps_per_level);
    printf("  %8s %10s %10s %10s\n", "true MI", "mean", "bias", "variance");
    for (int l = 0; l < s->n_levels; l++) {
        int end = (l + 1) * s->steps_per_level, start = end - s->window;
        double mean = 0, var = 0;
        for (int i = start; i < end; i++) mean += r->values[i];
        mean /= s->window;
        for (int i = start; i < end; i++) var += (r->values[i] - mean) * (r->values[i] - mean);
        var /= s->window > 1 ? s->window - 1 : 1;
        char key[64];
        snprintf(key, sizeof key, "mean@%g", s->levels[l]);
        im_record_num(rec, key, mean);
        snprintf(key, sizeof key, "bias@%g", s->levels[l]);
        im_record_num(rec, key, mean - s->levels[l]);
        snprintf(key, sizeof key, "var@%g", s->levels[l]);
        im_record_num(rec, key, var);
        printf("  %8g %10.4f %+10.4f %10.4f\n", s->levels[l], mean, mean - s->levels[l], var);
    }
}

static im_status staircase_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NO_DATASET);
    if (st) return st;
    if (s.window > s.steps_per_level) s.window = s.steps_per_level;
    if (s.n_levels == 0) return im_fail(ctx, IM_ECONFIG, "%s: task.levels: no level given", cfg->path);
    run_state r = { 0 };
    st = state_init(ctx, cfg, &s, rng, &r);
    if (!st) st = climb(&t, &s, &r);
    if (!st) {
        report(&s, &r, rec);
        if (s.plot)
            st = write_plot(ctx, cfg, rec, r.est->plugin->name, r.steps, r.truth, r.values,
                            s.n_levels * s.steps_per_level);
    }
    state_free(&r);
    return st;
}

static const im_task_vt staircase_vt = { IM_VT_SIZE(im_task_vt), .run = staircase_run,
                                         .labelled_sections = IM_NO_LABELLED_SECTIONS };
static const im_plugin staircase = IM_PLUGIN(IM_TASK, "mi-staircase",
                                     "Poole et al. staircase: bias/variance of a bound as the true MI steps up",
                                     NULL, &staircase_vt, .fields = staircase_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &staircase, NULL };
