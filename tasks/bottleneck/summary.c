/* summary.c — after a sweep of the bottleneck task: one row per
 * configuration (its runs over seeds pooled: mean ± sd) with test error,
 * Î(X;Z) between its bounds and Î(Z;Y); and <output>-plane.png, the
 * information plane: Î(X;Z) (lower bound) against Î(Z;Y), one line per
 * configuration through its epochs (its first run), the lower bound's
 * ceiling log m drawn dashed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bottleneck.h"

#define MAX_GROUPS 32
#define N_METRICS 6

static const char *const metric_keys[N_METRICS] = { "test_error", "ixz_lower", "ixz_upper", "izy", "seconds_per_epoch",
                                                    "penalty" };

#define MAX_SEEDS 64

typedef struct {
    char key[384], name[96];
    int n;
    char seeds[MAX_SEEDS][24];   /* one run per seed: a repeat (none at two betas) counts once */
    double sum[N_METRICS], sq[N_METRICS];
    int count[N_METRICS];
    const im_record *first;
} group;

/* "none", "vib beta=0.001", "mine beta=0.01 (noise code)" */
static void display_name(const im_record *rec, char *buf, size_t size)
{
    const char *reg = im_record_text(rec, "regularizer"), *code = im_record_text(rec, "code");
    double beta = 0;
    im_record_metric(rec, "beta", &beta);
    int n = snprintf(buf, size, "%s", reg ? reg : "?");
    if (reg && strcmp(reg, "none") != 0 && n >= 0 && (size_t)n < size) n += snprintf(buf + n, size - n, " beta=%g", beta);
    if (code && strcmp(code, "gaussian") != 0 && strcmp(code, "deterministic") != 0 && n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - n, " (%s code)", code);
}

static group *find_group(group *groups, int *n, const char *key)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(groups[i].key, key) == 0) return &groups[i];
    if (*n == MAX_GROUPS) return NULL;
    group *g = &groups[(*n)++];
    memset(g, 0, sizeof *g);
    snprintf(g->key, sizeof g->key, "%s", key);
    return g;
}

static void add_run(group *g, const im_record *rec, const char *name)
{
    const char *seed = im_record_config_value(rec, "task", "seed");
    if (!seed) seed = "1";   /* the default */
    for (int i = 0; i < g->n && i < MAX_SEEDS; i++)
        if (strcmp(g->seeds[i], seed) == 0) return;
    if (g->n < MAX_SEEDS) snprintf(g->seeds[g->n], sizeof g->seeds[0], "%s", seed);
    if (!g->n++) {
        g->first = rec;
        snprintf(g->name, sizeof g->name, "%s", name);
    }
    for (int m = 0; m < N_METRICS; m++) {
        double v;
        if (!im_record_metric(rec, metric_keys[m], &v) || !isfinite(v)) continue;
        g->sum[m] += v, g->sq[m] += v * v, g->count[m]++;
    }
}

static void mean_sd(const group *g, int m, double *mean, double *sd)
{
    int n = g->count[m];
    *mean = n ? g->sum[m] / n : NAN;
    *sd = n > 1 ? sqrt(fmax(0, (g->sq[m] - n * *mean * *mean) / (n - 1))) : 0;
}

static void print_table(const group *groups, int n_groups)
{
    printf("\nbottleneck, test split (mean ± sd over runs; I in nats):\n");
    printf("%-32s %4s %16s %24s %16s %9s %8s\n", "regularizer", "runs", "error, %", "I(X;Z) lower .. upper",
           "I(Z;Y) >=", "penalty", "s/epoch");
    for (int i = 0; i < n_groups; i++) {
        const group *g = &groups[i];
        double m[N_METRICS], sd[N_METRICS];
        for (int k = 0; k < N_METRICS; k++) mean_sd(g, k, &m[k], &sd[k]);
        char upper[16], penalty[16] = "-";
        if (g->count[5]) snprintf(penalty, sizeof penalty, "%.3g", m[5]);
        if (g->count[2]) snprintf(upper, sizeof upper, fabs(m[2]) < 1e4 ? "%.2f" : "%.3g", m[2]);
        else snprintf(upper, sizeof upper, "inf");
        char izy[32];   /* a diverged run's cross-entropy runs to thousands: its digits, not a wide column */
        snprintf(izy, sizeof izy, fabs(m[3]) < 1e3 ? "%.3f ± %.3f" : "%.3g ± %.3g", m[3], sd[3]);
        printf("%-32.32s %4d %9.2f ± %4.2f %12.2f .. %-9s %16s %9s %8.1f\n", g->name, g->n, 100 * m[0], 100 * sd[0],
               m[1], upper, izy, penalty, m[4]);
    }
    double log_m = NAN;
    if (n_groups) im_record_metric(groups[0].first, "info_rows_log", &log_m);
    printf("I(X;Z): the Gaussian-channel bounds on %.0f test images (the lower one at most log m = %.2f; a "
           "deterministic code sits at log m, its upper bound infinite); penalty: the regularizer's own figure on the "
           "training batches of the last epoch (vib: KL to N(0, I); an estimator: its I(X;Z))\n", exp(log_m), log_m);
}

static im_status plot_plane(im_ctx *ctx, const im_config *cfg, const group *groups, int n_groups)
{
    im_series series[MAX_GROUPS + 1];
    double *xy[MAX_GROUPS] = { 0 };
    int n = 0;
    double y_lo = INFINITY, y_hi = -INFINITY;
    im_status st = IM_OK;
    for (int i = 0; i < n_groups && !st; i++) {
        const im_curve *c = im_record_find_curve(groups[i].first, "epochs");
        int rows = c ? im_curve_rows(c) : 0;
        if (!rows) continue;
        if (!(xy[n] = malloc(sizeof(double) * 2 * (size_t)rows))) {
            st = im_fail(ctx, IM_ENOMEM, "bottleneck: out of memory");
            break;
        }
        for (int r = 0; r < rows; r++) {
            xy[n][r] = im_curve_get(c, r, 4);
            xy[n][rows + r] = im_curve_get(c, r, 6);
            if (isfinite(xy[n][rows + r])) y_lo = fmin(y_lo, xy[n][rows + r]), y_hi = fmax(y_hi, xy[n][rows + r]);
        }
        series[n] = (im_series){ .name = groups[i].name, .x = xy[n], .y = xy[n] + rows, .n = rows, .markers = 1 };
        n++;
    }
    /* a diverged run (its cross-entropy in the thousands) would flatten
     * every other line: the y range stops half a nat below 0, and the
     * plot says how many points it leaves out */
    if (y_lo < -0.5) y_lo = -0.5;
    double log_m, ceil_x[2], ceil_y[2] = { y_lo, y_hi };
    if (!st && n && im_record_metric(groups[0].first, "info_rows_log", &log_m)) {
        ceil_x[0] = ceil_x[1] = log_m;
        series[n++] = (im_series){ .name = "log m: the ceiling of the lower bound", .x = ceil_x, .y = ceil_y, .n = 2,
                                   .dashed = 1 };
    }
    if (!st && n) {
        char path[4096];
        im_output_path(cfg, -1, "-plane.png", path, sizeof path);
        im_plot_spec spec = { .title = "Information plane (test split; a point per epoch)",
                              .x_label = "I(X;Z), nats (Gaussian-channel lower bound)",
                              .y_label = "I(Z;Y), nats (H(Y) - cross-entropy)", .width = 1200, .height = 650,
                              .y_min = y_lo, .y_max = y_hi + 0.05 * (y_hi - y_lo) };
        st = im_plot_lines(ctx, path, &spec, series, n);
        if (!st) printf("information plane: %s\n", path);
    }
    for (int i = 0; i < MAX_GROUPS; i++) free(xy[i]);
    return st;
}

im_status bn_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    group groups[MAX_GROUPS];
    int n_groups = 0;
    for (int i = 0; i < n; i++) {
        if (!im_record_ok(recs[i]) || !im_record_text(recs[i], "regularizer")) continue;
        /* swept keys the display name stands for, or that runs pool over */
        static const char *const named[] = { "task.beta=", "task.regularizer=", "task.code=", "estimator.plugin=", NULL };
        char name[96], key[384];
        display_name(recs[i], name, sizeof name);
        im_group_key(recs[i], display_name, named, key, sizeof key);
        group *g = find_group(groups, &n_groups, key);
        if (g) add_run(g, recs[i], name);
    }
    if (!n_groups) return IM_OK;
    print_table(groups, n_groups);
    return plot_plane(ctx, &runs[0], groups, n_groups);
}
