/* progress.h — progress on stderr. */
#ifndef INFOMIN_PROGRESS_H
#define INFOMIN_PROGRESS_H

#include "api.h"
#include "status.h"

/* A bar on stderr when ctx->progress is set (a terminal), else nothing. */
IM_API void im_progress(im_ctx *ctx, const char *label, long done, long total, const char *detail);
/* The same with the time: `seconds` spent so far (time before a resume
 * included) and, from the `timed` steps this process ran in `timed_seconds`,
 * the time left: "... 1m05s, ETA 2m10s" (since 0.6). */
IM_API void im_progress_timed(im_ctx *ctx, const char *label, long done, long total, const char *detail, double seconds,
                              long timed, double timed_seconds);
IM_API void im_progress_done(im_ctx *ctx);
/* A duration for people: "42s", "3m05s", "2h07m" (since 0.6). */
IM_API void im_duration_text(char *buf, size_t size, double seconds);

#endif
