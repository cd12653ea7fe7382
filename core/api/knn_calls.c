/* knn_calls.c — the kNN entropy and KL divergence of mi.h as one call each
 * (im_entropy, im_kl_divergence): no estimator plugin and no handle; the
 * arrays checked as the handle checks them, the computation in the C
 * locale (numtext.h), the message of a failure into the caller's buffer. */
#include <limits.h>
#include <stdio.h>
#include "infomin/mi.h"
#include "infomin/numtext.h"
#include "infomin/stats.h"
#include "arrays.h"

/* n rows of d values, finite, and k neighbours in range */
static im_status check_sample(im_ctx *ctx, const char *name, const double *a, long n, int d, int k)
{
    if (!a) return im_fail(ctx, IM_EINVAL, "%s is NULL", name);
    if (n <= 0 || d <= 0) return im_fail(ctx, IM_EINVAL, "%s is empty (%ld rows of %d columns)", name, n, d);
    if (n > INT_MAX / 2) return im_fail(ctx, IM_EINVAL, "%s: %ld rows, more than this library's %d", name, n, INT_MAX / 2);
    if (k < 1 || k > 64) return im_fail(ctx, IM_EINVAL, "k = %d outside 1..64", k);
    return im_array_check(ctx, name, a, n, d);
}

static im_status finish(const im_ctx *ctx, im_status st, locale_t previous, char *err, size_t err_size)
{
    im_c_locale_leave(previous);
    if (err && err_size) snprintf(err, err_size, "%s", st ? ctx->err : "");
    return st;
}

im_status im_entropy(const double *x, long n, int d, int k, double *out, char *err, size_t err_size)
{
    locale_t previous = im_c_locale_enter();
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_status st = check_sample(&ctx, "x", x, n, d, k);
    if (!st) st = im_knn_entropy(&ctx, x, (int)n, d, k, out);
    return finish(&ctx, st, previous, err, err_size);
}

im_status im_kl_divergence(const double *p, long n, const double *q, long m, int d, int k, double *out, char *err,
                           size_t err_size)
{
    locale_t previous = im_c_locale_enter();
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_status st = check_sample(&ctx, "p", p, n, d, k);
    if (!st) st = check_sample(&ctx, "q", q, m, d, k);
    if (!st) st = im_knn_kl(&ctx, p, (int)n, q, (int)m, d, k, out);
    return finish(&ctx, st, previous, err, err_size);
}
