/* summary.c — after a sweep of the gan or bigan task: per mine_beta, the
 * mean ± sd over its runs (seeds) of the modes captured, the high-quality
 * share, the reverse KL (and bigan's reconstruction error); and
 * <output>-samples.png: real samples, then the first run of each beta's
 * generated ones, side by side on one scale. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gan.h"

#define MAX_BETAS 16

typedef struct {
    double beta;
    int n;
    double sum[4], sum2[4];   /* modes captured, high-quality share, reverse KL, reconstruction */
    const im_record *first;
} beta_group;

static void mean_sd(const beta_group *b, int i, double *mean, double *sd)
{
    *mean = b->sum[i] / b->n;
    *sd = b->n > 1 ? sqrt(fmax(0, (b->sum2[i] - b->n * *mean * *mean) / (b->n - 1))) : 0;
}

/* a curve's first two columns as x and y arrays (malloc'd, 2n doubles) */
static double *curve_points(const im_record *rec, const char *name, int *n)
{
    const im_curve *c = rec ? im_record_find_curve(rec, name) : NULL;
    *n = c ? im_curve_rows(c) : 0;
    double *xy = *n ? malloc(sizeof(double) * 2 * (size_t)*n) : NULL;
    if (!xy) {
        *n = 0;
        return NULL;
    }
    for (int i = 0; i < *n; i++) xy[i] = im_curve_get(c, i, 0), xy[*n + i] = im_curve_get(c, i, 1);
    return xy;
}

static im_status draw_samples(im_ctx *ctx, const im_config *cfg, const beta_group *groups, int n_groups)
{
    im_scatter_panel panels[MAX_BETAS + 1];
    im_series series[MAX_BETAS + 1][2];
    double *points[MAX_BETAS + 1] = { 0 };
    char titles[MAX_BETAS + 1][64];
    int n_panels = 0, n;
    points[0] = curve_points(groups[0].first, "real", &n);
    if (!points[0]) return IM_OK;   /* no points kept (plot_samples = 0 or not 2-D) */
    im_series real = { .name = "real samples (grey)", .x = points[0], .y = points[0] + n, .n = n };
    series[0][0] = real;
    panels[n_panels++] = (im_scatter_panel){ .title = "data", .series = series[0], .n_series = 1 };
    for (int b = 0; b < n_groups; b++) {
        points[b + 1] = curve_points(groups[b].first, "samples", &n);
        if (!points[b + 1]) continue;
        snprintf(titles[b + 1], sizeof titles[b + 1], groups[b].beta > 0 ? "MINE, beta = %g" : "vanilla, beta = %g",
                 groups[b].beta);
        series[b + 1][0] = real;   /* under the generated points: where the modes are */
        series[b + 1][1] = (im_series){ .name = "generated samples (blue)", .x = points[b + 1], .y = points[b + 1] + n,
                                        .n = n };
        panels[n_panels++] = (im_scatter_panel){ .title = titles[b + 1], .series = series[b + 1], .n_series = 2 };
    }
    char path[4096];
    im_output_path(cfg, -1, "-samples.png", path, sizeof path);
    im_status st = im_plot_scatter(ctx, path, "generated samples (each beta's first run)", panels, n_panels);
    if (!st) printf("samples: %s\n", path);
    for (int i = 0; i <= n_groups; i++) free(points[i]);
    return st;
}

im_status gan_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    beta_group groups[MAX_BETAS];
    int n_groups = 0;
    for (int i = 0; i < n; i++) {
        double beta, v[4];
        if (!im_record_ok(recs[i]) || !im_record_metric(recs[i], "mine_beta", &beta) ||
            !im_record_metric(recs[i], "modes_captured", &v[0]) || !im_record_metric(recs[i], "high_quality", &v[1]) ||
            !im_record_metric(recs[i], "reverse_kl", &v[2]))
            continue;
        int g = 0;
        while (g < n_groups && groups[g].beta != beta) g++;
        if (g == n_groups) {
            if (n_groups == MAX_BETAS) continue;
            groups[n_groups++] = (beta_group){ .beta = beta, .first = recs[i] };
        }
        groups[g].n++;
        if (!im_record_metric(recs[i], "reconstruction", &v[3])) v[3] = NAN;   /* gan: none */
        for (int k = 0; k < 4; k++) groups[g].sum[k] += v[k], groups[g].sum2[k] += v[k] * v[k];
    }
    if (!n_groups) return IM_OK;
    double modes = 0;
    im_record_metric(groups[0].first, "modes", &modes);
    int recon = !isnan(groups[0].sum[3]);
    printf("\nper mine_beta, mean ± sd over runs (%g modes):\n%-10s %4s %18s %22s %18s%s\n", modes, "mine_beta", "runs",
           "modes captured", "high-quality share", "reverse KL, nats", recon ? "   |x - G(E(x))|" : "");
    for (int g = 0; g < n_groups; g++) {
        double m[4], sd[4];
        for (int k = 0; k < 4; k++) mean_sd(&groups[g], k, &m[k], &sd[k]);
        printf("%-10g %4d %10.2f ± %5.2f %14.3f ± %5.3f %10.3f ± %5.3f", groups[g].beta, groups[g].n, m[0], sd[0], m[1],
               sd[1], m[2], sd[2]);
        if (recon) printf(" %8.4f ± %6.4f", m[3], sd[3]);
        printf("\n");
    }
    return draw_samples(ctx, &runs[0], groups, n_groups);
}
