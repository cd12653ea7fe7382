/* fuzz_registry.h — the plugins the fuzz harnesses configure, compiled into
 * the harness itself (so that their parsing code is instrumented too) and
 * registered as a static list: the mi-estimate task, the gaussian and csv
 * datasets, the pearson estimator. */
#ifndef INFOMIN_FUZZ_REGISTRY_H
#define INFOMIN_FUZZ_REGISTRY_H

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define infomin_plugins fuzz_mi_estimate_plugins
#include "../../tasks/mi-estimate/mi_estimate.c"
#include "../../tasks/mi-estimate/given.c"
#undef infomin_plugins
#define infomin_plugins fuzz_gaussian_plugins
#include "../../plugins/datasets/gaussian.c"
#undef infomin_plugins
#define infomin_plugins fuzz_csv_plugins
#include "../../plugins/datasets/csv.c"
#undef infomin_plugins
#define infomin_plugins fuzz_pearson_plugins
#include "../../plugins/estimators/pearson.c"
#undef infomin_plugins

/* One registry for the life of the fuzzer. */
static inline im_registry *fuzz_registry(void)
{
    static im_registry *reg;
    if (reg) return reg;
    im_ctx ctx;
    im_ctx_init(&ctx);
    reg = im_registry_new();
    const im_plugin *const *lists[] = { fuzz_mi_estimate_plugins, fuzz_gaussian_plugins, fuzz_csv_plugins,
                                        fuzz_pearson_plugins };
    for (size_t i = 0; reg && i < sizeof lists / sizeof lists[0]; i++)
        if (im_registry_add(&ctx, reg, lists[i], "built-in") != IM_OK) __builtin_trap();
    return reg;
}

/* The input as a file the loaders can open (the harness's own temp file). */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/infomin-fuzz-%d.txt", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) __builtin_trap();
    fwrite(data, 1, size, f);
    fclose(f);
    return path;
}

#endif
