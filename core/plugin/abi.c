/* abi.c — the host's side of the growth rule of plugin.h: check a plugin's
 * descriptor and vtable sizes against what this host knows, and make copies
 * at the host's size, zero past the plugin's, so that every later reader
 * sees an optional hook the plugin predates as NULL.
 *
 * The one file of the registry that knows the four vtable types (for their
 * sizes and required hooks); it calls nothing of the layers that use them. */
#include <stdlib.h>
#include <string.h>
#include "abi.h"
#include "infomin/data.h"
#include "infomin/encoder.h"
#include "infomin/estimator.h"
#include "infomin/fields.h"
#include "infomin/task.h"

#define END_OF(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

/* Per kind: the host's vtable size, and the smallest size a plugin may have
 * (the ABI 3 fields every plugin must carry). Fields past the minimum are
 * optional hooks. */
static const struct {
    size_t host, min;
} vt_sizes[IM_KIND_COUNT] = {
    [IM_ESTIMATOR] = { sizeof(im_estimator_vt), END_OF(im_estimator_vt, destroy) },
    [IM_ENCODER] = { sizeof(im_encoder_vt), END_OF(im_encoder_vt, params) },
    [IM_DATASET] = { sizeof(im_dataset_vt), END_OF(im_dataset_vt, create) },
    [IM_TASK] = { sizeof(im_task_vt), END_OF(im_task_vt, run) },
};
_Static_assert(IM_KIND_COUNT == 4, "a new plugin kind needs its vtable sizes and required hooks here");

/* The descriptor of ABI 3 as first released: everything before `validate`. */
#define DESCRIPTOR_MIN END_OF(im_plugin, vtable)

/* The hooks a kind cannot do without, read from a host-size copy. */
static const char *missing_hook(im_kind kind, const void *vt)
{
    switch (kind) {
    case IM_ESTIMATOR: {
        const im_estimator_vt *e = vt;
        return !e->create ? "create" : !e->destroy ? "destroy" : NULL;
    }
    case IM_ENCODER: {
        const im_encoder_vt *e = vt;
        return !e->create ? "create" : !e->destroy ? "destroy" : !e->forward ? "forward" : !e->params ? "params" : NULL;
    }
    case IM_DATASET: return ((const im_dataset_vt *)vt)->create ? NULL : "create";
    case IM_TASK: return ((const im_task_vt *)vt)->run ? NULL : "run";
    case IM_KIND_COUNT: break;
    }
    return "kind";
}

/* A plugin that declares its keys in a field table (since 0.6) gets its
 * key table made from it: every reader of `params` sees the same keys. */
static im_status params_from_fields(im_ctx *ctx, const char *origin, im_plugin *desc, im_param_spec **out)
{
    if (!desc->fields) return IM_OK;
    if (desc->params)
        return im_fail(ctx, IM_EPLUGIN, "%s: %s '%s' declares its keys twice (params and fields): keep the fields",
                       origin, im_kind_name(desc->kind), desc->name);
    size_t n = 0;
    while (desc->fields[n].spec.key) n++;
    im_param_spec *params = calloc(n + 1, sizeof *params);   /* ends in a zeroed IM_PARAMS_END */
    if (!params) return im_fail(ctx, IM_ENOMEM, "registry: out of memory");
    for (size_t i = 0; i < n; i++) params[i] = desc->fields[i].spec;
    desc->params = *out = params;
    return IM_OK;
}

im_status im_plugin_adopt(im_ctx *ctx, const im_plugin *p, const char *origin, int index, im_plugin *desc,
                          void **vt_copy, im_param_spec **params_copy)
{
    *vt_copy = NULL;
    *params_copy = NULL;
    if (p->abi_version != IM_ABI_VERSION)
        return im_fail(ctx, IM_EPLUGIN, "%s: plugin %d was built for ABI version %u, this host speaks %d: rebuild it",
                       origin, index, (unsigned)p->abi_version, IM_ABI_VERSION);
    if (p->size > sizeof(im_plugin) || p->size < DESCRIPTOR_MIN)
        return im_fail(ctx, IM_EPLUGIN, "%s: plugin %d: descriptor of %u bytes, this host knows %zu..%zu: %s", origin,
                       index, (unsigned)p->size, DESCRIPTOR_MIN, sizeof(im_plugin),
                       p->size > sizeof(im_plugin) ? "built against a newer infomin, upgrade the host" : "corrupt");
    if ((unsigned)p->kind >= IM_KIND_COUNT || !p->name || !*p->name || !p->vtable)
        return im_fail(ctx, IM_EPLUGIN, "%s: plugin %d has no valid kind, name or vtable", origin, index);
    const char *kind = im_kind_name(p->kind);
    uint32_t size = *(const uint32_t *)p->vtable;
    if (size > vt_sizes[p->kind].host)
        return im_fail(ctx, IM_EPLUGIN,
                       "%s: %s '%s': its %s vtable has %u bytes, this host knows %zu: it was built against a newer "
                       "infomin; upgrade the host or rebuild the plugin against this one",
                       origin, kind, p->name, kind, (unsigned)size, vt_sizes[p->kind].host);
    if (size < vt_sizes[p->kind].min)
        return im_fail(ctx, IM_EPLUGIN, "%s: %s '%s': its %s vtable has %u bytes, fewer than the %zu of ABI %d (size not set?)",
                       origin, kind, p->name, kind, (unsigned)size, vt_sizes[p->kind].min, IM_ABI_VERSION);
    void *vt = calloc(1, vt_sizes[p->kind].host);
    if (!vt) return im_fail(ctx, IM_ENOMEM, "registry: out of memory");
    memcpy(vt, p->vtable, size);
    *(uint32_t *)vt = (uint32_t)vt_sizes[p->kind].host;
    const char *hook = missing_hook(p->kind, vt);
    if (hook) {
        free(vt);
        return im_fail(ctx, IM_EPLUGIN, "%s: %s '%s' has no '%s' hook", origin, kind, p->name, hook);
    }
    memset(desc, 0, sizeof *desc);   /* fields the plugin predates read as NULL */
    memcpy(desc, p, p->size);
    desc->size = sizeof *desc;
    desc->vtable = vt;
    *vt_copy = vt;
    return params_from_fields(ctx, origin, desc, params_copy);
}
