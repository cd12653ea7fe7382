/* mi_estimate.c — task `mi-estimate`: fit an estimator on the training split
 * of a dataset (validation split for early stopping), report its estimate
 * on the test split next to the true MI when the dataset knows it. The
 * training curve (objective per step) and the validation curve go into the
 * record, for plots of estimate vs. step against the truth. */
#include <math.h>
#include <stdio.h>
#include <time.h>
#include "infomin/infomin.h"

static const im_param_spec mi_estimate_params[] = {
    { NULL, NULL, NULL, NULL, NULL }
};

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static im_status mi_estimate_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    im_dataset ds;
    im_status st = im_dataset_load(ctx, cfg, "dataset", rng, &ds);
    if (st) return st;
    im_estimator *est = NULL;
    st = im_estimator_new(ctx, cfg, "estimator", ds.train.x.cols, ds.train.y.cols, rng, &est);
    double estimate = NAN, t0 = seconds_now(), fit_seconds = 0;
    if (!st) st = im_estimator_fit(ctx, est, &ds.train.x, &ds.train.y, &ds.val.x, &ds.val.y, rec);
    fit_seconds = seconds_now() - t0;
    if (!st) st = im_estimator_estimate(ctx, est, &ds.test.x, &ds.test.y, &estimate);
    if (!st) {
        const char *unit = im_unit_name(est->vt->unit);
        im_record_str(rec, "estimator", est->plugin->name);
        im_record_str(rec, "dataset", ds.name);
        im_record_str(rec, "bound", im_bound_name(est->vt->bound));
        im_record_str(rec, "unit", unit);
        im_record_num(rec, "estimate", estimate);
        im_record_num(rec, "n_train", ds.train.x.rows);
        im_record_num(rec, "n_test", ds.test.x.rows);
        im_record_num(rec, "fit_seconds", fit_seconds);
        printf("%s on %s (%d test rows): %.4f %s (%s)", est->plugin->name, ds.name, ds.test.x.rows, estimate, unit,
               est->vt->bound == IM_BOUND_ESTIMATE ? "estimate" : im_bound_name(est->vt->bound));
        if (ds.has_true_mi) {
            im_record_num(rec, "true_mi", ds.true_mi);
            if (est->vt->unit == IM_UNIT_NATS) {
                /* a relative error means nothing near independence */
                double rel = ds.true_mi > 1e-3 ? (estimate - ds.true_mi) / ds.true_mi : NAN;
                im_record_num(rec, "abs_error", fabs(estimate - ds.true_mi));
                im_record_num(rec, "rel_error", rel);
                if (isnan(rel))
                    printf(", true MI %.4f nats, error %+.4f nats", ds.true_mi, estimate - ds.true_mi);
                else
                    printf(", true MI %.4f nats, error %+.1f%%", ds.true_mi, 100 * rel);
            } else {
                printf(", true MI %.4f nats", ds.true_mi);
            }
        }
        printf("\n");
    }
    im_estimator_free(est);
    im_dataset_free(&ds);
    return st;
}

static const im_task_vt mi_estimate_vt = { .run = mi_estimate_run };
static const im_plugin mi_estimate = { IM_ABI_VERSION, IM_TASK, "mi-estimate",
                                       "fit an estimator on train, report I(X;Y) on test against the truth",
                                       mi_estimate_params, &mi_estimate_vt };
const im_plugin *const infomin_plugins[] = { &mi_estimate, NULL };
