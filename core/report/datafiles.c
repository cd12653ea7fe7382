/* datafiles.c — the log of the data files a run reads and their digests
 * in its record (datafiles.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/datafiles.h"

struct im_file_log {
    char **paths;
    int n, cap;
};

im_file_log *im_file_log_new(void) { return calloc(1, sizeof(im_file_log)); }

static void log_clear(im_file_log *log)
{
    for (int i = 0; i < log->n; i++) free(log->paths[i]);
    log->n = 0;
}

void im_file_log_free(im_file_log *log)
{
    if (!log) return;
    log_clear(log);
    free(log->paths);
    free(log);
}

void im_note_data_file(im_ctx *ctx, const char *path)
{
    im_file_log *log = ctx ? ctx->files : NULL;
    if (!log) return;
    char resolved[PATH_MAX];
    const char *name = realpath(path, resolved) ? resolved : path;
    for (int i = 0; i < log->n; i++)
        if (strcmp(log->paths[i], name) == 0) return;
    if (log->n == log->cap) {
        int cap = log->cap ? 2 * log->cap : 4;
        char **paths = realloc(log->paths, sizeof(char *) * (size_t)cap);
        if (!paths) return;   /* a checksum left out, not a failed run */
        log->paths = paths;
        log->cap = cap;
    }
    if ((log->paths[log->n] = strdup(name)) != NULL) log->n++;
}

void im_record_data_files(im_ctx *ctx, im_record *rec)
{
    im_file_log *log = ctx ? ctx->files : NULL;
    if (!log) return;
    for (int i = 0; i < log->n; i++) {
        char hex[65];
        long long bytes = 0;
        im_ctx quiet;
        im_ctx_init(&quiet);
        if (im_sha256_file(&quiet, log->paths[i], hex, &bytes) == IM_OK)
            im_record_data_file(rec, log->paths[i], bytes, hex, NULL);
        else
            im_record_data_file(rec, log->paths[i], -1, NULL, quiet.err);
    }
    log_clear(log);
}
