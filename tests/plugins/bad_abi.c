/* A plugin built against a future ABI: the host must refuse it unread. */
#include "infomin/plugin.h"

static const int dummy_vtable;
static const im_plugin future = { IM_ABI_VERSION + 98, IM_ESTIMATOR, "from-the-future", "refused", 0, &dummy_vtable };
const im_plugin *const infomin_plugins[] = { &future, 0 };
