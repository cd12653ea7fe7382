/* estimator.c — estimator instances: the plugin named in a section,
 * created for the data's widths, fitted (its own fit, else the generic
 * critic trainer of trainer.c) and read on a split. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "estimate.h"
#include "infomin/estimator.h"
#include "infomin/registry.h"

const char *im_bound_name(im_bound b)
{
    return b == IM_BOUND_LOWER ? "lower" : (b == IM_BOUND_UPPER ? "upper" : "estimate");
}

const char *im_unit_name(im_unit u)
{
    return u == IM_UNIT_NATS ? "nats" : u == IM_UNIT_CORRELATION ? "correlation" : "f-information";
}

im_status im_estimator_new(im_ctx *ctx, const im_config *cfg, const char *section, int dx, int dy, im_rng *rng,
                           im_estimator **out)
{
    *out = NULL;
    im_estimator *est = calloc(1, sizeof *est);
    if (!est) return im_fail(ctx, IM_ENOMEM, "estimator: out of memory");
    im_status st = im_config_section(ctx, cfg, ctx->registry, section, &est->sec);
    if (!st && est->sec.kind != IM_ESTIMATOR)
        st = im_fail(ctx, IM_ECONFIG, "%s: [%s] is not an estimator section", cfg->path, section);
    if (st) {
        free(est);
        return st;
    }
    est->plugin = est->sec.plugin;
    est->vt = est->plugin->vtable;
    est->rng = rng;
    if (dx <= 0 || dy <= 0) {
        st = im_fail(ctx, IM_EINVAL, "estimator %s: inputs need at least one column (x %d, y %d)", est->plugin->name,
                     dx, dy);
        free(est);
        return st;
    }
    st = est->vt->create(ctx, &est->sec, dx, dy, rng, &est->self);
    if (st) {
        im_fail_prefix(ctx, "estimator %s", est->plugin->name);
        free(est);
        return st;
    }
    *out = est;
    return IM_OK;
}

void im_estimator_free(im_estimator *est)
{
    if (!est) return;
    if (est->self) est->vt->destroy(est->self);
    free(est);
}

int im_estimator_trains(const im_estimator *est) { return est->vt->fit != NULL || est->vt->params != NULL; }

const char *im_estimator_note(const im_estimator *est)
{
    const char *note = est && est->vt->note ? est->vt->note(est->self) : NULL;
    return note ? note : "";
}

static im_status check_pair(im_ctx *ctx, const im_estimator *est, const im_mat *x, const im_mat *y, const char *what)
{
    if (x->rows != y->rows)
        return im_fail(ctx, IM_EINVAL, "estimator %s: %s X has %d rows, Y has %d", est->plugin->name, what, x->rows,
                       y->rows);
    if (x->rows < 2) return im_fail(ctx, IM_EINVAL, "estimator %s: %s has %d rows (need 2)", est->plugin->name, what, x->rows);
    return IM_OK;
}

im_status im_estimator_fit(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y, const im_mat *xv,
                           const im_mat *yv, im_record *rec)
{
    int trains = est->vt->fit || (est->vt->objective && est->vt->params && est->vt->params(est->self));
    if (!trains && !est->vt->prepare) return IM_OK;   /* closed form: nothing to fit, on any rows */
    if (x->rows < 2)
        return im_fail(ctx, IM_EINVAL,
                       "estimator %s trains, but its training data has %d rows (need 2; a split with no training "
                       "rows is for estimators that train nothing)",
                       est->plugin->name, x->rows);
    im_status st = check_pair(ctx, est, x, y, "training data");
    if (!st && est->vt->prepare) st = est->vt->prepare(est->self, ctx, x, y);
    if (st) return st;
    if (est->vt->fit) return est->vt->fit(est->self, ctx, x, y, xv, yv, rec);
    if (!trains) return IM_OK;
    im_train_opts opts;
    st = im_train_opts_read(ctx, &est->sec, &opts);
    if (st) return st;
    return im_train_critic(ctx, est, &opts, x, y, xv, yv, rec);
}

/* The default estimate: the objective on the whole data, the tape off. */
static im_status objective_estimate(im_estimator *est, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    if (!est->vt->objective)
        return im_fail(ctx, IM_EPLUGIN, "estimator %s has neither an estimate nor an objective", est->plugin->name);
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_tensor *v = est->vt->objective(est->self, g, im_input(g, x), im_input(g, y));
    im_status st = v ? IM_OK : ctx->status;
    if (v) *out = im_item(v);
    im_tape_free(g);
    return st;
}

im_status im_estimator_raw_estimate(im_estimator *est, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    return est->vt->estimate ? est->vt->estimate(est->self, ctx, x, y, out) : objective_estimate(est, ctx, x, y, out);
}

/* A number im_estimator_estimate and _estimate_given report: finite, and
 * not below IM_ESTIMATE_FLOOR when in nats. */
static im_status check_estimate(im_ctx *ctx, const im_estimator *est, int rows, double v)
{
    if (!isfinite(v)) return im_fail(ctx, IM_ENUMERIC, "estimator %s: estimate is %g (diverged?)", est->plugin->name, v);
    /* MI is not negative: a few hundredths below 0 is sampling noise (KSG
     * near independence), a nat below 0 is a readout that does not hold on
     * these rows (a held-out bound exploding on heavy tails reads -3e6) */
    if (est->vt->unit == IM_UNIT_NATS && v < IM_ESTIMATE_FLOOR)
        return im_fail(ctx, IM_ENUMERIC,
                       "estimator %s: estimate %g nats on %d rows is below %g: MI is not negative, so the readout "
                       "does not hold on these rows; not reported",
                       est->plugin->name, v, rows, IM_ESTIMATE_FLOOR);
    return IM_OK;
}

im_status im_estimator_estimate(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y, double *out)
{
    im_status st = check_pair(ctx, est, x, y, "evaluation data");
    if (!st) st = im_estimator_raw_estimate(est, ctx, x, y, out);
    return st ? st : check_estimate(ctx, est, x->rows, *out);
}

im_status im_estimator_estimate_given(im_ctx *ctx, im_estimator *est, const im_mat *x, const im_mat *y,
                                      const im_mat *z, double *out)
{
    if (!est->vt->estimate_given)   /* the registry pads older vtables with NULL */
        return im_fail(ctx, IM_EINVAL, "estimator %s has no conditional form of its own", est->plugin->name);
    im_status st = check_pair(ctx, est, x, y, "evaluation data");
    if (!st && z->rows != x->rows)
        st = im_fail(ctx, IM_EINVAL, "estimator %s: %d rows of Z for %d of X", est->plugin->name, z->rows, x->rows);
    if (!st) st = im_mat_check_finite(ctx, z, "Z");
    if (!st) st = est->vt->estimate_given(est->self, ctx, x, y, z, out);
    return st ? st : check_estimate(ctx, est, x->rows, *out);
}
