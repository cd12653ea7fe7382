/* scatter.c — point clouds in panels side by side (PLplot, pngcairo), one
 * shared range, so that a reader compares like with like. */
#include <math.h>
#include <plplot.h>
#include <stdio.h>
#include "infomin/plot.h"
#include "plot_page.h"

#define PANEL_PX 430
#define MAX_PANEL_SERIES 8

static void shared_range(const im_scatter_panel *panels, int n_panels, double r[4])
{
    r[0] = r[2] = INFINITY;
    r[1] = r[3] = -INFINITY;
    for (int p = 0; p < n_panels; p++)
        for (int s = 0; s < panels[p].n_series; s++)
            for (int i = 0; i < panels[p].series[s].n; i++) {
                double x = panels[p].series[s].x[i], y = panels[p].series[s].y[i];
                if (!isfinite(x) || !isfinite(y)) continue;
                r[0] = fmin(r[0], x), r[1] = fmax(r[1], x), r[2] = fmin(r[2], y), r[3] = fmax(r[3], y);
            }
    if (!(r[0] < r[1])) r[0] -= 1, r[1] += 1;
    if (!(r[2] < r[3])) r[2] -= 1, r[3] += 1;
    double mx = 0.05 * (r[1] - r[0]), my = 0.05 * (r[3] - r[2]);
    r[0] -= mx, r[1] += mx, r[2] -= my, r[3] += my;
}

/* finite points only: plpoin would draw a NaN at a corner */
static void draw_points(const im_series *s)
{
    PLFLT x[256], y[256];
    int k = 0;
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(s->y[i])) continue;
        x[k] = s->x[i], y[k] = s->y[i];
        if (++k == 256) plpoin(k, x, y, 17), k = 0;
    }
    if (k) plpoin(k, x, y, 17);
}

im_status im_plot_scatter(im_ctx *ctx, const char *path, const char *title, const im_scatter_panel *panels,
                          int n_panels)
{
    static const int palette[MAX_PANEL_SERIES][3] = { { 160, 160, 160 }, { 31, 119, 180 }, { 214, 39, 40 },
                                                      { 44, 160, 44 },   { 255, 127, 14 }, { 148, 103, 189 },
                                                      { 140, 86, 75 },   { 227, 119, 194 } };
    int most = 0;   /* the names under a panel, one line each: room for the longest list */
    for (int p = 0; p < n_panels; p++) most = panels[p].n_series > most ? panels[p].n_series : most;
    if (most > MAX_PANEL_SERIES) most = MAX_PANEL_SERIES;
    int width = 40 + PANEL_PX * n_panels, height = PANEL_PX + 150 + 26 * (most > 2 ? most - 2 : 0);
    char tmp[4096];
    double r[4];
    shared_range(panels, n_panels, r);
    im_status st = im_plot_page_open(ctx, path, width, height, tmp, sizeof tmp);
    if (st) return st;
    /* PLplot's text grows with the page's width: past three panels, scale
     * it back to three panels' size, or the names under the panels overrun
     * their neighbours */
    double text = n_panels > 3 ? (40.0 + 3 * PANEL_PX) / width : 1;
    pladv(0);
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plschr(0, text);
    plptex(0.5, 1 - 20.0 / height, 1, 0, 0.5, title);
    double side = (double)(PANEL_PX - 70) / width, top = 1 - 80.0 / height;   /* panels of PANEL_PX − 70 square */
    for (int p = 0; p < n_panels; p++) {
        double left = (40.0 + PANEL_PX * p + 40) / width;
        plvpor(left, left + side, top - (double)(PANEL_PX - 70) / height, top);
        plwind(r[0], r[1], r[2], r[3]);
        plcol0(15);
        plbox("bcnst", 0, 0, "bcnstv", 0, 0);
        plschr(0, 0.85 * text);   /* a panel's title stays within its width */
        plmtex("t", 0.8, 0.5, 0.5, panels[p].title);
        plschr(0, text);
        plssym(0, 0.35);
        for (int s = 0; s < panels[p].n_series && s < MAX_PANEL_SERIES; s++) {
            plscol0(1 + s, palette[s][0], palette[s][1], palette[s][2]);
            plcol0(1 + s);
            draw_points(&panels[p].series[s]);
            plmtex("b", 3.2 + 1.3 * s, 0.5, 0.5, panels[p].series[s].name ? panels[p].series[s].name : "");
        }
        plcol0(15);
    }
    return im_plot_page_close(ctx, tmp, path);
}
