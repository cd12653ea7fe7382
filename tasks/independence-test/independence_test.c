/* independence_test.c — task `independence-test`: a permutation test of
 * X ⟂ Y with any estimator as the statistic (the check "is Z ⟂ T?" of
 * infomin learning).
 *
 * The estimator is fitted on the training split (a no-op for closed-form
 * statistics); the statistic s0 is its estimate on the test split, or on
 * every row for a statistic that trains nothing (since 0.6; the key
 * `rows`). Under
 * H0 the rows of Y are exchangeable, so the test split's Y rows are shuffled
 * `permutations` times, the estimate recomputed each time with the fitted
 * estimator unchanged, and
 *   p = (1 + #{s_perm ≥ s0}) / (1 + permutations),
 * the exact-size permutation p-value (larger statistic = more dependence;
 * the absolute value is used for signed statistics). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

typedef struct {
    int permutations, rows;
    double alpha;
} settings;

static const im_field independence_fields[] = {
    IM_INT(settings, permutations, "200", "permutations of Y under the null", ">=1"),
    IM_FLOAT(settings, alpha, "0.05", "level at which independence is rejected (reported, not used in the statistic)",
             "0..1"),
    IM_ROWS_FIELD(settings, rows),
    IM_FIELDS_END,
};

static im_status independence_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_TRAINING_OPTIONAL);
    if (st) {
        im_task_close(&t);
        return st;
    }
    const im_dataset *ds = &t.ds;
    int n_perm = s.permutations;
    double alpha = s.alpha;
    im_estimator *est = NULL;
    im_mat x = { 0 }, y = { 0 };   /* the rows the statistic reads */
    const char *rows = "";
    st = im_estimator_new(ctx, cfg, "estimator", ds->train.x.cols, ds->train.y.cols, rng, &est);
    if (!st) st = im_task_estimator_rows(&t, est, s.rows, &x, &y, &rows);
    if (!st) st = im_estimator_fit(ctx, est, &ds->train.x, &ds->train.y, &ds->val.x, &ds->val.y, rec);
    double observed = 0, p_value = 1;
    if (!st) st = im_estimator_permutation_test(ctx, est, &x, &y, n_perm, rng, &observed, &p_value);
    if (!st) {
        im_record_str(rec, "estimator", est->plugin->name);
        im_record_str(rec, "dataset", ds->name);
        im_record_num(rec, "statistic", observed);
        im_record_num(rec, "p_value", p_value);
        im_record_num(rec, "n_test", ds->test.x.rows);
        im_record_num(rec, "n_read", x.rows);
        im_record_num(rec, "rejected", p_value < alpha);
        printf("%s on %s (%d %s, %d permutations): statistic %.5f, p = %.4f: %s at alpha = %g\n",
               est->plugin->name, ds->name, x.rows, rows, n_perm, observed, p_value,
               p_value < alpha ? "dependent (independence rejected)" : "no evidence against independence", alpha);
    }
    im_mat_free(&x);
    im_mat_free(&y);
    im_estimator_free(est);
    im_task_close(&t);
    return st;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "statistic", "p_value", "rejected", "n_read", NULL
};

static const im_task_vt independence_vt = { IM_VT_SIZE(im_task_vt), .run = independence_run,
                                            .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin independence = IM_PLUGIN(IM_TASK, "independence-test",
                                        "permutation test of X independent of Y, any estimator as the statistic",
                                        NULL, &independence_vt, .fields = independence_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &independence, NULL };
