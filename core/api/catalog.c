/* catalog.c — the plugins the array API finds, for catalogues and
 * bindings (mi.h: im_catalog_*). */
#include "infomin/mi.h"
#include "infomin/plugin.h"
#include "arrays.h"

int im_catalog_count(void)
{
    im_registry *reg = im_api_registry();
    return reg ? im_registry_count(reg) : 0;
}

im_status im_catalog_plugin(int i, const char **kind, const char **name, const char **summary)
{
    if (i < 0 || i >= im_catalog_count()) return IM_EINVAL;
    const char *origin;
    const im_plugin *p = im_registry_get(im_api_registry(), i, &origin);
    *kind = im_kind_name(p->kind), *name = p->name, *summary = p->summary;
    return IM_OK;
}

im_status im_catalog_key(int i, int j, const char *out[5])
{
    if (i < 0 || i >= im_catalog_count() || j < 0) return IM_EINVAL;
    const char *origin;
    const im_param_spec *spec = im_registry_get(im_api_registry(), i, &origin)->params;
    for (int k = 0; spec && spec[k].key; k++)
        if (k == j) {
            out[0] = spec[k].key, out[1] = spec[k].type, out[2] = spec[k].default_value, out[3] = spec[k].doc,
            out[4] = spec[k].range;
            return IM_OK;
        }
    return IM_EINVAL;
}
