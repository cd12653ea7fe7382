/* registry.h — the plugin registry: the one piece of global-ish state, owned
 * by the caller and passed in im_ctx. It dlopens plugin shared objects,
 * checks them, and finds plugins by kind and name. */
#ifndef INFOMIN_REGISTRY_H
#define INFOMIN_REGISTRY_H

#include "api.h"
#include "plugin.h"
#include "status.h"

typedef struct im_registry im_registry;

IM_API im_registry *im_registry_new(void);
IM_API void im_registry_free(im_registry *reg);

/* dlopen one file and register its plugins; on refusal (dlopen error, no
 * `infomin_plugins` symbol, ABI mismatch, duplicate name) nothing of the file
 * is registered and the message names the file and the reason. */
IM_API im_status im_registry_load_file(im_ctx *ctx, im_registry *reg, const char *path);
/* Every *.so under dir (recursing into subdirectories when asked). A refused
 * file does not stop the scan: its message is kept (im_registry_refusals).
 * A file name already loaded from an earlier directory is skipped, so earlier
 * directories in the search path shadow later ones. Returns files loaded. */
IM_API int im_registry_load_dir(im_ctx *ctx, im_registry *reg, const char *dir, int recursive);
/* The search path: extra (--plugin-path, ':'-separated, may be NULL), then
 * $INFOMIN_PLUGIN_PATH, then the build tree when the running program lives
 * in it, then $(pkglibdir)/plugins. */
IM_API void im_registry_load_search_path(im_ctx *ctx, im_registry *reg, const char *extra);
/* Register a static list (built-in plugins, tests). */
IM_API im_status im_registry_add(im_ctx *ctx, im_registry *reg, const im_plugin *const *list, const char *origin);

IM_API const im_plugin *im_registry_find(const im_registry *reg, im_kind kind, const char *name);
IM_API int im_registry_count(const im_registry *reg);
IM_API const im_plugin *im_registry_get(const im_registry *reg, int i, const char **origin);
/* Messages of refused files, one per line ("" when none). */
IM_API const char *im_registry_refusals(const im_registry *reg);
/* The lookup failure message: the closest name ("did you mean"), and the
 * names of that kind that exist. */
IM_API im_status im_registry_not_found(im_ctx *ctx, const im_registry *reg, im_kind kind, const char *name);

/* Edit distance between two short names, a swap of two neighbours one
 * edit (optimal string alignment; 99 past 63 characters): what "did you
 * mean" suggests by. */
IM_API int im_name_distance(const char *a, const char *b);

#endif
