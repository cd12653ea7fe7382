/* arena.h — bump allocator over a chain of blocks, rewound (not freed)
 * between training steps. Internal to the core. */
#ifndef INFOMIN_ARENA_H
#define INFOMIN_ARENA_H

#include <stddef.h>

typedef struct im_arena_block {
    struct im_arena_block *next;
    size_t size, used;
    unsigned char *data;
} im_arena_block;

typedef struct im_arena {
    im_arena_block *first, *current;
    size_t capacity;     /* sum of block sizes */
} im_arena;

void im_arena_init(im_arena *a);
void im_arena_free(im_arena *a);
void im_arena_reset(im_arena *a);
void *im_arena_alloc(im_arena *a, size_t bytes);   /* 64-byte aligned; NULL on OOM */
size_t im_arena_used(const im_arena *a);

#endif
