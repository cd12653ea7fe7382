/* plot_page.h — private to core/report: one PNG page through PLplot's
 * pngcairo driver, drawn into a temporary file that is renamed into place
 * (a crash never leaves half a picture). */
#ifndef INFOMIN_PLOT_PAGE_H
#define INFOMIN_PLOT_PAGE_H

#include "infomin/status.h"

/* Opens stream 0 on "<path>.tmp.<pid>.png" (its name into tmp), width x
 * height pixels, white background, colour 15 black. PLplot exits the
 * process when it cannot open its output: the file is probed first. */
im_status im_plot_page_open(im_ctx *ctx, const char *path, int width, int height, char *tmp, size_t tmp_size);
/* Ends the stream and renames tmp to path. */
im_status im_plot_page_close(im_ctx *ctx, const char *tmp, const char *path);

#endif
