/* fuzz_ckpt.c — the checkpoint reader. The input is a checkpoint's body
 * after its magic; the harness adds the magic and a valid checksum (a
 * fuzzer would never find one) and reads with the hash the body carries, so
 * the block parser itself is exercised: a read either fails with a message
 * or yields blocks that can be fetched within their sizes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/infomin.h"
#include "fuzz_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char magic[8] = { 'I', 'M', 'C', 'K', 'P', 'T', '\r', '\n' };
    uint8_t *file = malloc(size + 16);
    if (!file) return 0;
    memcpy(file, magic, 8);
    memcpy(file + 8, data, size);
    uint64_t h = 0xcbf29ce484222325ull, hash = 0;
    for (size_t i = 0; i < size + 8; i++) h = (h ^ file[i]) * 0x100000001b3ull;
    for (int i = 0; i < 8; i++) file[size + 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
    for (int i = 0; i < 8 && 4 + (size_t)i < size; i++) hash |= (uint64_t)data[4 + i] << (8 * i);
    const char *path = fuzz_file(file, size + 16);
    free(file);
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_checkpoint *ck;
    if (im_checkpoint_read(&ctx, path, hash, &ck) != IM_OK) {
        if (!ctx.err[0]) __builtin_trap();
        return 0;
    }
    int epoch;
    unsigned char buf[64];
    if (im_checkpoint_get(&ctx, ck, "epoch", &epoch, sizeof epoch) != IM_OK && !ctx.err[0]) __builtin_trap();
    if (im_checkpoint_get(&ctx, ck, "rng", buf, sizeof buf) != IM_OK && !ctx.err[0]) __builtin_trap();
    im_checkpoint_free(ck);
    return 0;
}
