/* summary.c — after a sweep of the fairness task: utility against leakage,
 * one line per penalty (<output>-tradeoff.png), and per penalty the beta the
 * sweep would choose, beside published figures when given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fairness.h"

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

/* Per penalty, the beta a sweep chooses: the lowest rho*(Z;T) among its runs
 * with test accuracy >= select_accuracy (regression: among all its runs, the
 * RMSE printed beside it). */
static im_status print_choices(im_ctx *ctx, const im_config *cfg, const im_series *series, double (*betas)[256],
                               int n_lines, int classification)
{
    im_section sec;
    double floor_acc;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &sec);
    if (!st) st = im_section_float(ctx, &sec, "select_accuracy", &floor_acc);
    if (st) return st;
    const char *reference;
    st = im_section_string(ctx, &sec, "reference_rho", &reference);
    if (st) return st;
    if (classification)
        printf("chosen beta per penalty (lowest rho*(Z;T) with accuracy >= %.3g):\n", floor_acc);
    else
        printf("chosen beta per penalty (lowest rho*(Z;T)):\n");
    for (int l = 0; l < n_lines; l++) {
        int best = -1;
        for (int k = 0; k < series[l].n; k++)
            if ((!classification || series[l].y[k] >= floor_acc) && (best < 0 || series[l].x[k] < series[l].x[best]))
                best = k;
        if (best < 0) {
            printf("  %-10s none of its runs reaches that accuracy\n", series[l].name);
            continue;
        }
        printf("  %-10s beta %-8g %s %.4f  rho* %.4f", series[l].name, betas[l][best], classification ? "accuracy" : "RMSE",
               series[l].y[best], series[l].x[best]);
        double published;
        if (reference_value(reference, series[l].name, &published)) printf("  (published %.3f)", published);
        printf("\n");
    }
    return IM_OK;
}

/* accuracy (or −RMSE) against ρ*(Z;T), one line per penalty, ordered by β */
im_status fairness_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    if (n < 2) return IM_OK;
    enum { MAX_LINES = 16 };
    const char *names[MAX_LINES];
    int n_lines = 0;
    double *xs = malloc(sizeof(double) * 2 * (size_t)n * MAX_LINES), *ys = xs ? xs + (size_t)n * MAX_LINES : NULL;
    int counts[MAX_LINES] = { 0 };
    double betas[MAX_LINES][256];
    if (!xs) return im_fail(ctx, IM_ENOMEM, "out of memory");
    const char *quality_key = "accuracy";
    for (int i = 0; i < n; i++) {
        double q, rho, beta;
        const char *pen = im_record_text(recs[i], "penalty");
        if (!im_record_ok(recs[i]) || !pen || !im_record_metric(recs[i], "rho_star", &rho) ||
            !im_record_metric(recs[i], "beta", &beta))
            continue;
        if (!im_record_metric(recs[i], "accuracy", &q)) {
            if (!im_record_metric(recs[i], "rmse", &q)) continue;
            quality_key = "rmse";
        }
        int line = 0;
        while (line < n_lines && strcmp(names[line], pen) != 0) line++;
        if (line == n_lines) {
            if (n_lines == MAX_LINES) continue;
            names[n_lines++] = pen;
        }
        int dup = 0;   /* one point per beta: cells sharing a record (beta 0 under each penalty) */
        for (int j = 0; j < counts[line] && j < 256; j++) dup |= betas[line][j] == beta;
        if (dup) continue;
        int k = counts[line]++;   /* insertion by beta */
        if (k >= 256) continue;
        while (k > 0 && betas[line][k - 1] > beta) {
            betas[line][k] = betas[line][k - 1];
            xs[(size_t)line * n + k] = xs[(size_t)line * n + k - 1];
            ys[(size_t)line * n + k] = ys[(size_t)line * n + k - 1];
            k--;
        }
        betas[line][k] = beta;
        xs[(size_t)line * n + k] = rho;
        ys[(size_t)line * n + k] = q;
    }
    im_series series[MAX_LINES];
    for (int l = 0; l < n_lines; l++)
        series[l] = (im_series){ .name = names[l], .x = xs + (size_t)l * n, .y = ys + (size_t)l * n,
                                 .n = counts[l] < 256 ? counts[l] : 256, .markers = 1, .tags = betas[l] };
    char path[4096];
    im_output_path(&runs[0], -1, "-tradeoff.png", path, sizeof path);
    im_plot_spec spec = { .title = "utility against leakage (one point per beta)",
                          .x_label = "rho*(Z;T) on test (lower is fairer)",
                          .y_label = strcmp(quality_key, "rmse") == 0 ? "test RMSE of standardised Y (lower is better)" : "test accuracy",
                          .tag_prefix = "β=" };
    im_status st = n_lines ? im_plot_lines(ctx, path, &spec, series, n_lines) : IM_OK;
    if (!st && n_lines) printf("trade-off plot: %s\n", path);
    if (!st) st = print_choices(ctx, &runs[0], series, betas, n_lines, strcmp(quality_key, "accuracy") == 0);
    free(xs);
    return st;
}

