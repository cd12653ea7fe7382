/* An estimator built against an older header: its vtable ends at `estimate`
 * (before `select` and `prepare` were appended) and its descriptor at
 * `vtable` (before `validate`), each recording that smaller size. The host
 * must load it, treat the hooks it lacks as absent, and run it. It computes
 * the Gaussian MI of one column pair, −½ log(1 − r²). */
#include <math.h>
#include <stdlib.h>
#include "infomin/estimator.h"

typedef struct {   /* im_estimator_vt as it was, field for field */
    uint32_t size;
    im_bound bound;
    im_unit unit;
    im_status (*create)(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self);
    void (*destroy)(void *self);
    im_tensor *(*objective)(void *self, im_tape *g, im_tensor *x, im_tensor *y);
    im_params *(*params)(void *self);
    im_status (*fit)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, const im_mat *xv, const im_mat *yv,
                     im_record *rec);
    im_status (*estimate)(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out);
} older_estimator_vt;

static int token;

static im_status old_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    *self = &token;
    return IM_OK;
}

static void old_destroy(void *self) {}

static im_status old_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    int n = x->rows;
    for (int i = 0; i < n; i++) {
        double a = x->data[(long)i * x->cols], b = y->data[(long)i * y->cols];
        sx += a, sy += b, sxx += a * a, syy += b * b, sxy += a * b;
    }
    double cov = sxy / n - sx / n * sy / n, vx = sxx / n - sx / n * sx / n, vy = syy / n - sy / n * sy / n;
    double r = cov / sqrt(vx * vy);
    *out = -0.5 * log(1 - r * r);
    return IM_OK;
}

static const older_estimator_vt old_vt = { .size = sizeof(older_estimator_vt), .bound = IM_BOUND_ESTIMATE,
                                           .unit = IM_UNIT_NATS, .create = old_create, .destroy = old_destroy,
                                           .estimate = old_estimate };
typedef struct {   /* im_plugin as ABI 3 first had it */
    uint32_t abi_version, size;
    im_kind kind;
    const char *name, *summary;
    const im_param_spec *params;
    const void *vtable;
} older_plugin;

static const older_plugin old = { .abi_version = IM_ABI_VERSION, .size = sizeof(older_plugin), .kind = IM_ESTIMATOR,
                                  .name = "old-gaussian", .summary = "Gaussian MI of the first columns, older vtable",
                                  .vtable = &old_vt };
IM_PLUGIN_EXPORT const older_plugin *const infomin_plugins[] = { &old, 0 };
