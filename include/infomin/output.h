/* output.h — where a run's files go. */
#ifndef INFOMIN_OUTPUT_H
#define INFOMIN_OUTPUT_H

#include "api.h"
#include <stddef.h>
#include "cfg.h"
#include "status.h"

/* Where a run's side files go: the results file's path without .jsonl (or
 * results/<ini name> by default), "-run<k>-<hash>" when the run is part of
 * a sweep (its index, and since 0.6 eight hex digits of its configuration's
 * hash: another cell at that index after --resume writes another file;
 * run < 0: a file of the whole sweep), then suffix. */
IM_API void im_output_path(const im_config *cfg, int run, const char *suffix, char *buf, size_t size);

/* mkdir -p of the directory part of path. */
IM_API im_status im_mkdir_parents(im_ctx *ctx, const char *path);

#endif
