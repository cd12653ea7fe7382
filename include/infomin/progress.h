/* progress.h — progress on stderr. */
#ifndef INFOMIN_PROGRESS_H
#define INFOMIN_PROGRESS_H

#include "api.h"
#include "status.h"

/* A bar on stderr when ctx->progress is set (a terminal), else nothing. */
IM_API void im_progress(im_ctx *ctx, const char *label, long done, long total, const char *detail);
IM_API void im_progress_done(im_ctx *ctx);

#endif
