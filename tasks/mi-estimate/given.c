/* given.c — task `mi-estimate` with given = t: the conditional MI
 * I(X;Y|T) of the dataset's X and Y given its third variable T.
 *
 * An estimator with a conditional form of its own (the estimate_given hook:
 * ksg runs Frenzel & Pompe's) reads the same rows mi-estimate reads. Any
 * other estimator in nats goes through the chain rule
 *     I(X;Y|T) = I(X; [Y, T]) − I(X; T),
 * two instances of the [estimator] section, each fitted on the training
 * split and read on the same rows: the difference of two estimates
 * (CCMI's "MI-Diff", Mukherjee, Asnani & Kannan 2019). The difference of
 * two bounds is no bound: it is reported as an estimate, and its error is
 * the two errors' difference, which is why the chain rule needs the
 * estimator to be close on both terms. An estimator that trains nothing
 * gets mi-estimate's half-sampling interval, over the three matrices. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "infomin/infomin.h"
#include "mi_estimate.h"

/* out = [a | b], row by row (allocated here) */
static im_status side_by_side(im_ctx *ctx, const im_mat *a, const im_mat *b, im_mat *out)
{
    im_status st = im_mat_alloc(ctx, out, a->rows, a->cols + b->cols);
    for (int r = 0; !st && r < a->rows; r++) {
        memcpy(im_mat_row(out, r), im_mat_row(a, r), sizeof(im_real) * (size_t)a->cols);
        memcpy(im_mat_row(out, r) + a->cols, im_mat_row(b, r), sizeof(im_real) * (size_t)b->cols);
    }
    return st;
}

/* What reads I(X;Y|T) on rows: the estimator's own conditional form, or
 * the two fitted instances of the chain rule. */
typedef struct {
    im_estimator *own;   /* estimate_given */
    im_estimator *a, *b; /* I(X;[Y,T]) and I(X;T), fitted on the training split */
} given_fit;

static void given_fit_free(given_fit *f)
{
    im_estimator_free(f->own);
    im_estimator_free(f->a);
    im_estimator_free(f->b);
}

/* The chain rule's two instances, fitted on the training split. */
static im_status fit_chain_rule(im_task *t, given_fit *f)
{
    const im_dataset *ds = &t->ds;
    im_mat yz_train = { 0 }, yz_val = { 0 };
    im_status st = side_by_side(t->ctx, &ds->train.y, &ds->train.t, &yz_train);
    if (!st) st = side_by_side(t->ctx, &ds->val.y, &ds->val.t, &yz_val);
    if (!st) st = im_estimator_new(t->ctx, t->cfg, "estimator", ds->train.x.cols, yz_train.cols, t->rng, &f->a);
    if (!st) st = im_estimator_new(t->ctx, t->cfg, "estimator", ds->train.x.cols, ds->train.t.cols, t->rng, &f->b);
    if (!st) st = im_estimator_fit(t->ctx, f->a, &ds->train.x, &yz_train, &ds->val.x, &yz_val, NULL);
    if (!st) st = im_estimator_fit(t->ctx, f->b, &ds->train.x, &ds->train.t, &ds->val.x, &ds->val.t, NULL);
    im_mat_free(&yz_train);
    im_mat_free(&yz_val);
    return st;
}

/* I(X;Y|T) on the rows (x, y, z); the chain rule's two terms into
 * *joint and *marginal (left as they are for an own form). */
static im_status read_given(im_ctx *ctx, const given_fit *f, const im_mat *x, const im_mat *y, const im_mat *z,
                            double *out, double *joint, double *marginal)
{
    if (f->own) return im_estimator_estimate_given(ctx, f->own, x, y, z, out);
    im_mat yz = { 0 };
    im_status st = side_by_side(ctx, y, z, &yz);
    if (!st) st = im_estimator_estimate(ctx, f->a, x, &yz, joint);
    if (!st) st = im_estimator_estimate(ctx, f->b, x, z, marginal);
    if (!st) *out = *joint - *marginal;
    im_mat_free(&yz);
    return st;
}

/* im_half_interval's reader: I(X;Y|T) on rows[0..3) = (x, y, z). */
static im_status read_half(void *fit, im_ctx *ctx, const im_mat *rows, double *out)
{
    double joint, marginal;
    return read_given(ctx, fit, &rows[0], &rows[1], &rows[2], out, &joint, &marginal);
}

static void report(const im_estimator *est, const im_dataset *ds, int n, const char *rows, const char *method,
                   double estimate, double seconds, im_record *rec)
{
    im_record_str(rec, "estimator", est->plugin->name);
    im_record_str(rec, "dataset", ds->name);
    im_record_str(rec, "given", "t");
    im_record_str(rec, "method", method);
    im_record_str(rec, "bound", "estimate");
    im_record_str(rec, "unit", "nats");
    im_record_num(rec, "estimate", estimate);
    im_record_num(rec, "n_train", ds->train.x.rows);
    im_record_num(rec, "n_test", ds->test.x.rows);
    im_record_num(rec, "n_read", n);
    im_record_num(rec, "fit_seconds", seconds);
    printf("%s on %s (%d %s): I(X;Y|T) %.4f nats (%s)", est->plugin->name, ds->name, n, rows, estimate, method);
    if (ds->has_true_cmi) {
        /* true_mi is what was estimated, so that tables and plots of
         * mi-estimate read the same columns */
        im_record_num(rec, "true_mi", ds->true_cmi);
        im_record_num(rec, "bias", estimate - ds->true_cmi);
        im_record_num(rec, "abs_error", fabs(estimate - ds->true_cmi));
        if (ds->true_cmi > 1e-3) {
            im_record_num(rec, "rel_error", (estimate - ds->true_cmi) / ds->true_cmi);
            printf(", true %.4f nats, error %+.1f%%", ds->true_cmi, 100 * (estimate - ds->true_cmi) / ds->true_cmi);
        } else {
            printf(", true %.4f nats, error %+.4f nats", ds->true_cmi, estimate - ds->true_cmi);
        }
    }
    if (ds->has_true_mi) im_record_num(rec, "true_mi_unconditional", ds->true_mi);
    printf("\n");
}

im_status mi_estimate_given(im_task *t, int rows_key, int resamples, double ci, im_record *rec)
{
    const im_dataset *ds = &t->ds;
    if (ds->train.t.cols == 0)
        return im_section_fail(t->ctx, &t->sec, "given",
                               "dataset %s has no T columns to condition on (dataset conditional, or the t = "
                               "columns of csv and npy)",
                               ds->name);
    im_estimator *est = NULL;
    given_fit f = { 0 };
    im_mat x = { 0 }, y = { 0 }, z = { 0 };
    const char *rows = "";
    im_status st = im_estimator_new(t->ctx, t->cfg, "estimator", ds->train.x.cols, ds->train.y.cols, t->rng, &est);
    if (!st && !est->vt->estimate_given && est->vt->unit != IM_UNIT_NATS)
        st = im_section_fail(t->ctx, &t->sec, "given",
                             "estimator %s reads a %s, not nats: the chain rule I(X;[Y,T]) - I(X;T) needs MI",
                             est->plugin->name, im_unit_name(est->vt->unit));
    if (!st) st = im_task_estimator_rows(t, est, rows_key, &x, &y, &rows);
    if (!st && strcmp(rows, "rows") == 0)
        st = im_dataset_all_rows(t->ctx, ds, IM_ROLE_T, &z);
    else if (!st)
        st = im_mat_slice_cols(t->ctx, &z, &ds->test.t, 0, ds->test.t.cols);
    double estimate = NAN, joint = NAN, marginal = NAN, t0 = im_seconds();
    const char *method = est && est->vt->estimate_given ? "its conditional form" : "chain rule";
    int trains = est && im_estimator_trains(est);
    if (!st && est->vt->estimate_given)
        f.own = est, est = NULL;
    else if (!st)
        st = fit_chain_rule(t, &f);
    if (!st) st = read_given(t->ctx, &f, &x, &y, &z, &estimate, &joint, &marginal);
    if (!st) {
        report(f.own ? f.own : f.a, ds, x.rows, rows, method, estimate, im_seconds() - t0, rec);
        if (!isnan(joint)) {
            im_record_num(rec, "mi_x_yt", joint);
            im_record_num(rec, "mi_x_t", marginal);
            printf("  I(X;[Y,T]) %.4f − I(X;T) %.4f\n", joint, marginal);
        }
    }
    /* as mi-estimate's: an interval for estimators that train nothing */
    double lo, hi;
    if (!st && !trains && resamples > 0 && x.rows >= 8) {
        const im_mat *vars[3] = { &x, &y, &z };
        st = im_half_interval(t->ctx, vars, 3, read_half, &f, resamples, ci, estimate, t->rng, &lo, &hi);
        if (!st) {
            im_record_num(rec, "ci_low", lo);
            im_record_num(rec, "ci_high", hi);
            printf("  %g%% half-sampling interval: [%.4f, %.4f]\n", 100 * ci, lo, hi);
        }
    }
    im_estimator_free(est);
    given_fit_free(&f);
    im_mat_free(&x);
    im_mat_free(&y);
    im_mat_free(&z);
    return st;
}
