/* fuzz_npy.c — the .npy reader behind the npy dataset: the magic, the
 * version, the header's dictionary, the dtype, the shape against the body.
 * Whatever the bytes, a read either fails with a message or returns
 * rows × cols values, all of them readable; the header-only read (a
 * validate hook's) agrees with the whole read on the same file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/infomin.h"
#include "fuzz_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_npy whole, head;
    int ok = im_npy_parse(&ctx, data, size, "f.npy", &whole) == IM_OK;
    if (!ok && !ctx.err[0]) __builtin_trap();
    if (ok) {
        if (whole.rows < 1 || whole.cols < 1 || !whole.data) __builtin_trap();
        volatile double sum = 0;   /* every value is there to read */
        for (long k = 0; k < whole.rows * whole.cols; k++) sum += whole.data[k];
    }
    const char *path = fuzz_file(data, size);
    int head_ok = im_npy_read_header(&ctx, path, &head) == IM_OK;
    if (head_ok != ok) __builtin_trap();
    if (ok && (head.rows != whole.rows || head.cols != whole.cols || head.data)) __builtin_trap();
    im_npy_free(&whole);
    return 0;
}
