/* ops_norm.c — batch normalisation and dropout: the two layers whose
 * behaviour differs between training and evaluation (the caller says which). */
#include <math.h>
#include <string.h>
#include "infomin/tape.h"
#include "infomin/rng.h"

/* Values of channel c in row r: x + r·C·HW + c·HW, HW of them. */
typedef struct {
    im_shape in;
    im_real *mean, *inv_std;   /* per channel, as used in the forward pass */
    int training;
} bn_saved;

static void bn_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *gamma = n->in[1], *beta = n->in[2], *y = n->out;
    const bn_saved *s = n->saved;
    int C = s->in.c, rows = x->rows;
    long hw = (long)s->in.h * s->in.w;
    double m = (double)rows * (double)hw;
    im_real *dx = im_grad_of(g, x), *dgamma = im_grad_of(g, gamma), *dbeta = im_grad_of(g, beta);
    for (int c = 0; c < C; c++) {
        double mu = s->mean[c], inv = s->inv_std[c], gm = gamma->val[c];
        double sum_dy = 0, sum_dy_xhat = 0;
        for (int r = 0; r < rows; r++) {
            long base = ((long)r * C + c) * hw;
            for (long i = 0; i < hw; i++) {
                double d = y->grad[base + i], xhat = (x->val[base + i] - mu) * inv;
                sum_dy += d;
                sum_dy_xhat += d * xhat;
            }
        }
        if (dgamma) dgamma[c] += (im_real)sum_dy_xhat;
        if (dbeta) dbeta[c] += (im_real)sum_dy;
        if (!dx) continue;
        /* training: μ and σ depend on x,
         *   dx = γ·inv/m · (m·dy − Σdy − x̂·Σ(dy·x̂));  evaluation: dx = γ·inv·dy */
        for (int r = 0; r < rows; r++) {
            long base = ((long)r * C + c) * hw;
            for (long i = 0; i < hw; i++) {
                double d = y->grad[base + i];
                if (s->training) {
                    double xhat = (x->val[base + i] - mu) * inv;
                    d = d - sum_dy / m - xhat * sum_dy_xhat / m;
                }
                dx[base + i] += (im_real)(gm * inv * d);
            }
        }
    }
}

im_tensor *im_batch_norm(im_tape *g, im_tensor *x, im_shape in, im_tensor *gamma, im_tensor *beta,
                         im_real *running_mean, im_real *running_var, double momentum, double eps, int training)
{
    if (!x || !gamma || !beta) return NULL;
    int C = in.c;
    if (C < 1 || in.h < 1 || in.w < 1 || im_shape_size(in) != x->cols)
        return im_op_fail(g, "im_batch_norm: input rows have %d values, shape %dx%dx%d has %ld", x->cols, in.c, in.h,
                          in.w, im_shape_size(in));
    if (gamma->rows != 1 || gamma->cols != C || beta->rows != 1 || beta->cols != C)
        return im_op_fail(g, "im_batch_norm: gamma %dx%d and beta %dx%d, expected 1x%d each", gamma->rows,
                          gamma->cols, beta->rows, beta->cols, C);
    long hw = (long)in.h * in.w;
    double m = (double)x->rows * (double)hw;
    if (training && m < 2) return im_op_fail(g, "im_batch_norm: one value per channel cannot be normalised in training");
    if (!training && (!running_mean || !running_var))
        return im_op_fail(g, "im_batch_norm: evaluation needs the running mean and variance");
    bn_saved *s = im_tape_alloc(g, sizeof *s);
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    if (!s || !y) return NULL;
    s->in = in;
    s->training = training;
    s->mean = im_tape_alloc(g, sizeof(im_real) * (size_t)C);
    s->inv_std = im_tape_alloc(g, sizeof(im_real) * (size_t)C);
    if (!s->mean || !s->inv_std) return NULL;
    for (int c = 0; c < C; c++) {
        double mu, var;
        if (training) {   /* two passes in double: exact enough at any batch size */
            double acc = 0, sq = 0;
            for (int r = 0; r < x->rows; r++) {
                const im_real *p = x->val + ((long)r * C + c) * hw;
                for (long i = 0; i < hw; i++) acc += p[i];
            }
            mu = acc / m;
            for (int r = 0; r < x->rows; r++) {
                const im_real *p = x->val + ((long)r * C + c) * hw;
                for (long i = 0; i < hw; i++) sq += (p[i] - mu) * (p[i] - mu);
            }
            var = sq / m;
            if (running_mean && running_var) {
                running_mean[c] = (im_real)((1 - momentum) * running_mean[c] + momentum * mu);
                running_var[c] = (im_real)((1 - momentum) * running_var[c] + momentum * sq / (m - 1));
            }
        } else {
            mu = running_mean[c];
            var = running_var[c];
        }
        double inv = 1 / sqrt(var + eps);
        s->mean[c] = (im_real)mu;
        s->inv_std[c] = (im_real)inv;
        double gm = gamma->val[c], bt = beta->val[c];
        for (int r = 0; r < x->rows; r++) {
            long base = ((long)r * C + c) * hw;
            for (long i = 0; i < hw; i++) y->val[base + i] = (im_real)(gm * (x->val[base + i] - mu) * inv + bt);
        }
    }
    im_node *node = im_tape_record(g, "batch_norm", y, bn_backward, x, gamma, beta);
    if (node) node->saved = s;
    return y;
}

/* The mask holds 0 or 1/(1 − p) per value. */
static void dropout_backward(im_tape *g, im_node *n)
{
    im_real *dx = im_grad_of(g, n->in[0]);
    if (!dx) return;
    const im_real *mask = n->saved;
    long m = (long)n->out->rows * n->out->cols;
    for (long i = 0; i < m; i++) dx[i] += mask[i] * n->out->grad[i];
}

im_tensor *im_dropout(im_tape *g, im_tensor *x, double p, im_rng *rng)
{
    if (!x) return NULL;
    if (!(p >= 0 && p < 1)) return im_op_fail(g, "im_dropout: probability %g outside [0, 1)", p);
    if (p == 0) return x;
    long m = (long)x->rows * x->cols;
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    im_real *mask = im_tape_alloc(g, sizeof(im_real) * (size_t)m);
    if (!y || !mask) return NULL;
    im_real keep = (im_real)(1 / (1 - p));
    for (long i = 0; i < m; i++) {
        mask[i] = im_rng_uniform(rng) < p ? 0 : keep;
        y->val[i] = mask[i] * x->val[i];
    }
    im_node *node = im_tape_record(g, "dropout", y, dropout_backward, x, NULL, NULL);
    if (node) node->saved = mask;
    return y;
}
