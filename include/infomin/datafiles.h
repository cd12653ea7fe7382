/* datafiles.h — what data a run read (since 0.6): the loaders note each
 * data file they open in the host's log (im_ctx.files), and the host
 * writes their paths, sizes and SHA-256 digests into the run's record
 * ("data_files"), the digest `sha256sum` prints. */
#ifndef INFOMIN_DATAFILES_H
#define INFOMIN_DATAFILES_H

#include "api.h"
#include "results.h"
#include "status.h"

typedef struct im_file_log im_file_log;
IM_API im_file_log *im_file_log_new(void);
IM_API void im_file_log_free(im_file_log *log);
/* A data file this run reads, noted once by its path; nothing when the
 * host keeps no log (ctx->files NULL). The library's readers (csv, npy,
 * the UCI tables, IDX) call it; a plugin that reads files itself should. */
IM_API void im_note_data_file(im_ctx *ctx, const char *path);
/* Every noted file into rec's "data_files" (path as resolved, bytes,
 * sha256; a file that can no longer be read gets its error instead), and
 * the log emptied for the next run. */
IM_API void im_record_data_files(im_ctx *ctx, im_record *rec);
/* SHA-256 of a file as 64 hex digits, and its size. */
IM_API im_status im_sha256_file(im_ctx *ctx, const char *path, char hex[65], long long *bytes);

#endif
