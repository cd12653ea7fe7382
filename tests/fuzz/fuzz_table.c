/* fuzz_table.c — the tabular reader behind adult, communities and census:
 * a whole file split into trimmed fields (',' separated, '|' comments),
 * header lookup, every field parsed as a number. */
#include <math.h>
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
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_table t;
    if (im_table_read(&ctx, path, ',', '|', &t) != IM_OK) {
        if (!ctx.err[0]) __builtin_trap();
        return 0;
    }
    im_table_column(&t, "Poverty");
    for (int r = 0; r < t.n_rows; r++)
        for (int f = 0; f < t.n_fields[r]; f++) {
            double v;
            if (im_table_number(&ctx, &t, r, f, "field", &v) == IM_OK && !isfinite(v)) __builtin_trap();
        }
    im_table_free(&t);
    return 0;
}
