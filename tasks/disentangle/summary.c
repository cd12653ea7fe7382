/* summary.c — after a sweep of the disentangle task: one row per setting
 * (its seeds pooled: mean ± sd) with reconstruction MSE, the adversary's
 * accuracy beside chance, ρ*(Z;T), the class probe and MIG; then per
 * penalty the β the sweep chooses: the least adversary accuracy among its
 * settings whose MSE is at most select_mse_ratio times none's. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "disentangle.h"

#define MAX_GROUPS 64

static const char *const pooled[] = IM_GROUP_PENALTY_KEYS;

static void print_table(const im_run_group *groups, int n)
{
    printf("\ndisentangle, test split (mean ± sd over seeds):\n");
    printf("%-26s %4s %20s %16s %6s %16s %16s %16s %7s\n", "setting", "runs", "MSE", "adversary acc", "chance",
           "rho*(Z;T)", "class acc", "MIG", "s/epoch");
    for (int i = 0; i < n; i++) {
        char a[5][48];
        double chance, spe, sd;
        im_group_stat(&groups[i], "adversary_chance", &chance, &sd);
        im_group_stat(&groups[i], "seconds_per_epoch", &spe, &sd);
        printf("%-26.26s %4d %20s %16s %6.3f %16s %16s %16s %7.1f\n", groups[i].key, groups[i].n,
               im_group_format(&groups[i], "mse", "%.5f", a[0], sizeof a[0]),
               im_group_format(&groups[i], "adversary_accuracy", "%.3f", a[1], sizeof a[1]), chance,
               im_group_format(&groups[i], "rho_star", "%.3f", a[2], sizeof a[2]),
               im_group_format(&groups[i], "class_accuracy", "%.3f", a[3], sizeof a[3]),
               im_group_format(&groups[i], "mig", "%.3f", a[4], sizeof a[4]), spe);
    }
}

static const char *penalty_of(const im_run_group *g) { return im_record_text(g->run[0], "penalty"); }

static void print_choices(const im_run_group *groups, int n, double ratio)
{
    double none_mse = NAN, sd, mse, acc;
    for (int i = 0; i < n && isnan(none_mse); i++)
        if (strcmp(penalty_of(&groups[i]), "none") == 0) im_group_stat(&groups[i], "mse", &none_mse, &sd);
    if (isnan(none_mse))
        printf("chosen beta per penalty (least adversary accuracy; no run without a penalty to bound the MSE):\n");
    else
        printf("chosen beta per penalty (least adversary accuracy with MSE <= %.3g x none's %.5f):\n", ratio, none_mse);
    for (int i = 0; i < n; i++) {
        const char *pen = penalty_of(&groups[i]);
        int first = strcmp(pen, "none") != 0;   /* each penalty once, at its first group */
        for (int j = 0; j < i && first; j++) first = strcmp(penalty_of(&groups[j]), pen) != 0;
        if (!first) continue;
        int members[MAX_GROUPS], k = 0;
        for (int j = i; j < n; j++)
            if (strcmp(penalty_of(&groups[j]), pen) == 0) members[k++] = j;
        int best = im_group_least(groups, members, k, "adversary_accuracy", "mse", -INFINITY,
                                  isnan(none_mse) ? INFINITY : ratio * none_mse);
        if (best < 0) {
            printf("  %-26s none of its settings keeps the MSE within that bound\n", pen);
            continue;
        }
        im_group_stat(&groups[best], "mse", &mse, &sd);
        im_group_stat(&groups[best], "adversary_accuracy", &acc, &sd);
        printf("  %-26s MSE %.5f, adversary accuracy %.3f\n", groups[best].key, mse, acc);
    }
}

im_status dt_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    if (n < 2) return IM_OK;
    im_run_group groups[MAX_GROUPS];
    int n_groups = im_group_runs(recs, n, im_group_penalty_name, pooled, groups, MAX_GROUPS);
    if (!n_groups) return IM_OK;
    dt_settings s;
    if (im_task_settings(ctx, &runs[0], &s)) return ctx->status;
    print_table(groups, n_groups);
    print_choices(groups, n_groups, s.select_mse_ratio);
    return IM_OK;
}
