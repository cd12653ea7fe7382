/* clock.h — wall time for measuring, not for dates. */
#ifndef INFOMIN_CLOCK_H
#define INFOMIN_CLOCK_H

#include "api.h"

/* Seconds on a monotonic clock (differences only). */
IM_API double im_seconds(void);

#endif
