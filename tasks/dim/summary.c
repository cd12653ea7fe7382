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

typedef struct {
    char label[64];
    int n;                       /* runs that finished */
    double sum[4], sq[4];        /* per metric of metric_keys */
    int count[4];
    double seconds;
    double epoch[MAX_EPOCHS];    /* the curve's rows: epoch (0: before training) */
    double curve[2][MAX_EPOCHS]; /* linear probe on code, on features: sums */
    int curve_n[2][MAX_EPOCHS], rows;
} group;

/* A run's name: its method; runs that differ only in the seed pool. */
static const char *const method_key[] = { "task.method=", NULL };

static void method_of(const im_record *rec, char *buf, size_t size)
{
    snprintf(buf, size, "%s", im_record_text(rec, "method"));
}

static group *find_group(group *groups, int *n, const char *label)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(groups[i].label, label) == 0) return &groups[i];
    if (*n == MAX_GROUPS) return NULL;
    group *g = &groups[(*n)++];
    memset(g, 0, sizeof *g);
    snprintf(g->label, sizeof g->label, "%s", label);
    return g;
}

static void add_run(group *g, const im_record *rec)
{
    g->n++;
    for (int m = 0; m < 4; m++) {
        double v;
        if (!im_record_metric(rec, metric_keys[m], &v)) continue;
        g->sum[m] += v;
        g->sq[m] += v * v;
        g->count[m]++;
    }
    double a, b;
    if (im_record_metric(rec, "train_seconds", &a) && im_record_metric(rec, "probe_seconds", &b)) g->seconds += a + b;
    const im_curve *c = im_record_find_curve(rec, "probe");
    for (int r = 0; c && r < im_curve_rows(c) && r < MAX_EPOCHS; r++) {
        g->epoch[r] = im_curve_get(c, r, 0);
        for (int set = 0; set < 2; set++) {
            double v = im_curve_get(c, r, 4 + set);
            if (!isfinite(v)) continue;
            g->curve[set][r] += v;
            g->curve_n[set][r]++;
        }
        if (r + 1 > g->rows) g->rows = r + 1;
    }
}

static void print_cell(const group *g, int m)
{
    if (!g->count[m]) {
        printf(" %15s", "—");
        return;
    }
    double mean = g->sum[m] / g->count[m];
    double var = g->count[m] > 1 ? (g->sq[m] - g->count[m] * mean * mean) / (g->count[m] - 1) : 0;
    printf("   %6.2f ± %4.2f", 100 * mean, 100 * sqrt(fmax(var, 0)));
}

/* Trained methods: a line per feature set through their epochs; untrained
 * ones (one row, epoch 0): a dashed level across the plot. */
static im_status plot_curves(im_ctx *ctx, const im_config *cfg, group *groups, int n_groups)
{
    im_series series[2 * MAX_GROUPS];
    double ys[2 * MAX_GROUPS][MAX_EPOCHS], level_x[2] = { 0, 1 };
    char names[2 * MAX_GROUPS][96];
    int n = 0;
    for (int i = 0; i < n_groups; i++)
        if (groups[i].rows > 1 && groups[i].epoch[groups[i].rows - 1] > level_x[1])
            level_x[1] = groups[i].epoch[groups[i].rows - 1];
    for (int i = 0; i < n_groups; i++) {
        group *g = &groups[i];
        for (int set = 0; set < 2 && g->rows; set++) {
            if (!g->curve_n[set][0]) continue;   /* raw pixels have no code */
            for (int r = 0; r < g->rows; r++) ys[n][r] = g->curve_n[set][r] ? g->curve[set][r] / g->curve_n[set][r] : NAN;
            const char *what = set ? (g->curve_n[0][0] ? "conv features" : "pixels") : "code";   /* no code: raw */
            snprintf(names[n], sizeof names[n], "%.60s: %s", g->label, what);
            if (g->rows > 1)
                series[n] = (im_series){ .name = names[n], .x = g->epoch, .y = ys[n], .n = g->rows, .markers = 1 };
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
    group groups[MAX_GROUPS];
    int n_groups = 0;
    double total = 0;
    for (int i = 0; i < n; i++) {
        if (!im_record_ok(recs[i]) || !im_record_text(recs[i], "method")) continue;
        char label[64];
        im_group_key(recs[i], method_of, method_key, label, sizeof label);
        group *g = find_group(groups, &n_groups, label);
        if (g) add_run(g, recs[i]);
    }
    if (!n_groups) return IM_OK;
    printf("\nprobe accuracy on the test split, %% (mean ± sd over runs)\n");
    printf("%-28s %4s %15s %15s %15s %15s %10s\n", "method", "runs", "linear: code", "MLP: code", "linear: features",
           "MLP: features", "s/run");
    for (int i = 0; i < n_groups; i++) {
        printf("%-28.28s %4d", groups[i].label, groups[i].n);
        for (int m = 0; m < 4; m++) print_cell(&groups[i], m);
        printf(" %10.0f\n", groups[i].seconds / groups[i].n);
        total += groups[i].seconds;
    }
    printf("features: the conv features (probe_features; raw: the pixels); wall time of the runs: %.0f s\n", total);
    return plot_curves(ctx, &runs[0], groups, n_groups);
}
