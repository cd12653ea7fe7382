/* ops_loss.c — losses and likelihoods, fused for numerical stability:
 * cross-entropy and BCE on logits, MSE, the Gaussian log-likelihood, and
 * column standardisation. */
#include <math.h>
#include <string.h>
#include <tgmath.h>
#include "infomin/tape.h"

#define LOG_2PI 1.8378770664093453

/* mean_r −log softmax(z_r)[label_r]; dz = (softmax − onehot) / rows. */
static void cross_entropy_backward(im_tape *g, im_node *n)
{
    im_tensor *z = n->in[0];
    im_real *dz = im_grad_of(g, z);
    if (!dz) return;
    const im_real *lse = n->saved;
    const int *labels = (const int *)(lse + z->rows);
    im_real scale = n->out->grad[0] / z->rows;
    for (int r = 0; r < z->rows; r++)
        for (int c = 0; c < z->cols; c++) {
            long i = (long)r * z->cols + c;
            im_real p = exp(z->val[i] - lse[r]);
            dz[i] += scale * (p - (c == labels[r] ? 1 : 0));
        }
}

im_tensor *im_cross_entropy_logits(im_tape *g, im_tensor *z, const int *labels)
{
    if (!z) return NULL;
    for (int r = 0; r < z->rows; r++)
        if (labels[r] < 0 || labels[r] >= z->cols)
            return im_op_fail(g, "im_cross_entropy_logits: label %d of row %d outside 0..%d", labels[r], r,
                              z->cols - 1);
    im_tensor *y = im_tensor_new(g, 1, 1);
    /* saved: each row's logsumexp, then the labels (reals first keeps both aligned) */
    im_real *lse = im_tape_alloc(g, (sizeof(im_real) + sizeof(int)) * (size_t)z->rows);
    if (!y || !lse) return NULL;
    memcpy(lse + z->rows, labels, sizeof(int) * (size_t)z->rows);
    double total = 0;
    for (int r = 0; r < z->rows; r++) {
        const im_real *zr = z->val + (long)r * z->cols;
        im_real m = zr[0];
        for (int c = 1; c < z->cols; c++) m = zr[c] > m ? zr[c] : m;
        double acc = 0;
        for (int c = 0; c < z->cols; c++) acc += exp((double)(zr[c] - m));
        lse[r] = m + (im_real)log(acc);
        total += lse[r] - zr[labels[r]];
    }
    y->val[0] = (im_real)(total / z->rows);
    im_node *n = im_tape_record(g, "cross_entropy_logits", y, cross_entropy_backward, z, NULL, NULL);
    if (n) n->saved = lse;
    return y;
}

/* mean softplus(z) − t·z;  dz = (σ(z) − t) / n. */
static void bce_backward(im_tape *g, im_node *n)
{
    im_tensor *z = n->in[0], *t = n->in[1];
    im_real *dz = im_grad_of(g, z);
    if (!dz) return;
    long count = (long)z->rows * z->cols;
    im_real scale = n->out->grad[0] / count;
    for (long i = 0; i < count; i++) {
        im_real e = exp(-fabs(z->val[i]));
        im_real sig = z->val[i] >= 0 ? 1 / (1 + e) : e / (1 + e);
        dz[i] += scale * (sig - t->val[i]);
    }
}

im_tensor *im_bce_logits(im_tape *g, im_tensor *z, im_tensor *t)
{
    if (!z || !t) return NULL;
    if (z->rows != t->rows || z->cols != t->cols)
        return im_op_fail(g, "im_bce_logits: logits %dx%d and targets %dx%d differ", z->rows, z->cols, t->rows,
                          t->cols);
    im_tensor *y = im_tensor_new(g, 1, 1);
    if (!y) return NULL;
    long count = (long)z->rows * z->cols;
    double total = 0;
    for (long i = 0; i < count; i++) {
        double zi = z->val[i];
        total += (zi > 0 ? zi : 0) + log1p(exp(-fabs(zi))) - (double)t->val[i] * zi;
    }
    y->val[0] = (im_real)(total / count);
    /* targets are labels: no gradient flows into them */
    im_tensor *t_const = im_detach(g, t);
    if (!t_const) return NULL;
    im_tape_record(g, "bce_logits", y, bce_backward, z, t_const, NULL);
    return y;
}

/* mean (p − t)²;  dp = 2(p − t)/n, dt = −dp. */
static void mse_backward(im_tape *g, im_node *n)
{
    im_tensor *p = n->in[0], *t = n->in[1];
    im_real *dp = im_grad_of(g, p), *dt = im_grad_of(g, t);
    long count = (long)p->rows * p->cols;
    im_real scale = 2 * n->out->grad[0] / count;
    for (long i = 0; i < count; i++) {
        im_real d = scale * (p->val[i] - t->val[i]);
        if (dp) dp[i] += d;
        if (dt) dt[i] -= d;
    }
}

im_tensor *im_mse(im_tape *g, im_tensor *p, im_tensor *t)
{
    if (!p || !t) return NULL;
    if (p->rows != t->rows || p->cols != t->cols)
        return im_op_fail(g, "im_mse: prediction %dx%d and target %dx%d differ", p->rows, p->cols, t->rows, t->cols);
    im_tensor *y = im_tensor_new(g, 1, 1);
    if (!y) return NULL;
    long count = (long)p->rows * p->cols;
    double total = 0;
    for (long i = 0; i < count; i++) {
        double d = (double)p->val[i] - t->val[i];
        total += d * d;
    }
    y->val[0] = (im_real)(total / count);
    im_tape_record(g, "mse", y, mse_backward, p, t, NULL);
    return y;
}

/* out[r] = Σ_c −½[(y−μ)² e^{−lv} + lv + log 2π]
 * dy = −(y−μ)e^{−lv}·g ; dμ = −dy ; dlv = ½[(y−μ)² e^{−lv} − 1]·g */
static void gaussian_loglik_backward(im_tape *g, im_node *n)
{
    im_tensor *y = n->in[0], *mu = n->in[1], *lv = n->in[2], *out = n->out;
    im_real *dy = im_grad_of(g, y), *dmu = im_grad_of(g, mu), *dlv = im_grad_of(g, lv);
    for (int r = 0; r < y->rows; r++) {
        im_real go = out->grad[r];
        for (int c = 0; c < y->cols; c++) {
            long i = (long)r * y->cols + c;
            im_real diff = y->val[i] - mu->val[i], prec = exp(-lv->val[i]);
            if (dy) dy[i] -= go * diff * prec;
            if (dmu) dmu[i] += go * diff * prec;
            if (dlv) dlv[i] += go * (im_real)0.5 * (diff * diff * prec - 1);
        }
    }
}

im_tensor *im_gaussian_loglik(im_tape *g, im_tensor *y, im_tensor *mu, im_tensor *lv)
{
    if (!y || !mu || !lv) return NULL;
    if (y->rows != mu->rows || y->cols != mu->cols || y->rows != lv->rows || y->cols != lv->cols)
        return im_op_fail(g, "im_gaussian_loglik: y %dx%d, mu %dx%d and logvar %dx%d must match", y->rows, y->cols,
                          mu->rows, mu->cols, lv->rows, lv->cols);
    im_tensor *out = im_tensor_new(g, y->rows, 1);
    if (!out) return NULL;
    for (int r = 0; r < y->rows; r++) {
        double acc = 0;
        for (int c = 0; c < y->cols; c++) {
            long i = (long)r * y->cols + c;
            double diff = (double)y->val[i] - mu->val[i];
            acc += -0.5 * (diff * diff * exp(-(double)lv->val[i]) + lv->val[i] + LOG_2PI);
        }
        out->val[r] = (im_real)acc;
    }
    im_tape_record(g, "gaussian_loglik", out, gaussian_loglik_backward, y, mu, lv);
    return out;
}

/* y = (x − μ_c)/σ_c, σ_c = sqrt(var_c + eps), batch statistics per column.
 * dx = (dy − mean_r(dy) − y·mean_r(dy·y)) / σ_c   (saved: 1/σ per column) */
static void standardize_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    const im_real *inv_sd = n->saved;
    int rows = x->rows, cols = x->cols;
    for (int c = 0; c < cols; c++) {
        double mean_dy = 0, mean_dyy = 0;
        for (int r = 0; r < rows; r++) {
            long i = (long)r * cols + c;
            mean_dy += y->grad[i];
            mean_dyy += (double)y->grad[i] * y->val[i];
        }
        mean_dy /= rows;
        mean_dyy /= rows;
        for (int r = 0; r < rows; r++) {
            long i = (long)r * cols + c;
            dx[i] += inv_sd[c] * (im_real)(y->grad[i] - mean_dy - y->val[i] * mean_dyy);
        }
    }
}

im_tensor *im_standardize_cols(im_tape *g, im_tensor *x, double eps)
{
    if (!x) return NULL;
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    im_real *inv_sd = im_tape_alloc(g, sizeof(im_real) * (size_t)x->cols);
    if (!y || !inv_sd) return NULL;
    int rows = x->rows, cols = x->cols;
    for (int c = 0; c < cols; c++) {
        double mean = 0, var = 0;
        for (int r = 0; r < rows; r++) mean += x->val[(long)r * cols + c];
        mean /= rows;
        for (int r = 0; r < rows; r++) {
            double d = x->val[(long)r * cols + c] - mean;
            var += d * d;
        }
        var /= rows;
        double inv = 1.0 / sqrt(var + eps);
        inv_sd[c] = (im_real)inv;
        for (int r = 0; r < rows; r++)
            y->val[(long)r * cols + c] = (im_real)((x->val[(long)r * cols + c] - mean) * inv);
    }
    im_node *n = im_tape_record(g, "standardize_cols", y, standardize_backward, x, NULL, NULL);
    if (n) n->saved = inv_sd;
    return y;
}
