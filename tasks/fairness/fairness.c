/* fairness.c — task `fairness`: infomin representation learning (Scalable
 * Infomin Learning, NeurIPS 2022). An encoder Z = f(X) and a linear head on Z
 * minimise
 *     task loss(head(Z), Y) + β · penalty(Z, T)
 * where the penalty is the objective of any estimator plugin in [estimator]
 * (β = 0: no penalty, no estimator). given = y makes it conditional:
 * Σ_y p(y)·Î(Z;T | Y = y), one instance of the estimator per class of a
 * binary Y, refitted and read on that class's rows only — the dependence
 * equalized odds forbids, where the plain penalty removes the dependence
 * demographic parity forbids (and so, when T predicts Y, some of Y).
 * Trained estimators alternate with the encoder: `inner_steps` critic updates on the detached Z of the batch, then
 * one encoder update through the critic held fixed; closed-form estimators
 * with a fit (slice: new slices and CCA) are refitted on the Z of
 * `refit_rows` training rows every `refit_every` steps.
 *
 * Files: fairness.c (settings, one run, the descriptor), model.c (encoder,
 * head and training), audit.c (what a run reports: accuracy, fairness gaps,
 * three leakage measures), summary.c (after a sweep).
 * With a [sweep] over estimators and β, the summary draws the trade-off:
 * accuracy against ρ*(Z;T), one line per estimator (<output>-tradeoff.png). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fairness.h"
#include "infomin/numtext.h"

static const im_field fairness_fields[] = {
    IM_FLOAT(fairness_settings, beta, "0", "penalty weight (0: no penalty)", ">=0", .gates = "estimator"),
    IM_INT(fairness_settings, epochs, "20", "passes over the training split", ">=1"),
    IM_INT(fairness_settings, batch, "256", "rows per step", ">=4"),
    IM_FLOAT(fairness_settings, lr, "1e-3", "Adam learning rate of the encoder and head", ">0"),
    IM_FIELD_AS(fairness_settings, cosine, "lr_schedule", "string", int, "constant", "constant, or cosine: the "
                "encoder's and head's learning rate falls from lr to 0 over the run (the code settles instead of "
                "moving with the last refits)", "constant|cosine"),
    IM_FLOAT(fairness_settings, weight_decay, "0", "decoupled weight decay of the encoder and head", ">=0"),
    IM_PENALTY_FIELDS(fairness_settings, pen, "5", "20000", NULL, NULL),
    IM_FIELD_AS(fairness_settings, given_y, "given", "string", int, "none", "none: the penalty is Î(Z;T) "
                "(demographic parity asks Z ⟂ T); y: Σ_y p(y)·Î(Z;T | Y = y), one estimator per class of a binary "
                "Y fitted and read on that class's rows (equalized odds asks Z ⟂ T | Y)", "none|y",
                .neutral = "none"),
    IM_AUDIT_FIELDS(fairness_settings, audit),
    IM_STRING(fairness_settings, save_codes, "", "write every row's code, T, Y, score and split to this .npy file, "
              "and beside it <name>-audit.ini, which audits them again with task audit (\"\": none)", NULL,
              .unhashed = 1),
    IM_INT(fairness_settings, checkpoint_every, "0", "epochs between checkpoints of the training state (0: none); "
           "infomin-run --resume continues a killed run from the last one", ">=0", .unhashed = 1),
    IM_FLOAT(fairness_settings, select_accuracy, "0.8", "sweep summary: per penalty, the beta with the lowest "
             "rho*(Z;T) among runs at least this accurate", "0..1", .unhashed = 1),
    IM_STRING(fairness_settings, reference_rho, "", "sweep summary: published rho*(Z;T) to print beside the chosen "
              "runs, as penalty:value,... (e.g. none:0.987)", NULL, .unhashed = 1),
    IM_FIELDS_END,
};

/* The next item of a "penalty:value, penalty:value" list at *p: 1 with the
 * penalty's span and the value, 0 at the end, -1 if the item (span in
 * name/len) is not of that form. */
int fairness_next_reference(const char **p, const char **name, size_t *len, double *value)
{
    while (**p == ',' || **p == ' ') (*p)++;
    if (!**p) return 0;
    size_t item = strcspn(*p, ",");
    const char *colon = memchr(*p, ':', item);
    char *end = NULL;
    *value = colon ? im_strtod(colon + 1, &end) : NAN;
    while (end && end < *p + item && *end == ' ') end++;
    int ok = colon && colon > *p && end == *p + item && isfinite(*value);
    *name = *p;
    *len = ok ? (size_t)(colon - *p) : item;
    *p += item;
    return ok ? 1 : -1;
}

/* The validate hook: reference_rho is only read by the sweep summary, so
 * its form is checked with the configuration, before the first run: a typo
 * is an error rather than a missing line. */
static im_status fairness_validate(im_ctx *ctx, const im_section *s)
{
    const char *p, *name;
    size_t len;
    double v;
    im_status st = im_section_string(ctx, s, "reference_rho", &p);
    int r;
    while (!st && (r = fairness_next_reference(&p, &name, &len, &v)) != 0)
        if (r < 0) st = im_section_fail(ctx, s, "reference_rho", "'%.*s' is not penalty:value", (int)len, name);
    return st;
}

/* T must vary (a constant T is no nuisance: the leakage measures would
 * read 0 or NaN), and a binary T must have both groups in the test split
 * (the fairness gaps compare them). */
static im_status check_sensitive(im_ctx *ctx, const im_dataset *ds)
{
    /* the head is a logistic one and the gaps compare positive rates: a
     * 10-class label read as binary gave "accuracy" 0.900 (the share of
     * labels above 0) and gaps of 0 */
    if (ds->y_kind == IM_VAR_CLASSES && ds->y_classes > 2)
        return im_fail(ctx, IM_EINVAL, "fairness: Y of dataset %s has %d classes: the task's head, its accuracy and "
                       "the gaps dDP/dEO are for a binary or a continuous target", ds->name, ds->y_classes);
    const im_mat *t = &ds->train.t;
    double lo = t->data[0], hi = t->data[0];
    for (int r = 1; r < t->rows; r++) lo = fmin(lo, t->data[r]), hi = fmax(hi, t->data[r]);
    if (lo == hi)
        return im_fail(ctx, IM_EINVAL, "fairness: T of dataset %s is constant (%g) in the training split: there is "
                       "nothing to remove", ds->name, lo);
    if (ds->t_kind != IM_VAR_BINARY) return IM_OK;
    int count[2] = { 0, 0 };
    for (int r = 0; r < ds->test.t.rows; r++) count[ds->test.t.data[r] > 0.5f]++;
    for (int g = 0; g < 2; g++)
        if (!count[g])
            return im_fail(ctx, IM_EINVAL, "fairness: no test row of dataset %s has T = %d: the fairness gaps and the "
                           "adversary's AUC are undefined (a larger test split or another seed)", ds->name, g);
    return IM_OK;
}

static im_status fairness_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    fairness_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_T);
    const im_dataset *ds = &t.ds;
    if (!st) st = check_sensitive(ctx, ds);
    if (!st && s.given_y && ds->y_kind != IM_VAR_BINARY)
        st = im_fail(ctx, IM_EINVAL, "fairness: given = y needs a binary Y (one penalty per class); Y of dataset %s "
                     "is %s", ds->name, ds->y_kind == IM_VAR_CONTINUOUS ? "continuous" : "not binary");
    model m = { 0 };   /* freed on every path, the early ones included */
    im_penalty pen[2] = { { 0 } };
    int n_pen = s.beta > 0 ? 1 + s.given_y : 0;
    im_mat ztr = { 0 }, zva = { 0 }, zte = { 0 };
    if (!st) st = fairness_model_init(ctx, cfg, ds->train.x.cols, rng, &m);
    int rows[2] = { st ? 0 : ds->train.x.rows, 0 };   /* the rows each penalty's refits sample from */
    if (!st && n_pen == 2) {
        for (int r = 0; r < ds->train.y.rows; r++) rows[1] += ds->train.y.data[r] > 0.5f;
        rows[0] -= rows[1];
        for (int c = 0; c < 2 && !st; c++)
            if (rows[c] < 16)
                st = im_fail(ctx, IM_EINVAL, "fairness: given = y, but %d training rows of dataset %s have Y = %d "
                             "(the penalty of that class needs at least 16)", rows[c], ds->name, c);
    }
    for (int c = 0; c < n_pen && !st; c++)
        st = im_penalty_new(ctx, cfg, "estimator", m.enc.out_dim, 1, &s.pen, rows[c], rng, &pen[c]);
    double spe = 0, quality = 0;
    if (!st) st = fairness_train(&t, &s, &m, pen, n_pen, &spe);
    if (!st) st = im_encoder_encode(ctx, &m.enc, &ds->train.x, IM_ENCODE_CODE, &ztr);
    if (!st) st = im_encoder_encode(ctx, &m.enc, &ds->val.x, IM_ENCODE_CODE, &zva);
    if (!st) st = im_encoder_encode(ctx, &m.enc, &ds->test.x, IM_ENCODE_CODE, &zte);
    if (!st) {
        im_penalty_record(&pen[0], s.beta, rec);
        if (n_pen == 2) {   /* its own name: a sweep over `given` groups apart */
            char name[96];
            snprintf(name, sizeof name, "%s given Y", im_penalty_name(&pen[0]));
            im_record_str(rec, "penalty", name);
        }
        im_record_num(rec, "seconds_per_epoch", spe);
        st = fairness_audit(&t, &s, &m, (const im_mat *[3]){ &ztr, &zva, &zte }, &quality);
    }
    if (!st) {
        double rho = im_record_value(rec, "rho_star"), a = NAN;
        if (!im_record_metric(rec, "adversary_auc", &a)) im_record_metric(rec, "adversary_r2", &a);
        printf("fairness on %s, penalty %s, beta %g: %s %.4f, rho*(Z;T) %.4f, adversary %s %.4f (%.1f s/epoch)\n",
               ds->name, im_record_text(rec, "penalty"), s.beta, ds->y_kind == IM_VAR_CONTINUOUS ? "RMSE" : "accuracy",
               quality, rho, ds->t_kind == IM_VAR_BINARY ? "AUC" : "R2", a, spe);
    }
    im_mat_free(&ztr);
    im_mat_free(&zva);
    im_mat_free(&zte);
    for (int c = 0; c < 2; c++) im_penalty_free(&pen[c]);
    fairness_model_free(&m);
    im_task_close(&t);
    return st;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "accuracy", "rmse", "delta_dp", "delta_eo", "adversary_auc", "adversary_r2", "rho_star",
    "ksg_mi", "seconds_per_epoch", NULL
};

static const im_task_vt fairness_vt = { IM_VT_SIZE(im_task_vt), .run = fairness_run, .summarize = fairness_summarize,
                                        .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin fairness = IM_PLUGIN(IM_TASK, "fairness",
                                    "infomin fairness: encoder + head, task loss + beta * penalty(Z, T), leakage audit",
                                    NULL, &fairness_vt, .validate = fairness_validate,
                                    .fields = fairness_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &fairness, NULL };
