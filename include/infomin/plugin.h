/* plugin.h — the plugin ABI.
 *
 * A plugin shared object exports one symbol, `infomin_plugins`: a
 * NULL-terminated array of descriptors. The host checks every descriptor
 * before it reads anything else from it (ABI version, the sizes of the
 * descriptor and of its vtable, kind, name, the hooks a kind requires) and
 * refuses a file with a message naming it and the reason; it never calls into
 * a plugin it has refused.
 *
 *     static const im_estimator_vt nwj_vt = { IM_VT_SIZE(im_estimator_vt), .create = ..., ... };
 *     static const im_plugin nwj = IM_PLUGIN(IM_ESTIMATOR, "nwj", "NWJ lower bound", nwj_params, &nwj_vt);
 *     IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &nwj, NULL };
 *
 * How the ABI grows (the rule every change to these structs follows):
 *   - The descriptor and every vtable begin with `uint32_t size`, the sizeof
 *     the plugin was compiled with (IM_PLUGIN and IM_VT_SIZE fill it in).
 *   - New fields are appended at the end only, each marked with the version
 *     that added it; nothing is removed, reordered or retyped.
 *   - A field added after ABI 3 is optional: the host reads it only when the
 *     plugin's recorded size covers it and treats it as NULL (or 0) when it
 *     does not, so a plugin built against an older header keeps loading. The
 *     registry does this once, at load: it hands out copies of the descriptor
 *     and vtable at the host's size, zero-filled past the plugin's.
 *   - A plugin whose size exceeds the host's was built against a newer
 *     header than the host's and is refused (the host cannot know what the
 *     extra fields mean).
 *   - IM_ABI_VERSION changes only for an incompatible change (a field's
 *     meaning, the layout of a prefix), never for a new optional hook.
 */
#ifndef INFOMIN_PLUGIN_H
#define INFOMIN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include "api.h"
#include "status.h"

struct im_section;
struct im_field;

#define IM_ABI_VERSION 3

typedef enum { IM_ESTIMATOR, IM_ENCODER, IM_DATASET, IM_TASK, IM_KIND_COUNT } im_kind;

/* One INI key a plugin accepts. The table ends with IM_PARAMS_END. `type` is
 * one of
 *     int | float | bool | string | ints | floats      (ints/floats: comma lists)
 * `default_value` is the text used when the key is absent; NULL means "no
 * default": the key is optional and im_section_has() tells whether it was
 * given. `range` (may be NULL): for numbers "lo..hi" (inclusive), ">x",
 * ">=x", "<x" or "<=x", applied to each element of a list; for strings
 * "a|b|c", the allowed values. */
typedef struct im_param_spec {
    const char *key;
    const char *type;
    const char *default_value;
    const char *doc;
    const char *range;
} im_param_spec;

#define IM_PARAMS_END { NULL, NULL, NULL, NULL, NULL }

typedef struct im_plugin {
    uint32_t abi_version;        /* IM_ABI_VERSION at build time                  */
    uint32_t size;               /* sizeof(im_plugin) at build time               */
    im_kind kind;
    const char *name;            /* what `plugin = NAME` selects (per kind)       */
    const char *summary;         /* one line for `infomin-run --list`             */
    const im_param_spec *params; /* keys it accepts, for validation + --describe  */
    const void *vtable;          /* const im_estimator_vt * etc. by kind; it
                                    begins with its own uint32_t size             */
    /* since 0.2 (appended; ABI 3 plugins without it load): optional. Sees the
     * plugin's section when the configuration is validated, before the first
     * run of a sweep, for rules across keys (fractions that must sum to 1, a
     * one-character delimiter); fails with IM_ECONFIG and
     * "file:line: section.key: reason". */
    im_status (*validate)(im_ctx *ctx, const struct im_section *sec);
    /* since 0.6 (appended): optional. Where each key goes in the plugin's
     * settings struct (im_fields_read) and which keys stay out of a cell's
     * hash (fields.h); NULL: none, every key is hashed. */
    const struct im_field *fields;
} im_plugin;

/* A descriptor, every field named (designated initialisers); optional
 * fields follow the vtable, e.g. `, .validate = csv_validate`. */
#define IM_PLUGIN(kind_, name_, summary_, params_, vtable_, ...)                                               \
    { .abi_version = IM_ABI_VERSION, .size = sizeof(im_plugin), .kind = (kind_), .name = (name_),           \
      .summary = (summary_), .params = (params_), .vtable = (vtable_), __VA_ARGS__ }
/* The first member of every vtable initialiser: the size it is built with. */
#define IM_VT_SIZE(type) .size = sizeof(type)
/* The exported list: visible even when a plugin hides its other symbols. */
#define IM_PLUGIN_EXPORT __attribute__((visibility("default")))

/* Is `field` inside the size a vtable (or descriptor) was built with, and
 * set? Vtables handed out by the registry are already at the host's size,
 * so this is for code that holds a plugin's own struct. */
#define IM_VT_HAS(vt, field)                                                                                   \
    ((vt)->size >= offsetof(__typeof__(*(vt)), field) + sizeof((vt)->field) && (vt)->field)

#define IM_PLUGIN_SYMBOL "infomin_plugins"

IM_API const char *im_kind_name(im_kind kind);   /* "estimator", "encoder", ... */

#endif
