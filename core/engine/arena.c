/* arena.c — the per-step memory of the tape.
 *
 * A step's allocations come in the same order every step, so after reset the
 * blocks made in the first step are walked again in order and no new block is
 * needed: the training loop stops calling malloc after its first iteration. */
#include <stdlib.h>
#include "arena.h"

#define ARENA_ALIGN 64
#define ARENA_MIN_BLOCK (1u << 20)

void im_arena_init(im_arena *a)
{
    a->first = a->current = NULL;
    a->capacity = 0;
}

void im_arena_free(im_arena *a)
{
    im_arena_block *b = a->first;
    while (b) {
        im_arena_block *next = b->next;
        free(b->data);
        free(b);
        b = next;
    }
    im_arena_init(a);
}

void im_arena_reset(im_arena *a)
{
    for (im_arena_block *b = a->first; b; b = b->next) b->used = 0;
    a->current = a->first;
}

static im_arena_block *block_new(size_t size)
{
    im_arena_block *b = malloc(sizeof *b);
    if (!b) return NULL;
    b->data = aligned_alloc(ARENA_ALIGN, size);
    if (!b->data) {
        free(b);
        return NULL;
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

void *im_arena_alloc(im_arena *a, size_t bytes)
{
    bytes = (bytes + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (bytes == 0) bytes = ARENA_ALIGN;
    for (im_arena_block *b = a->current; b; b = b->next) {
        if (b->size - b->used >= bytes) {
            void *p = b->data + b->used;
            b->used += bytes;
            a->current = b;
            return p;
        }
        /* a block that cannot hold this request is left partly used; the
         * next request of the next step lands in the same place again */
    }
    size_t size = a->capacity > ARENA_MIN_BLOCK ? a->capacity : ARENA_MIN_BLOCK;
    if (size < bytes) size = bytes;
    im_arena_block *nb = block_new(size);
    if (!nb) return NULL;
    if (!a->first) {
        a->first = nb;
    } else {
        im_arena_block *last = a->current ? a->current : a->first;
        while (last->next) last = last->next;
        last->next = nb;
    }
    a->capacity += size;
    a->current = nb;
    nb->used = bytes;
    return nb->data;
}

size_t im_arena_used(const im_arena *a)
{
    size_t used = 0;
    for (const im_arena_block *b = a->first; b; b = b->next) used += b->used;
    return used;
}
