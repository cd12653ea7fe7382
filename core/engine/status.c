/* status.c — error messages in the caller's context. */
#include <stdio.h>
#include <string.h>
#include "infomin/status.h"

void im_ctx_init(im_ctx *ctx)
{
    memset(ctx, 0, sizeof *ctx);
}

im_status im_vfail(im_ctx *ctx, im_status code, const char *fmt, va_list ap)
{
    if (!ctx) return code;
    vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    ctx->status = code;
    return code;
}

im_status im_fail(im_ctx *ctx, im_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    im_vfail(ctx, code, fmt, ap);
    va_end(ap);
    return code;
}

im_status im_fail_prefix(im_ctx *ctx, const char *fmt, ...)
{
    char old[IM_ERR_LEN];
    memcpy(old, ctx->err, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof ctx->err) snprintf(ctx->err + n, sizeof ctx->err - (size_t)n, ": %s", old);
    return ctx->status;
}

const char *im_status_name(im_status st)
{
    switch (st) {
    case IM_OK: return "ok";
    case IM_EINVAL: return "invalid argument";
    case IM_ENOMEM: return "out of memory";
    case IM_EIO: return "input/output error";
    case IM_ECONFIG: return "configuration error";
    case IM_EPLUGIN: return "plugin error";
    case IM_ENUMERIC: return "numerical error";
    case IM_EINTERRUPTED: return "interrupted";
    }
    return "unknown status";
}

int im_interrupted(const im_ctx *ctx) { return ctx && ctx->interrupt && *ctx->interrupt; }
