/* image_grid.c — images as a grid of tiles in a PNG (PLplot, pngcairo):
 * each pixel one filled box, runs of one colour along a row merged, the
 * page sized from the tiles so a pixel of the image is a whole number of
 * pixels of the page. */
#include <math.h>
#include <plplot.h>
#include <string.h>
#include "infomin/plot.h"
#include "plot_page.h"

#define TEXT_MM 3.2
#define GAP 8          /* page pixels between tiles */
#define HEAD 78        /* title, note and column names */
#define MARGIN 12

static int level(double v) { return (int)lround(255 * fmin(1, fmax(0, v))); }

/* the RGB of pixel p of a tile */
static void colour_at(const im_image_grid *g, const im_real *tile, int p, int rgb[3])
{
    int plane = g->height * g->width;
    for (int c = 0; c < 3; c++) rgb[c] = level(tile[(g->channels == 3 ? c : 0) * plane + p]);
}

static void fill_box(double x0, double y0, double x1, double y1)
{
    PLFLT x[4] = { x0, x1, x1, x0 }, y[4] = { y0, y0, y1, y1 };
    plfill(4, x, y);
}

/* one tile with its top-left corner at page pixel (left, top); y grows up in PLplot's window */
static void draw_tile(const im_image_grid *g, const im_real *tile, int zoom, double left, double top, int page_h)
{
    for (int y = 0; y < g->height; y++) {
        double y1 = page_h - (top + (double)y * zoom), y0 = y1 - zoom;
        for (int x = 0; x < g->width;) {
            int rgb[3], next[3], end = x + 1;
            colour_at(g, tile, y * g->width + x, rgb);
            while (end < g->width && (colour_at(g, tile, y * g->width + end, next),
                                      next[0] == rgb[0] && next[1] == rgb[1] && next[2] == rgb[2]))
                end++;
            plscol0(1, rgb[0], rgb[1], rgb[2]);
            plcol0(1);
            fill_box(left + (double)x * zoom, y0, left + (double)end * zoom, y1);
            x = end;
        }
    }
}

im_status im_plot_image_grid(im_ctx *ctx, const char *path, const im_image_grid *g)
{
    if (g->rows < 1 || g->cols < 1 || (g->channels != 1 && g->channels != 3) || g->height < 1 || g->width < 1)
        return im_fail(ctx, IM_EINVAL, "%s: an image grid of %d x %d tiles of %d x %d x %d pixels cannot be drawn",
                       path, g->rows, g->cols, g->channels, g->height, g->width);
    int zoom = g->height >= 60 ? 1 : (int)lround(60.0 / g->height);
    int tile_w = g->width * zoom, tile_h = g->height * zoom, col_w = tile_w < 84 ? 84 : tile_w;
    int page_w = 2 * MARGIN + g->cols * col_w + (g->cols - 1) * GAP, page_h = HEAD + MARGIN + g->rows * (tile_h + GAP);
    /* room for the title and the note (about 8 px a character at their size) */
    int text_w = 40 + 8 * (int)(g->title ? strlen(g->title) : 0);
    int note_w = 40 + 7 * (int)(g->note ? strlen(g->note) : 0);
    if (page_w < text_w) page_w = text_w;
    if (page_w < note_w) page_w = note_w;
    double left0 = (page_w - (g->cols * col_w + (g->cols - 1) * GAP)) / 2.0;
    char tmp[4200];
    im_status st = im_plot_page_open(ctx, path, page_w, page_h, tmp, sizeof tmp);
    if (st) return st;
    pladv(0);
    plvpor(0, 1, 0, 1);
    plwind(0, page_w, 0, page_h);
    plschr(TEXT_MM, 1.2);
    plcol0(15);
    if (g->title) plptex(page_w / 2.0, page_h - 20, 1, 0, 0.5, g->title);
    plschr(TEXT_MM, 0.95);
    if (g->note) plptex(page_w / 2.0, page_h - 42, 1, 0, 0.5, g->note);
    const size_t tile_n = (size_t)g->channels * g->height * g->width;
    for (int c = 0; c < g->cols; c++) {
        double left = left0 + c * (col_w + GAP);
        if (g->col_names && g->col_names[c]) {
            plcol0(15);
            plptex(left + col_w / 2.0, page_h - HEAD + 8, 1, 0, 0.5, g->col_names[c]);
        }
        for (int r = 0; r < g->rows; r++)
            draw_tile(g, g->pixels + ((size_t)r * g->cols + c) * tile_n, zoom, left + (col_w - tile_w) / 2.0,
                      HEAD + (double)r * (tile_h + GAP), page_h);
    }
    return im_plot_page_close(ctx, tmp, path);
}
