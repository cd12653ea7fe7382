/* mi_estimate.c — task `mi-estimate`: fit an estimator on the training split
 * of a dataset (validation split for model selection), report its estimate
 * on the test split next to the true MI when the dataset knows it, with its
 * uncertainty; an estimator that trains nothing reads every row (since 0.6;
 * the key `rows`):
 *   trained estimators: the spread of the per-batch estimate over the last
 *     `spread_steps` training steps (mean, std, 5-95% range); with
 *     crossfit = K (since 0.6) also the estimate cross-fitted over K folds
 *     of every row and its Student-t interval (im_estimator_crossfit), which
 *     holds what refitting changes;
 *   closed-form estimators: a half-sampling interval — the rows read cut
 *     `resamples` times into two random halves, half the difference of
 *     their estimates as the deviation (im_estimator_half_interval) — which,
 *     unlike the bootstrap, draws no duplicate rows (duplicates break kNN
 *     estimators such as KSG).
 * Curves (objective per step, validation estimate) go into the record and,
 * with plot = true, into <output>.png against the true MI. Since 0.6,
 * given = t estimates I(X;Y|T) instead (given.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "infomin/infomin.h"
#include "mi_estimate.h"

typedef struct {
    int resamples, spread_steps, plot, rows, given, crossfit;
    double ci;
} settings;

static const im_field mi_estimate_fields[] = {
    IM_INT(settings, resamples, "50", "half-samples for the interval of closed-form estimators (0: none)", ">=0"),
    IM_FLOAT(settings, ci, "0.9", "coverage of the reported interval", "0..1"),
    IM_INT(settings, crossfit, "0", "trained estimators: also the cross-fitted estimate over this many folds of "
           "every row and its interval (Student's t over the folds: holds the refits' spread; 0: none)",
           "0..100", .neutral = "0"),
    IM_INT(settings, spread_steps, "200", "last training steps whose per-batch estimates give the spread", ">=2"),
    IM_BOOL(settings, plot, "true", "write <output>.png: estimate vs step against the true MI (trained estimators)"),
    IM_ROWS_FIELD(settings, rows),
    IM_CHOICE(settings, given, "none", "estimate I(X;Y|T), the dataset's third variable T given (ksg: Frenzel-Pompe; "
              "other estimators: the chain rule I(X;[Y,T]) - I(X;T)), or I(X;Y)",
              "none|t", .neutral = "none"),
    IM_FIELDS_END,
};

/* mean, std and the 5-95% range of the training estimates logged in the
 * last `steps` steps */
static void training_spread(im_record *rec, const im_curve *train, int steps)
{
    int rows = im_curve_rows(train), n = 0;
    if (rows < 2) return;
    double last = im_curve_get(train, rows - 1, 0);
    while (n < rows && im_curve_get(train, rows - 1 - n, 0) > last - steps) n++;
    if (n < 2) n = rows < 2 ? rows : 2;
    double *v = malloc(sizeof(double) * (size_t)n), mean = 0, var = 0;
    if (!v) return;
    for (int i = 0; i < n; i++) mean += v[i] = im_curve_get(train, rows - n + i, 1);
    mean /= n;
    for (int i = 0; i < n; i++) var += (v[i] - mean) * (v[i] - mean);
    im_sort_doubles(v, n);
    im_record_num(rec, "train_mean", mean);
    im_record_num(rec, "train_std", sqrt(var / (n - 1)));
    im_record_num(rec, "train_q05", im_quantile_sorted(v, n, 0.05));
    im_record_num(rec, "train_q95", im_quantile_sorted(v, n, 0.95));
    free(v);
}

static im_status curve_plot(im_ctx *ctx, const im_config *cfg, im_record *rec, const char *name, const im_curve *train,
                            const im_curve *val, const im_dataset *ds)
{
    int nt = im_curve_rows(train), nv = im_curve_rows(val);
    double *buf = malloc(sizeof(double) * 2 * (size_t)(2 * nt + nv + 2));
    if (!buf) return im_fail(ctx, IM_ENOMEM, "mi-estimate: out of memory");
    double *tx = buf, *ty = tx + nt, *vx = ty + nt, *vy = vx + nv, *truth = vy + nv;
    for (int i = 0; i < nt; i++) tx[i] = im_curve_get(train, i, 0), ty[i] = im_curve_get(train, i, 1);
    for (int i = 0; i < nv; i++) vx[i] = im_curve_get(val, i, 0), vy[i] = im_curve_get(val, i, 1);
    for (int i = 0; i < nt; i++) truth[i] = ds->true_mi;
    im_series series[3] = { { .name = "training batches", .x = tx, .y = ty, .n = nt },
                            { .name = "validation", .x = vx, .y = vy, .n = nv, .markers = 1 },
                            { .name = "true MI", .x = tx, .y = truth, .n = nt, .dashed = 1 } };
    char path[4096], title[256];
    im_output_path(cfg, im_record_run(rec), ".png", path, sizeof path);
    snprintf(title, sizeof title, "%s on %s", name, ds->name);
    double top = ds->has_true_mi ? ds->true_mi : 0;
    for (int i = 0; i < nv; i++) top = vy[i] > top ? vy[i] : top;
    im_plot_spec spec = { .title = title, .x_label = "training step", .y_label = "estimate, nats", .y_min = -0.5,
                          .y_max = 1.3 * top + 0.5 };
    im_status st = im_plot_lines(ctx, path, &spec, series, ds->has_true_mi ? 3 : 2);
    if (!st) im_record_str(rec, "plot", path);
    free(buf);
    return st;
}

/* The estimate against the truth: into the record, and one line on stdout. */
static void report_estimate(const im_estimator *est, const im_dataset *ds, const im_mat *x, const char *rows,
                            double estimate, double fit_seconds, im_record *rec)
{
    const char *unit = im_unit_name(est->vt->unit);
    im_record_str(rec, "estimator", est->plugin->name);
    im_record_str(rec, "dataset", ds->name);
    im_record_str(rec, "bound", im_bound_name(est->vt->bound));
    im_record_str(rec, "unit", unit);
    im_record_num(rec, "estimate", estimate);
    im_record_num(rec, "n_train", ds->train.x.rows);
    im_record_num(rec, "n_test", ds->test.x.rows);
    im_record_num(rec, "n_read", x->rows);
    im_record_num(rec, "fit_seconds", fit_seconds);
    printf("%s on %s (%d %s): %.4f %s (%s)", est->plugin->name, ds->name, x->rows, rows, estimate, unit,
           est->vt->bound == IM_BOUND_ESTIMATE ? "estimate" : im_bound_name(est->vt->bound));
    if (ds->has_true_mi) {
        im_record_num(rec, "true_mi", ds->true_mi);
        if (est->vt->unit == IM_UNIT_NATS) {
            /* a relative error means nothing near independence */
            double rel = ds->true_mi > 1e-3 ? (estimate - ds->true_mi) / ds->true_mi : NAN;
            im_record_num(rec, "bias", estimate - ds->true_mi);   /* signed: the ablation table */
            im_record_num(rec, "abs_error", fabs(estimate - ds->true_mi));
            if (!isnan(rel)) im_record_num(rec, "rel_error", rel);
            if (isnan(rel))
                printf(", true MI %.4f nats, error %+.4f nats", ds->true_mi, estimate - ds->true_mi);
            else
                printf(", true MI %.4f nats, error %+.1f%%", ds->true_mi, 100 * rel);
        } else {
            printf(", true MI %.4f nats", ds->true_mi);
        }
    }
    printf("\n");
    const char *note = im_estimator_note(est);   /* auto's choice: before the interval re-reads halves */
    if (*note) {
        im_record_str(rec, "estimator_note", note);
        printf("  %s\n", note);
    }
}

/* crossfit = K: the estimator cross-fitted over K folds of every row
 * (im_estimator_crossfit) and its interval, beside the split's estimate. */
static im_status report_crossfit(im_ctx *ctx, const im_config *cfg, const settings *s, const im_dataset *ds,
                                 im_rng *rng, im_record *rec)
{
    im_mat x = { 0 }, y = { 0 };
    double est, lo, hi;
    im_status st = im_dataset_all_rows(ctx, ds, IM_ROLE_X, &x);
    if (!st) st = im_dataset_all_rows(ctx, ds, IM_ROLE_Y, &y);
    if (!st) st = im_estimator_crossfit(ctx, cfg, "estimator", &x, &y, s->crossfit, s->ci, rng, &est, &lo, &hi);
    if (!st) {
        im_record_num(rec, "crossfit_estimate", est);
        im_record_num(rec, "ci_low", lo);
        im_record_num(rec, "ci_high", hi);
        im_record_num(rec, "ci_level", s->ci);
        im_record_str(rec, "ci_method", "crossfit");
        im_record_num(rec, "crossfit_folds", s->crossfit);
        printf("  cross-fitted over %d folds of %d rows: %.4f, %g%% interval [%.4f, %.4f]\n", s->crossfit, x.rows, est,
               100 * s->ci, lo, hi);
    }
    im_mat_free(&x);
    im_mat_free(&y);
    return st;
}

/* How far the estimate may move: the spread of the last training batches
 * (and the training curve's plot) for trained estimators, a half-sampling
 * interval for closed-form ones. */
static im_status report_spread(im_ctx *ctx, const im_config *cfg, const settings *s, im_estimator *est,
                               const im_dataset *ds, const im_mat *x, const im_mat *y, double estimate, im_rng *rng,
                               im_record *rec)
{
    im_params *params = est->vt->params ? est->vt->params(est->self) : NULL;
    const im_curve *train = im_record_find_curve(rec, "train"), *val = im_record_find_curve(rec, "val");
    if (params && train) {
        training_spread(rec, train, s->spread_steps);
        double mean, sd;
        if (im_record_metric(rec, "train_mean", &mean) && im_record_metric(rec, "train_std", &sd))
            printf("  training batches of the last %d steps: %.4f ± %.4f\n", s->spread_steps, mean, sd);
        im_status st = s->crossfit ? report_crossfit(ctx, cfg, s, ds, rng, rec) : IM_OK;
        return !st && s->plot ? curve_plot(ctx, cfg, rec, est->plugin->name, train, val, ds) : st;
    }
    if (s->resamples <= 0 || x->rows < 8) return IM_OK;
    double lo, hi;
    im_status st = im_estimator_half_interval(ctx, est, x, y, s->resamples, s->ci, estimate, rng, &lo, &hi);
    if (!st) {
        im_record_num(rec, "ci_low", lo);
        im_record_num(rec, "ci_high", hi);
        im_record_num(rec, "ci_level", s->ci);
        im_record_str(rec, "ci_method", "half-sampling");
        printf("  %g%% half-sampling interval: [%.4f, %.4f]\n", 100 * s->ci, lo, hi);
    }
    return st;
}

static im_status mi_estimate_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_TRAINING_OPTIONAL);
    const im_dataset *ds = &t.ds;
    im_estimator *est = NULL;
    im_mat x = { 0 }, y = { 0 };   /* the rows the estimate reads */
    const char *rows = "";
    if (!st && s.given) {
        st = mi_estimate_given(&t, s.rows, s.resamples, s.ci, rec);
        im_task_close(&t);
        return st;
    }
    if (!st) st = im_estimator_new(ctx, cfg, "estimator", ds->train.x.cols, ds->train.y.cols, rng, &est);
    if (!st) st = im_task_estimator_rows(&t, est, s.rows, &x, &y, &rows);
    double estimate = NAN, t0 = im_seconds(), fit_seconds = 0;
    if (!st) st = im_estimator_fit(ctx, est, &ds->train.x, &ds->train.y, &ds->val.x, &ds->val.y, rec);
    fit_seconds = im_seconds() - t0;
    if (!st) st = im_estimator_estimate(ctx, est, &x, &y, &estimate);
    if (!st) {
        report_estimate(est, ds, &x, rows, estimate, fit_seconds, rec);
        st = report_spread(ctx, cfg, &s, est, ds, &x, &y, estimate, rng, rec);
    }
    im_mat_free(&x);
    im_mat_free(&y);
    im_estimator_free(est);
    im_task_close(&t);
    return st;
}

/* crossfit = 1 is refused with the configuration, before any run. */
static im_status mi_estimate_validate(im_ctx *ctx, const im_section *sec)
{
    return im_section_crossfit_folds(ctx, sec, "crossfit");
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "estimate", "true_mi", "rel_error", "ci_low", "ci_high", "train_mean", "train_std", "n_read",
    NULL
};

static const im_task_vt mi_estimate_vt = { IM_VT_SIZE(im_task_vt), .run = mi_estimate_run,
                                           .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin mi_estimate = IM_PLUGIN(IM_TASK, "mi-estimate",
                                       "fit an estimator on train, report I(X;Y) on test against the truth",
                                       NULL, &mi_estimate_vt, .fields = mi_estimate_fields,
                                       .validate = mi_estimate_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &mi_estimate, NULL };
