/* summary.c — after a sweep of the domain-adapt task: one row per setting
 * (seeds pooled: mean ± sd) with source and target accuracy, the target
 * gain over source-only on the same seeds, the domain classifier's
 * accuracy beside chance and ρ*; then per penalty the β the sweep chooses
 * without reading a target label: the least domain accuracy among its
 * settings whose source accuracy is at most select_source_drop below
 * none's. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "domain_adapt.h"

#define MAX_GROUPS 64

/* "source-only", "none", "slice beta=0.3" */
static void run_name(const im_record *rec, char *buf, size_t size)
{
    const char *method = im_record_text(rec, "method");
    if (method && strcmp(method, "source-only") == 0) snprintf(buf, size, "source-only");
    else im_group_penalty_name(rec, buf, size);
}

static const char *const pooled[] = { "task.beta=", "estimator.plugin=", "task.method=", NULL };

static const im_run_group *named(const im_run_group *groups, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(groups[i].key, name) == 0) return &groups[i];
    return NULL;
}

/* "0.8512 ± 0.0040" (one run: "0.8512"), or "-" without values */
static const char *mean_sd(const im_run_group *g, const char *metric, char *buf, size_t size)
{
    double mean, sd;
    int n = im_group_stat(g, metric, &mean, &sd);
    if (!n) return "-";
    snprintf(buf, size, n > 1 ? "%.4f ± %.4f" : "%.4f", mean, sd);
    return buf;
}

static void print_table(const im_run_group *groups, int n)
{
    const im_run_group *base = named(groups, n, "source-only");
    printf("\ndomain-adapt, test split (mean ± sd over seeds; gain: target accuracy minus source-only's, same seed):\n");
    printf("%-22s %4s %17s %17s %26s %17s %6s %7s %7s\n", "setting", "runs", "source acc", "target acc",
           "target gain", "domain acc", "chance", "rho*", "s/epoch");
    for (int i = 0; i < n; i++) {
        const im_run_group *g = &groups[i];
        char a[3][40], gain[48] = "-";
        double chance, rho, spe, sd;
        im_group_stat(g, "domain_chance", &chance, &sd);
        im_group_stat(g, "rho_star", &rho, &sd);
        im_group_stat(g, "seconds_per_epoch", &spe, &sd);
        im_paired d = { 0 };
        if (base && g != base) im_group_paired(g, base, "target_accuracy", &d);
        if (d.pairs) snprintf(gain, sizeof gain, "%+.4f ± %.4f (%d/%d up)", d.mean, d.sd, d.up, d.pairs);
        printf("%-22.22s %4d %17s %17s %26s %17s %6.3f %7.3f %7.1f\n", g->key, g->n,
               mean_sd(g, "source_accuracy", a[0], sizeof a[0]), mean_sd(g, "target_accuracy", a[1], sizeof a[1]),
               gain, mean_sd(g, "domain_accuracy", a[2], sizeof a[2]), chance, rho, spe);
    }
}

static const char *penalty_of(const im_run_group *g)
{
    const char *method = im_record_text(g->run[0], "method");
    return method && strcmp(method, "source-only") == 0 ? "source-only" : im_record_text(g->run[0], "penalty");
}

static void print_choices(const im_run_group *groups, int n, double drop)
{
    const im_run_group *none = named(groups, n, "none");
    double floor = -INFINITY, v, sd, dom, tgt;
    if (none && im_group_stat(none, "source_accuracy", &v, &sd)) floor = v - drop;
    if (isinf(floor))
        printf("chosen beta per penalty (least domain accuracy; no `none` run to bound the source accuracy):\n");
    else
        printf("chosen beta per penalty (least domain accuracy with source accuracy >= none's - %.3g = %.4f):\n", drop,
               floor);
    for (int i = 0; i < n; i++) {
        const char *pen = penalty_of(&groups[i]);
        int first = strcmp(pen, "none") != 0 && strcmp(pen, "source-only") != 0;
        for (int j = 0; j < i && first; j++) first = strcmp(penalty_of(&groups[j]), pen) != 0;
        if (!first) continue;
        int members[MAX_GROUPS], k = 0;
        for (int j = i; j < n; j++)
            if (strcmp(penalty_of(&groups[j]), pen) == 0) members[k++] = j;
        int best = im_group_least(groups, members, k, "domain_accuracy", "source_accuracy", floor, INFINITY);
        if (best < 0) {
            printf("  %-22s none of its settings keeps the source accuracy\n", pen);
            continue;
        }
        im_group_stat(&groups[best], "domain_accuracy", &dom, &sd);
        im_group_stat(&groups[best], "target_accuracy", &tgt, &sd);
        printf("  %-22s domain accuracy %.3f, target accuracy %.4f ± %.4f\n", groups[best].key, dom, tgt, sd);
    }
}

im_status da_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    if (n < 2) return IM_OK;
    im_run_group groups[MAX_GROUPS];
    int n_groups = im_group_runs(recs, n, run_name, pooled, groups, MAX_GROUPS);
    if (!n_groups) return IM_OK;
    da_settings s;
    if (im_task_settings(ctx, &runs[0], &s)) return ctx->status;
    print_table(groups, n_groups);
    print_choices(groups, n_groups, s.select_source_drop);
    return IM_OK;
}
