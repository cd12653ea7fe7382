/* A plugin built against a future ABI: the host must refuse it unread. */
#include "infomin/plugin.h"

static const int dummy_vtable;
static const im_plugin future = { .abi_version = IM_ABI_VERSION + 98, .kind = IM_ESTIMATOR,
                                  .name = "from-the-future", .summary = "refused", .vtable = &dummy_vtable };
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &future, 0 };
