/* progress.c — a progress bar on stderr for a terminal. */
#include <stdio.h>
#include "infomin/progress.h"

void im_progress(im_ctx *ctx, const char *label, long done, long total, const char *detail)
{
    if (!ctx || !ctx->progress || total <= 0) return;
    int width = 30, filled = (int)(width * done / total);
    fprintf(stderr, "\r%-12.12s [", label);
    for (int i = 0; i < width; i++) fputc(i < filled ? '#' : '.', stderr);
    fprintf(stderr, "] %ld/%ld %s\033[K", done, total, detail ? detail : "");
    fflush(stderr);
}

void im_progress_done(im_ctx *ctx)
{
    if (ctx && ctx->progress) fprintf(stderr, "\r\033[K");
}
