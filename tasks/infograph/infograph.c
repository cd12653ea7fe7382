/* infograph.c — task `infograph`: InfoGraph (Sun et al., ICLR 2020) on a
 * collection of small graphs (`graph-collection`), judged by a
 * logistic-regression probe on frozen graph embeddings over the graphs'
 * labels (their generator), trained on the training graphs and scored on
 * the test graphs. Methods:
 *   infograph  the encoder (gin) trained by InfoGraph's objective (train.c)
 *   random     the same encoder, untrained
 *   degree     no encoder: the dataset's X, each graph's degree histogram
 * After a sweep: accuracy per method, mean ± sd, and minus the degree
 * histogram's on the same seed (summary.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infograph.h"

static const im_field infograph_fields[] = {
    IM_CHOICE(ig_settings, method, "infograph", "what makes the graph embeddings (degree: the degree histogram, no "
              "encoder)", "infograph|random|degree"),
    IM_INT(ig_settings, epochs, "20", "passes over the training graphs", ">=1"),
    IM_INT(ig_settings, batch, "128", "graphs per step (each node's negatives: the other graphs)", ">=2"),
    IM_FLOAT(ig_settings, lr, "1e-3", "Adam learning rate of encoder and projections", ">0"),
    IM_INT(ig_settings, proj, "128", "width of the node and graph projections the scores compare", ">=1"),
    IM_INT(ig_settings, probe_epochs, "100", "passes of the logistic-regression probe over the training graphs", ">=1"),
    IM_FLOAT(ig_settings, probe_lr, "1e-2", "Adam learning rate of the probe", ">0"),
    IM_FIELDS_END,
};

/* The probe on the graph embeddings: train rows, then test rows. */
static im_status probe(im_ctx *ctx, const ig_settings *s, const im_dataset *ds, const im_mat *train,
                       const im_mat *test, im_rng *rng, double *acc)
{
    int *ltr = im_class_labels(ctx, &ds->train.y, ds->train.y.rows), *lte = im_class_labels(ctx, &ds->test.y, ds->test.y.rows);
    im_status st = ltr && lte ? IM_OK : ctx->status;
    im_probe_data d = { train, test, ltr, lte, ds->y_classes };
    if (!st) st = im_probe_accuracy(ctx, &d, 0, s->probe_epochs, s->probe_lr, rng, acc);
    free(ltr);
    free(lte);
    return st;
}

/* Graph embeddings of the training and test graphs (rows of the splits). */
static im_status embed_splits(im_ctx *ctx, const im_dataset *ds, const im_encoder *enc, im_mat *train, im_mat *test)
{
    const im_graph_set *gs = ds->graphs;
    int n_train = ds->train.x.rows, test0 = n_train + ds->val.x.rows, n_test = ds->test.x.rows;
    int *ids = malloc(sizeof(int) * (size_t)(n_train > n_test ? n_train : n_test));
    if (!ids) return im_fail(ctx, IM_ENOMEM, "infograph: out of memory");
    for (int i = 0; i < n_train; i++) ids[i] = i;
    im_status st = ig_embed(ctx, gs, enc, ids, n_train, train);
    for (int i = 0; i < n_test; i++) ids[i] = test0 + i;
    if (!st) st = ig_embed(ctx, gs, enc, ids, n_test, test);
    free(ids);
    return st;
}

static im_status infograph_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    static const char *const method_names[] = { "infograph", "random", "degree" };
    ig_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, 0);
    s.method_name = method_names[s.method];
    const im_dataset *ds = &t.ds;
    if (!st && !ds->graphs)
        st = im_fail(ctx, IM_EINVAL, "infograph: dataset %s is not a collection of graphs: use graph-collection",
                     ds->name);
    im_encoder enc = { 0 };
    im_mat train = { 0 }, test = { 0 };
    double t0 = im_seconds(), acc = NAN;
    if (!st && s.method != IG_DEGREE)
        st = im_encoder_new(ctx, cfg, "encoder", ds->graphs->node_x.cols, (im_shape){ 0 }, rng, &enc);
    if (!st && s.method != IG_DEGREE && !enc.vt->set_graph)
        st = im_fail(ctx, IM_EINVAL, "encoder %s does not read a graph (use gin or gcn)", enc.name);
    if (!st && s.method == IG_TRAINED) st = ig_train(&t, &s, &enc);
    double train_seconds = im_seconds() - t0;
    if (!st && s.method != IG_DEGREE) st = embed_splits(ctx, ds, &enc, &train, &test);
    if (!st) st = probe(ctx, &s, ds, s.method == IG_DEGREE ? &ds->train.x : &train,
                        s.method == IG_DEGREE ? &ds->test.x : &test, rng, &acc);
    if (!st) {
        im_record_str(rec, "method", s.method_name);
        im_record_num(rec, "probe_accuracy", acc);
        im_record_num(rec, "train_seconds", train_seconds);
        printf("infograph on %s, %s: probe accuracy %.4f (%.1f s)\n", ds->name, s.method_name, acc, train_seconds);
    }
    im_mat_free(&train);
    im_mat_free(&test);
    im_encoder_free(&enc);
    im_task_close(&t);
    return st;
}

static const im_task_vt infograph_vt = { IM_VT_SIZE(im_task_vt), .run = infograph_run, .summarize = ig_summarize,
                                         .labelled_sections = IM_NO_LABELLED_SECTIONS };
static const im_plugin infograph_plugin = IM_PLUGIN(IM_TASK, "infograph",
                                                    "InfoGraph on a collection of graphs, probed beside a random "
                                                    "encoder and the degree histogram",
                                                    NULL, &infograph_vt, .fields = infograph_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &infograph_plugin, NULL };
