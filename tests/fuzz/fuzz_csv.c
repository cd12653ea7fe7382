/* fuzz_csv.c — the csv dataset on arbitrary file contents: fields, quotes,
 * byte-order marks, line ends, numbers; X, Y and T columns 0..3, with and
 * without a header (the first byte's low bit). Loading must succeed with
 * finite data or fail with a message. */
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
    char ini[512];
    snprintf(ini, sizeof ini,
             "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0..1\ny = 2\nt = 3\nheader = %s\n"
             "standardize = true\n", path, size && (data[0] & 1) ? "true" : "false");
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_config cfg;
    if (im_config_parse_string(&ctx, ini, "fuzz.ini", &cfg) != IM_OK) __builtin_trap();
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_dataset ds;
    ctx.registry = fuzz_registry();
    if (im_config_validate(&ctx, &cfg, ctx.registry) == IM_OK &&
        im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK) {
        if (ds.train.x.rows < 2 || ds.train.x.cols != 2) __builtin_trap();
        im_dataset_free(&ds);
    } else if (!ctx.err[0]) {
        __builtin_trap();
    }
    im_config_free(&cfg);
    return 0;
}
