/* infoplane.c — task `infoplane` (since 0.6): the information plane of a
 * small classifier over training, as Shwartz-Ziv & Tishby (2017, "Opening
 * the black box of deep neural networks via information") drew it and as
 * Saxe et al. (2018, "On the information bottleneck theory of deep
 * learning") redrew it with ReLU units.
 *
 * An MLP (12-10-7-5-4-3-2 by default: hidden tanh or ReLU layers, a
 * softmax output) learns the dataset's class labels (the `tishby` dataset:
 * every 12-bit pattern once) by Adam on cross-entropy, mini-batches of the
 * training split. At log-spaced epochs (and before the first step) every
 * layer T is read on every row, training and test: its activations binned
 * per unit (`bins` equal bins over [−1, 1] for tanh, the paper's; for ReLU
 * bins of the same width from 0 up to the layer's largest activation, as
 * Saxe et al.; the softmax output in `bins` over [0, 1]), a row's bins one
 * symbol, and
 *     I(X;T) = H(X) + H(T) − H(X,T),  I(T;Y) = H(T) + H(Y) − H(T,Y)
 * of the symbols' frequencies over the rows (core/stats/binned.c), in
 * bits, plug-in as in both papers (miller_madow = true adds the correction).
 * With each pattern once and T a function of X, I(X;T) is H(T) and
 * I(T;Y) ≤ I(X;Y) = H(Y).
 *
 * Records: the accuracies, per layer the last and the largest I(X;T) and
 * the last I(T;Y) (keys ixt_last_l<k>, ixt_peak_l<k>, ity_last_l<k>; k
 * from 1, the output last), ixt_drop = the largest fall of I(X;T) from its
 * peak over the hidden layers (bits: the compression phase, if any); one
 * curve per layer (epoch, I(X;T), I(T;Y)), and <output>-plane.png. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

#define MAX_LAYERS 9

typedef struct {
    int hidden[MAX_LAYERS - 1], n_hidden;
    int relu;
    int epochs, batch, bins, snapshots, miller_madow;
    double lr;
} settings;

static const im_field infoplane_fields[] = {
    IM_INTS(settings, hidden, n_hidden, "10,7,5,4,3", "hidden widths (the paper's 12-10-7-5-4-3-2 network)", "1..1024"),
    IM_FIELD_AS(settings, relu, "activation", "string", int, "tanh", "hidden units: tanh (Shwartz-Ziv & Tishby) or "
                "relu (Saxe et al.)", "tanh|relu"),
    IM_INT(settings, epochs, "8000", "passes over the training rows", ">=1"),
    IM_INT(settings, batch, "256", "rows per Adam step", ">=1"),
    IM_FLOAT(settings, lr, "4e-4", "Adam learning rate (Saxe et al.'s)", ">0"),
    IM_INT(settings, bins, "30", "bins per unit: tanh and softmax units over their range ([-1, 1], [0, 1]), "
           "ReLU units in bins of tanh's width from 0 up", "2..100000"),
    IM_INT(settings, snapshots, "80", "log-spaced epochs at which the plane is read (and before training)",
           "2..400"),
    IM_BOOL(settings, miller_madow, "false", "add (occupied cells - 1) / (2N) to each plug-in entropy (the papers: "
            "none)"),
    IM_FIELDS_END,
};

/* The layer values of every row, one layer at a time, and the plane. */
typedef struct {
    im_mat x;            /* every row, training then test */
    int *labels, n, n_train;
    int *sx, *sy, mx, my;   /* symbols of X and Y */
    int *st;             /* scratch: a layer's symbols */
    double *values;      /* scratch: a layer's activations in double */
} rows_view;

static void rows_free(rows_view *r)
{
    im_mat_free(&r->x);
    free(r->labels);
    free(r->sx);
    free(r->sy);
    free(r->st);
    free(r->values);
}

static im_status rows_open(im_ctx *ctx, const im_dataset *ds, rows_view *r)
{
    im_mat y = { 0 };
    im_status st = im_dataset_all_rows(ctx, ds, IM_ROLE_X, &r->x);
    if (!st) st = im_dataset_all_rows(ctx, ds, IM_ROLE_Y, &y);
    if (st) return st;
    r->n = r->x.rows, r->n_train = ds->train.x.rows;
    r->labels = malloc(sizeof(int) * (size_t)r->n);
    r->sx = malloc(sizeof(int) * (size_t)r->n);
    r->sy = malloc(sizeof(int) * (size_t)r->n);
    r->st = malloc(sizeof(int) * (size_t)r->n);
    r->values = malloc(sizeof(double) * (size_t)r->n * (size_t)(r->x.cols > 1024 ? r->x.cols : 1024));
    if (!r->labels || !r->sx || !r->sy || !r->st || !r->values) st = im_fail(ctx, IM_ENOMEM, "infoplane: out of memory");
    for (int i = 0; i < r->n && !st; i++) r->labels[i] = (int)im_mat_row(&y, i)[0];
    /* X and Y as symbols: their distinct rows, numbered */
    for (int i = 0; i < r->n * r->x.cols && !st; i++) r->values[i] = r->x.data[i];
    if (!st) st = im_bin_rows(ctx, r->values, r->n, r->x.cols, &(im_bins){ .bins = 1 << 20 }, r->sx, &r->mx);
    for (int i = 0; i < r->n && !st; i++) r->values[i] = r->labels[i];
    if (!st) st = im_bin_rows(ctx, r->values, r->n, 1, &(im_bins){ .bins = 1 << 20 }, r->sy, &r->my);
    im_mat_free(&y);
    return st;
}

/* I(X;T) and I(T;Y) in bits of the n x cols values of one layer, binned
 * in `bins` over lo..hi; open_top: ReLU units, unbounded above, in bins of
 * the width tanh's get (2 / bins) from lo up to the layer's largest value,
 * as Saxe et al. bin them (a fixed width: a range that grew with the
 * activations would widen the bins and read as compression) */
static im_status plane_point(im_ctx *ctx, rows_view *r, const settings *s, const im_real *v, int cols, double lo,
                             double hi, int open_top, double *ixt, double *ity)
{
    im_bins b = { .bins = s->bins, .lo = lo, .hi = hi };
    for (long i = 0; i < (long)r->n * cols; i++) r->values[i] = v[i];
    if (open_top) {
        double top = lo, width = 2.0 / s->bins;
        for (long i = 0; i < (long)r->n * cols; i++) top = r->values[i] > top ? r->values[i] : top;
        b.bins = (int)fmin(1e6, fmax(1, ceil((top - lo) / width)));
        b.hi = lo + b.bins * width;
    }
    int m;
    im_status st = im_bin_rows(ctx, r->values, r->n, cols, &b, r->st, &m);
    if (!st) st = im_symbol_mi(ctx, r->sx, r->mx, r->st, m, r->n, s->miller_madow, ixt);
    if (!st) st = im_symbol_mi(ctx, r->st, m, r->sy, r->my, r->n, s->miller_madow, ity);
    *ixt /= M_LN2, *ity /= M_LN2;
    return st;
}

typedef struct {
    im_curve *curve[MAX_LAYERS];
    double ixt_peak[MAX_LAYERS], ixt_last[MAX_LAYERS], ity_last[MAX_LAYERS];
    double train_acc, test_acc;
} plane;

/* Every layer on every row (gradients off, g rewound here): a point of
 * the plane per layer at this epoch, and the accuracies. */
static im_status read_plane(im_ctx *ctx, im_tape *g, const settings *s, const im_mlp *net, rows_view *r, int epoch,
                            plane *p)
{
    im_tape_reset(g);
    im_tensor *h = im_input(g, &r->x);
    im_status st = IM_OK;
    for (int l = 0; l < net->n_layers && !st; l++) {
        int last = l + 1 == net->n_layers;
        h = im_linear_layer_forward(g, &net->layers[l], h);
        if (!last) h = im_activate(g, h, net->act);
        if (!h) return ctx->status;
        const im_real *v = h->val;
        im_tensor *probs = NULL;
        if (last) {   /* the output layer's softmax, and the accuracies from its logits */
            probs = im_exp(g, im_log_softmax(g, h));
            if (!probs) return ctx->status;
            v = probs->val;
            int right[2] = { 0, 0 };
            for (int i = 0; i < r->n; i++) {
                const im_real *row = h->val + (long)i * h->cols;
                int best = 0;
                for (int c = 1; c < h->cols; c++) best = row[c] > row[best] ? c : best;
                right[i >= r->n_train] += best == r->labels[i];
            }
            p->train_acc = (double)right[0] / r->n_train;
            p->test_acc = r->n > r->n_train ? (double)right[1] / (r->n - r->n_train) : NAN;
        }
        double lo = last ? 0 : (s->relu ? 0 : -1), hi = 1, ixt, ity;
        st = plane_point(ctx, r, s, v, h->cols, lo, hi, !last && s->relu, &ixt, &ity);
        if (st) break;
        im_curve_add(p->curve[l], (double[]){ epoch, ixt, ity });
        p->ixt_peak[l] = epoch == 0 || ixt > p->ixt_peak[l] ? ixt : p->ixt_peak[l];
        p->ixt_last[l] = ixt, p->ity_last[l] = ity;
    }
    return st;
}

/* Is epoch one of the log-spaced epochs 1..epochs (snapshots of them, the
 * last always)? */
static int is_snapshot(int epoch, int epochs, int snapshots)
{
    if (epoch == epochs) return 1;
    for (int k = 0; k < snapshots; k++) {
        int e = (int)lround(exp(log((double)epochs) * k / (snapshots - 1)));
        if (e == epoch) return 1;
        if (e > epoch) return 0;
    }
    return 0;
}

static im_status train(im_task *t, const settings *s, const im_dataset *ds, im_mlp *net, im_params *params,
                       rows_view *r, im_tape *eval, plane *p)
{
    im_ctx *ctx = t->ctx;
    int batch = s->batch < ds->train.x.rows ? s->batch : ds->train.x.rows;
    int *labels = malloc(sizeof(int) * (size_t)batch);
    im_mat xb = { 0 };
    im_loop l;
    im_optim opt;
    im_status st = labels ? im_mat_alloc(ctx, &xb, batch, ds->train.x.cols) : im_fail(ctx, IM_ENOMEM, "out of memory");
    if (!st)
        st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "infoplane", .epochs = s->epochs,
                                                   .rows = ds->train.x.rows, .batch = batch,
                                                   .progress_every = 1000 });
    if (st) {
        free(labels);
        im_mat_free(&xb);
        return st;
    }
    static const char *const loss_cols[] = { "epoch", "loss", "train_accuracy" };
    im_curve *loss_curve = im_record_curve(t->rec, "train", 3, loss_cols);
    im_adam_init(&opt, params, s->lr);
    double epoch_loss = 0;
    long epoch_steps = 0;
    while (!st && im_loop_next(&l)) {
        for (int k = 0; k < l.batch; k++) {
            im_mat_copy_row(&xb, k, &ds->train.x, l.rows[k]);
            labels[k] = (int)im_mat_row(&ds->train.y, l.rows[k])[0];
        }
        im_tensor *loss = im_cross_entropy_logits(l.g, im_mlp_forward(l.g, net, im_input(l.g, &xb)), labels);
        if (loss) epoch_loss += im_item(loss), epoch_steps++;
        st = im_loop_update(&l, loss, &opt);
        if (!st && im_loop_epoch_done(&l) && is_snapshot(l.epoch, s->epochs, s->snapshots)) {
            st = read_plane(ctx, eval, s, net, r, l.epoch, p);
            if (!st) {
                im_curve_add(loss_curve, (double[]){ l.epoch, epoch_loss / (double)epoch_steps, p->train_acc });
                im_loop_note(&l, "train %.3f, test %.3f", p->train_acc, p->test_acc);
            }
        }
        if (im_loop_epoch_done(&l)) epoch_loss = 0, epoch_steps = 0;
    }
    st = im_loop_end(&l, st);
    free(labels);
    im_mat_free(&xb);
    return st;
}

/* The plane as a picture: a line per layer through its points, the last
 * epoch written at each line's end (where it does not overprint another). */
static im_status draw_plane(im_ctx *ctx, im_task *t, const settings *s, const im_mlp *net, const plane *p)
{
    int n_layers = net->n_layers, total = 0;
    for (int l = 0; l < n_layers; l++) total += im_curve_rows(p->curve[l]);
    double *buf = malloc(sizeof(double) * 3 * (size_t)total);
    if (!buf) return im_fail(ctx, IM_ENOMEM, "infoplane: out of memory");
    im_series series[MAX_LAYERS];
    char names[MAX_LAYERS][48];
    double *at = buf;
    for (int l = 0; l < n_layers; l++) {
        const im_curve *c = p->curve[l];
        int n = im_curve_rows(c);
        double *x = at, *y = at + n, *tag = at + 2 * n;
        at += 3 * n;
        for (int i = 0; i < n; i++) {
            x[i] = im_curve_get(c, i, 1), y[i] = im_curve_get(c, i, 2);
            tag[i] = i == n - 1 ? im_curve_get(c, i, 0) : NAN;
        }
        if (l + 1 < n_layers) snprintf(names[l], sizeof names[l], "layer %d (%d %s)", l + 1, net->layers[l].out,
                                       s->relu ? "relu" : "tanh");
        else snprintf(names[l], sizeof names[l], "output (%d softmax)", net->layers[l].out);
        series[l] = (im_series){ .name = names[l], .x = x, .y = y, .n = n, .markers = 1, .tags = tag };
    }
    char path[4096], title[160];
    im_output_path(t->cfg, im_record_run(t->rec), "-plane.png", path, sizeof path);
    snprintf(title, sizeof title, "Information plane: %s units, %d bins per unit", s->relu ? "ReLU" : "tanh",
             s->bins);
    im_plot_spec spec = { .title = title, .x_label = "I(X;T), bits", .y_label = "I(T;Y), bits",
                          .tag_prefix = "epoch " };
    im_status st = im_plot_lines(ctx, path, &spec, series, n_layers);
    if (!st) {
        im_record_str(t->rec, "plane", path);
        printf("information plane: %s\n", path);
    }
    free(buf);
    return st;
}

static void record_plane(im_record *rec, const im_mlp *net, const plane *p)
{
    double drop = 0;
    for (int l = 0; l < net->n_layers; l++) {
        char key[32];
        snprintf(key, sizeof key, "ixt_last_l%d", l + 1);
        im_record_num(rec, key, p->ixt_last[l]);
        snprintf(key, sizeof key, "ixt_peak_l%d", l + 1);
        im_record_num(rec, key, p->ixt_peak[l]);
        snprintf(key, sizeof key, "ity_last_l%d", l + 1);
        im_record_num(rec, key, p->ity_last[l]);
        if (l + 1 < net->n_layers && p->ixt_peak[l] - p->ixt_last[l] > drop) drop = p->ixt_peak[l] - p->ixt_last[l];
    }
    im_record_num(rec, "ixt_drop", drop);
    im_record_num(rec, "train_accuracy", p->train_acc);
    im_record_num(rec, "test_accuracy", p->test_acc);
}

static im_status infoplane_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_CLASSES);
    rows_view r = { 0 };
    im_params params = { 0 };
    im_mlp net;
    plane p = { 0 };
    im_tape *eval = st ? NULL : im_tape_new(ctx);
    if (!st && !eval) st = ctx->status;
    if (eval) im_tape_set_grad(eval, 0);
    if (!st) st = rows_open(ctx, &t.ds, &r);
    if (!st)
        st = im_mlp_init(ctx, &net, &params, "net", t.ds.train.x.cols, s.hidden, s.n_hidden, t.ds.y_classes,
                         s.relu ? IM_ACT_RELU : IM_ACT_TANH, IM_ACT_NONE, rng);
    for (int l = 0; !st && l < net.n_layers; l++) {
        char name[16];
        snprintf(name, sizeof name, "layer%d", l + 1);
        p.curve[l] = im_record_curve(rec, name, 3, (const char *const[]){ "epoch", "I_XT_bits", "I_TY_bits" });
    }
    if (!st) st = read_plane(ctx, eval, &s, &net, &r, 0, &p);
    if (!st) st = train(&t, &s, &t.ds, &net, &params, &r, eval, &p);
    if (!st) {
        record_plane(rec, &net, &p);
        im_record_num(rec, "I_XY_bits", t.ds.true_mi / M_LN2);
        printf("infoplane: %s units, train accuracy %.3f, test %.3f; I(X;Y) = %.3f bits\n", s.relu ? "relu" : "tanh",
               p.train_acc, p.test_acc, t.ds.true_mi / M_LN2);
        for (int l = 0; l < net.n_layers; l++)
            printf("  %s %d: I(X;T) peak %.3f, last %.3f bits; I(T;Y) last %.3f bits\n",
                   l + 1 < net.n_layers ? "layer" : "output", l + 1, p.ixt_peak[l], p.ixt_last[l], p.ity_last[l]);
        st = draw_plane(ctx, &t, &s, &net, &p);
    }
    im_tape_free(eval);
    im_params_free(&params);
    rows_free(&r);
    im_task_close(&t);
    return st;
}

static const char *const headline[] = {
    "train_accuracy", "test_accuracy", "ixt_drop", "ixt_last_l1", "ity_last_l1",
    NULL
};

static const im_task_vt infoplane_vt = { IM_VT_SIZE(im_task_vt), .run = infoplane_run,
                                         .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin infoplane = IM_PLUGIN(IM_TASK, "infoplane",
                                     "the information plane of a small classifier per layer over training (binned "
                                     "I(X;T), I(T;Y); Shwartz-Ziv & Tishby, Saxe et al.)",
                                     NULL, &infoplane_vt, .fields = infoplane_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &infoplane, NULL };
