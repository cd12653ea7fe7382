/* fairness.c — task `fairness`: infomin representation learning (Scalable
 * Infomin Learning, NeurIPS 2022). An encoder Z = f(X) and a linear head on Z
 * minimise
 *     task loss(head(Z), Y) + β · penalty(Z, T)
 * where the penalty is the objective of any estimator plugin in [estimator]
 * (β = 0: no penalty, no estimator). Trained estimators alternate with the
 * encoder: `inner_steps` critic updates on the detached Z of the batch, then
 * one encoder update through the critic held fixed; closed-form estimators
 * with a fit (slice: new slices and CCA) are refitted on the Z of
 * `refit_rows` training rows every `refit_every` steps.
 *
 * Evaluation on the test split: accuracy (binary Y) or RMSE (standardised
 * continuous Y); for binary T the demographic-parity gap and the equalised-
 * odds gap; and leakage measured independently of the training penalty:
 *  (a) a fresh MLP adversary trained on frozen training Z to predict T:
 *      test AUC (binary T) or R² (continuous T);
 *  (b) ρ*(Z;T): a fresh `renyi` critic fitted on validation Z, reported on
 *      test Z (the paper's metric);
 *  (c) KSG MI between T and random 2-D projections of Z (standardised),
 *      averaged over `ksg_slices` projections; a binary T gets 1e-6 jitter,
 *      which makes KSG the Ross (2014) discrete-continuous estimator.
 * With a [sweep] over estimators and β, the summary draws the trade-off:
 * accuracy against ρ*(Z;T), one line per estimator (<output>-tradeoff.png). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "infomin/infomin.h"

static const im_param_spec fairness_params[] = {
    { "beta", "float", "0", "penalty weight (0: no penalty)", ">=0" },
    { "epochs", "int", "20", "passes over the training split", ">=1" },
    { "batch", "int", "256", "rows per step", ">=4" },
    { "lr", "float", "1e-3", "Adam learning rate of the encoder and head", ">0" },
    { "weight_decay", "float", "0", "decoupled weight decay of the encoder and head", ">=0" },
    { "inner_steps", "int", "5", "critic updates per encoder update (trained estimators)", ">=0" },
    { "refit_every", "int", "5", "steps between refits of fitted closed-form estimators (slice)", ">=1" },
    { "refit_rows", "int", "20000", "training rows whose Z a refit uses (all when fewer)", ">=16" },
    { "adversary_hidden", "ints", "64,64", "leakage adversary: hidden widths", ">=1" },
    { "adversary_epochs", "int", "20", "leakage adversary: epochs on frozen training Z", ">=1" },
    { "renyi_steps", "int", "2000", "rho*(Z;T): steps of the fresh renyi critic on validation Z", ">=1" },
    { "ksg_slices", "int", "20", "random 2-D projections of Z for the KSG leakage", ">=1" },
    { "select_accuracy", "float", "0.8",
      "sweep summary: per penalty, the beta with the lowest rho*(Z;T) among runs at least this accurate", "0..1" },
    { "reference_rho", "string", "",
      "sweep summary: published rho*(Z;T) to print beside the chosen runs, as penalty:value,... (e.g. none:0.987)", NULL },
    IM_PARAMS_END
};

typedef struct {
    double beta, lr, weight_decay;
    int epochs, batch, inner_steps, refit_every, refit_rows, adv_epochs, renyi_steps, ksg_slices;
    int adv_hidden[8], n_adv_hidden;
} settings;

/* The next item of a "penalty:value, penalty:value" list at *p: 1 with the
 * penalty's span and the value, 0 at the end, -1 if the item (span in
 * name/len) is not of that form. */
static int next_reference(const char **p, const char **name, size_t *len, double *value)
{
    while (**p == ',' || **p == ' ') (*p)++;
    if (!**p) return 0;
    size_t item = strcspn(*p, ",");
    const char *colon = memchr(*p, ':', item);
    char *end = NULL;
    *value = colon ? strtod(colon + 1, &end) : NAN;
    while (end && end < *p + item && *end == ' ') end++;
    int ok = colon && colon > *p && end == *p + item && isfinite(*value);
    *name = *p;
    *len = ok ? (size_t)(colon - *p) : item;
    *p += item;
    return ok ? 1 : -1;
}

/* reference_rho is only read by the sweep summary: check its form before
 * the first run, so that a typo is an error rather than a missing line. */
static im_status check_reference(im_ctx *ctx, const im_section *s)
{
    const char *p, *name;
    size_t len;
    double v;
    im_status st = im_section_string(ctx, s, "reference_rho", &p);
    int r;
    while (!st && (r = next_reference(&p, &name, &len, &v)) != 0) {
        if (r > 0) continue;
        char where[300];
        const im_config_entry *e = im_config_find(s->cfg, s->name, "reference_rho");
        st = im_fail(ctx, IM_ECONFIG, "%s: %s.reference_rho: '%.*s' is not penalty:value",
                     e ? im_config_where(e, where, sizeof where) : s->name, s->name, (int)len, name);
    }
    return st;
}

static im_status read_settings(im_ctx *ctx, const im_section *s, settings *o)
{
    im_status st = im_section_float(ctx, s, "beta", &o->beta);
    if (!st) st = im_section_int(ctx, s, "epochs", &o->epochs);
    if (!st) st = im_section_int(ctx, s, "batch", &o->batch);
    if (!st) st = im_section_float(ctx, s, "lr", &o->lr);
    if (!st) st = im_section_float(ctx, s, "weight_decay", &o->weight_decay);
    if (!st) st = im_section_int(ctx, s, "inner_steps", &o->inner_steps);
    if (!st) st = im_section_int(ctx, s, "refit_every", &o->refit_every);
    if (!st) st = im_section_int(ctx, s, "refit_rows", &o->refit_rows);
    if (!st) st = im_section_ints(ctx, s, "adversary_hidden", o->adv_hidden, 8, &o->n_adv_hidden);
    if (!st) st = im_section_int(ctx, s, "adversary_epochs", &o->adv_epochs);
    if (!st) st = im_section_int(ctx, s, "renyi_steps", &o->renyi_steps);
    if (!st) st = im_section_int(ctx, s, "ksg_slices", &o->ksg_slices);
    if (!st) st = check_reference(ctx, s);
    return st;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The model: encoder plugin, linear head; `all` lists both parameter sets
 * without owning them. */
typedef struct {
    const im_encoder_vt *vt;
    void *enc;
    int dz;
    im_params head_params;
    im_linear_layer head;
    im_params all;
} model;

static void model_free(model *m)
{
    if (m->enc) m->vt->destroy(m->enc);
    im_params_free(&m->head_params);
    free(m->all.items);
}

static im_status model_init(im_ctx *ctx, const im_config *cfg, int in_dim, im_rng *rng, model *m)
{
    memset(m, 0, sizeof *m);
    im_section sec;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "encoder", &sec);
    if (st) return st;
    m->vt = sec.plugin->vtable;
    st = m->vt->create(ctx, &sec, in_dim, rng, &m->enc, &m->dz);
    if (!st) st = im_linear_layer_init(ctx, &m->head, &m->head_params, "head", m->dz, 1, IM_ACT_NONE, rng);
    if (st) return st;
    im_params *enc_params = m->vt->params(m->enc);
    m->all.cap = m->all.count = enc_params->count + m->head_params.count;
    m->all.items = malloc(sizeof(im_param *) * (size_t)m->all.cap);
    if (!m->all.items) return im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
    for (int i = 0; i < enc_params->count; i++) m->all.items[i] = enc_params->items[i];
    for (int i = 0; i < m->head_params.count; i++) m->all.items[enc_params->count + i] = m->head_params.items[i];
    return IM_OK;
}

/* Z of every row of x into z (rows x dz), on g with the tape off. */
static im_status encode_on(im_graph *g, const model *m, const im_mat *x, im_mat *z)
{
    im_graph_set_grad(g, 0);
    im_status st = IM_OK;
    for (int r0 = 0; r0 < x->rows && !st; r0 += 4096) {
        int n = x->rows - r0 < 4096 ? x->rows - r0 : 4096;
        im_graph_reset(g);
        im_tensor *zt = m->vt->forward(m->enc, g, im_leaf(g, n, x->cols, im_mat_row(x, r0), 0));
        if (!zt) {
            st = im_graph_ctx(g)->status;
            break;
        }
        memcpy(im_mat_row(z, r0), zt->val, sizeof(im_real) * (size_t)n * m->dz);
    }
    return st;
}

/* The same on a graph of its own (evaluation). */
static im_status encode(im_ctx *ctx, const model *m, const im_mat *x, im_mat *z)
{
    im_graph *g = im_graph_new(ctx);
    if (!g) return ctx->status;
    im_status st = encode_on(g, m, x, z);
    im_graph_free(g);
    return st;
}

/* ---- training ---- */

typedef struct {
    const settings *s;
    const im_dataset *ds;
    model *m;
    im_estimator *est;     /* NULL when beta = 0 */
    im_optim opt, critic_opt;
    im_graph *g;
    im_mat xb, yb, tb, zb;
    int *order;
    int cursor;
    /* refits of fitted estimators: a row sample, its X, T and Z (made once) */
    int *refit_order;
    im_mat refit_x, refit_t, refit_z;
} trainer;

static void next_batch(trainer *t, im_rng *rng)
{
    const im_split *tr = &t->ds->train;
    for (int k = 0; k < t->xb.rows; k++) {
        if (t->cursor == tr->x.rows) {
            im_rng_shuffle(rng, t->order, tr->x.rows);
            t->cursor = 0;
        }
        int r = t->order[t->cursor++];
        memcpy(im_mat_row(&t->xb, k), im_mat_row(&tr->x, r), sizeof(im_real) * (size_t)tr->x.cols);
        t->yb.data[k] = tr->y.data[r];
        memcpy(im_mat_row(&t->tb, k), im_mat_row(&tr->t, r), sizeof(im_real) * (size_t)tr->t.cols);
    }
}

static im_tensor *task_loss(trainer *t, im_tensor *logits)
{
    im_tensor *y = im_input(t->g, &t->yb);
    return t->ds->y_kind == IM_VAR_CONTINUOUS ? im_mse(t->g, logits, y) : im_bce_logits(t->g, logits, y);
}

/* the batch's Z as constants, on the trainer's own graph (no allocation) */
static im_status encode_batch(trainer *t)
{
    im_status st = encode_on(t->g, t->m, &t->xb, &t->zb);
    im_graph_set_grad(t->g, 1);
    return st;
}

static im_status critic_steps(trainer *t)
{
    im_params *cp = t->est->vt->params ? t->est->vt->params(t->est->self) : NULL;
    if (!cp || !t->est->vt->objective) return IM_OK;
    im_status st = encode_batch(t);
    for (int k = 0; k < t->s->inner_steps && !st; k++) {
        im_graph_reset(t->g);
        im_params_zero_grad(cp);   /* drop what the encoder's pass left there */
        im_tensor *obj = t->est->vt->objective(t->est->self, t->g, im_input(t->g, &t->zb), im_input(t->g, &t->tb));
        st = im_backward(t->g, im_neg(t->g, obj));
        if (!st) im_optim_step(&t->critic_opt);
    }
    return st;
}

static im_status refit(trainer *t, im_rng *rng)
{
    const im_split *tr = &t->ds->train;
    int n = t->refit_x.rows;
    im_rng_permutation(rng, t->refit_order, tr->x.rows);
    for (int k = 0; k < n; k++) {
        int r = t->refit_order[k];
        memcpy(im_mat_row(&t->refit_x, k), im_mat_row(&tr->x, r), sizeof(im_real) * (size_t)tr->x.cols);
        memcpy(im_mat_row(&t->refit_t, k), im_mat_row(&tr->t, r), sizeof(im_real) * (size_t)tr->t.cols);
    }
    im_status st = encode_on(t->g, t->m, &t->refit_x, &t->refit_z);
    im_graph_set_grad(t->g, 1);
    if (!st) st = t->est->vt->fit(t->est->self, im_graph_ctx(t->g), &t->refit_z, &t->refit_t, NULL, NULL, NULL);
    return st;
}

static im_status encoder_step(trainer *t)
{
    im_graph_reset(t->g);
    im_tensor *z = t->m->vt->forward(t->m->enc, t->g, im_input(t->g, &t->xb));
    im_tensor *logits = im_linear_layer_forward(t->g, &t->m->head, z);
    im_tensor *loss = task_loss(t, logits);
    if (t->est) {
        im_tensor *penalty = t->est->vt->objective(t->est->self, t->g, z, im_input(t->g, &t->tb));
        loss = im_add(t->g, loss, im_scale(t->g, penalty, t->s->beta));
    }
    im_status st = im_backward(t->g, loss);
    if (!st && !isfinite(im_item(loss)))
        st = im_fail(im_graph_ctx(t->g), IM_ENUMERIC, "fairness: loss is %g (lower lr or beta)", im_item(loss));
    if (!st) im_optim_step(&t->opt);
    return st;
}

static im_status train(im_ctx *ctx, const settings *s, const im_dataset *ds, model *m, im_estimator *est, im_rng *rng,
                       double *seconds_per_epoch)
{
    trainer t = { .s = s, .ds = ds, .m = m, .est = est };
    int batch = s->batch < ds->train.x.rows ? s->batch : ds->train.x.rows;
    im_status st = im_mat_alloc(ctx, &t.xb, batch, ds->train.x.cols);
    if (!st) st = im_mat_alloc(ctx, &t.yb, batch, 1);
    if (!st) st = im_mat_alloc(ctx, &t.tb, batch, ds->train.t.cols);
    if (!st) st = im_mat_alloc(ctx, &t.zb, batch, m->dz);
    if (!st && !(t.g = im_graph_new(ctx))) st = ctx->status;
    if (!st && !(t.order = malloc(sizeof(int) * (size_t)ds->train.x.rows))) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    if (!st) {
        im_rng_permutation(rng, t.order, ds->train.x.rows);
        im_adam_init(&t.opt, &m->all, s->lr);
        t.opt.weight_decay = s->weight_decay;
        t.opt.pool = ctx->pool;
        im_params *cp = est && est->vt->params ? est->vt->params(est->self) : NULL;
        if (cp) {
            im_train_opts o;
            st = im_train_opts_read(ctx, &est->sec, &o);
            im_adam_init(&t.critic_opt, cp, o.lr);
            t.critic_opt.pool = ctx->pool;
        }
    }
    int steps_per_epoch = (ds->train.x.rows + batch - 1) / batch, total = s->epochs * steps_per_epoch;
    int fits = est && est->vt->fit && !est->vt->params;
    if (!st && fits) {
        int n = s->refit_rows < ds->train.x.rows ? s->refit_rows : ds->train.x.rows;
        if (!(t.refit_order = malloc(sizeof(int) * (size_t)ds->train.x.rows)))
            st = im_fail(ctx, IM_ENOMEM, "fairness: out of memory");
        if (!st) st = im_mat_alloc(ctx, &t.refit_x, n, ds->train.x.cols);
        if (!st) st = im_mat_alloc(ctx, &t.refit_t, n, ds->train.t.cols);
        if (!st) st = im_mat_alloc(ctx, &t.refit_z, n, m->dz);
    }
    double t0 = seconds_now();
    for (int step = 0; step < total && !st; step++) {
        next_batch(&t, rng);
        if (fits && step % s->refit_every == 0) st = refit(&t, rng);
        if (!st && est) st = critic_steps(&t);
        if (!st) st = encoder_step(&t);
        if ((step + 1) % 20 == 0) im_progress(ctx, "fairness", step + 1, total, NULL);
    }
    im_progress_done(ctx);
    *seconds_per_epoch = (seconds_now() - t0) / s->epochs;
    im_graph_free(t.g);
    im_mat_free(&t.xb);
    im_mat_free(&t.yb);
    im_mat_free(&t.tb);
    im_mat_free(&t.zb);
    free(t.order);
    free(t.refit_order);
    im_mat_free(&t.refit_x);
    im_mat_free(&t.refit_t);
    im_mat_free(&t.refit_z);
    return st;
}

/* ---- evaluation ---- */

/* area under the ROC curve of scores for labels (0/1), ties counted half */
typedef struct {
    double score;
    int label;
} scored;

static int compare_scored(const void *a, const void *b)
{
    double x = ((const scored *)a)->score, y = ((const scored *)b)->score;
    return (x > y) - (x < y);
}

static double auc(const im_real *scores, const im_real *labels, int n)
{
    scored *v = malloc(sizeof(scored) * (size_t)n);
    if (!v) return NAN;
    long pos = 0;
    for (int i = 0; i < n; i++) {
        v[i].score = scores[i];
        v[i].label = labels[i] > 0.5f;
        pos += v[i].label;
    }
    qsort(v, (size_t)n, sizeof(scored), compare_scored);
    double rank_sum = 0;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && v[j].score == v[i].score) j++;
        double mid = 0.5 * (i + j - 1) + 1;   /* average rank of the tie group */
        for (int k = i; k < j; k++)
            if (v[k].label) rank_sum += mid;
        i = j;
    }
    free(v);
    long neg = n - pos;
    return pos && neg ? (rank_sum - pos * (pos + 1) / 2.0) / ((double)pos * neg) : NAN;
}

/* the head's outputs on test Z: accuracy or RMSE, and the fairness gaps */
static im_status evaluate_task(im_ctx *ctx, const model *m, const im_dataset *ds, const im_mat *z, im_record *rec,
                               double *quality)
{
    im_graph *g = im_graph_new(ctx);
    if (!g) return ctx->status;
    im_graph_set_grad(g, 0);
    im_tensor *out = im_linear_layer_forward(g, &m->head, im_input(g, z));
    im_status st = out ? IM_OK : ctx->status;
    const im_mat *y = &ds->test.y, *t = &ds->test.t;
    int n = z->rows;
    if (!st && ds->y_kind == IM_VAR_CONTINUOUS) {
        double se = 0;
        for (int i = 0; i < n; i++) se += (out->val[i] - y->data[i]) * (out->val[i] - y->data[i]);
        *quality = sqrt(se / n);
        im_record_num(rec, "rmse", *quality);
    } else if (!st) {
        /* counts[t][y][ŷ] */
        double correct = 0, counts[2][2][2] = { { { 0 } } };
        for (int i = 0; i < n; i++) {
            int pred = out->val[i] > 0, yi = y->data[i] > 0.5f, ti = t->data[i] > 0.5f;
            correct += pred == yi;
            counts[ti][yi][pred] += 1;
        }
        *quality = correct / n;
        im_record_num(rec, "accuracy", *quality);
        if (ds->t_kind == IM_VAR_BINARY) {
            double rate[2], eo = 0;
            for (int ti = 0; ti < 2; ti++) {
                double all = 0, pos = 0;
                for (int yi = 0; yi < 2; yi++) all += counts[ti][yi][0] + counts[ti][yi][1], pos += counts[ti][yi][1];
                rate[ti] = all ? pos / all : 0;
            }
            for (int yi = 0; yi < 2; yi++) {
                double r[2];
                for (int ti = 0; ti < 2; ti++) {
                    double all = counts[ti][yi][0] + counts[ti][yi][1];
                    r[ti] = all ? counts[ti][yi][1] / all : 0;
                }
                eo = fmax(eo, fabs(r[1] - r[0]));
            }
            im_record_num(rec, "delta_dp", fabs(rate[1] - rate[0]));
            im_record_num(rec, "delta_eo", eo);
        }
    }
    im_graph_free(g);
    return st;
}

/* (a) a fresh MLP adversary on frozen Z */
static im_status adversary(im_ctx *ctx, const settings *s, const im_dataset *ds, const im_mat *ztr, const im_mat *zte,
                           im_rng *rng, im_record *rec)
{
    im_params params = { 0 };
    im_mlp net;
    int binary = ds->t_kind == IM_VAR_BINARY;
    im_status st = im_mlp_init(ctx, &net, &params, "adversary", ztr->cols, s->adv_hidden, s->n_adv_hidden, 1,
                               IM_ACT_RELU, IM_ACT_NONE, rng);
    im_graph *g = st ? NULL : im_graph_new(ctx);
    if (!st && !g) st = ctx->status;
    int n = ztr->rows, batch = 256 < n ? 256 : n, *order = malloc(sizeof(int) * (size_t)n);
    im_mat zb = { 0 }, tb = { 0 };
    if (!st && !order) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    if (!st) st = im_mat_alloc(ctx, &zb, batch, ztr->cols);
    if (!st) st = im_mat_alloc(ctx, &tb, batch, 1);
    im_optim opt;
    im_adam_init(&opt, &params, 1e-3);
    opt.pool = ctx->pool;
    for (int epoch = 0; epoch < s->adv_epochs && !st; epoch++) {
        im_rng_permutation(rng, order, n);
        for (int b0 = 0; b0 + batch <= n && !st; b0 += batch) {
            for (int k = 0; k < batch; k++) {
                memcpy(im_mat_row(&zb, k), im_mat_row(ztr, order[b0 + k]), sizeof(im_real) * (size_t)ztr->cols);
                tb.data[k] = ds->train.t.data[(long)order[b0 + k] * ds->train.t.cols];
            }
            im_graph_reset(g);
            im_tensor *out = im_mlp_forward(g, &net, im_input(g, &zb));
            im_tensor *loss = binary ? im_bce_logits(g, out, im_input(g, &tb)) : im_mse(g, out, im_input(g, &tb));
            st = im_backward(g, loss);
            if (!st) im_optim_step(&opt);
        }
    }
    if (!st) {
        im_graph_reset(g);
        im_graph_set_grad(g, 0);
        im_tensor *out = im_mlp_forward(g, &net, im_input(g, zte));
        if (!out) st = ctx->status;
        else if (binary)
            im_record_num(rec, "adversary_auc", auc(out->val, ds->test.t.data, zte->rows));
        else {
            double se = 0, var = 0, mean = 0;
            for (int i = 0; i < zte->rows; i++) mean += ds->test.t.data[i];
            mean /= zte->rows;
            for (int i = 0; i < zte->rows; i++) {
                double d = out->val[i] - ds->test.t.data[i], c = ds->test.t.data[i] - mean;
                se += d * d;
                var += c * c;
            }
            im_record_num(rec, "adversary_r2", 1 - se / var);
        }
    }
    im_mat_free(&zb);
    im_mat_free(&tb);
    free(order);
    im_graph_free(g);
    im_params_free(&params);
    return st;
}

/* (b) ρ*(Z;T): a fresh renyi critic fitted on validation Z, reported on test Z */
static im_status renyi_leakage(im_ctx *ctx, const settings *s, const im_dataset *ds, const im_mat *zva,
                               const im_mat *zte, im_rng *rng, im_record *rec)
{
    char text[256];
    snprintf(text, sizeof text, "[estimator:leakage]\nplugin = renyi\nsteps = %d\nbatch = 256\n", s->renyi_steps);
    im_config cfg;
    im_status st = im_config_parse_string(ctx, text, "fairness leakage critic", &cfg);
    if (st) return st;
    im_estimator *est = NULL;
    double rho = NAN;
    st = im_estimator_new(ctx, &cfg, "estimator:leakage", zva->cols, 1, rng, &est);
    if (!st) st = im_estimator_fit(ctx, est, zva, &ds->val.t, NULL, NULL, NULL);
    if (!st) st = im_estimator_estimate(ctx, est, zte, &ds->test.t, &rho);
    if (!st) im_record_num(rec, "rho_star", rho);
    im_estimator_free(est);
    im_config_free(&cfg);
    return st;
}

/* (c) KSG between T and random 2-D projections of Z */
static im_status ksg_leakage(im_ctx *ctx, const settings *s, const im_dataset *ds, const im_mat *z, im_rng *rng,
                             im_record *rec)
{
    int n = z->rows, d = z->cols;
    double *p = malloc(sizeof(double) * 2 * (size_t)n), *t = malloc(sizeof(double) * (size_t)n), total = 0;
    im_status st = p && t ? IM_OK : im_fail(ctx, IM_ENOMEM, "out of memory");
    for (int i = 0; i < n && !st; i++)
        t[i] = ds->test.t.data[i] + (ds->t_kind == IM_VAR_BINARY ? 1e-6 * im_rng_normal(rng) : 0);
    for (int k = 0; k < s->ksg_slices && !st; k++) {
        double dir[2][512];
        int dd = d < 512 ? d : 512;
        for (int a = 0; a < 2; a++) {   /* two orthonormal directions */
            double norm = 0;
            for (int c = 0; c < dd; c++) dir[a][c] = im_rng_normal(rng);
            if (a == 1) {
                double dot = 0;
                for (int c = 0; c < dd; c++) dot += dir[0][c] * dir[1][c];
                for (int c = 0; c < dd; c++) dir[1][c] -= dot * dir[0][c];
            }
            for (int c = 0; c < dd; c++) norm += dir[a][c] * dir[a][c];
            for (int c = 0; c < dd; c++) dir[a][c] /= sqrt(norm);
        }
        for (int a = 0; a < 2; a++) {
            double mean = 0, var = 0;
            for (int i = 0; i < n; i++) {
                double v = 0;
                for (int c = 0; c < dd; c++) v += dir[a][c] * im_mat_row(z, i)[c];
                p[2 * i + a] = v;
                mean += v;
            }
            mean /= n;
            for (int i = 0; i < n; i++) var += (p[2 * i + a] - mean) * (p[2 * i + a] - mean);
            double sd = sqrt(var / n) > 0 ? sqrt(var / n) : 1;
            for (int i = 0; i < n; i++) p[2 * i + a] = (p[2 * i + a] - mean) / sd;
        }
        double mi;
        st = im_ksg(ctx, p, t, n, 2, 1, 3, &mi);
        total += mi;
    }
    if (!st) im_record_num(rec, "ksg_mi", total / s->ksg_slices);
    free(p);
    free(t);
    return st;
}

static im_status fairness_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    im_section sec;
    settings s;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &sec);
    if (!st) st = read_settings(ctx, &sec, &s);
    if (st) return st;
    im_dataset ds;
    st = im_dataset_load(ctx, cfg, "dataset", rng, &ds);
    if (st) return st;
    if (ds.train.t.cols != 1 || ds.train.y.cols != 1 || ds.t_kind == IM_VAR_NONE)
        st = im_fail(ctx, IM_EINVAL, "fairness: dataset %s needs one target column and one sensitive column T", ds.name);
    model m;
    im_estimator *est = NULL;
    im_mat ztr = { 0 }, zva = { 0 }, zte = { 0 };
    if (!st) st = model_init(ctx, cfg, ds.train.x.cols, rng, &m);
    if (!st && s.beta > 0) st = im_estimator_new(ctx, cfg, "estimator", m.dz, 1, rng, &est);
    if (!st && est && !est->vt->objective)
        st = im_fail(ctx, IM_EINVAL, "fairness: estimator %s is not differentiable: it cannot be a penalty",
                     est->plugin->name);
    double spe = 0, quality = 0;
    if (!st) st = train(ctx, &s, &ds, &m, est, rng, &spe);
    if (!st) st = im_mat_alloc(ctx, &ztr, ds.train.x.rows, m.dz);
    if (!st) st = im_mat_alloc(ctx, &zva, ds.val.x.rows, m.dz);
    if (!st) st = im_mat_alloc(ctx, &zte, ds.test.x.rows, m.dz);
    if (!st) st = encode(ctx, &m, &ds.train.x, &ztr);
    if (!st) st = encode(ctx, &m, &ds.val.x, &zva);
    if (!st) st = encode(ctx, &m, &ds.test.x, &zte);
    if (!st) {
        im_record_str(rec, "penalty", est ? est->plugin->name : "none");
        im_record_num(rec, "beta", s.beta);
        im_record_num(rec, "seconds_per_epoch", spe);
        st = evaluate_task(ctx, &m, &ds, &zte, rec, &quality);
    }
    if (!st) st = adversary(ctx, &s, &ds, &ztr, &zte, rng, rec);
    if (!st) st = renyi_leakage(ctx, &s, &ds, &zva, &zte, rng, rec);
    if (!st) st = ksg_leakage(ctx, &s, &ds, &zte, rng, rec);
    if (!st) {
        double rho = NAN, a = NAN;
        im_record_metric(rec, "rho_star", &rho);
        if (!im_record_metric(rec, "adversary_auc", &a)) im_record_metric(rec, "adversary_r2", &a);
        printf("fairness on %s, penalty %s, beta %g: %s %.4f, rho*(Z;T) %.4f, adversary %s %.4f (%.1f s/epoch)\n",
               ds.name, est ? est->plugin->name : "none", s.beta, ds.y_kind == IM_VAR_CONTINUOUS ? "RMSE" : "accuracy",
               quality, rho, ds.t_kind == IM_VAR_BINARY ? "AUC" : "R2", a, spe);
    }
    im_mat_free(&ztr);
    im_mat_free(&zva);
    im_mat_free(&zte);
    im_estimator_free(est);
    model_free(&m);
    im_dataset_free(&ds);
    return st;
}

/* The value for `name` in the reference_rho list (1 if found). */
static int reference_value(const char *list, const char *name, double *out)
{
    const char *item;
    size_t len;
    double v;
    int r;
    while ((r = next_reference(&list, &item, &len, &v)) != 0)
        if (r > 0 && len == strlen(name) && strncmp(item, name, len) == 0) {
            *out = v;
            return 1;
        }
    return 0;
}

/* Per penalty, the beta a sweep chooses: the lowest rho*(Z;T) among its runs
 * with test accuracy >= select_accuracy (regression: among all its runs, the
 * RMSE printed beside it). */
static im_status print_choices(im_ctx *ctx, const im_config *cfg, const im_series *series, double (*betas)[256],
                               int n_lines, int classification)
{
    im_section sec;
    double floor_acc;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &sec);
    if (!st) st = im_section_float(ctx, &sec, "select_accuracy", &floor_acc);
    if (st) return st;
    const char *reference;
    st = im_section_string(ctx, &sec, "reference_rho", &reference);
    if (st) return st;
    if (classification)
        printf("chosen beta per penalty (lowest rho*(Z;T) with accuracy >= %.3g):\n", floor_acc);
    else
        printf("chosen beta per penalty (lowest rho*(Z;T)):\n");
    for (int l = 0; l < n_lines; l++) {
        int best = -1;
        for (int k = 0; k < series[l].n; k++)
            if ((!classification || series[l].y[k] >= floor_acc) && (best < 0 || series[l].x[k] < series[l].x[best]))
                best = k;
        if (best < 0) {
            printf("  %-10s none of its runs reaches that accuracy\n", series[l].name);
            continue;
        }
        printf("  %-10s beta %-8g %s %.4f  rho* %.4f", series[l].name, betas[l][best], classification ? "accuracy" : "RMSE",
               series[l].y[best], series[l].x[best]);
        double published;
        if (reference_value(reference, series[l].name, &published)) printf("  (published %.3f)", published);
        printf("\n");
    }
    return IM_OK;
}

/* accuracy (or −RMSE) against ρ*(Z;T), one line per penalty, ordered by β */
static im_status fairness_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    if (n < 2) return IM_OK;
    enum { MAX_LINES = 16 };
    const char *names[MAX_LINES];
    int n_lines = 0;
    double *xs = malloc(sizeof(double) * 2 * (size_t)n * MAX_LINES), *ys = xs ? xs + (size_t)n * MAX_LINES : NULL;
    int counts[MAX_LINES] = { 0 };
    double betas[MAX_LINES][256];
    if (!xs) return im_fail(ctx, IM_ENOMEM, "out of memory");
    const char *quality_key = "accuracy";
    for (int i = 0; i < n; i++) {
        double q, rho, beta;
        const char *pen = im_record_text(recs[i], "penalty");
        if (!im_record_ok(recs[i]) || !pen || !im_record_metric(recs[i], "rho_star", &rho) ||
            !im_record_metric(recs[i], "beta", &beta))
            continue;
        if (!im_record_metric(recs[i], "accuracy", &q)) {
            if (!im_record_metric(recs[i], "rmse", &q)) continue;
            quality_key = "rmse";
        }
        int line = 0;
        while (line < n_lines && strcmp(names[line], pen) != 0) line++;
        if (line == n_lines) {
            if (n_lines == MAX_LINES) continue;
            names[n_lines++] = pen;
        }
        int k = counts[line]++;   /* insertion by beta */
        if (k >= 256) continue;
        while (k > 0 && betas[line][k - 1] > beta) {
            betas[line][k] = betas[line][k - 1];
            xs[(size_t)line * n + k] = xs[(size_t)line * n + k - 1];
            ys[(size_t)line * n + k] = ys[(size_t)line * n + k - 1];
            k--;
        }
        betas[line][k] = beta;
        xs[(size_t)line * n + k] = rho;
        ys[(size_t)line * n + k] = q;
    }
    im_series series[MAX_LINES];
    for (int l = 0; l < n_lines; l++)
        series[l] = (im_series){ names[l], xs + (size_t)l * n, ys + (size_t)l * n, counts[l] < 256 ? counts[l] : 256, 0, 1 };
    char path[4096];
    im_output_path(&runs[0], -1, "-tradeoff.png", path, sizeof path);
    im_plot_spec spec = { "utility against leakage (one point per beta)", "rho*(Z;T) on test (lower is fairer)",
                          strcmp(quality_key, "rmse") == 0 ? "test RMSE (lower is better)" : "test accuracy", 0, 0, 0, 0 };
    im_status st = n_lines ? im_plot_lines(ctx, path, &spec, series, n_lines) : IM_OK;
    if (!st && n_lines) printf("trade-off plot: %s\n", path);
    if (!st) st = print_choices(ctx, &runs[0], series, betas, n_lines, strcmp(quality_key, "accuracy") == 0);
    free(xs);
    return st;
}

static const im_task_vt fairness_vt = { IM_VT_SIZE(im_task_vt), .run = fairness_run, .summarize = fairness_summarize };
static const im_plugin fairness = IM_PLUGIN(IM_TASK, "fairness",
                                    "infomin fairness: encoder + head, task loss + beta * penalty(Z, T), leakage audit",
                                    fairness_params, &fairness_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &fairness, NULL };
