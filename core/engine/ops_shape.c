/* ops_shape.c — concatenation, slicing, row gathers and the outer add. Pure
 * data movement: backward scatters the gradient back where each value came
 * from. */
#include <string.h>
#include "act.h"
#include "infomin/tape.h"
#include "infomin/workers.h"

#define ROW(t, r) ((t)->val + (long)(r) * (t)->cols)
#define GROW(p, t, r) ((p) + (long)(r) * (t)->cols)

static void add_into(im_real *dst, const im_real *src, int n)
{
    for (int i = 0; i < n; i++) dst[i] += src[i];
}

/* [a | b]: out[:, 0:ca] from a, out[:, ca:] from b. */
static void concat_cols_backward(im_tape *g, im_node *n)
{
    im_tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    im_real *da = im_grad_of(g, a), *db = im_grad_of(g, b);
    for (int r = 0; r < y->rows; r++) {
        const im_real *dy = GROW(y->grad, y, r);
        if (da) add_into(GROW(da, a, r), dy, a->cols);
        if (db) add_into(GROW(db, b, r), dy + a->cols, b->cols);
    }
}

im_tensor *im_concat_cols(im_tape *g, im_tensor *a, im_tensor *b)
{
    if (!a || !b) return NULL;
    if (a->rows != b->rows)
        return im_op_fail(g, "im_concat_cols: row counts differ (%d vs %d)", a->rows, b->rows);
    im_tensor *y = im_tensor_new(g, a->rows, a->cols + b->cols);
    if (!y) return NULL;
    for (int r = 0; r < y->rows; r++) {
        memcpy(ROW(y, r), ROW(a, r), sizeof(im_real) * (size_t)a->cols);
        memcpy(ROW(y, r) + a->cols, ROW(b, r), sizeof(im_real) * (size_t)b->cols);
    }
    im_tape_record(g, "concat_cols", y, concat_cols_backward, a, b, NULL);
    return y;
}

static void concat_rows_backward(im_tape *g, im_node *n)
{
    im_tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    im_real *da = im_grad_of(g, a), *db = im_grad_of(g, b);
    long na = (long)a->rows * a->cols, nb = (long)b->rows * b->cols;
    if (da) for (long i = 0; i < na; i++) da[i] += y->grad[i];
    if (db) for (long i = 0; i < nb; i++) db[i] += y->grad[na + i];
}

im_tensor *im_concat_rows(im_tape *g, im_tensor *a, im_tensor *b)
{
    if (!a || !b) return NULL;
    if (a->cols != b->cols)
        return im_op_fail(g, "im_concat_rows: column counts differ (%d vs %d)", a->cols, b->cols);
    im_tensor *y = im_tensor_new(g, a->rows + b->rows, a->cols);
    if (!y) return NULL;
    memcpy(y->val, a->val, sizeof(im_real) * (size_t)a->rows * (size_t)a->cols);
    memcpy(ROW(y, a->rows), b->val, sizeof(im_real) * (size_t)b->rows * (size_t)b->cols);
    im_tape_record(g, "concat_rows", y, concat_rows_backward, a, b, NULL);
    return y;
}

/* out = x[:, c0 : c0+n]  (iarg[0] = c0) */
static void slice_cols_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    for (int r = 0; r < y->rows; r++) add_into(GROW(dx, x, r) + n->iarg[0], GROW(y->grad, y, r), y->cols);
}

im_tensor *im_slice_cols(im_tape *g, im_tensor *x, int c0, int n)
{
    if (!x) return NULL;
    if (c0 < 0 || n <= 0 || c0 + n > x->cols)
        return im_op_fail(g, "im_slice_cols: columns [%d, %d) outside 0..%d", c0, c0 + n, x->cols);
    im_tensor *y = im_tensor_new(g, x->rows, n);
    if (!y) return NULL;
    for (int r = 0; r < x->rows; r++) memcpy(ROW(y, r), ROW(x, r) + c0, sizeof(im_real) * (size_t)n);
    im_node *node = im_tape_record(g, "slice_cols", y, slice_cols_backward, x, NULL, NULL);
    if (node) node->iarg[0] = c0;
    return y;
}

/* out = x[r0 : r0+n, :]  (iarg[0] = r0) */
static void slice_rows_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    add_into(GROW(dx, x, n->iarg[0]), y->grad, y->rows * y->cols);
}

im_tensor *im_slice_rows(im_tape *g, im_tensor *x, int r0, int n)
{
    if (!x) return NULL;
    if (r0 < 0 || n <= 0 || r0 + n > x->rows)
        return im_op_fail(g, "im_slice_rows: rows [%d, %d) outside 0..%d", r0, r0 + n, x->rows);
    im_tensor *y = im_tensor_new(g, n, x->cols);
    if (!y) return NULL;
    memcpy(y->val, ROW(x, r0), sizeof(im_real) * (size_t)n * (size_t)x->cols);
    im_node *node = im_tape_record(g, "slice_rows", y, slice_rows_backward, x, NULL, NULL);
    if (node) node->iarg[0] = r0;
    return y;
}

/* out[k,:] = x[idx[k],:];  dx[idx[k],:] += dout[k,:] (repeats accumulate). */
static void gather_rows_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    const int *idx = n->saved;
    for (int k = 0; k < y->rows; k++) add_into(GROW(dx, x, idx[k]), GROW(y->grad, y, k), x->cols);
}

im_tensor *im_gather_rows(im_tape *g, im_tensor *x, const int *idx, int n)
{
    if (!x) return NULL;
    for (int k = 0; k < n; k++)
        if (idx[k] < 0 || idx[k] >= x->rows)
            return im_op_fail(g, "im_gather_rows: index %d (position %d) outside 0..%d", idx[k], k, x->rows);
    im_tensor *y = im_tensor_new(g, n, x->cols);
    int *saved = im_tape_alloc(g, sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!y || !saved) return NULL;
    memcpy(saved, idx, sizeof(int) * (size_t)n);
    for (int k = 0; k < n; k++) memcpy(ROW(y, k), ROW(x, idx[k]), sizeof(im_real) * (size_t)x->cols);
    im_node *node = im_tape_record(g, "gather_rows", y, gather_rows_backward, x, NULL, NULL);
    if (node) node->saved = saved;
    return y;
}

/* out[i*nb + j, :] = act(a[i,:] + b[j,:])
 * da[i,:] += Σ_j d[i*nb+j,:] ;  db[j,:] += Σ_i d[i*nb+j,:],  d = dout ⊙ act'(out)
 *
 * The outer add's passes over the workers, split by rows of a (forward and da)
 * or of b (db). Each gradient row sums its terms in the order one serial
 * loop would, so the result does not depend on the thread count; dy is read
 * twice (B²·h values, in cache at the sizes of a critic step) so that no two
 * parts write one row. With an activation fused (act != IM_ACT_NONE) each
 * pass reads dy ⊙ act'(y) off the output in chunks on the stack: no B²·h
 * pre-activation tensor, no separate activation op or its gradient buffer. */
typedef struct {
    const im_tensor *a, *b, *y;
    im_real *da, *db;
    im_activation act;
} outer_job;

static void outer_rows(void *arg, long lo, long hi)
{
    const outer_job *j = arg;
    int nb = j->b->rows, cols = j->a->cols;
    for (long i = lo; i < hi; i++) {
        for (int k = 0; k < nb; k++) {
            im_real *yr = ROW(j->y, i * nb + k);
            const im_real *ar = ROW(j->a, i), *br = ROW(j->b, k);
            for (int c = 0; c < cols; c++) yr[c] = ar[c] + br[c];
        }
        if (j->act != IM_ACT_NONE) im_bias_act_rows(ROW(j->y, i * nb), NULL, nb, cols, j->act);
    }
}

#define GRAD_CHUNK 512   /* values of dy ⊙ act'(y) on the stack at a time */

/* dst + q·dst_stride += the gradient reaching output row r0 + q, q < n
 * (dst_stride 0: all into one row), in order of q. Rows r0.. are
 * contiguous, so dy ⊙ act'(y) is formed a stack chunk of whole rows at a
 * time (one call per 8 rows of 64). */
static void add_rows_grad(const outer_job *j, long r0, long n, im_real *dst, long dst_stride)
{
    int cols = j->y->cols;
    const im_real *dy = GROW(j->y->grad, j->y, r0), *y = ROW(j->y, r0);
    if (cols == 0) return;
    if (j->act == IM_ACT_NONE) {
        for (long q = 0; q < n; q++) add_into(dst + q * dst_stride, dy + q * cols, cols);
        return;
    }
    im_real d[GRAD_CHUNK];
    if (cols > GRAD_CHUNK) {   /* wide rows: chunks within each row */
        for (long q = 0; q < n; q++)
            for (int c0 = 0; c0 < cols; c0 += GRAD_CHUNK) {
                int m = cols - c0 < GRAD_CHUNK ? cols - c0 : GRAD_CHUNK;
                im_act_grad(d, dy + q * cols + c0, y + q * cols + c0, m, j->act);
                add_into(dst + q * dst_stride + c0, d, m);
            }
        return;
    }
    long per = GRAD_CHUNK / cols;
    for (long q0 = 0; q0 < n; q0 += per) {
        long m = n - q0 < per ? n - q0 : per;
        im_act_grad(d, dy + q0 * cols, y + q0 * cols, m * cols, j->act);
        for (long q = 0; q < m; q++) add_into(dst + (q0 + q) * dst_stride, d + q * cols, cols);
    }
}

static void outer_grad_a(void *arg, long lo, long hi)
{
    const outer_job *j = arg;
    int nb = j->b->rows;
    for (long i = lo; i < hi; i++) add_rows_grad(j, i * nb, nb, GROW(j->da, j->a, i), 0);
}

static void outer_grad_b(void *arg, long lo, long hi)
{
    const outer_job *j = arg;
    int na = j->a->rows, nb = j->b->rows;
    for (int i = 0; i < na; i++) add_rows_grad(j, (long)i * nb + lo, hi - lo, GROW(j->db, j->b, lo), j->b->cols);
}

#define OUTER_MIN_CHUNK 16384   /* values per part before a split pays */

static void outer_add_backward(im_tape *g, im_node *n)
{
    outer_job j = { n->in[0], n->in[1], n->out, im_grad_of(g, n->in[0]), im_grad_of(g, n->in[1]),
                    (im_activation)n->iarg[0] };
    im_workers *workers = im_tape_ctx(g)->workers;
    long row_a = (long)j.b->rows * j.y->cols + 1, row_b = (long)j.a->rows * j.y->cols + 1;   /* values per part row */
    if (j.da) im_workers_for(workers, j.a->rows, OUTER_MIN_CHUNK / row_a + 1, outer_grad_a, &j);
    if (j.db) im_workers_for(workers, j.b->rows, OUTER_MIN_CHUNK / row_b + 1, outer_grad_b, &j);
}

im_tensor *im_outer_add_act(im_tape *g, im_tensor *a, im_tensor *b, im_activation act)
{
    if (!a || !b) return NULL;
    if (a->cols != b->cols)
        return im_op_fail(g, "im_outer_add: column counts differ (%d vs %d)", a->cols, b->cols);
    if (!im_activation_fusable(act)) return im_op_fail(g, "im_outer_add_act: activation %d cannot be fused", act);
    im_tensor *y = im_tensor_new(g, a->rows * b->rows, a->cols);
    if (!y) return NULL;
    outer_job j = { a, b, y, NULL, NULL, act };
    im_workers_for(im_tape_ctx(g)->workers, a->rows, OUTER_MIN_CHUNK / ((long)b->rows * a->cols + 1) + 1, outer_rows, &j);
    im_node *n = im_tape_record(g, "outer_add", y, outer_add_backward, a, b, NULL);
    if (n) n->iarg[0] = act;
    return y;
}

im_tensor *im_outer_add(im_tape *g, im_tensor *a, im_tensor *b) { return im_outer_add_act(g, a, b, IM_ACT_NONE); }

/* out[i] = x[i,i] (square x -> n x 1) */
static void diag_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    for (int i = 0; i < y->rows; i++) dx[(long)i * x->cols + i] += y->grad[i];
}

im_tensor *im_diag(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    if (x->rows != x->cols) return im_op_fail(g, "im_diag: %dx%d is not square", x->rows, x->cols);
    im_tensor *y = im_tensor_new(g, x->rows, 1);
    if (!y) return NULL;
    for (int i = 0; i < x->rows; i++) y->val[i] = x->val[(long)i * x->cols + i];
    im_tape_record(g, "diag", y, diag_backward, x, NULL, NULL);
    return y;
}

/* The n(n-1) off-diagonal entries of a square x, row by row -> n(n-1) x 1. */
static void offdiag_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    long k = 0;
    for (int i = 0; i < x->rows; i++)
        for (int j = 0; j < x->cols; j++)
            if (i != j) dx[(long)i * x->cols + j] += y->grad[k++];
}

im_tensor *im_offdiag(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    if (x->rows != x->cols || x->rows < 2)
        return im_op_fail(g, "im_offdiag: need a square matrix of at least 2x2, got %dx%d", x->rows, x->cols);
    im_tensor *y = im_tensor_new(g, x->rows * (x->rows - 1), 1);
    if (!y) return NULL;
    long k = 0;
    for (int i = 0; i < x->rows; i++)
        for (int j = 0; j < x->cols; j++)
            if (i != j) y->val[k++] = x->val[(long)i * x->cols + j];
    im_tape_record(g, "offdiag", y, offdiag_backward, x, NULL, NULL);
    return y;
}

/* Same values, another shape (row-major order kept). */
static void reshape_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (dx) add_into(dx, y->grad, y->rows * y->cols);
}

im_tensor *im_reshape(im_tape *g, im_tensor *x, int rows, int cols)
{
    if (!x) return NULL;
    if ((long)rows * cols != (long)x->rows * x->cols)
        return im_op_fail(g, "im_reshape: %dx%d cannot become %dx%d", x->rows, x->cols, rows, cols);
    im_tensor *y = im_leaf(g, rows, cols, x->val, 0);   /* shares the values */
    if (!y) return NULL;
    im_tape_record(g, "reshape", y, reshape_backward, x, NULL, NULL);
    return y;
}

static void transpose_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < x->cols; c++) dx[(long)r * x->cols + c] += y->grad[(long)c * x->rows + r];
}

im_tensor *im_transpose(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    im_tensor *y = im_tensor_new(g, x->cols, x->rows);
    if (!y) return NULL;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < x->cols; c++) y->val[(long)c * x->rows + r] = x->val[(long)r * x->cols + c];
    im_tape_record(g, "transpose", y, transpose_backward, x, NULL, NULL);
    return y;
}
