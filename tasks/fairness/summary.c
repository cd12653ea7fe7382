/* summary.c — after a sweep of the fairness task. Runs are pooled over
 * seeds (core im_group_runs): a table of mean ± sd per setting; utility
 * against leakage with error bars in both directions (<output>-tradeoff.png,
 * one line per penalty starting at the unpenalised point); and per penalty
 * the β the sweep chooses on the means, with the seeds' spread, beside
 * published figures when given. Means, because one seed's figures move with
 * the machine and the thread count (floating-point rounding that training
 * amplifies): a choice that flips with the seed is not a result. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fairness.h"

#define MAX_GROUPS 64
#define MAX_LINES 16

static const char *const pooled[] = IM_GROUP_PENALTY_KEYS;

static const char *penalty_of(const im_run_group *g)
{
    double beta = 0;
    im_record_metric(g->run[0], "beta", &beta);
    const char *pen = im_record_text(g->run[0], "penalty");
    return beta == 0 || !pen ? "none" : pen;
}

static double beta_of(const im_run_group *g)
{
    double beta = 0;
    im_record_metric(g->run[0], "beta", &beta);
    return beta;
}

/* the group's other swept keys: its key after the run's name ("" if none) */
static const char *extra_of(const im_run_group *g)
{
    char name[128];
    im_group_penalty_name(g->run[0], name, sizeof name);
    size_t len = strlen(name);
    return strncmp(g->key, name, len) == 0 ? g->key + len : g->key;
}

/* least and greatest value of a metric over the group's seeds */
static void spread(const im_run_group *g, const char *metric, double *lo, double *hi)
{
    *lo = INFINITY, *hi = -INFINITY;
    double v;
    for (int k = 0; k < g->n; k++)
        if (im_record_metric(g->run[k], metric, &v) && isfinite(v)) *lo = fmin(*lo, v), *hi = fmax(*hi, v);
}

/* The metrics this sweep has: accuracy (binary Y) or RMSE, and the
 * adversary's AUC (binary T) or R²; ΔDP only for a binary Y and T. */
typedef struct {
    const char *quality, *adversary;
    int classification, binary_t;
} metrics;

static void print_table(const im_run_group *groups, int n, const metrics *m)
{
    int w = 20;   /* the setting column: as wide as the longest name */
    for (int i = 0; i < n; i++) w = (int)strlen(groups[i].key) > w ? (int)strlen(groups[i].key) : w;
    printf("\nfairness, test split (mean ± sd over seeds):\n");
    int gaps = m->classification && m->binary_t;   /* ΔDP and ΔEO compare the groups' positive rates */
    printf("%-*s %4s %18s %18s %18s %18s %18s %8s\n", w, "setting", "runs", m->classification ? "accuracy" : "RMSE",
           gaps ? "delta DP" : "", gaps ? "delta EO" : "", m->binary_t ? "adversary AUC" : "adversary R2",
           "rho*(Z;T)", "s/epoch");
    for (int i = 0; i < n; i++) {
        char a[5][48];
        double spe, sd;
        im_group_stat(&groups[i], "seconds_per_epoch", &spe, &sd);
        printf("%-*s %4d %18s %18s %18s %18s %18s %8.2f\n", w, groups[i].key, groups[i].n,
               im_group_format(&groups[i], m->quality, "%.4f", a[0], sizeof a[0]),
               gaps ? im_group_format(&groups[i], "delta_dp", "%.4f", a[1], sizeof a[1]) : "",
               gaps ? im_group_format(&groups[i], "delta_eo", "%.4f", a[4], sizeof a[4]) : "",
               im_group_format(&groups[i], m->adversary, "%.4f", a[2], sizeof a[2]),
               im_group_format(&groups[i], "rho_star", "%.4f", a[3], sizeof a[3]), spe);
    }
}

/* One line of the plot: a penalty under one setting of the other swept
 * keys, its groups in order of β, after the unpenalised group of the same
 * setting (none_group, or -1). */
typedef struct {
    const char *penalty, *extra;
    int none_group, n, member[MAX_GROUPS];
} line;

static int collect_lines(const im_run_group *groups, int n, line *lines)
{
    int n_lines = 0;
    for (int i = 0; i < n; i++) {
        const char *pen = penalty_of(&groups[i]), *extra = extra_of(&groups[i]);
        if (strcmp(pen, "none") == 0) continue;
        int l = 0;
        while (l < n_lines && !(strcmp(lines[l].penalty, pen) == 0 && strcmp(lines[l].extra, extra) == 0)) l++;
        if (l == n_lines) {
            if (n_lines == MAX_LINES) continue;
            lines[n_lines++] = (line){ .penalty = pen, .extra = extra, .none_group = -1 };
        }
        int k = lines[l].n++;   /* insertion by β */
        while (k > 0 && beta_of(&groups[lines[l].member[k - 1]]) > beta_of(&groups[i])) {
            lines[l].member[k] = lines[l].member[k - 1];
            k--;
        }
        lines[l].member[k] = i;
    }
    for (int l = 0; l < n_lines; l++)
        for (int i = 0; i < n && lines[l].none_group < 0; i++)
            if (strcmp(penalty_of(&groups[i]), "none") == 0 && strcmp(extra_of(&groups[i]), lines[l].extra) == 0)
                lines[l].none_group = i;
    return n_lines;
}

/* Points of a line (or of the unpenalised runs alone): means and sd of
 * ρ* (x) and the quality (y), the β as tags; 5 arrays of MAX_GROUPS + 1. */
static int line_points(const im_run_group *groups, const line *ln, const metrics *m, double *buf)
{
    double *x = buf, *y = x + MAX_GROUPS + 1, *xe = y + MAX_GROUPS + 1, *ye = xe + MAX_GROUPS + 1;
    double *tag = ye + MAX_GROUPS + 1;
    int n = 0;
    for (int k = -1; k < ln->n; k++) {
        int g = k < 0 ? ln->none_group : ln->member[k];
        if (g < 0) continue;
        im_group_stat(&groups[g], "rho_star", &x[n], &xe[n]);
        im_group_stat(&groups[g], m->quality, &y[n], &ye[n]);
        tag[n++] = beta_of(&groups[g]);
    }
    return n;
}

static im_status plot_tradeoff(im_ctx *ctx, const im_config *cfg, const im_run_group *groups, int n_groups,
                               const line *lines, int n_lines, const metrics *m)
{
    enum { MAX_SERIES = 16 };   /* what im_plot_lines draws */
    line drawn[MAX_SERIES];
    int n_series = 0;
    for (int l = 0; l < n_lines && n_series < MAX_SERIES; l++) drawn[n_series++] = lines[l];
    for (int i = 0; i < n_groups && n_series < MAX_SERIES; i++)   /* the unpenalised point(s), named in the legend */
        if (strcmp(penalty_of(&groups[i]), "none") == 0)
            drawn[n_series++] = (line){ .penalty = "none", .extra = extra_of(&groups[i]), .none_group = i };
    double *buf = malloc(sizeof(double) * 5 * (MAX_GROUPS + 1) * (size_t)(n_series + 1));
    char (*names)[160] = malloc(sizeof *names * (size_t)(n_series + 1));
    im_series series[MAX_SERIES];
    im_status st = buf && names ? IM_OK : im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    for (int l = 0; !st && l < n_series; l++) {
        double *b = buf + (size_t)l * 5 * (MAX_GROUPS + 1);
        snprintf(names[l], sizeof names[l], "%s%s", drawn[l].penalty, drawn[l].extra);
        series[l] = (im_series){ .name = names[l], .x = b, .y = b + MAX_GROUPS + 1,
                                 .n = line_points(groups, &drawn[l], m, b), .x_err = b + 2 * (MAX_GROUPS + 1),
                                 .y_err = b + 3 * (MAX_GROUPS + 1), .tags = b + 4 * (MAX_GROUPS + 1), .markers = 1 };
    }
    char path[4096];
    im_output_path(cfg, -1, "-tradeoff.png", path, sizeof path);
    im_plot_spec spec = { .title = "utility against leakage (mean ± sd over seeds)",
                          .x_label = "rho*(Z;T) on test (lower is fairer)",
                          .y_label = m->classification ? "test accuracy" : "test RMSE of standardised Y (lower is better)",
                          .tag_prefix = "β=" };
    if (!st && n_series) st = im_plot_lines(ctx, path, &spec, series, n_series);
    if (!st && n_series) printf("trade-off plot: %s\n", path);
    free(buf);
    free(names);
    return st;
}

/* The value for `name` in the reference_rho list (1 if found). */
static int reference_value(const char *list, const char *name, double *out)
{
    const char *item;
    size_t len;
    double v;
    int r;
    while ((r = fairness_next_reference(&list, &item, &len, &v)) != 0)
        if (r > 0 && len == strlen(name) && strncmp(item, name, len) == 0) {
            *out = v;
            return 1;
        }
    return 0;
}

/* "0.823 ± 0.004 [0.819, 0.828]" */
static const char *with_spread(const im_run_group *g, const char *metric, char *buf, size_t size)
{
    double mean, sd, lo, hi;
    if (!im_group_stat(g, metric, &mean, &sd)) return "-";
    spread(g, metric, &lo, &hi);
    if (g->n > 1) snprintf(buf, size, "%.4f ± %.4f [%.4f, %.4f]", mean, sd, lo, hi);
    else snprintf(buf, size, "%.4f", mean);
    return buf;
}

static void print_choice(const im_run_group *g, const char *name, const metrics *m, const char *reference)
{
    char a[3][64];
    printf("  %-24s %s %s, rho* %s, %s %s", name, m->classification ? "accuracy" : "RMSE",
           with_spread(g, m->quality, a[0], sizeof a[0]), with_spread(g, "rho_star", a[1], sizeof a[1]),
           m->binary_t ? "AUC" : "R2", with_spread(g, m->adversary, a[2], sizeof a[2]));
    double published;
    if (reference_value(reference, penalty_of(g), &published)) printf(" (published rho* %.3f)", published);
    printf(" [%d seed%s]\n", g->n, g->n == 1 ? "" : "s");
}

/* Per line, the β a sweep chooses on the seeds' means: the lowest ρ*(Z;T)
 * among its settings with mean test accuracy >= select_accuracy
 * (regression: among all its settings, the RMSE printed beside it). */
static im_status print_choices(im_ctx *ctx, const im_config *cfg, const im_run_group *groups, int n_groups,
                               const line *lines, int n_lines, const metrics *m)
{
    fairness_settings s;
    if (im_task_settings(ctx, cfg, &s)) return ctx->status;
    double floor_acc = s.select_accuracy;
    const char *reference = s.reference_rho;
    if (m->classification)
        printf("chosen beta per penalty (lowest mean rho*(Z;T) with mean accuracy >= %.3g; mean ± sd [least, "
               "greatest] over seeds):\n", floor_acc);
    else
        printf("chosen beta per penalty (lowest mean rho*(Z;T); mean ± sd [least, greatest] over seeds):\n");
    for (int i = 0; i < n_groups; i++)
        if (strcmp(penalty_of(&groups[i]), "none") == 0) print_choice(&groups[i], groups[i].key, m, reference);
    for (int l = 0; l < n_lines; l++) {
        int best = im_group_least(groups, lines[l].member, lines[l].n, "rho_star", m->quality,
                                  m->classification ? floor_acc : -INFINITY, INFINITY);
        if (best < 0) printf("  %s%s: none of its settings reaches that accuracy\n", lines[l].penalty, lines[l].extra);
        else print_choice(&groups[best], groups[best].key, m, reference);
    }
    return IM_OK;
}

im_status fairness_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    if (n < 2) return IM_OK;
    im_run_group *groups = malloc(sizeof *groups * MAX_GROUPS);
    if (!groups) return im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    int n_groups = im_group_runs(recs, n, im_group_penalty_name, pooled, groups, MAX_GROUPS);
    double mean, sd;
    int has_accuracy = 0, has_auc = 0;
    for (int i = 0; i < n_groups; i++) {
        has_accuracy |= im_group_stat(&groups[i], "accuracy", &mean, &sd) > 0;
        has_auc |= im_group_stat(&groups[i], "adversary_auc", &mean, &sd) > 0;
    }
    metrics m = { has_accuracy ? "accuracy" : "rmse", has_auc ? "adversary_auc" : "adversary_r2", has_accuracy, has_auc };
    line lines[MAX_LINES];
    int n_lines = collect_lines(groups, n_groups, lines);
    im_status st = IM_OK;
    if (n_groups) {
        print_table(groups, n_groups, &m);
        st = plot_tradeoff(ctx, &runs[0], groups, n_groups, lines, n_lines, &m);
        if (!st) st = print_choices(ctx, &runs[0], groups, n_groups, lines, n_lines, &m);
    }
    free(groups);
    return st;
}
