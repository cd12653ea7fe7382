/* abi.h — private to the registry: adopting a plugin descriptor (abi.c). */
#ifndef INFOMIN_CORE_ABI_H
#define INFOMIN_CORE_ABI_H

#include "infomin/plugin.h"
#include "infomin/status.h"

/* Check descriptor `p` (the index-th of the file `origin`) and copy it into
 * *desc with its vtable copied to a new block of the host's size (*vt_copy,
 * the caller frees it; desc->vtable points to it), and, for a plugin that
 * declares its keys in a field table, the key table made from it
 * (*params_copy, the caller frees it; desc->params points to it). Refuses a wrong ABI
 * version, a size larger than the host's or smaller than ABI 3's, an invalid
 * kind or name, or a missing required hook, naming the file and plugin. */
im_status im_plugin_adopt(im_ctx *ctx, const im_plugin *p, const char *origin, int index, im_plugin *desc,
                          void **vt_copy, im_param_spec **params_copy);

#endif
