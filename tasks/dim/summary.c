/* summary.c — after a sweep of the dim task: one table of probe accuracy
 * per method, mean ± sd over its runs (seeds), and <output>-probe.png, the
 * per-epoch linear probe of every trained method beside the untrained
 * baselines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dim.h"

#define MAX_GROUPS 16
#define MAX_EPOCHS 256

static const char *const metric_keys[4] = { "linear_code", "mlp_code", "linear_features", "mlp_features" };

/* A run's name: its method; runs that differ only in the seed pool. */
static const char *const method_key[] = { "task.method=", NULL };

static void method_of(const im_record *rec, char *buf, size_t size)
{
    snprintf(buf, size, "%s", im_record_text(rec, "method"));
}

static void print_cell(const im_run_group *g, const char *metric)
{
    double mean, sd;
    if (!im_group_stat(g, metric, &mean, &sd)) printf(" %15s", "—");
    else printf("   %6.2f ± %4.2f", 100 * mean, 100 * sd);
}

/* The group's mean linear-probe curve on the code (set 0) or the features
 * (set 1) into y, its epochs into x; the number of rows. */
static int mean_curve(const im_run_group *g, int set, double *x, double *y)
{
    int rows = 0, count[MAX_EPOCHS] = { 0 };
    for (int k = 0; k < g->n; k++) {
        const im_curve *c = im_record_find_curve(g->run[k], "probe");
        for (int r = 0; c && r < im_curve_rows(c) && r < MAX_EPOCHS; r++) {
            if (r >= rows) x[r] = im_curve_get(c, r, 0), y[r] = 0, rows = r + 1;
            double v = im_curve_get(c, r, 4 + set);
            if (isfinite(v)) y[r] += v, count[r]++;
        }
    }
    for (int r = 0; r < rows; r++) y[r] = count[r] ? y[r] / count[r] : NAN;
    return rows && count[0] ? rows : 0;   /* raw pixels have no code */
}

/* Trained methods: a line per feature set through their epochs; untrained
 * ones (one row, epoch 0): a dashed level across the plot. */
static im_status plot_curves(im_ctx *ctx, const im_config *cfg, const im_run_group *groups, int n_groups)
{
    im_series series[2 * MAX_GROUPS];
    double xs[2 * MAX_GROUPS][MAX_EPOCHS], ys[2 * MAX_GROUPS][MAX_EPOCHS], level_x[2] = { 0, 1 };
    char names[2 * MAX_GROUPS][96];
    int n = 0;
    for (int i = 0; i < n_groups; i++) {
        double x[MAX_EPOCHS], y[MAX_EPOCHS];
        int rows = mean_curve(&groups[i], 1, x, y);
        if (rows > 1 && x[rows - 1] > level_x[1]) level_x[1] = x[rows - 1];
    }
    for (int i = 0; i < n_groups; i++) {
        int has_code = mean_curve(&groups[i], 0, xs[n], ys[n]) > 0;
        for (int set = 0; set < 2; set++) {
            int rows = mean_curve(&groups[i], set, xs[n], ys[n]);
            if (!rows) continue;
            const char *what = set ? (has_code ? "conv features" : "pixels") : "code";   /* no code: raw */
            snprintf(names[n], sizeof names[n], "%.60s: %s", groups[i].key, what);
            if (rows > 1)
                series[n] = (im_series){ .name = names[n], .x = xs[n], .y = ys[n], .n = rows, .markers = 1 };
            else {
                ys[n][1] = ys[n][0];
                series[n] = (im_series){ .name = names[n], .x = level_x, .y = ys[n], .n = 2, .dashed = 1 };
            }
            n++;
        }
    }
    if (!n) return IM_OK;
    char path[1024];
    im_output_path(cfg, -1, "-probe.png", path, sizeof path);
    im_plot_spec spec = { .title = "Linear probe per epoch (mean over seeds)",
                          .x_label = "epoch (0: before training)", .y_label = "test accuracy (fraction)" };
    im_status st = im_plot_lines(ctx, path, &spec, series, n);
    if (!st) printf("probe curves: %s\n", path);
    return st;
}

im_status dim_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    im_run_group groups[MAX_GROUPS];
    int n_groups = im_group_runs(recs, n, method_of, method_key, groups, MAX_GROUPS);
    if (!n_groups) return IM_OK;
    double total = 0;
    printf("\nprobe accuracy on the test split, %% (mean ± sd over runs)\n");
    printf("%-28s %4s %15s %15s %15s %15s %10s\n", "method", "runs", "linear: code", "MLP: code", "linear: features",
           "MLP: features", "s/run");
    for (int i = 0; i < n_groups; i++) {
        const im_run_group *g = &groups[i];
        double seconds = 0;
        for (int k = 0; k < g->n; k++)
            seconds += im_record_value(g->run[k], "train_seconds") + im_record_value(g->run[k], "probe_seconds");
        printf("%-28.28s %4d", g->key, g->n);
        for (int m = 0; m < 4; m++) print_cell(g, metric_keys[m]);
        printf(" %10.0f\n", seconds / g->n);
        total += seconds;
    }
    printf("features: the conv features (probe_features; raw: the pixels); wall time of the runs: %.0f s\n", total);
    return plot_curves(ctx, &runs[0], groups, n_groups);
}
