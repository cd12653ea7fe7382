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

void im_duration_text(char *buf, size_t size, double seconds)
{
    long s = (long)(seconds + 0.5);
    if (s < 60)
        snprintf(buf, size, "%lds", s);
    else if (s < 3600)
        snprintf(buf, size, "%ldm%02lds", s / 60, s % 60);
    else
        snprintf(buf, size, "%ldh%02ldm", s / 3600, s % 3600 / 60);
}

void im_progress_timed(im_ctx *ctx, const char *label, long done, long total, const char *detail, double seconds,
                       long timed, double timed_seconds)
{
    if (!ctx || !ctx->progress || total <= 0) return;
    char text[512], spent[32], left[32] = "";
    im_duration_text(spent, sizeof spent, seconds);
    if (timed > 0 && done < total) im_duration_text(left, sizeof left, timed_seconds / timed * (double)(total - done));
    snprintf(text, sizeof text, "%s%s%s%s%s", detail ? detail : "", detail && *detail ? "  " : "", spent,
             *left ? ", ETA " : "", left);
    im_progress(ctx, label, done, total, text);
}

void im_progress_done(im_ctx *ctx)
{
    if (ctx && ctx->progress) fprintf(stderr, "\r\033[K");
}
