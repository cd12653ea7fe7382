/* clock.c — the monotonic clock that runs, splits and benchmarks are timed
 * with (the workers' split accounting needs it, so it lives in the engine). */
#include <time.h>
#include "infomin/clock.h"

double im_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}
