/* summary.c — after a sweep of the dgi task: probe accuracy per method
 * (mean ± sd over its runs), and <output>-pca.png: the 2-D PCA of the test
 * nodes' raw features, a random GCN's and DGI's embeddings (each method's
 * first run), coloured by community. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dgi.h"

#define MAX_GROUPS 16
#define MAX_CLASSES 16

/* A run's name: its method; runs that differ only in the seed pool. */
static const char *const method_key[] = { "task.method=", NULL };

static void method_of(const im_record *rec, char *buf, size_t size)
{
    snprintf(buf, size, "%s", im_record_text(rec, "method"));
}

static im_status draw_pca(im_ctx *ctx, const im_config *cfg, const im_run_group *groups, int n_groups)
{
    static const char *const order[] = { "raw", "random", "supervised", "dgi" };
    static const char *const titles[] = { "raw features", "random GCN", "supervised GCN", "DGI" };
    im_scatter_panel panels[4];
    im_series series[4][MAX_CLASSES];
    double *xy[4] = { 0 };
    char names[MAX_CLASSES][32];
    int n_panels = 0;
    im_status st = IM_OK;
    for (int c = 0; c < MAX_CLASSES; c++) snprintf(names[c], sizeof names[c], "community %d", c);
    for (int m = 0; m < 4 && !st; m++) {
        const im_record *rec = NULL;
        for (int i = 0; i < n_groups && !rec; i++)
            if (strcmp(im_record_text(groups[i].run[0], "method"), order[m]) == 0) rec = groups[i].run[0];
        const im_curve *c = rec ? im_record_find_curve(rec, "pca") : NULL;
        int rows = c ? im_curve_rows(c) : 0, classes = 0;
        if (!rows || !(xy[n_panels] = malloc(sizeof(double) * 2 * (size_t)rows))) continue;
        for (int r = 0; r < rows; r++) classes = fmax(classes, im_curve_get(c, r, 2) + 1);
        if (classes > MAX_CLASSES) classes = MAX_CLASSES;
        /* one series per community: its points packed together in xy */
        int at = 0;
        for (int k = 0; k < classes; k++) {
            int first = at;
            for (int r = 0; r < rows; r++)
                if ((int)im_curve_get(c, r, 2) == k) xy[n_panels][at] = im_curve_get(c, r, 0), xy[n_panels][rows + at++] = im_curve_get(c, r, 1);
            series[n_panels][k] = (im_series){ .name = names[k], .x = xy[n_panels] + first,
                                               .y = xy[n_panels] + rows + first, .n = at - first };
        }
        panels[n_panels] = (im_scatter_panel){ .title = titles[m], .series = series[n_panels], .n_series = classes };
        n_panels++;
    }
    if (n_panels) {
        char path[4096];
        im_output_path(cfg, -1, "-pca.png", path, sizeof path);
        st = im_plot_scatter(ctx, path, "test nodes, first two principal components in units of the first one's sd (each method's first run)", panels,
                             n_panels);
        if (!st) printf("PCA picture: %s\n", path);
    }
    for (int i = 0; i < 4; i++) free(xy[i]);
    return st;
}

im_status dgi_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    im_run_group groups[MAX_GROUPS];
    int n_groups = im_group_runs(recs, n, method_of, method_key, groups, MAX_GROUPS);
    if (!n_groups) return IM_OK;
    const im_run_group *random = NULL;
    for (int g = 0; g < n_groups && !random; g++)
        if (strcmp(im_record_text(groups[g].run[0], "method"), "random") == 0) random = &groups[g];
    printf("\nnode classification on the test nodes: logistic-regression probe on frozen embeddings "
           "(mean ± sd over runs)\n%-28s %4s %18s %26s %10s %9s\n", "method", "runs", "probe accuracy",
           "minus random, same seed", "own head", "s/run");
    for (int g = 0; g < n_groups; g++) {
        const im_run_group *gr = &groups[g];
        double mean, sd, head, head_sd, seconds = 0;
        for (int k = 0; k < gr->n; k++) seconds += im_record_value(gr->run[k], "train_seconds");
        char heads[24] = "-", gain[48] = "-";
        if (im_group_stat(gr, "head_accuracy", &head, &head_sd)) snprintf(heads, sizeof heads, "%.4f", head);
        im_paired d = { 0 };
        if (random && gr != random) im_group_paired(gr, random, "probe_accuracy", &d);
        if (d.pairs) snprintf(gain, sizeof gain, "%+.4f ± %.4f (%d/%d up)", d.mean, d.sd, d.up, d.pairs);
        im_group_stat(gr, "probe_accuracy", &mean, &sd);
        printf("%-28.28s %4d %10.4f ± %5.4f %26s %10s %9.1f\n", gr->key, gr->n, mean, sd, gain, heads,
               seconds / gr->n);
    }
    return draw_pca(ctx, &runs[0], groups, n_groups);
}
