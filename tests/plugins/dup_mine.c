/* A second estimator called `mine`, plus a new name: the whole file must be
 * refused, the new name included. */
#include "infomin/plugin.h"

static const int dummy_vtable;
static const im_plugin dup = { IM_ABI_VERSION, IM_ESTIMATOR, "mine", "impostor", 0, &dummy_vtable };
static const im_plugin extra = { IM_ABI_VERSION, IM_ESTIMATOR, "dup-extra", "never registered", 0, &dummy_vtable };
const im_plugin *const infomin_plugins[] = { &extra, &dup, 0 };
