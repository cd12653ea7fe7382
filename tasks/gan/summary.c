/* summary.c — after a sweep of the gan or bigan task: per method (the
 * losses, the MI term and its weight, and any other swept setting but the
 * seed), the mean ± sd over its seeds of the modes captured, the
 * high-quality share, the reverse KL and how well the code names the mode
 * (bigan: the reconstruction error); and <output>-samples.png: real
 * samples, then the first run of each method's generated ones, side by
 * side on one scale. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gan.h"

#define MAX_GROUPS 128   /* the table's */
#define MAX_PANELS 8     /* the picture's */

/* A run's method: the losses (vanilla, or f-GAN's divergence) and the MI
 * term with its weight, from the run's configuration (records before 0.6
 * name no divergence: the standard losses). */
static void method_of(const im_record *rec, char *buf, size_t size)
{
    const char *d = im_record_config_value(rec, "task", "divergence");
    const char *term = im_record_config_value(rec, "estimator", "plugin");   /* absent: no term */
    double beta = 0;
    im_record_metric(rec, "mine_beta", &beta);
    int fgan = d && strcmp(d, "gan") != 0;
    size_t used = (size_t)snprintf(buf, size, "%s%s", fgan ? "f-GAN " : (beta > 0 ? "" : "vanilla"), fgan ? d : "");
    if (beta > 0 && used < size)
        snprintf(buf + used, size - used, "%s%s beta=%g", fgan ? " + " : "",
                 !term || strcmp(term, "mine") == 0 ? "MINE" : strcmp(term, "ba") == 0 ? "InfoGAN (ba)" : term, beta);
}

/* what a method's name stands for: grouped runs differ in nothing else but the seed */
static const char *const method_keys[] = { "task.mine_beta=", "task.divergence=", "estimator.plugin=", NULL };

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

/* real samples, then each group's first run (the first MAX_PANELS groups) */
static im_status draw_samples(im_ctx *ctx, const im_config *cfg, const im_run_group *groups, int n_groups)
{
    im_scatter_panel panels[MAX_PANELS + 1];
    im_series series[MAX_PANELS + 1][2];
    double *points[MAX_PANELS + 1] = { 0 };
    char titles[MAX_PANELS + 1][96];
    int n_panels = 0, n, shown = n_groups < MAX_PANELS ? n_groups : MAX_PANELS;
    points[0] = curve_points(groups[0].run[0], "real", &n);
    if (!points[0]) return IM_OK;   /* no points kept (plot_samples = 0 or not 2-D) */
    im_series real = { .name = "real samples (grey)", .x = points[0], .y = points[0] + n, .n = n };
    series[0][0] = real;
    panels[n_panels++] = (im_scatter_panel){ .title = "data", .series = series[0], .n_series = 1 };
    for (int b = 0; b < shown; b++) {
        points[b + 1] = curve_points(groups[b].run[0], "samples", &n);
        if (!points[b + 1]) continue;
        /* the method and its other settings, without their sections' names */
        const char *k = groups[b].key;
        size_t used = 0;
        while (*k && used + 1 < sizeof titles[b + 1]) {
            if (strncmp(k, "task.", 5) == 0) k += 5;
            titles[b + 1][used++] = *k++;
        }
        titles[b + 1][used] = '\0';
        series[b + 1][0] = real;   /* under the generated points: where the modes are */
        series[b + 1][1] = (im_series){ .name = "generated samples (blue)", .x = points[b + 1], .y = points[b + 1] + n,
                                        .n = n };
        panels[n_panels++] = (im_scatter_panel){ .title = titles[b + 1], .series = series[b + 1], .n_series = 2 };
    }
    char path[4096];
    im_output_path(cfg, -1, "-samples.png", path, sizeof path);
    im_status st = im_plot_scatter(ctx, path, "generated samples (each method's first run)", panels, n_panels);
    if (!st) printf("samples: %s\n", path);
    for (int i = 0; i <= shown; i++) free(points[i]);
    return st;
}

im_status gan_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    im_run_group *groups = malloc(sizeof *groups * MAX_GROUPS);
    if (!groups) return im_fail(ctx, IM_ENOMEM, "gan: out of memory");
    int n_groups = im_group_runs(recs, n, method_of, method_keys, groups, MAX_GROUPS);
    if (!n_groups) {
        free(groups);
        return IM_OK;
    }
    double modes = 0, v;
    im_record_metric(groups[0].run[0], "modes", &modes);
    int recon = im_record_metric(groups[0].run[0], "reconstruction", &v);
    printf("\nper method, mean ± sd over seeds (%g modes):\n%-40s %4s %16s %20s %18s %18s\n", modes, "method", "runs",
           "modes captured", "high-quality share", "reverse KL, nats", recon ? "|x - G(E(x))|" : "I(c; mode), nats");
    for (int g = 0; g < n_groups; g++) {
        char a[4][48];
        printf("%-40s %4d %16s %20s %18s %18s\n", groups[g].key, groups[g].n,
               im_group_format(&groups[g], "modes_captured", "%.2f", a[0], sizeof a[0]),
               im_group_format(&groups[g], "high_quality", "%.3f", a[1], sizeof a[1]),
               im_group_format(&groups[g], "reverse_kl", "%.3f", a[2], sizeof a[2]),
               im_group_format(&groups[g], recon ? "reconstruction" : "code_mode_mi", recon ? "%.4f" : "%.3f", a[3],
                               sizeof a[3]));
    }
    im_status st = draw_samples(ctx, &runs[0], groups, n_groups);
    free(groups);
    return st;
}
