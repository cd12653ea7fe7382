/* batcher.h — the rows of mini-batches: sampling without replacement within
 * an epoch, a fresh permutation of all rows for each pass (one generator,
 * passed in, so runs repeat). */
#ifndef INFOMIN_BATCHER_H
#define INFOMIN_BATCHER_H

#include "api.h"
#include "rng.h"
#include "status.h"

typedef struct im_batcher {
    int *order;        /* the current epoch's permutation */
    int n_rows, cursor;
} im_batcher;

/* Draws the first epoch's permutation from rng. */
IM_API im_status im_batcher_init(im_ctx *ctx, im_batcher *b, int n_rows, im_rng *rng);
/* The next row; a new permutation when the epoch is used up. */
IM_API int im_batcher_next(im_batcher *b, im_rng *rng);
IM_API void im_batcher_free(im_batcher *b);

#endif
