/* plugin.h — the plugin ABI.
 *
 * A plugin shared object exports one symbol, `infomin_plugins`: a
 * NULL-terminated array of descriptors. The host checks abi_version first and
 * refuses a mismatch, a missing symbol or a duplicate name with a message
 * naming the file; it never calls into a plugin it has refused.
 *
 *     static const im_plugin nwj = { IM_ABI_VERSION, IM_ESTIMATOR, "nwj",
 *                                    "NWJ lower bound", nwj_params, &nwj_vt };
 *     const im_plugin *const infomin_plugins[] = { &nwj, NULL };
 */
#ifndef INFOMIN_PLUGIN_H
#define INFOMIN_PLUGIN_H

#include <stdint.h>

#define IM_ABI_VERSION 2

typedef enum { IM_ESTIMATOR, IM_ENCODER, IM_DATASET, IM_TASK, IM_KIND_COUNT } im_kind;

/* One INI key a plugin accepts. The table ends with an entry whose key is
 * NULL. `type` is one of
 *     int | float | bool | string | ints | floats      (ints/floats: comma lists)
 * `default_value` is the text used when the key is absent; NULL means "no
 * default": the key is optional and im_cfg_has() tells whether it was given.
 * `range` (may be NULL): for numbers "lo..hi" (inclusive), ">x", ">=x", "<x"
 * or "<=x", applied to each element of a list; for strings "a|b|c", the
 * allowed values. */
typedef struct im_param_spec {
    const char *key;
    const char *type;
    const char *default_value;
    const char *doc;
    const char *range;
} im_param_spec;

typedef struct im_plugin {
    uint32_t abi_version;        /* IM_ABI_VERSION at build time            */
    im_kind kind;
    const char *name;            /* what `plugin = NAME` selects (per kind) */
    const char *summary;         /* one line for `infomin-run --list`       */
    const im_param_spec *params; /* keys it accepts, for validation + --describe */
    const void *vtable;          /* const im_estimator_vt * etc. by kind    */
} im_plugin;

#define IM_PLUGIN_SYMBOL "infomin_plugins"

const char *im_kind_name(im_kind kind);   /* "estimator", "encoder", ... */

#endif
