/* plot.h — line plots as PNG files, drawn by PLplot (cairo driver): the
 * estimate-vs-step curves against the true MI, trade-off curves. Written to a
 * temporary file and renamed, like the results. */
#ifndef INFOMIN_PLOT_H
#define INFOMIN_PLOT_H

#include "api.h"
#include "real.h"
#include "status.h"

/* One legend entry: a line, its points, optional tags. */
typedef struct im_series {
    const char *name;        /* legend entry */
    const double *x, *y;     /* n points; NaN y values are skipped */
    int n;
    int dashed;              /* 1: a reference line (e.g. the true MI) */
    int markers;             /* 1: draw points too */
    const double *tags;      /* NULL, or a number written beside each point (e.g. its beta; NaN: none) */
    const double *y_err;     /* NULL, or an error bar y ± y_err at each point (e.g. sd over seeds) */
    const double *x_err;     /* NULL, or a horizontal bar x ± x_err (when x is a measurement too) */
} im_series;

typedef struct im_plot_spec {
    const char *title, *x_label, *y_label;
    int width, height;       /* pixels; 0: 900 x 600 */
    double y_min, y_max;     /* y range; equal values: fit the data (with a margin) */
    const char *tag_prefix;  /* before each tag, e.g. "β=" (NULL: none) */
} im_plot_spec;

/* Lines (and markers) in a frame that holds every point with a margin, the
 * legend beside the frame so it hides no point; written to a temporary file
 * and renamed. */

IM_API im_status im_plot_lines(im_ctx *ctx, const char *path, const im_plot_spec *spec, const im_series *series, int n_series);

/* A table of coloured cells (rows x columns, row-major arrays): a value
 * coloured on a diverging scale (blue below the centre, white at it, red
 * above; clamped to [v_min, v_max]; NaN: a grey cell, no data), a number
 * written in each cell, and marked cells outlined. A colour bar with the
 * given ticks stands beside the table. */
typedef struct im_heatmap {
    const char *title, *note;          /* note: one line under the title (NULL: none) */
    int rows, cols;
    const char *const *row_names, *const *col_names;
    const double *value;               /* rows x cols */
    const double *text;                /* rows x cols, written "%.2f" (NaN or NULL: nothing) */
    const int *mark;                   /* rows x cols, 1: outlined (NULL: none) */
    double v_min, v_center, v_max;
    const char *scale_label;           /* under the colour bar */
    const double *ticks;               /* values on the colour bar */
    const char *const *tick_names;     /* their labels */
    int n_ticks;
} im_heatmap;

IM_API im_status im_plot_heatmap(im_ctx *ctx, const char *path, const im_heatmap *h);

/* Point clouds in panels side by side, all on one x and one y range (the
 * union of every finite point, with a margin) so that the panels compare:
 * e.g. real samples, then a vanilla and a regularised generator's. Each
 * series is drawn as small dots in its own colour and named under its
 * panel. */
typedef struct im_scatter_panel {
    const char *title;
    const im_series *series;   /* x, y, n and name are read */
    int n_series;
} im_scatter_panel;

IM_API im_status im_plot_scatter(im_ctx *ctx, const char *path, const char *title, const im_scatter_panel *panels,
                                 int n_panels);

/* Images in a grid of tiles, each a person can look at: a title and a
 * note over it, a name over each column (e.g. "input", "colour 2"), the
 * tiles drawn pixel for pixel, enlarged to about 60 px. A tile is channels
 * (1: grey, 3: RGB, one plane after another) x height x width values in
 * [0, 1] (clamped). */
typedef struct im_image_grid {
    const char *title, *note;              /* note: one line under the title (NULL: none) */
    int rows, cols;                        /* tiles */
    int channels, height, width;           /* of one tile */
    const im_real *pixels;                 /* rows·cols tiles, row after row */
    const char *const *col_names;          /* cols names (NULL: none) */
} im_image_grid;

IM_API im_status im_plot_image_grid(im_ctx *ctx, const char *path, const im_image_grid *grid);

#endif
