/* dgi.c — task `dgi`: Deep Graph Infomax (Veličković et al., ICLR 2019) on
 * a graph dataset (`sbm`), judged the way the paper judges it: a logistic
 * regression probe on frozen node embeddings, trained on the training
 * nodes' labels and scored on the test nodes. Methods:
 *   dgi         the encoder trained by DGI's objective (train.c)
 *   random      the same encoder, untrained (DGI reports it strong)
 *   supervised  the same encoder trained with a linear head on the labels
 *   raw         no encoder: the node features themselves
 * After a sweep: accuracy per method (mean ± sd over seeds) and a picture,
 * the PCA of DGI's embeddings beside that of the raw features, coloured by
 * community (summary.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dgi.h"

static const im_field dgi_fields[] = {
    IM_CHOICE(dgi_settings, method, "dgi", "what trains the encoder (dgi; supervised on the labels; random: "
              "untrained; raw: no encoder, the features)", "dgi|random|supervised|raw"),
    IM_INT(dgi_settings, epochs, "500", "most full-graph training steps", ">=1"),
    IM_INT(dgi_settings, patience, "20", "stop after this many epochs without a better loss (dgi) or validation "
           "accuracy (supervised); the best epoch's weights are kept", ">=1"),
    IM_FLOAT(dgi_settings, lr, "1e-3", "Adam learning rate", ">0"),
    IM_FLOAT(dgi_settings, weight_decay, "0", "decoupled weight decay", ">=0"),
    IM_INT(dgi_settings, probe_epochs, "100", "passes of the logistic-regression probe over the training nodes", ">=1"),
    IM_FLOAT(dgi_settings, probe_lr, "1e-2", "Adam learning rate of the probe", ">0"),
    IM_INT(dgi_settings, pca_rows, "1000", "test nodes whose 2-D PCA projection is kept for the picture (0: none)",
           ">=0"),
    IM_FIELDS_END,
};

/* Every node's features in split order, their labels. */
static im_status graph_of(im_ctx *ctx, const im_dataset *ds, dgi_graph *gr)
{
    memset(gr, 0, sizeof *gr);
    if (!ds->adjacency)
        return im_fail(ctx, IM_EINVAL, "dgi: dataset %s is not a graph (no adjacency): use sbm", ds->name);
    if (ds->y_kind != IM_VAR_CLASSES)
        return im_fail(ctx, IM_EINVAL, "dgi: dataset %s has no node classes (Y)", ds->name);
    const im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    gr->n_train = ds->train.x.rows, gr->n_val = ds->val.x.rows, gr->n_test = ds->test.x.rows;
    gr->classes = ds->y_classes;
    gr->adjacency = ds->adjacency;
    int n = gr->n_train + gr->n_val + gr->n_test;
    im_status st = im_mat_alloc(ctx, &gr->x, n, ds->train.x.cols);
    if (!st && !(gr->labels = malloc(sizeof(int) * (size_t)n))) st = im_fail(ctx, IM_ENOMEM, "dgi: out of memory");
    for (int s = 0, at = 0; s < 3 && !st; s++)
        for (int r = 0; r < splits[s]->x.rows; r++, at++) {
            im_mat_copy_row(&gr->x, at, &splits[s]->x, r);
            gr->labels[at] = (int)im_mat_row(&splits[s]->y, r)[0];
        }
    return st;
}

static void graph_free(dgi_graph *gr)
{
    im_mat_free(&gr->x);
    free(gr->labels);
}

/* The probe on rows of f (every node's features or embedding), and the
 * 2-D PCA of the first pca_rows test nodes as the curve "pca", in units of
 * the first component's sd. */
static im_status evaluate(im_ctx *ctx, const dgi_settings *s, const dgi_graph *gr, const im_mat *f, im_rng *rng,
                          im_record *rec)
{
    int test0 = gr->n_train + gr->n_val;
    im_mat train = { gr->n_train, f->cols, f->data }, test = { gr->n_test, f->cols, im_mat_row(f, test0) };
    im_probe_data d = { &train, &test, gr->labels, gr->labels + test0, gr->classes };
    double acc;
    im_status st = im_probe_accuracy(ctx, &d, 0, s->probe_epochs, s->probe_lr, rng, &acc);
    if (!st) im_record_num(rec, "probe_accuracy", acc);
    int m = s->pca_rows < gr->n_test ? s->pca_rows : gr->n_test;
    if (st || m < 2) return st;
    double *x = im_mat_to_double(&(im_mat){ m, f->cols, test.data }), *xy = malloc(sizeof(double) * 2 * (size_t)m);
    st = x && xy ? im_pca_project(ctx, x, m, f->cols, f->cols < 2 ? 1 : 2, xy) : im_fail(ctx, IM_ENOMEM, "dgi: out of memory");
    if (!st) {   /* in units of the first component's sd: embeddings of any scale share the picture's axes */
        int k = f->cols < 2 ? 1 : 2;
        double ss = 0;
        for (int r = 0; r < m; r++) ss += xy[k * r] * xy[k * r];
        double inv = ss > 0 ? 1 / sqrt(ss / (m - 1)) : 1;
        for (int i = 0; i < k * m; i++) xy[i] *= inv;
        static const char *const cols[] = { "pc1", "pc2", "label" };
        im_curve *c = im_record_curve(rec, "pca", 3, cols);
        for (int r = 0; r < m; r++)
            im_curve_add(c, (double[]){ xy[f->cols < 2 ? r : 2 * r], f->cols < 2 ? 0 : xy[2 * r + 1], gr->labels[test0 + r] });
    }
    free(x);
    free(xy);
    return st;
}

static im_status dgi_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    static const char *const method_names[] = { "dgi", "random", "supervised", "raw" };
    dgi_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, 0);
    s.method_name = method_names[s.method];
    const im_dataset *ds = &t.ds;
    dgi_graph gr = { 0 };
    im_encoder enc = { 0 };
    im_mat emb = { 0 };
    if (!st) st = graph_of(ctx, ds, &gr);
    if (!st && s.method != DGI_RAW) st = im_encoder_new(ctx, cfg, "encoder", gr.x.cols, (im_shape){ 0 }, rng, &enc);
    if (!st && s.method != DGI_RAW) st = im_encoder_set_graph(ctx, &enc, gr.adjacency);
    double t0 = im_seconds(), head = NAN;
    int epochs = 0;
    if (!st && s.method == DGI_TRAINED) st = dgi_train_infomax(&t, &s, &gr, &enc, &epochs);
    if (!st && s.method == DGI_SUPERVISED) st = dgi_train_supervised(&t, &s, &gr, &enc, &head);
    double train_seconds = im_seconds() - t0;
    if (!st && s.method != DGI_RAW) st = im_encoder_encode(ctx, &enc, &gr.x, IM_ENCODE_CODE, &emb);
    if (!st) st = evaluate(ctx, &s, &gr, s.method == DGI_RAW ? &gr.x : &emb, rng, rec);
    if (!st) {
        double acc = NAN;
        im_record_metric(rec, "probe_accuracy", &acc);
        im_record_str(rec, "method", s.method_name);
        im_record_num(rec, "train_seconds", train_seconds);
        if (s.method == DGI_TRAINED) im_record_num(rec, "epochs_run", epochs);
        if (s.method == DGI_SUPERVISED) im_record_num(rec, "head_accuracy", head);
        printf("dgi on %s, %s: probe accuracy %.4f", ds->name, s.method_name, acc);
        if (s.method == DGI_SUPERVISED) printf(" (its own head %.4f)", head);
        if (s.method == DGI_TRAINED) printf(" after %d epochs", epochs);
        printf(" (%.1f s)\n", train_seconds);
    }
    im_mat_free(&emb);
    im_encoder_free(&enc);
    graph_free(&gr);
    im_task_close(&t);
    return st;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "probe_accuracy", "head_accuracy", "epochs_run", "train_seconds", NULL
};

static const im_task_vt dgi_vt = { IM_VT_SIZE(im_task_vt), .run = dgi_run, .summarize = dgi_summarize,
                                   .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin dgi_plugin = IM_PLUGIN(IM_TASK, "dgi",
                                              "Deep Graph Infomax on a graph's nodes, probed beside raw features, a "
                                              "random and a supervised GCN",
                                              NULL, &dgi_vt, .fields = dgi_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &dgi_plugin, NULL };
