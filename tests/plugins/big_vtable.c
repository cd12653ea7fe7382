/* An estimator built against a newer header than the host's: its vtable
 * records more bytes than the host knows. Refused, unread past its size. */
#include "infomin/estimator.h"

typedef struct {
    im_estimator_vt known;
    im_status (*hook_from_the_future)(void *self);
} newer_estimator_vt;

static const newer_estimator_vt big_vt = { .known = { .size = sizeof(newer_estimator_vt) } };
static const im_plugin big = IM_PLUGIN(IM_ESTIMATOR, "from-a-newer-host", "refused", NULL, &big_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &big, 0 };
