/* ops_matmul.c — matrix products on sgemm: im_matmul and the fused dense
 * layer im_linear. */
#include <string.h>
#include "blas.h"
#include "infomin/graph.h"

/* C = op(A)·op(B); flags in iarg[0..1].
 *   dA += dC·op(B)ᵀ  (stored transposed when trans_a)
 *   dB += op(A)ᵀ·dC  (stored transposed when trans_b) */
static void matmul_backward(im_graph *g, im_node *n)
{
    im_tensor *a = n->in[0], *b = n->in[1], *c = n->out;
    int ta = n->iarg[0], tb = n->iarg[1];
    int m = c->rows, nn = c->cols, k = ta ? a->rows : a->cols;
    im_real *da = im_grad_of(g, a), *db = im_grad_of(g, b);
    im_pool *pool = im_graph_ctx(g)->pool;
    if (da) {
        if (!ta)   /* dA[m,k] += dC[m,n]·op(B)ᵀ[n,k] */
            im_gemm(pool, 0, !tb, m, k, nn, 1.0, c->grad, nn, b->val, b->cols, 1.0, da, a->cols);
        else       /* dA[k,m] += op(B)[k,n]·dCᵀ[n,m] */
            im_gemm(pool, tb, 1, k, m, nn, 1.0, b->val, b->cols, c->grad, nn, 1.0, da, a->cols);
    }
    if (db) {
        if (!tb)   /* dB[k,n] += op(A)ᵀ[k,m]·dC[m,n] */
            im_gemm(pool, !ta, 0, k, nn, m, 1.0, a->val, a->cols, c->grad, nn, 1.0, db, b->cols);
        else       /* dB[n,k] += dCᵀ[n,m]·op(A)[m,k] */
            im_gemm(pool, 1, ta, nn, k, m, 1.0, c->grad, nn, a->val, a->cols, 1.0, db, b->cols);
    }
}

im_tensor *im_matmul(im_graph *g, im_tensor *a, im_tensor *b, int trans_a, int trans_b)
{
    if (!a || !b) return NULL;
    int m = trans_a ? a->cols : a->rows, k = trans_a ? a->rows : a->cols;
    int kb = trans_b ? b->cols : b->rows, nn = trans_b ? b->rows : b->cols;
    if (k != kb)
        return im_op_fail(g, "im_matmul: inner dimensions differ: %dx%d%s · %dx%d%s", a->rows, a->cols,
                          trans_a ? "ᵀ" : "", b->rows, b->cols, trans_b ? "ᵀ" : "");
    im_tensor *c = im_tensor_new(g, m, nn);
    if (!c) return NULL;
    im_pool *pool = im_graph_ctx(g)->pool;
    im_gemm(pool, trans_a, trans_b, m, nn, k, 1.0, a->val, a->cols, b->val, b->cols, 0.0, c->val, nn);
    im_node *node = im_graph_record(g, "matmul", c, matmul_backward, a, b, NULL);
    if (node) {
        node->iarg[0] = trans_a;
        node->iarg[1] = trans_b;
    }
    return c;
}

/* out[n,o] = x[n,i]·w[o,i]ᵀ + b[o]
 * dx += dout·w ; dw += doutᵀ·x ; db += Σ_n dout */
static void linear_backward(im_graph *g, im_node *n)
{
    im_tensor *x = n->in[0], *w = n->in[1], *b = n->in[2], *out = n->out;
    int rows = x->rows, in = x->cols, o = w->rows;
    im_real *dx = im_grad_of(g, x), *dw = im_grad_of(g, w), *db = im_grad_of(g, b);
    im_pool *pool = im_graph_ctx(g)->pool;
    if (dx) im_gemm(pool, 0, 0, rows, in, o, 1.0, out->grad, o, w->val, in, 1.0, dx, in);
    if (dw) im_gemm(pool, 1, 0, o, in, rows, 1.0, out->grad, o, x->val, in, 1.0, dw, in);
    if (db)
        for (int r = 0; r < rows; r++) {
            const im_real *dr = out->grad + (long)r * o;
            for (int j = 0; j < o; j++) db[j] += dr[j];
        }
}

im_tensor *im_linear(im_graph *g, im_tensor *x, im_tensor *w, im_tensor *b)
{
    if (!x || !w) return NULL;
    if (x->cols != w->cols)
        return im_op_fail(g, "im_linear: input has %d columns, weight expects %d (weight %dx%d)",
                          x->cols, w->cols, w->rows, w->cols);
    if (b && (b->rows != 1 || b->cols != w->rows))
        return im_op_fail(g, "im_linear: bias is %dx%d, expected 1x%d", b->rows, b->cols, w->rows);
    int rows = x->rows, o = w->rows;
    im_tensor *out = im_tensor_new(g, rows, o);
    if (!out) return NULL;
    if (b)   /* the bias is the initial C; sgemm adds the product onto it */
        for (int r = 0; r < rows; r++) memcpy(out->val + (long)r * o, b->val, sizeof(im_real) * (size_t)o);
    im_pool *pool = im_graph_ctx(g)->pool;
    im_gemm(pool, 0, 1, rows, o, x->cols, 1.0, x->val, x->cols, w->val, w->cols, b ? 1.0 : 0.0, out->val, o);
    im_graph_record(g, "linear", out, linear_backward, x, w, b);
    return out;
}
