/* batcher.c — mini-batch rows without replacement within an epoch. */
#include <stdlib.h>
#include "infomin/batcher.h"

im_status im_batcher_init(im_ctx *ctx, im_batcher *b, int n_rows, im_rng *rng)
{
    b->n_rows = n_rows;
    b->cursor = 0;
    b->order = malloc(sizeof(int) * (size_t)(n_rows > 0 ? n_rows : 1));
    if (!b->order) return im_fail(ctx, IM_ENOMEM, "batcher: out of memory for %d rows", n_rows);
    im_rng_permutation(rng, b->order, n_rows);
    return IM_OK;
}

int im_batcher_next(im_batcher *b, im_rng *rng)
{
    if (b->cursor == b->n_rows) {
        im_rng_shuffle(rng, b->order, b->n_rows);
        b->cursor = 0;
    }
    return b->order[b->cursor++];
}

void im_batcher_free(im_batcher *b)
{
    free(b->order);
    b->order = NULL;
}
