/* metrics.c — how generated samples cover the modes of the data, for the
 * gan and bigan tasks: a mode's centre is the mean of its class in the
 * test split (Y = the mode), its radius radius_sd times the within-class
 * standard deviation pooled over modes and coordinates (3σ = 0.15 for the
 * 25 Gaussians); the counting itself is core/stats/modes.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gan.h"

/* Mode centres (class means of the test split) and the pooled within-class
 * sd; centres is k x dim. */
static im_status mode_centres(im_ctx *ctx, const im_split *test, int k, double *centres, double *sd)
{
    int dim = test->x.cols, *count = calloc((size_t)k, sizeof(int));
    if (!count) return im_fail(ctx, IM_ENOMEM, "gan: out of memory");
    memset(centres, 0, sizeof(double) * (size_t)k * dim);
    for (int r = 0; r < test->x.rows; r++) {
        int c = (int)im_mat_row(&test->y, r)[0];
        count[c]++;
        for (int j = 0; j < dim; j++) centres[(size_t)c * dim + j] += im_mat_row(&test->x, r)[j];
    }
    im_status st = IM_OK;
    for (int c = 0; c < k && !st; c++) {
        if (count[c] < 2)
            st = im_fail(ctx, IM_EINVAL, "gan: mode %d has %d test samples: its centre and spread need at least 2 "
                         "(give more test rows)", c, count[c]);
        for (int j = 0; j < dim; j++) centres[(size_t)c * dim + j] /= count[c] ? count[c] : 1;
    }
    double ss = 0;
    for (int r = 0; r < test->x.rows; r++) {
        int c = (int)im_mat_row(&test->y, r)[0];
        for (int j = 0; j < dim; j++) {
            double d = im_mat_row(&test->x, r)[j] - centres[(size_t)c * dim + j];
            ss += d * d;
        }
    }
    *sd = sqrt(ss / ((double)(test->x.rows - k) * dim));
    free(count);
    return st;
}

/* The first two coordinates of up to n rows as a curve (x, y[, code]). */
static void keep_points(im_record *rec, const char *name, const im_mat *m, const int *codes, int n)
{
    static const char *const cols[] = { "x", "y", "code" };
    im_curve *c = im_record_curve(rec, name, codes ? 3 : 2, cols);
    for (int r = 0; r < n && r < m->rows; r++)
        im_curve_add(c, (double[]){ im_mat_row(m, r)[0], im_mat_row(m, r)[1], codes ? codes[r] : 0 });
}

/* How far the code names the mode, over the high-quality samples (within
 * radius of their nearest centre): I(c; mode) of their plug-in
 * frequencies (nats; log k when each code lands on a mode of its own) and
 * the purity, the share of them on their code's most frequent mode. */
static im_status code_mode_agreement(im_ctx *ctx, const double *centres, int k, int dim, double radius,
                                     const double *samples, const int *codes, int n, im_record *rec)
{
    int *c = malloc(sizeof(int) * (size_t)n), *mode = malloc(sizeof(int) * (size_t)n);
    int *table = calloc((size_t)k * (size_t)k, sizeof(int)), m = 0;
    im_status st = c && mode && table ? IM_OK : im_fail(ctx, IM_ENOMEM, "gan: out of memory");
    for (int i = 0; i < n && !st; i++) {
        int best = 0;
        double best_d = INFINITY;
        for (int j = 0; j < k; j++) {
            double d = 0;
            for (int a = 0; a < dim; a++) {
                double e = samples[(size_t)i * dim + a] - centres[(size_t)j * dim + a];
                d += e * e;
            }
            if (d < best_d) best_d = d, best = j;
        }
        if (sqrt(best_d) > radius || codes[i] < 0 || codes[i] >= k) continue;
        c[m] = codes[i], mode[m] = best, m++;
        table[codes[i] * k + best]++;
    }
    double mi = NAN;
    if (!st && m > 0) st = im_symbol_mi(ctx, c, k, mode, k, m, 0, &mi);
    if (!st && m > 0) {
        int agree = 0;
        for (int a = 0; a < k; a++) {
            int top = 0;
            for (int b = 0; b < k; b++) top = table[a * k + b] > top ? table[a * k + b] : top;
            agree += top;
        }
        im_record_num(rec, "code_mode_mi", mi);
        im_record_num(rec, "code_purity", (double)agree / m);
        printf("  the code names the mode: I(c; mode) %.3f of log %d = %.3f nats, purity %.1f%%\n", mi, k, log(k),
               100.0 * agree / m);
    }
    free(c);
    free(mode);
    free(table);
    return st;
}

im_status gan_score_samples(im_ctx *ctx, const gan_settings *s, const im_dataset *ds, const im_mat *gen,
                            const int *codes, im_record *rec)
{
    int k = ds->y_classes, dim = gen->cols, n = gen->rows;
    double *centres = malloc(sizeof(double) * (size_t)k * dim), *samples = im_mat_to_double(gen), sd = 0;
    int *counts = malloc(sizeof(int) * (size_t)k);
    im_status st = centres && counts && samples ? IM_OK : im_fail(ctx, IM_ENOMEM, "gan: out of memory");
    if (!st) st = mode_centres(ctx, &ds->test, k, centres, &sd);
    im_mode_stats ms;
    if (!st) st = im_mode_coverage(ctx, centres, k, dim, s->radius_sd * sd, samples, n, s->mode_share, counts, &ms);
    if (!st) {
        im_record_num(rec, "modes_captured", ms.captured);
        im_record_num(rec, "modes", k);
        im_record_num(rec, "high_quality", ms.quality);
        im_record_num(rec, "reverse_kl", ms.reverse_kl);
        im_record_num(rec, "mode_radius", s->radius_sd * sd);
        printf("%s, mine_beta %g: %d of %d modes captured, %.1f%% high-quality samples, reverse KL %.3f nats\n",
               ds->name, s->mine_beta, ms.captured, k, 100 * ms.quality, ms.reverse_kl);
        if (codes) st = code_mode_agreement(ctx, centres, k, dim, s->radius_sd * sd, samples, codes, n, rec);
        if (dim >= 2 && s->plot_samples > 0) {
            keep_points(rec, "samples", gen, codes, s->plot_samples);
            keep_points(rec, "real", &ds->test.x, NULL, s->plot_samples);
        }
    }
    free(centres);
    free(samples);
    free(counts);
    return st;
}
