/* audit.c — task `audit` (since 0.6): what codes Z a user brings keep of a
 * sensitive variable T, and what a model's decisions on them cost in
 * fairness, measured as the fairness task measures its own codes
 * (audit.h): a fresh adversary's AUC or R², ρ*(Z;T), sliced KSG; with the
 * label and the model's score, accuracy or RMSE and the gaps ΔDP and ΔEO;
 * with an [estimator], Î(Z;T) on the test rows and a half-sampling
 * interval.
 *
 * The dataset (csv or npy) gives Z as X, T as T (one column), and Y as
 * nothing, the label, or the label then the score (the decision is
 * score > 0). The adversary trains on the training rows, ρ*'s critic on
 * the validation rows; everything is reported on the test rows. A
 * `split_column` keeps a split the codes came with. `rng_state` (what the
 * fairness task's save_codes writes) starts the measures from a given
 * state of the generator, so they repeat another run's draws exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

typedef struct {
    im_audit_opts audit;
    const char *rng_state;
    int resamples;
    double ci;
} settings;

static const im_field audit_fields[] = {
    IM_AUDIT_FIELDS(settings, audit),
    IM_STRING(settings, rng_state, "", "the generator's state to start the measures from (hex, as the fairness task's "
              "save_codes writes it; \"\": from the seed)", NULL),
    IM_INT(settings, resamples, "50", "with an [estimator]: half-samples for the interval of its estimate", ">=0"),
    IM_FLOAT(settings, ci, "0.9", "coverage of that interval", "0..1"),
    IM_FIELDS_END,
};

/* the state's hex text into bytes: 1 when it is IM_RNG_BYTES of them */
static int parse_state(const char *hex, unsigned char *out)
{
    if (strlen(hex) != 2 * IM_RNG_BYTES) return 0;
    for (int i = 0; i < IM_RNG_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
            return 0;
        out[i] = (unsigned char)v;
    }
    return 1;
}

static im_status audit_validate(im_ctx *ctx, const im_section *sec)
{
    const char *hex;
    unsigned char state[IM_RNG_BYTES];
    im_status st = im_section_string(ctx, sec, "rng_state", &hex);
    if (!st && hex[0] && !parse_state(hex, state))
        st = im_section_fail(ctx, sec, "rng_state", "%d hex digits (a state the fairness task wrote), got %zu characters",
                             2 * IM_RNG_BYTES, strlen(hex));
    return st;
}

/* What the measures need of the dataset, each refusal naming it. */
static im_status check_rows(im_ctx *ctx, const im_dataset *ds, int t_binary)
{
    if (ds->train.t.cols != 1)
        return im_fail(ctx, IM_EINVAL, "audit: dataset %s needs one column T (t = ...), it has %d", ds->name,
                       ds->train.t.cols);
    if (ds->train.y.cols > 2)
        return im_fail(ctx, IM_EINVAL, "audit: Y of dataset %s has %d columns: none, the label, or the label and the "
                       "model's score", ds->name, ds->train.y.cols);
    const im_split *parts[3] = { &ds->train, &ds->val, &ds->test };
    static const char *const names[3] = { "training (the adversary's)", "validation (rho*'s critic's)", "test" };
    for (int s = 0; s < 3; s++)
        if (parts[s]->x.rows < 2)
            return im_fail(ctx, IM_EINVAL, "audit: dataset %s has %d %s rows (need 2)", ds->name, parts[s]->x.rows,
                           names[s]);
    if (!t_binary) return IM_OK;
    int count[2] = { 0, 0 };
    for (int r = 0; r < ds->test.t.rows; r++) count[ds->test.t.data[r] > 0.5f]++;
    for (int g = 0; g < 2; g++)
        if (!count[g])
            return im_fail(ctx, IM_EINVAL, "audit: no test row of dataset %s has T = %d: the gaps and the adversary's "
                           "AUC are undefined", ds->name, g);
    return IM_OK;
}

/* Column c of m (one column, allocated here). */
static im_status column(im_ctx *ctx, const im_mat *m, int c, im_mat *out)
{
    im_status st = im_mat_alloc(ctx, out, m->rows, 1);
    for (int r = 0; !st && r < m->rows; r++) out->data[r] = im_mat_row(m, r)[c];
    return st;
}

/* With an [estimator]: Î(Z;T), fitted on the training rows, read on the
 * test rows, with its half-sampling interval. */
static im_status estimate_mi(im_task *t, const settings *s, im_rng *rng)
{
    const im_dataset *ds = &t->ds;
    im_estimator *est = NULL;
    double mi = NAN, lo = NAN, hi = NAN;
    im_status st = im_estimator_new(t->ctx, t->cfg, "estimator", ds->train.x.cols, 1, rng, &est);
    if (!st) st = im_estimator_fit(t->ctx, est, &ds->train.x, &ds->train.t, &ds->val.x, &ds->val.t, NULL);
    if (!st) st = im_estimator_estimate(t->ctx, est, &ds->test.x, &ds->test.t, &mi);
    if (!st && s->resamples > 0)
        st = im_estimator_half_interval(t->ctx, est, &ds->test.x, &ds->test.t, s->resamples, s->ci, mi, rng, &lo, &hi);
    if (!st) {
        im_record_str(t->rec, "mi_estimator", est->plugin->name);
        im_record_str(t->rec, "mi_unit", im_unit_name(est->vt->unit));
        im_record_num(t->rec, "mi", mi);
        if (s->resamples > 0) im_record_num(t->rec, "mi_low", lo), im_record_num(t->rec, "mi_high", hi);
        printf("  I(Z;T) by %s: %.4f %s", est->plugin->name, mi, im_unit_name(est->vt->unit));
        if (s->resamples > 0) printf(", %g%% half-sampling interval [%.4f, %.4f]", 100 * s->ci, lo, hi);
        printf("\n");
    }
    im_estimator_free(est);
    return st;
}

static void print_figures(const im_task *t, const im_audit_data *d)
{
    const im_record *rec = t->rec;
    double v;
    printf("audit of %s (%d test rows, %d-D codes, %s T):", t->ds.name, d->z_test->rows, d->z_test->cols,
           d->t_binary ? "binary" : "continuous");
    if (im_record_metric(rec, "accuracy", &v)) printf(" accuracy %.4f", v);
    if (im_record_metric(rec, "rmse", &v)) printf(" RMSE %.4f", v);
    if (im_record_metric(rec, "delta_dp", &v)) printf(", dDP %.4f", v);
    if (im_record_metric(rec, "delta_eo", &v)) printf(", dEO %.4f", v);
    if (im_record_metric(rec, "adversary_auc", &v)) printf("%s adversary AUC %.4f", d->y_test ? "," : "", v);
    if (im_record_metric(rec, "adversary_r2", &v)) printf("%s adversary R2 %.4f", d->y_test ? "," : "", v);
    if (im_record_metric(rec, "rho_star", &v)) printf(", rho*(Z;T) %.4f", v);
    if (im_record_metric(rec, "ksg_mi", &v)) printf(", sliced KSG %.4f nats", v);
    printf("\n");
}

static im_status audit_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, 0);
    const im_dataset *ds = &t.ds;
    int t_binary = !st && im_audit_is_binary(&ds->train.t) && im_audit_is_binary(&ds->val.t) &&
                   im_audit_is_binary(&ds->test.t);
    if (!st) st = check_rows(ctx, ds, t_binary);
    im_mat label = { 0 }, score = { 0 };
    int has_scores = !st && ds->test.y.cols == 2;
    if (has_scores) st = column(ctx, &ds->test.y, 0, &label);
    if (!st && has_scores) st = column(ctx, &ds->test.y, 1, &score);
    im_audit_data d = { .z_train = &ds->train.x, .z_val = &ds->val.x, .z_test = &ds->test.x, .t_train = &ds->train.t,
                        .t_val = &ds->val.t, .t_test = &ds->test.t, .t_binary = t_binary,
                        .y_test = has_scores ? &label : NULL, .score_test = has_scores ? score.data : NULL,
                        .y_binary = has_scores && im_audit_is_binary(&label) };
    im_rng replay = { 0 }, *stream = rng;
    unsigned char state[IM_RNG_BYTES];
    if (!st && s.rng_state[0] && parse_state(s.rng_state, state)) {
        im_rng_unpack(&replay, state);
        stream = &replay;
    }
    double quality;
    if (!st && has_scores) st = im_audit_quality(ctx, &d, rec, &quality);
    if (!st) st = im_audit_leakage(ctx, &s.audit, &d, stream, rec);
    if (!st) print_figures(&t, &d);
    if (!st && !has_scores)
        printf("  (no accuracy or gaps: give y = label, score — the model's output, its decision score > 0)\n");
    if (!st && im_config_has_section(cfg, "estimator")) st = estimate_mi(&t, &s, stream);
    im_mat_free(&label);
    im_mat_free(&score);
    im_task_close(&t);
    return st;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "accuracy", "rmse", "delta_dp", "delta_eo", "adversary_auc", "adversary_r2", "rho_star",
    "ksg_mi", "mi", "mi_low", "mi_high", NULL
};

static const im_task_vt audit_vt = { IM_VT_SIZE(im_task_vt), .run = audit_run,
                                     .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin audit = IM_PLUGIN(IM_TASK, "audit",
                                 "leakage of T in your own codes Z and the fairness of a model's decisions on them",
                                 NULL, &audit_vt, .validate = audit_validate, .fields = audit_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &audit, NULL };
