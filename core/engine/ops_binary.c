/* ops_binary.c — add, sub, mul, div with row/column/scalar broadcasting.
 *
 * An operand whose dimension is 1 is read with stride 0 along it; backward
 * accumulates through the same strides, which sums the gradient over the
 * broadcast dimension for free. */
#include "infomin/tape.h"

typedef enum { B_ADD, B_SUB, B_MUL, B_DIV } binary_kind;
static const char *const binary_names[] = { "add", "sub", "mul", "div" };

typedef struct { long row, col; } strides;

static strides strides_of(const im_tensor *t)
{
    strides s = { t->rows == 1 ? 0 : t->cols, t->cols == 1 ? 0 : 1 };
    return s;
}

static void binary_forward(binary_kind kind, im_tensor *y, const im_tensor *a, const im_tensor *b)
{
    strides sa = strides_of(a), sb = strides_of(b);
    for (int r = 0; r < y->rows; r++) {
        const im_real *ar = a->val + r * sa.row, *br = b->val + r * sb.row;
        im_real *yr = y->val + (long)r * y->cols;
        switch (kind) {
        case B_ADD: for (int c = 0; c < y->cols; c++) yr[c] = ar[c * sa.col] + br[c * sb.col]; break;
        case B_SUB: for (int c = 0; c < y->cols; c++) yr[c] = ar[c * sa.col] - br[c * sb.col]; break;
        case B_MUL: for (int c = 0; c < y->cols; c++) yr[c] = ar[c * sa.col] * br[c * sb.col]; break;
        case B_DIV: for (int c = 0; c < y->cols; c++) yr[c] = ar[c * sa.col] / br[c * sb.col]; break;
        }
    }
}

/* add: da += dy, db += dy;  sub: db -= dy;  mul: da += dy·b, db += dy·a;
 * div: da += dy/b, db -= dy·y/b. */
static void binary_backward(im_tape *g, im_node *n)
{
    im_tensor *a = n->in[0], *b = n->in[1], *y = n->out;
    binary_kind kind = (binary_kind)n->iarg[0];
    im_real *da = im_grad_of(g, a), *db = im_grad_of(g, b);
    strides sa = strides_of(a), sb = strides_of(b);
    for (int r = 0; r < y->rows; r++) {
        const im_real *dy = y->grad + (long)r * y->cols, *yr = y->val + (long)r * y->cols;
        const im_real *ar = a->val + r * sa.row, *br = b->val + r * sb.row;
        im_real *dar = da ? da + r * sa.row : NULL, *dbr = db ? db + r * sb.row : NULL;
        for (int c = 0; c < y->cols; c++) {
            im_real av = ar[c * sa.col], bv = br[c * sb.col];
            switch (kind) {
            case B_ADD:
                if (dar) dar[c * sa.col] += dy[c];
                if (dbr) dbr[c * sb.col] += dy[c];
                break;
            case B_SUB:
                if (dar) dar[c * sa.col] += dy[c];
                if (dbr) dbr[c * sb.col] -= dy[c];
                break;
            case B_MUL:
                if (dar) dar[c * sa.col] += dy[c] * bv;
                if (dbr) dbr[c * sb.col] += dy[c] * av;
                break;
            case B_DIV:
                if (dar) dar[c * sa.col] += dy[c] / bv;
                if (dbr) dbr[c * sb.col] -= dy[c] * yr[c] / bv;
                break;
            }
        }
    }
}

static int broadcast_dim(int x, int y) { return x == y ? x : (x == 1 ? y : (y == 1 ? x : -1)); }

static im_tensor *binary(im_tape *g, im_tensor *a, im_tensor *b, binary_kind kind)
{
    if (!a || !b) return NULL;
    int rows = broadcast_dim(a->rows, b->rows), cols = broadcast_dim(a->cols, b->cols);
    if (rows < 0 || cols < 0)
        return im_op_fail(g, "im_%s: shapes %dx%d and %dx%d do not broadcast", binary_names[kind],
                          a->rows, a->cols, b->rows, b->cols);
    im_tensor *y = im_tensor_new(g, rows, cols);
    if (!y) return NULL;
    binary_forward(kind, y, a, b);
    im_node *n = im_tape_record(g, binary_names[kind], y, binary_backward, a, b, NULL);
    if (n) n->iarg[0] = kind;
    return y;
}

im_tensor *im_add(im_tape *g, im_tensor *a, im_tensor *b) { return binary(g, a, b, B_ADD); }
im_tensor *im_sub(im_tape *g, im_tensor *a, im_tensor *b) { return binary(g, a, b, B_SUB); }
im_tensor *im_mul(im_tape *g, im_tensor *a, im_tensor *b) { return binary(g, a, b, B_MUL); }
im_tensor *im_div(im_tape *g, im_tensor *a, im_tensor *b) { return binary(g, a, b, B_DIV); }

im_tensor *im_bias_add(im_tape *g, im_tensor *x, im_tensor *b)
{
    if (x && b && (b->rows != 1 || b->cols != x->cols))
        return im_op_fail(g, "im_bias_add: bias is %dx%d, expected 1x%d", b->rows, b->cols, x->cols);
    return binary(g, x, b, B_ADD);
}
