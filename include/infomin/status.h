/* status.h — errors as values.
 *
 * Every fallible call returns an im_status and, on failure, leaves a human
 * message in the caller's im_ctx. The CLI turns (status, message) into an exit
 * code and a line on stderr; the library never prints and never exits. */
#ifndef INFOMIN_STATUS_H
#define INFOMIN_STATUS_H

#include "api.h"
#include <stdarg.h>

typedef enum im_status {
    IM_OK = 0,
    IM_EINVAL,   /* bad argument, shape or value                */
    IM_ENOMEM,   /* allocation failed                           */
    IM_EIO,      /* file missing, unreadable or malformed       */
    IM_ECONFIG,  /* INI: unknown key, bad type, out of range    */
    IM_EPLUGIN,  /* plugin missing, refused or misbehaving      */
    IM_ENUMERIC, /* NaN / Inf where a finite number is required */
    IM_EINTERRUPTED  /* stopped on request (SIGINT/SIGTERM in infomin-run) */
} im_status;

#define IM_ERR_LEN 1024

struct im_registry;
struct im_workers;

/* Per-run context: the error buffer and the plugin registry a task uses to
 * instantiate the other plugins. Owned by the caller (the CLI or a test). */
typedef struct im_ctx {
    char err[IM_ERR_LEN];
    im_status status;
    struct im_registry *registry;
    union {   /* threads for large products; NULL: OpenBLAS's own */
        struct im_workers *workers;
        struct im_workers *pool;   /* its name before 0.6 (pool.h) */
    };
    int progress;   /* 1: draw a progress bar on stderr (a terminal) */
    int verbose;
    /* Set by the host (infomin-run points it at its signal flag): long
     * loops poll im_interrupted() and stop with IM_EINTERRUPTED. NULL: never.
     * im_ctx is always the host's: fields are appended, plugins only read. */
    const volatile int *interrupt;
    /* since 0.4: set by the host for --resume: a task that checkpoints
     * (checkpoint_every) continues a killed run from its checkpoint. */
    int resume;
    /* since 0.6: set by the host: the data files a run reads are noted
     * here (datafiles.h) and their digests go into its record. NULL: none
     * kept. */
    struct im_file_log *files;
} im_ctx;

IM_API void im_ctx_init(im_ctx *ctx);

/* Record `code` and a printf-style message in ctx; returns code so that
 * `return im_fail(ctx, IM_EINVAL, "...")` reads naturally. */
IM_API im_status im_fail(im_ctx *ctx, im_status code, const char *fmt, ...)
           __attribute__((format(printf, 3, 4)));
IM_API im_status im_vfail(im_ctx *ctx, im_status code, const char *fmt, va_list ap);

/* Prefix the message already in ctx with "prefix: " (adds context while an
 * error travels up). Returns ctx->status. */
IM_API im_status im_fail_prefix(im_ctx *ctx, const char *fmt, ...)
           __attribute__((format(printf, 2, 3)));

IM_API const char *im_status_name(im_status st);

/* Has the host asked the run to stop? Long loops (training steps, epochs)
 * poll it and return im_fail(ctx, IM_EINTERRUPTED, ...). */
IM_API int im_interrupted(const im_ctx *ctx);

#endif
