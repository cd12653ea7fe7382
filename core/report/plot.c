/* plot.c — line plots through PLplot's pngcairo driver.
 * PLplot keeps global state per stream; each plot is one stream, created and
 * ended here, on the calling thread. */
#include <errno.h>
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/plot.h"
#include "infomin/output.h"
#include "plot_page.h"

#define MAX_SERIES 16

/* The colour-map index of series s: 1..14, then 16 and 17 — index 15 is
 * the black of axes and legend text (the page's cmap0 holds 18). */
static int series_colour(int s) { return s < 14 ? 1 + s : 2 + s; }

/* The frame: every finite point, with a 5% margin in y, and in x too when
 * points are drawn (a marker on the frame would be cut in half). */
static void data_range(const im_series *series, int n_series, double *x0, double *x1, double *y0, double *y1)
{
    *x0 = *y0 = INFINITY;
    *x1 = *y1 = -INFINITY;
    int markers = 0;
    for (int s = 0; s < n_series; s++)
        for (int i = 0; i < series[s].n; i++) {
            if (!isfinite(series[s].y[i]) || !isfinite(series[s].x[i])) continue;
            markers |= series[s].markers || series[s].n == 1;
            double err = series[s].y_err && isfinite(series[s].y_err[i]) ? fabs(series[s].y_err[i]) : 0;
            double xerr = series[s].x_err && isfinite(series[s].x_err[i]) ? fabs(series[s].x_err[i]) : 0;
            *x0 = fmin(*x0, series[s].x[i] - xerr);
            *x1 = fmax(*x1, series[s].x[i] + xerr);
            *y0 = fmin(*y0, series[s].y[i] - err);
            *y1 = fmax(*y1, series[s].y[i] + err);
        }
    if (!isfinite(*x0)) *x0 = 0, *x1 = 1, *y0 = 0, *y1 = 1;
    if (*x1 <= *x0) *x1 = *x0 + 1;
    double pad = (*y1 - *y0) * 0.05;
    if (pad <= 0) pad = 0.5;
    *y0 -= pad;
    *y1 += pad;
    if (markers) {
        double xpad = (*x1 - *x0) * 0.05;
        *x0 -= xpad;
        *x1 += xpad;
    }
}

/* draw one series as runs of finite points */
static void draw_series(const im_series *s)
{
    PLFLT *x = malloc(sizeof(PLFLT) * (size_t)(s->n > 0 ? s->n : 1)), *y = malloc(sizeof(PLFLT) * (size_t)(s->n > 0 ? s->n : 1));
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    int run = 0;
    for (int i = 0; i <= s->n; i++) {
        int ok = i < s->n && isfinite(s->x[i]) && isfinite(s->y[i]);
        if (ok) {
            x[run] = s->x[i];
            y[run] = s->y[i];
            run++;
        }
        if ((!ok || i == s->n) && run) {
            if (run > 1) plline(run, x, y);
            if (s->markers || run == 1) plpoin(run, x, y, 17);
            run = 0;
        }
    }
    free(x);
    free(y);
}

/* y ± y_err and x ± x_err at each point with a finite error */
static void draw_errors(const im_series *s)
{
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(s->y[i])) continue;
        PLFLT x = s->x[i], y = s->y[i];
        if (s->y_err && isfinite(s->y_err[i]) && s->y_err[i] > 0) {
            PLFLT lo = y - fabs(s->y_err[i]), hi = y + fabs(s->y_err[i]);
            plerry(1, &x, &lo, &hi);
        }
        if (s->x_err && isfinite(s->x_err[i]) && s->x_err[i] > 0) {
            PLFLT lo = x - fabs(s->x_err[i]), hi = x + fabs(s->x_err[i]);
            plerrx(1, &lo, &hi, &y);
        }
    }
}

/* The tags already written, as boxes in fractions of the frame: a tag that
 * would overprint one of them is left out (the table beside a plot has
 * every number; a pile of overprinted tags reads as none). */
typedef struct {
    double x0[256], x1[256], y0[256], y1[256];
    int n;
} tag_boxes;

/* each point's tag, just above it, unless it would overprint another */
static void draw_tags(const im_series *s, const char *prefix, double x_lo, double x_span, double y_lo, double y_span,
                      tag_boxes *placed)
{
    if (!s->tags) return;
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(s->y[i]) || !isfinite(s->tags[i])) continue;   /* NaN: no tag */
        char text[64];
        snprintf(text, sizeof text, "%s%g", prefix ? prefix : "", s->tags[i]);
        /* about 1.2% of the frame's width a character at the tags' size */
        double cx = (s->x[i] - x_lo) / x_span, cy = (s->y[i] - y_lo) / y_span + 0.02, half = 0.006 * strlen(text);
        /* centred over the point, or ending (starting) at it near the
         * frame's right (left) edge, which would cut it */
        double just = cx + half > 0.99 ? 1 : (cx - half < 0.01 ? 0 : 0.5);
        double left = cx - 2 * half * just, right = left + 2 * half;
        int clash = 0;
        for (int k = 0; k < placed->n && !clash; k++)
            clash = left < placed->x1[k] && right > placed->x0[k] && cy < placed->y1[k] && cy + 0.035 > placed->y0[k];
        if (clash) continue;
        if (placed->n < 256) {
            int k = placed->n++;
            placed->x0[k] = left, placed->x1[k] = right, placed->y0[k] = cy, placed->y1[k] = cy + 0.035;
        }
        plptex(s->x[i], s->y[i] + 0.02 * y_span, 1, 0, just, text);
    }
}

im_status im_plot_lines(im_ctx *ctx, const char *path, const im_plot_spec *spec, const im_series *series, int n_series)
{
    if (n_series > MAX_SERIES) n_series = MAX_SERIES;
    char tmp[4096];
    double x0, x1, y0, y1;
    data_range(series, n_series, &x0, &x1, &y0, &y1);
    /* whole-number x (epochs, levels) over a short range: a tick per unit,
     * not PLplot's half steps (an "epoch 0.5" a reader would look for) */
    int whole = 1;
    for (int s = 0; s < n_series && whole; s++)
        for (int i = 0; i < series[s].n && whole; i++) whole = !isfinite(series[s].x[i]) || series[s].x[i] == floor(series[s].x[i]);
    double x_tick = whole && x1 - x0 <= 12 ? 1 : 0;
    if (spec->y_max > spec->y_min) y0 = spec->y_min, y1 = spec->y_max;
    for (int s = 0; s < n_series; s++)   /* room for the tags above the top points */
        if (series[s].tags) {
            y1 += 0.04 * (y1 - y0);
            break;
        }
    im_status st = im_plot_page_open(ctx, path, spec->width ? spec->width : 900, spec->height ? spec->height : 600,
                                     tmp, sizeof tmp);
    if (st) return st;
    /* the frame leaves the right of the page to the legend: its sample line
     * and the longest name (~0.0085 of the page a character at its size) */
    size_t longest = 0;
    for (int s = 0; s < n_series; s++)
        if (series[s].name && strlen(series[s].name) > longest) longest = strlen(series[s].name);
    double right = fmin(0.80, fmax(0.55, 0.93 - (0.08 + 0.0085 * (double)longest)));
    pladv(0);
    plvpor(0.10, right, 0.12, 0.90);
    plwind(x0, x1, y0, y1);
    plscol0(14, 200, 200, 200);   /* a light grid under black axes */
    plcol0(14);
    plbox("g", x_tick, 0, "g", 0, 0);
    plcol0(15);
    plbox("bcnst", x_tick, 0, "bcnstv", 0, 0);
    pllab(spec->x_label, spec->y_label, spec->title);
    plssym(0, 1.4);   /* markers a person can see */
    int outside = 0;   /* a fixed y range hides points: say how many */
    for (int s = 0; s < n_series; s++)
        for (int i = 0; i < series[s].n; i++)
            outside += isfinite(series[s].y[i]) && (series[s].y[i] < y0 || series[s].y[i] > y1);
    if (outside) {
        char note[96];
        snprintf(note, sizeof note, "%d point%s outside the y range not shown", outside, outside == 1 ? "" : "s");
        plschr(0, 0.7);
        plmtex("t", 0.6, 1.0, 1.0, note);
        plschr(0, 1.0);
    }
    /* 16 colours a reader can tell apart: no two lines of a plot share one */
    static const int palette[MAX_SERIES][3] = { { 31, 119, 180 }, { 214, 39, 40 }, { 44, 160, 44 }, { 255, 127, 14 },
                                                { 148, 103, 189 }, { 140, 86, 75 }, { 227, 119, 194 }, { 127, 127, 127 },
                                                { 188, 189, 34 }, { 23, 190, 207 }, { 0, 0, 0 }, { 0, 0, 128 },
                                                { 128, 0, 0 }, { 0, 128, 128 }, { 128, 128, 0 }, { 255, 215, 0 } };
    tag_boxes placed = { .n = 0 };
    PLINT opts[MAX_SERIES], colors[MAX_SERIES], styles[MAX_SERIES], text_colors[MAX_SERIES];
    PLFLT widths[MAX_SERIES], symbol_scales[MAX_SERIES];
    PLINT symbol_numbers[MAX_SERIES];
    const char *names[MAX_SERIES], *symbols[MAX_SERIES];
    for (int s = 0; s < n_series; s++) {
        const int *rgb = palette[s];
        plscol0(series_colour(s), rgb[0], rgb[1], rgb[2]);
        plcol0(series_colour(s));
        pllsty(series[s].dashed ? 2 : 1);
        plwidth(series[s].dashed ? 2.0 : 1.5);
        draw_series(&series[s]);
        pllsty(1);
        draw_errors(&series[s]);
        /* the legend shows what the plot draws: a line when some line
         * has two points, a marker when points are marked */
        int finite = 0;
        for (int i = 0; i < series[s].n; i++) finite += isfinite(series[s].x[i]) && isfinite(series[s].y[i]);
        int points = series[s].markers || finite <= 1;
        opts[s] = (finite > 1 ? PL_LEGEND_LINE : 0) | (points ? PL_LEGEND_SYMBOL : 0);
        symbols[s] = "•";
        symbol_scales[s] = 1.4;
        symbol_numbers[s] = 1;
        colors[s] = series_colour(s);
        styles[s] = series[s].dashed ? 2 : 1;
        widths[s] = 2.0;
        text_colors[s] = 15;
        names[s] = series[s].name;
    }
    /* the tags over every line, so that no later line hides one */
    plschr(0, 0.7);
    for (int s = 0; s < n_series; s++) {
        plcol0(series_colour(s));
        draw_tags(&series[s], spec->tag_prefix, x0, x1 - x0, y0, y1 - y0, &placed);
    }
    plschr(0, 1.0);
    pllsty(1);
    PLFLT legend_w, legend_h;
    pllegend(&legend_w, &legend_h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE,
             0.02, 0.0, 0.05, 0, 15, 1, 0, 0, n_series, opts, 0.8, 0.75, 1.8, 0.0, text_colors,
             names, NULL, NULL, NULL, NULL, colors, styles, widths, colors, symbol_scales, symbol_numbers, symbols);
    return im_plot_page_close(ctx, tmp, path);
}

im_status im_plot_page_open(im_ctx *ctx, const char *path, int width, int height, char *tmp, size_t tmp_size)
{
    char geometry[64];
    snprintf(tmp, tmp_size, "%s.tmp.%ld.png", path, (long)getpid());
    snprintf(geometry, sizeof geometry, "%dx%d", width, height);
    im_status st = im_mkdir_parents(ctx, path);
    if (st) return st;
    FILE *probe = fopen(tmp, "wb");
    if (!probe) return im_fail(ctx, IM_EIO, "%s: cannot write the plot: %s", tmp, strerror(errno));
    fclose(probe);
    plsstrm(0);
    plsdev("pngcairo");
    plsfnam(tmp);
    plsetopt("geometry", geometry);
    plscolbg(255, 255, 255);
    plinit();
    plscmap0n(18);          /* 16 series colours beside the black of index 15 (series_colour) */
    plscol0(15, 0, 0, 0);   /* black axes on white */
    plcol0(15);
    return IM_OK;
}

/* A whole PNG ends with its IEND chunk: PLplot does not say when the disk
 * filled up under it, and the picture is then cut short. */
static int png_complete(const char *path)
{
    unsigned char tail[12];
    FILE *f = fopen(path, "rb");
    int ok = f && fseek(f, -12, SEEK_END) == 0 && fread(tail, 1, 12, f) == 12 && memcmp(tail + 4, "IEND", 4) == 0;
    if (f) fclose(f);
    return ok;
}

im_status im_plot_page_close(im_ctx *ctx, const char *tmp, const char *path)
{
    plend1();
    if (!png_complete(tmp)) {
        unlink(tmp);
        return im_fail(ctx, IM_EIO, "%s: the plot was written short (is the disk full?)", path);
    }
    if (rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return im_fail(ctx, IM_EIO, "%s: cannot write the plot: %s", path, strerror(err));
    }
    return IM_OK;
}
