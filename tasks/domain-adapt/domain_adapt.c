/* domain_adapt.c — task `domain-adapt`: unsupervised domain adaptation by
 * infomin (Scalable Infomin Learning, Chen et al. 2022, §5): labels on the
 * source domain only; an encoder makes the content code Z_c, a classifier
 * reads the class from it, and the code is made to carry no information
 * about the domain:
 *     min  CE(classifier(Z_c), Y | source rows) + β · penalty(Z_c, domain)
 * each batch half source, half target images; any estimator plugin in
 * [estimator] is the penalty. `method = source-only` is the baseline that
 * never sees a target image (whole batches of source rows, no penalty);
 * `infomin` at β = 0 ("none") sees target images only through the batch's
 * statistics. The dataset's T is the domain (fashion-mnist-m).
 *
 * Reported (evaluate.c): test accuracy on source and on target rows, a
 * fresh domain classifier's accuracy from Z_c (trained on validation Z_c;
 * chance beside it) and ρ*(Z_c; domain). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "domain_adapt.h"

static const im_field domain_adapt_fields[] = {
    IM_CHOICE(da_settings, method, "infomin", "source-only: source batches, no penalty; infomin: half-target batches, "
              "penalty", "source-only|infomin"),
    IM_FLOAT(da_settings, beta, "0", "penalty weight (0: none, [estimator] not read)", ">=0", .gates = "estimator"),
    IM_INT(da_settings, epochs, "10", "passes over the source rows", ">=1"),
    IM_INT(da_settings, batch, "128", "images per step (infomin: half source, half target)", ">=4"),
    IM_FLOAT(da_settings, lr, "1e-3", "Adam learning rate of encoder and classifier", ">0"),
    IM_PENALTY_FIELDS(da_settings, pen, "20", "4000", "rows", "0"),
    IM_LEAKAGE_FIELDS(da_settings, leak),
    IM_FLOAT(da_settings, select_source_drop, "0.05", "sweep summary: per penalty, the beta with the least domain "
           "accuracy among settings whose source accuracy is at most this far below none's (no target label is read)",
           ">=0", .unhashed = 1),
    IM_FIELDS_END,
};

/* The training rows of each domain; both must be there, and in the test
 * split too (the two accuracies). */
static im_status split_domains(im_ctx *ctx, const im_dataset *ds, da_domains *d)
{
    const im_split *sp[3] = { &ds->train, &ds->val, &ds->test };
    const char *names[3] = { "training", "validation", "test" };
    for (int i = 0; i < 3; i++) {
        int count[2] = { 0, 0 };
        for (int r = 0; r < sp[i]->t.rows; r++) count[im_mat_row(&sp[i]->t, r)[0] > 0.5f]++;
        for (int k = 0; k < 2; k++)
            if (count[k] < 2)
                return im_fail(ctx, IM_EINVAL, "domain-adapt: the %s split of dataset %s has %d %s rows (need at least 2 "
                               "of each domain)", names[i], ds->name, count[k], k ? "target" : "source");
    }
    for (int k = 0; k < 2; k++)
        if (!(d->rows[k] = malloc(sizeof(int) * (size_t)ds->train.t.rows)))
            return im_fail(ctx, IM_ENOMEM, "domain-adapt: out of memory");
    for (int r = 0; r < ds->train.t.rows; r++) {
        int k = im_mat_row(&ds->train.t, r)[0] > 0.5f;
        d->rows[k][d->n[k]++] = r;
    }
    return IM_OK;
}

static im_status model_init(im_ctx *ctx, const im_config *cfg, const im_dataset *ds, im_rng *rng, da_model *m)
{
    memset(m, 0, sizeof *m);
    m->classes = ds->y_classes;
    im_status st = im_encoder_new(ctx, cfg, "encoder", ds->train.x.cols, ds->x_shape, rng, &m->enc);
    if (!st) st = im_linear_layer_init(ctx, &m->head, &m->head_params, "classifier", m->enc.out_dim, m->classes,
                                       IM_ACT_NONE, rng);
    if (!st) st = im_params_view_append(ctx, &m->all, im_encoder_params(&m->enc));
    if (!st) st = im_params_view_append(ctx, &m->all, &m->head_params);
    return st;
}

static void model_free(da_model *m)
{
    im_encoder_free(&m->enc);
    im_params_free(&m->head_params);
    im_params_view_free(&m->all);
}

static const char *method_name(const da_settings *s) { return s->method == DA_SOURCE_ONLY ? "source-only" : "infomin"; }

static im_status domain_adapt_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    da_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_CLASSES | IM_NEEDS_BINARY_T);
    if (s.method == DA_SOURCE_ONLY) s.beta = 0;
    const im_dataset *ds = &t.ds;
    da_domains dom = { 0 };
    da_model m = { 0 };
    im_penalty pen = { 0 };
    double spe = 0;
    if (!st) st = split_domains(ctx, ds, &dom);
    if (!st) st = model_init(ctx, cfg, ds, rng, &m);
    if (!st && s.beta > 0)
        st = im_penalty_new(ctx, cfg, "estimator", m.enc.out_dim, 1, &s.pen, ds->train.x.rows, rng, &pen);
    if (!st) st = da_train(&t, &s, &dom, &m, s.beta > 0 ? &pen : NULL, &spe);
    if (!st) {
        im_record_str(rec, "method", method_name(&s));
        im_penalty_record(&pen, s.beta, rec);
        im_record_num(rec, "seconds_per_epoch", spe);
        st = da_evaluate(ctx, &s, ds, &m, rng, rec);
    }
    if (!st)
        printf("domain-adapt on %s, %s, penalty %s, beta %g: source %.4f, target %.4f, domain accuracy from Z %.3f, "
               "rho*(Z;domain) %.3f (%.1f s/epoch)\n", ds->name, method_name(&s), im_penalty_name(&pen), s.beta,
               im_record_value(rec, "source_accuracy"), im_record_value(rec, "target_accuracy"),
               im_record_value(rec, "domain_accuracy"), im_record_value(rec, "rho_star"), spe);
    im_penalty_free(&pen);
    model_free(&m);
    free(dom.rows[0]);
    free(dom.rows[1]);
    im_task_close(&t);
    return st;
}

/* source-only has no penalty: [estimator] is not read (beta = 0 says so
 * in the field table). */
static int domain_adapt_uses_section(im_ctx *ctx, const im_config *cfg, const char *name)
{
    da_settings s;
    return strcmp(name, "estimator") != 0 || im_task_settings(ctx, cfg, &s) || s.method != DA_SOURCE_ONLY;
}

/* source-only reads no beta: it does not enter the cell's hash. */
static int domain_adapt_uses_key(im_ctx *ctx, const im_config *cfg, const char *section, const char *key)
{
    da_settings s;
    if (strcmp(section, "task") != 0 || strcmp(key, "beta") != 0 || im_task_settings(ctx, cfg, &s)) return 1;
    return s.method != DA_SOURCE_ONLY;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "source_accuracy", "target_accuracy", "domain_accuracy", "domain_chance", "rho_star",
    "seconds_per_epoch", NULL
};

static const im_task_vt domain_adapt_vt = { IM_VT_SIZE(im_task_vt), .run = domain_adapt_run,
                                            .summarize = da_summarize, .uses_section = domain_adapt_uses_section,
                                            .uses_key = domain_adapt_uses_key,
                                            .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin domain_adapt = IM_PLUGIN(IM_TASK, "domain-adapt",
                                                "domain adaptation: source labels only, CE + beta * penalty(Z, domain); "
                                                "source and target accuracy",
                                                NULL, &domain_adapt_vt, .fields = domain_adapt_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &domain_adapt, NULL };
