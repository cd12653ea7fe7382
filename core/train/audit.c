/* audit.c — leakage of T in codes Z and the fairness of decisions on
 * them, measured apart from any training penalty (audit.h). Moved from the
 * fairness task in 0.6 with its arithmetic and its order of draws
 * unchanged, so the task's records are the same. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/audit.h"
#include "infomin/nn.h"
#include "infomin/optim.h"
#include "infomin/probe.h"
#include "infomin/stats.h"
#include "infomin/tape.h"

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

int im_audit_is_binary(const im_mat *m)
{
    for (int r = 0; r < m->rows; r++)
        if (im_mat_row(m, r)[0] != 0 && im_mat_row(m, r)[0] != 1) return 0;
    return m->rows > 0;
}

/* ΔDP and ΔEO from counts[t][y][ŷ] */
static void fairness_gaps(const double counts[2][2][2], im_record *rec)
{
    double rate[2], eo = 0;
    for (int ti = 0; ti < 2; ti++) {
        double all = 0, pos = 0;
        for (int yi = 0; yi < 2; yi++) all += counts[ti][yi][0] + counts[ti][yi][1], pos += counts[ti][yi][1];
        rate[ti] = all ? pos / all : NAN;   /* an empty group: undefined, and refused */
    }
    for (int yi = 0; yi < 2; yi++) {
        double r[2];
        for (int ti = 0; ti < 2; ti++) {
            double all = counts[ti][yi][0] + counts[ti][yi][1];
            r[ti] = all ? counts[ti][yi][1] / all : NAN;
        }
        eo = isnan(eo) || isnan(r[0]) || isnan(r[1]) ? NAN : fmax(eo, fabs(r[1] - r[0]));
    }
    im_record_num(rec, "delta_dp", fabs(rate[1] - rate[0]));
    im_record_num(rec, "delta_eo", eo);
}

im_status im_audit_quality(im_ctx *ctx, const im_audit_data *d, im_record *rec, double *quality)
{
    const im_mat *y = d->y_test, *t = d->t_test;
    if (!y || !d->score_test) return im_fail(ctx, IM_EINVAL, "audit: no target and scores to judge");
    int n = y->rows;
    if (!d->y_binary) {
        double se = 0;
        for (int i = 0; i < n; i++) se += (d->score_test[i] - y->data[i]) * (d->score_test[i] - y->data[i]);
        *quality = sqrt(se / n);
        im_record_num(rec, "rmse", *quality);
        return IM_OK;
    }
    double correct = 0, counts[2][2][2] = { { { 0 } } };
    for (int i = 0; i < n; i++) {
        int pred = d->score_test[i] > 0, yi = y->data[i] > 0.5f, ti = t->data[i] > 0.5f;
        correct += pred == yi;
        counts[ti][yi][pred] += 1;
    }
    *quality = correct / n;
    im_record_num(rec, "accuracy", *quality);
    if (d->t_binary) fairness_gaps(counts, rec);
    return IM_OK;
}

/* (a) a fresh MLP adversary on frozen Z */
static im_status adversary(im_ctx *ctx, const im_audit_opts *o, const im_audit_data *d, im_rng *rng, im_record *rec)
{
    const im_mat *ztr = d->z_train, *zte = d->z_test;
    im_params params = { 0 };
    im_mlp net;
    int binary = d->t_binary;
    im_status st = im_mlp_init(ctx, &net, &params, "adversary", ztr->cols, o->adversary_hidden, o->n_adversary_hidden, 1,
                               IM_ACT_RELU, IM_ACT_NONE, rng);
    im_tape *g = st ? NULL : im_tape_new(ctx);
    if (!st && !g) st = ctx->status;
    int n = ztr->rows, batch = 256 < n ? 256 : n, *order = malloc(sizeof(int) * (size_t)n);
    im_mat zb = { 0 }, tb = { 0 };
    if (!st && !order) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    if (!st) st = im_mat_alloc(ctx, &zb, batch, ztr->cols);
    if (!st) st = im_mat_alloc(ctx, &tb, batch, 1);
    im_optim opt;
    im_adam_init(&opt, &params, 1e-3);
    opt.workers = ctx->workers;
    for (int epoch = 0; epoch < o->adversary_epochs && !st; epoch++) {
        if (im_interrupted(ctx)) {
            st = im_fail(ctx, IM_EINTERRUPTED, "fairness adversary: interrupted at epoch %d", epoch);
            break;
        }
        im_rng_permutation(rng, order, n);
        for (int b0 = 0; b0 + batch <= n && !st; b0 += batch) {
            for (int k = 0; k < batch; k++) {
                memcpy(im_mat_row(&zb, k), im_mat_row(ztr, order[b0 + k]), sizeof(im_real) * (size_t)ztr->cols);
                tb.data[k] = d->t_train->data[(long)order[b0 + k] * d->t_train->cols];
            }
            im_tape_reset(g);
            im_tensor *out = im_mlp_forward(g, &net, im_input(g, &zb));
            im_tensor *loss = binary ? im_bce_logits(g, out, im_input(g, &tb)) : im_mse(g, out, im_input(g, &tb));
            st = im_backward(g, loss);
            if (!st) im_optim_step(&opt);
        }
    }
    if (!st) {
        im_tape_reset(g);
        im_tape_set_grad(g, 0);
        im_tensor *out = im_mlp_forward(g, &net, im_input(g, zte));
        const im_real *t = d->t_test->data;
        if (!out) st = ctx->status;
        else if (binary)
            im_record_num(rec, "adversary_auc", auc(out->val, t, zte->rows));
        else {
            double se = 0, var = 0, mean = 0;
            for (int i = 0; i < zte->rows; i++) mean += t[i];
            mean /= zte->rows;
            for (int i = 0; i < zte->rows; i++) {
                double dv = out->val[i] - t[i], c = t[i] - mean;
                se += dv * dv;
                var += c * c;
            }
            im_record_num(rec, "adversary_r2", 1 - se / var);
        }
    }
    im_mat_free(&zb);
    im_mat_free(&tb);
    free(order);
    im_tape_free(g);
    im_params_free(&params);
    return st;
}

/* (c) KSG between T and random 2-D projections of Z */
static im_status sliced_ksg(im_ctx *ctx, const im_audit_opts *o, const im_audit_data *d, im_rng *rng, im_record *rec)
{
    const im_mat *z = d->z_test;
    int n = z->rows, dim = z->cols;
    double *p = malloc(sizeof(double) * 2 * (size_t)n), *t = malloc(sizeof(double) * (size_t)n), total = 0;
    im_status st = p && t ? IM_OK : im_fail(ctx, IM_ENOMEM, "out of memory");
    for (int i = 0; i < n && !st; i++) t[i] = d->t_test->data[i] + (d->t_binary ? 1e-6 * im_rng_normal(rng) : 0);
    for (int k = 0; k < o->ksg_slices && !st; k++) {
        double dir[2][512];
        int dd = dim < 512 ? dim : 512;
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
    if (!st) im_record_num(rec, "ksg_mi", total / o->ksg_slices);
    free(p);
    free(t);
    return st;
}

im_status im_audit_leakage(im_ctx *ctx, const im_audit_opts *o, const im_audit_data *d, im_rng *rng, im_record *rec)
{
    double rho;
    im_status st = adversary(ctx, o, d, rng, rec);
    if (!st) st = im_probe_rho_star(ctx, d->z_val, d->t_val, d->z_test, d->t_test, o->renyi_steps, rng, &rho);
    if (!st) im_record_num(rec, "rho_star", rho);
    if (!st) st = sliced_ksg(ctx, o, d, rng, rec);
    return st;
}
