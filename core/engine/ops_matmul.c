/* ops_matmul.c — matrix products on sgemm: im_matmul and the fused dense
 * layer im_linear. */
#include <math.h>
#include <string.h>
#include <tgmath.h>
#include "act.h"
#include "blas.h"
#include "infomin/tape.h"

/* C = op(A)·op(B); flags in iarg[0..1].
 *   dA += dC·op(B)ᵀ  (stored transposed when trans_a)
 *   dB += op(A)ᵀ·dC  (stored transposed when trans_b) */
static void matmul_backward(im_tape *g, im_node *n)
{
    im_tensor *a = n->in[0], *b = n->in[1], *c = n->out;
    int ta = n->iarg[0], tb = n->iarg[1];
    int m = c->rows, nn = c->cols, k = ta ? a->rows : a->cols;
    im_workers *workers = im_tape_ctx(g)->workers;
    double beta;
    /* dA before dB: when a and b are one tensor, dB then accumulates onto dA */
    im_real *da = im_grad_dest(g, a, &beta);
    if (da) {
        if (!ta)   /* dA[m,k] += dC[m,n]·op(B)ᵀ[n,k] */
            im_gemm(workers, 0, !tb, m, k, nn, 1.0, c->grad, nn, b->val, b->cols, beta, da, a->cols);
        else       /* dA[k,m] += op(B)[k,n]·dCᵀ[n,m] */
            im_gemm(workers, tb, 1, k, m, nn, 1.0, b->val, b->cols, c->grad, nn, beta, da, a->cols);
    }
    im_real *db = im_grad_dest(g, b, &beta);
    if (db) {
        if (!tb)   /* dB[k,n] += op(A)ᵀ[k,m]·dC[m,n] */
            im_gemm(workers, !ta, 0, k, nn, m, 1.0, a->val, a->cols, c->grad, nn, beta, db, b->cols);
        else       /* dB[n,k] += dCᵀ[n,m]·op(A)[m,k] */
            im_gemm(workers, 1, ta, nn, k, m, 1.0, c->grad, nn, a->val, a->cols, beta, db, b->cols);
    }
}

im_tensor *im_matmul(im_tape *g, im_tensor *a, im_tensor *b, int trans_a, int trans_b)
{
    if (!a || !b) return NULL;
    int m = trans_a ? a->cols : a->rows, k = trans_a ? a->rows : a->cols;
    int kb = trans_b ? b->cols : b->rows, nn = trans_b ? b->rows : b->cols;
    if (k != kb)
        return im_op_fail(g, "im_matmul: inner dimensions differ: %dx%d%s · %dx%d%s", a->rows, a->cols,
                          trans_a ? "ᵀ" : "", b->rows, b->cols, trans_b ? "ᵀ" : "");
    im_tensor *c = im_tensor_new(g, m, nn);
    if (!c) return NULL;
    im_workers *workers = im_tape_ctx(g)->workers;
    im_gemm(workers, trans_a, trans_b, m, nn, k, 1.0, a->val, a->cols, b->val, b->cols, 0.0, c->val, nn);
    im_node *node = im_tape_record(g, "matmul", c, matmul_backward, a, b, NULL);
    if (node) {
        node->iarg[0] = trans_a;
        node->iarg[1] = trans_b;
    }
    return c;
}

/* The dense layer with its activation fused:
 *   y[n,o] = act(x[n,i]·w[o,i]ᵀ + b[o])
 * backward, with d = dy ⊙ act'(y) (the derivative read off the output):
 *   dx += d·w ; dw += dᵀ·x ; db += Σ_n d
 * Fusing saves the pre-activation tensor and two passes over it per layer. */

int im_activation_fusable(im_activation act) { return act >= IM_ACT_NONE && act <= IM_ACT_SOFTPLUS; }

#define MIN_CHUNK 16384   /* elements per thread before a split pays */

typedef struct {
    im_real *y, *d;
    const im_real *b, *dy;
    int o, act, rows;
} act_job;

static void bias_act_rows(void *arg, long lo, long hi)
{
    const act_job *j = arg;
    im_bias_act_rows(j->y + lo * j->o, j->b, (int)(hi - lo), j->o, j->act);
}

static void act_backward_range(void *arg, long lo, long hi)
{
    const act_job *j = arg;
    im_act_grad(j->d + lo, j->dy + lo, j->y + lo, hi - lo, j->act);
}

/* db[j] += Σ_r d[r, j], split by columns */
static void bias_grad_cols(void *arg, long lo, long hi)
{
    const act_job *j = arg;
    for (long r = 0; r < j->rows; r++) {
        const im_real *dr = j->dy + r * j->o;
        for (long c = lo; c < hi; c++) j->d[c] += dr[c];
    }
}

static void linear_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *w = n->in[1], *b = n->in[2], *out = n->out;
    int rows = x->rows, in = x->cols, o = w->rows, act = n->iarg[0];
    const im_real *d = out->grad;
    im_workers *workers = im_tape_ctx(g)->workers;
    if (act != IM_ACT_NONE) {
        im_real *tmp = im_tape_alloc(g, sizeof(im_real) * (size_t)rows * (size_t)o);
        if (!tmp) return;
        act_job j = { out->val, tmp, NULL, out->grad, o, act, rows };
        im_workers_for(workers, (long)rows * o, MIN_CHUNK, act_backward_range, &j);
        d = tmp;
    }
    double beta_x;
    im_real *dx = im_grad_dest(g, x, &beta_x), *dw = im_grad_of(g, w), *db = im_grad_of(g, b);
    if (dx) im_gemm(workers, 0, 0, rows, in, o, 1.0, d, o, w->val, in, beta_x, dx, in);
    if (dw) im_gemm(workers, 1, 0, o, in, rows, 1.0, d, o, x->val, in, 1.0, dw, in);
    if (db) {
        act_job j = { NULL, db, NULL, d, o, IM_ACT_NONE, rows };
        im_workers_for(workers, o, rows >= MIN_CHUNK / 64 ? 32 : o, bias_grad_cols, &j);
    }
}

im_tensor *im_linear_act(im_tape *g, im_tensor *x, im_tensor *w, im_tensor *b, im_activation act)
{
    if (!x || !w) return NULL;
    if (x->cols != w->cols)
        return im_op_fail(g, "im_linear: input has %d columns, weight expects %d (weight %dx%d)",
                          x->cols, w->cols, w->rows, w->cols);
    if (b && (b->rows != 1 || b->cols != w->rows))
        return im_op_fail(g, "im_linear: bias is %dx%d, expected 1x%d", b->rows, b->cols, w->rows);
    if (!im_activation_fusable(act)) return im_op_fail(g, "im_linear_act: activation %d cannot be fused", act);
    int rows = x->rows, o = w->rows;
    im_tensor *out = im_tensor_new(g, rows, o);
    if (!out) return NULL;
    im_workers *workers = im_tape_ctx(g)->workers;
    im_gemm(workers, 0, 1, rows, o, x->cols, 1.0, x->val, x->cols, w->val, w->cols, 0.0, out->val, o);
    if (b || act != IM_ACT_NONE) {
        act_job j = { out->val, NULL, b ? b->val : NULL, NULL, o, act, rows };
        im_workers_for(workers, rows, MIN_CHUNK / o + 1, bias_act_rows, &j);
    }
    im_node *n = im_tape_record(g, "linear", out, linear_backward, x, w, b);
    if (n) n->iarg[0] = act;
    return out;
}

im_tensor *im_linear(im_tape *g, im_tensor *x, im_tensor *w, im_tensor *b)
{
    return im_linear_act(g, x, w, b, IM_ACT_NONE);
}
