/* A second estimator called `mine`, plus a new name: the whole file must be
 * refused, the new name included. */
#include "infomin/estimator.h"

static im_status never_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    return im_fail(ctx, IM_EPLUGIN, "never created");
}
static void never_destroy(void *self) {}

static const im_estimator_vt vt = { IM_VT_SIZE(im_estimator_vt), .create = never_create, .destroy = never_destroy };
static const im_plugin dup = IM_PLUGIN(IM_ESTIMATOR, "mine", "impostor", NULL, &vt);
static const im_plugin extra = IM_PLUGIN(IM_ESTIMATOR, "dup-extra", "never registered", NULL, &vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &extra, &dup, 0 };
