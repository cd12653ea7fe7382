/* heatmap.c — a table of coloured cells as a PNG (PLplot, pngcairo): the
 * benchmark's tasks x estimators, say. Sized from the table: a row of
 * 22 px, a column of 100 px, the row names' width on the left; text at a
 * fixed size (PLplot's default grows with the page). */
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include <string.h>
#include "infomin/plot.h"
#include "plot_page.h"

#define ROW_PX 22
#define COL_PX 100
#define TEXT_MM 3.2    /* character height in mm (PLplot scales it with the page: measured, not derived) */
#define CHAR_PX 6.5    /* the width a character of that height takes, generously (measured on the PNG) */

/* A diverging palette in colour map 1: blue (0), white (0.5), red (1). */
static void diverging_palette(void)
{
    PLFLT pos[3] = { 0, 0.5, 1 }, r[3] = { 0.13, 1, 0.80 }, g[3] = { 0.40, 1, 0.10 }, b[3] = { 0.75, 1, 0.12 };
    plscmap1n(256);
    plscmap1l(1, 3, pos, r, g, b, NULL);
}

/* the value's place on the palette: v_center at 0.5, each side scaled alone */
static double palette_position(const im_heatmap *h, double v)
{
    if (v <= h->v_center) return 0.5 * fmax(0, (v - h->v_min) / (h->v_center - h->v_min));
    return 0.5 + 0.5 * fmin(1, (v - h->v_center) / (h->v_max - h->v_center));
}

static void fill_box(double x0, double y0, double x1, double y1)
{
    PLFLT x[4] = { x0, x1, x1, x0 }, y[4] = { y0, y0, y1, y1 };
    plfill(4, x, y);
}

static void outline_box(double x0, double y0, double x1, double y1)
{
    PLFLT x[5] = { x0, x1, x1, x0, x0 }, y[5] = { y0, y0, y1, y1, y0 };
    plline(5, x, y);
}

/* Row r is drawn at y from rows − r − 1 to rows − r (row 0 on top). */
static void draw_cells(const im_heatmap *h)
{
    plscol0(14, 190, 190, 190);
    for (int r = 0; r < h->rows; r++)
        for (int c = 0; c < h->cols; c++) {
            double v = h->value[r * h->cols + c], y0 = h->rows - r - 1;
            if (isnan(v)) {
                plcol0(14);
            } else {
                plcol1(palette_position(h, v));
            }
            fill_box(c, y0, c + 1, y0 + 1);
            double t = h->text ? h->text[r * h->cols + c] : NAN;
            if (!isnan(t)) {
                char s[32];
                snprintf(s, sizeof s, "%.2f", t);
                plcol0(15);
                plptex(c + 0.5, y0 + 0.5, 1, 0, 0.5, s);
            }
        }
    plcol0(15);
    plwidth(0.5);
    for (int c = 0; c <= h->cols; c++) pljoin(c, 0, c, h->rows);
    for (int r = 0; r <= h->rows; r++) pljoin(0, r, h->cols, r);
    plwidth(2.0);
    for (int r = 0; h->mark && r < h->rows; r++)
        for (int c = 0; c < h->cols; c++)
            if (h->mark[r * h->cols + c]) {
                double y0 = h->rows - r - 1;
                outline_box(c + 0.04, y0 + 0.08, c + 0.96, y0 + 0.92);
            }
    plwidth(1.0);
}

/* Outside the viewport, where plptex would be clipped: plmtex. A column
 * name is split at its first space over two lines ("ksg" over
 * "input=copula"). */
static void draw_names(const im_heatmap *h)
{
    plcol0(15);
    for (int r = 0; r < h->rows; r++) plmtex("lv", 0.6, (h->rows - r - 0.5) / h->rows, 1.0, h->row_names[r]);
    for (int c = 0; c < h->cols; c++) {
        char first[128];
        snprintf(first, sizeof first, "%s", h->col_names[c]);
        char *space = strchr(first, ' ');
        if (space) *space = '\0';
        double pos = (c + 0.5) / h->cols;
        plmtex("t", space ? 2.0 : 0.7, pos, 0.5, first);
        if (space) plmtex("t", 0.7, pos, 0.5, space + 1);
    }
}

/* A vertical bar right of the table, the palette from v_min to v_max. */
static void draw_colour_bar(const im_heatmap *h, double left, double right)
{
    int steps = 64;
    plvpor(left, right, 0.25, 0.75);
    plwind(0, 1, h->v_min, h->v_max);
    for (int i = 0; i < steps; i++) {
        double a = h->v_min + (h->v_max - h->v_min) * i / steps, b = h->v_min + (h->v_max - h->v_min) * (i + 1) / steps;
        plcol1(palette_position(h, 0.5 * (a + b)));
        fill_box(0, a, 1, b);
    }
    plcol0(15);
    outline_box(0, h->v_min, 1, h->v_max);
    for (int i = 0; i < h->n_ticks; i++) {
        pljoin(0.7, h->ticks[i], 1, h->ticks[i]);
        plmtex("rv", 0.5, (h->ticks[i] - h->v_min) / (h->v_max - h->v_min), 0, h->tick_names[i]);
    }
    /* from the bar's left edge rightwards: centred under the narrow bar it
     * reached back over the table's last column */
    if (h->scale_label) plmtex("b", 2.5, 0.0, 0.0, h->scale_label);
}

im_status im_plot_heatmap(im_ctx *ctx, const char *path, const im_heatmap *h)
{
    size_t longest = 8;
    for (int r = 0; r < h->rows; r++)
        if (strlen(h->row_names[r]) > longest) longest = strlen(h->row_names[r]);
    int label_px = 20 + (int)(CHAR_PX * (double)longest), bar_px = 170;
    int width = label_px + COL_PX * h->cols + bar_px, height = 165 + ROW_PX * h->rows;
    /* a table of few columns is narrower than its title and note: the page
     * widens to them (the note was cut at both edges at four columns) */
    int title_px = 40 + (int)(1.3 * CHAR_PX * (double)strlen(h->title ? h->title : ""));
    int note_px = 40 + (int)(CHAR_PX * (double)(h->note ? strlen(h->note) : 0));
    if (title_px > width) width = title_px;
    if (note_px > width) width = note_px;
    char tmp[4096];
    im_status st = im_plot_page_open(ctx, path, width, height, tmp, sizeof tmp);
    if (st) return st;
    diverging_palette();
    double left = (double)label_px / width, right = (double)(label_px + COL_PX * h->cols) / width;
    double bottom = 20.0 / height, top = 1 - 90.0 / height;   /* room for two-line column names below the note */
    pladv(0);
    plschr(TEXT_MM, 1.0);
    plvpor(left, right, bottom, top);
    plwind(0, h->cols, 0, h->rows);
    draw_cells(h);
    draw_names(h);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plschr(TEXT_MM, 1.3);
    plptex(0.5, 1 - 22.0 / height, 1, 0, 0.5, h->title);
    plschr(TEXT_MM, 1.0);
    if (h->note) plptex(0.5, 1 - 44.0 / height, 1, 0, 0.5, h->note);
    draw_colour_bar(h, right + 25.0 / width, right + 45.0 / width);
    return im_plot_page_close(ctx, tmp, path);
}
