/* fuzz_idx.c — the IDX reader behind fashion-mnist: gzip or plain, the
 * magic number, the dimensions, the body's length. Whatever the bytes, a
 * read either fails with a message or returns dimensions whose product is
 * the body it holds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/infomin.h"
#include "fuzz_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    for (int ndim = 1; ndim <= 3; ndim += 2) {   /* labels, images */
        im_ctx ctx;
        im_ctx_init(&ctx);
        im_idx idx;
        if (im_idx_read(&ctx, path, ndim, &idx) != IM_OK) {
            if (!ctx.err[0]) __builtin_trap();
            continue;
        }
        if (idx.ndim != ndim) __builtin_trap();
        size_t n = 1;
        for (int d = 0; d < ndim; d++) {
            if (idx.dims[d] < 0) __builtin_trap();
            n *= (size_t)idx.dims[d];
        }
        volatile unsigned sum = 0;   /* every byte of the body is readable */
        for (size_t i = 0; i < n; i++) sum += idx.data[i];
        im_idx_free(&idx);
    }
    return 0;
}
