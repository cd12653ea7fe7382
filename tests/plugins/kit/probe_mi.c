/* probe_mi.c — task `probe-mi`, ARCHITECTURE.md's worked example of the
 * task kit: an encoder trained to predict the class, then the MI between
 * its code and the class by the [estimator] plugin, on the test split. */
#include <stdlib.h>
#include "infomin/infomin.h"

typedef struct {
    int epochs, batch;
    double lr;
} settings;

static const im_field probe_mi_fields[] = {
    IM_INT(settings, epochs, "5", "passes over the training split", ">=1"),
    IM_INT(settings, batch, "128", "rows per step", ">=2"),
    IM_FLOAT(settings, lr, "1e-3", "Adam learning rate", ">0"),
    IM_FIELDS_END,
};

static im_status train(im_task *t, const settings *s, im_encoder *enc, im_linear_layer *head, im_params *all)
{
    const im_dataset *ds = &t->ds;
    im_mat xb = { 0 };
    int *yb = NULL;
    im_optim opt;
    im_loop l;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "probe-mi", .epochs = s->epochs,
                                                         .rows = ds->train.x.rows, .batch = s->batch });
    if (!st) st = im_mat_alloc(t->ctx, &xb, l.batch, ds->train.x.cols);
    if (!st && !(yb = malloc(sizeof(int) * (size_t)l.batch))) st = im_fail(t->ctx, IM_ENOMEM, "probe-mi: out of memory");
    im_adam_init(&opt, all, s->lr);
    while (!st && im_loop_next(&l)) {
        for (int k = 0; k < l.batch; k++) {
            im_mat_copy_row(&xb, k, &ds->train.x, l.rows[k]);
            yb[k] = (int)im_mat_row(&ds->train.y, l.rows[k])[0];
        }
        im_tensor *z = im_encoder_forward(l.g, enc, im_input(l.g, &xb));
        st = im_loop_update(&l, im_cross_entropy_logits(l.g, im_linear_layer_forward(l.g, head, z), yb), &opt);
    }
    st = im_loop_end(&l, st);
    im_mat_free(&xb);
    free(yb);
    return st;
}

static im_status probe_mi_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_encoder enc = { 0 };
    im_linear_layer head;
    im_params head_params = { 0 }, all = { 0 };
    im_estimator *est = NULL;
    im_mat z = { 0 };
    double mi = 0;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_CLASSES);
    if (!st) st = im_encoder_new(ctx, cfg, "encoder", t.ds.train.x.cols, t.ds.x_shape, rng, &enc);
    if (!st) st = im_linear_layer_init(ctx, &head, &head_params, "head", enc.out_dim, t.ds.y_classes, IM_ACT_NONE, rng);
    if (!st) st = im_params_view_append(ctx, &all, im_encoder_params(&enc));
    if (!st) st = im_params_view_append(ctx, &all, &head_params);
    if (!st) st = train(&t, &s, &enc, &head, &all);
    if (!st) st = im_encoder_encode(ctx, &enc, &t.ds.test.x, IM_ENCODE_CODE, &z);
    if (!st) st = im_estimator_new(ctx, cfg, "estimator", enc.out_dim, 1, rng, &est);
    if (!st) st = im_estimator_fit(ctx, est, &z, &t.ds.test.y, &z, &t.ds.test.y, rec);
    if (!st) st = im_estimator_estimate(ctx, est, &z, &t.ds.test.y, &mi);
    if (!st) im_record_num(rec, "mi_code_label", mi);
    im_mat_free(&z);
    im_estimator_free(est);
    im_params_view_free(&all);
    im_params_free(&head_params);
    im_encoder_free(&enc);
    im_task_close(&t);
    return st;
}

static const im_task_vt probe_mi_vt = { IM_VT_SIZE(im_task_vt), .run = probe_mi_run };
static const im_plugin probe_mi = IM_PLUGIN(IM_TASK, "probe-mi", "MI between a trained code and the class", NULL,
                                            &probe_mi_vt, .fields = probe_mi_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &probe_mi, NULL };
