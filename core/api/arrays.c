/* arrays.c — what the array API's files share (arrays.h): the process's
 * plugin registry, loaded once at the first call and then read only, and
 * the check of a caller's array. */
#include <float.h>
#include <math.h>
#include <pthread.h>
#include "arrays.h"

static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static im_registry *registry;

static void registry_load(void)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    registry = im_registry_new();
    if (registry) im_registry_load_search_path(&ctx, registry, NULL);
}

im_registry *im_api_registry(void)
{
    pthread_once(&registry_once, registry_load);
    return registry;
}

im_status im_array_check(im_ctx *ctx, const char *name, const double *a, long n, int d)
{
    for (long i = 0; i < n * d; i++)
        if (!isfinite(a[i]) || fabs(a[i]) > FLT_MAX)
            return im_fail(ctx, IM_EINVAL, "%s: row %ld, column %ld is %s", name, i / d, i % d,
                           isnan(a[i])   ? "NaN (estimates need finite numbers)"
                           : isinf(a[i]) ? "infinite (estimates need finite numbers)"
                                         : "beyond the range of a float (3.4e38)");
    return IM_OK;
}
