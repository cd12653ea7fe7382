/* checkpoint.h — a long run's state in one file, so a killed run continues
 * where it stopped and ends with the numbers it would have had.
 *
 * A checkpoint is a list of named byte blocks (parameters with their Adam
 * moments, a generator, a batcher's permutation, counters) tagged with the
 * run's configuration hash. The file is
 *     "IMCKPT\r\n", format version (u32), configuration hash (u64),
 *     block count (u32), then per block: name length (u32), name, size
 *     (u64), bytes; last an FNV-1a 64 checksum of everything before it
 * (little-endian), written to a temporary file and renamed. Reading checks
 * the magic, the version, the checksum and the hash and names what is wrong:
 * a corrupt, foreign or mismatched checkpoint is refused, never half-used. */
#ifndef INFOMIN_CHECKPOINT_H
#define INFOMIN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>
#include "api.h"
#include "batcher.h"
#include "cfg.h"
#include "param.h"
#include "rng.h"
#include "status.h"

#define IM_CHECKPOINT_VERSION 1

typedef struct im_checkpoint im_checkpoint;

/* An empty checkpoint for the run whose resolved configuration hashes to
 * config_hash (im_config_hash); NULL without memory. */
IM_API im_checkpoint *im_checkpoint_new(uint64_t config_hash);
IM_API void im_checkpoint_free(im_checkpoint *ck);
/* Add a block (copied). A name may appear once. */
IM_API im_status im_checkpoint_put(im_ctx *ctx, im_checkpoint *ck, const char *name, const void *data, size_t size);
/* Parameters: every value and both Adam moments, and their names and shapes
 * (so a checkpoint of another architecture is named as such). */
IM_API im_status im_checkpoint_put_params(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_params *params);
IM_API im_status im_checkpoint_write(im_ctx *ctx, const im_checkpoint *ck, const char *path);

/* Read and check path; IM_EIO when it is unreadable, corrupt, of another
 * format version or written for another configuration (config_hash). */
IM_API im_status im_checkpoint_read(im_ctx *ctx, const char *path, uint64_t config_hash, im_checkpoint **out);
/* Copy a block out; an error naming the file and block when it is missing
 * or of another size. */
IM_API im_status im_checkpoint_get(im_ctx *ctx, const im_checkpoint *ck, const char *name, void *data, size_t size);
IM_API im_status im_checkpoint_get_params(im_ctx *ctx, const im_checkpoint *ck, const char *name, const im_params *params);

/* A generator (packed: IM_RNG_BYTES) and a batcher (its permutation and
 * place, checked on the way back), the two pieces of state every training
 * loop checkpoints. */
IM_API im_status im_checkpoint_put_rng(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_rng *rng);
IM_API im_status im_checkpoint_get_rng(im_ctx *ctx, const im_checkpoint *ck, const char *name, im_rng *rng);
IM_API im_status im_checkpoint_put_batcher(im_ctx *ctx, im_checkpoint *ck, const char *name, const im_batcher *b);
IM_API im_status im_checkpoint_get_batcher(im_ctx *ctx, const im_checkpoint *ck, const char *name, im_batcher *b);

/* A run's checkpoint file, <output>[-run<k>].ckpt (run: the record's index),
 * and the hash of its resolved configuration (with the version), which the
 * checkpoint must carry to be continued. Uses ctx->registry. */
IM_API im_status im_checkpoint_target(im_ctx *ctx, const im_config *cfg, int run, char *path, size_t size,
                                      uint64_t *hash);

#endif
