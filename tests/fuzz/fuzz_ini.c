/* fuzz_ini.c — the INI layer: parsing, --set, [sweep] expansion and the
 * validation of every key against a plugin's spec (types, lists, ranges,
 * validate hooks). The first line of the input is a --set assignment, the
 * rest the INI text. Any input must give IM_OK or an error message, never a
 * crash, a leak or undefined behaviour. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/infomin.h"
#include "fuzz_registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *body = strchr(text, '\n');
    if (body) *body++ = '\0';
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_config cfg;
    if (im_config_parse_string(&ctx, body ? body : "", "fuzz.ini", &cfg) == IM_OK) {
        if (*text) im_config_set(&ctx, &cfg, text);
        im_config *runs = NULL;
        int n = 0;
        if (im_config_expand_sweep(&ctx, &cfg, &runs, &n) == IM_OK) {
            for (int r = 0; r < n && r < 8; r++) im_config_validate(&ctx, &runs[r], fuzz_registry());
            im_config_free_all(runs, n);
        }
        im_config_free(&cfg);
    }
    if (ctx.status != IM_OK && !ctx.err[0]) __builtin_trap();   /* an error must say what */
    free(text);
    return 0;
}
