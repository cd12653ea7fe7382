/* sparse.c — CSR matrices and the sparse × dense product on the tape.
 * Built from unordered entries by a counting sort on the row, then a sort
 * of each row's columns; the product walks rows (forward: a gather per
 * row; backward: a scatter of each row's gradient into B's rows). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/sparse.h"

void im_csr_free(im_csr *m)
{
    free(m->row_ptr);
    free(m->col);
    free(m->val);
    memset(m, 0, sizeof *m);
}

static im_status csr_alloc(im_ctx *ctx, im_csr *m, int rows, int cols, long nnz)
{
    memset(m, 0, sizeof *m);
    m->rows = rows, m->cols = cols, m->nnz = nnz;
    m->row_ptr = calloc((size_t)rows + 1, sizeof *m->row_ptr);
    m->col = malloc(sizeof *m->col * (size_t)(nnz ? nnz : 1));
    m->val = malloc(sizeof *m->val * (size_t)(nnz ? nnz : 1));
    if (m->row_ptr && m->col && m->val) return IM_OK;
    im_csr_free(m);
    return im_fail(ctx, IM_ENOMEM, "sparse matrix %dx%d with %ld entries: out of memory", rows, cols, nnz);
}

typedef struct {
    int col;
    double val;
} entry;

static int by_col(const void *a, const void *b)
{
    int x = ((const entry *)a)->col, y = ((const entry *)b)->col;
    return (x > y) - (x < y);
}

im_status im_csr_from_entries(im_ctx *ctx, int rows, int cols, const int *row, const int *col, const double *val,
                              long n, im_csr *out)
{
    memset(out, 0, sizeof *out);
    if (rows < 1 || cols < 1 || n < 0)
        return im_fail(ctx, IM_EINVAL, "sparse matrix: %dx%d with %ld entries", rows, cols, n);
    for (long i = 0; i < n; i++)
        if (row[i] < 0 || row[i] >= rows || col[i] < 0 || col[i] >= cols || (val && !isfinite(val[i])))
            return im_fail(ctx, IM_EINVAL, "sparse matrix %dx%d: entry %ld at (%d, %d)%s", rows, cols, i, row[i],
                           col[i], val && !isfinite(val[i]) ? " is not finite" : " is outside it");
    long *start = calloc((size_t)rows + 1, sizeof *start);
    entry *sorted = malloc(sizeof *sorted * (size_t)(n ? n : 1));
    im_status st = start && sorted ? IM_OK : im_fail(ctx, IM_ENOMEM, "sparse matrix: out of memory");
    if (!st) {
        for (long i = 0; i < n; i++) start[row[i] + 1]++;
        for (int r = 0; r < rows; r++) start[r + 1] += start[r];
        long *fill = calloc((size_t)rows, sizeof *fill);
        if (!fill) st = im_fail(ctx, IM_ENOMEM, "sparse matrix: out of memory");
        for (long i = 0; !st && i < n; i++)
            sorted[start[row[i]] + fill[row[i]]++] = (entry){ col[i], val ? val[i] : 1.0 };
        free(fill);
    }
    long nnz = 0;   /* distinct positions */
    for (int r = 0; !st && r < rows; r++) {
        qsort(sorted + start[r], (size_t)(start[r + 1] - start[r]), sizeof *sorted, by_col);
        for (long i = start[r]; i < start[r + 1]; i++) nnz += i == start[r] || sorted[i].col != sorted[i - 1].col;
    }
    if (!st) st = csr_alloc(ctx, out, rows, cols, nnz);
    long k = 0;
    for (int r = 0; !st && r < rows; r++) {
        out->row_ptr[r] = k;
        for (long i = start[r]; i < start[r + 1]; i++) {
            if (i > start[r] && sorted[i].col == sorted[i - 1].col) {
                out->val[k - 1] += (im_real)sorted[i].val;
                continue;
            }
            out->col[k] = sorted[i].col;
            out->val[k++] = (im_real)sorted[i].val;
        }
    }
    if (!st) out->row_ptr[rows] = k;
    free(start);
    free(sorted);
    return st;
}

void im_csr_row_sums(const im_csr *m, double *out)
{
    for (int r = 0; r < m->rows; r++) {
        double s = 0;
        for (long i = m->row_ptr[r]; i < m->row_ptr[r + 1]; i++) s += m->val[i];
        out[r] = s;
    }
}

/* A[r, c], by bisection in row r (0 when absent). */
static double csr_at(const im_csr *a, int r, int c)
{
    long lo = a->row_ptr[r], hi = a->row_ptr[r + 1];
    while (lo < hi) {
        long mid = (lo + hi) / 2;
        if (a->col[mid] < c) lo = mid + 1;
        else hi = mid;
    }
    return lo < a->row_ptr[r + 1] && a->col[lo] == c ? a->val[lo] : 0;
}

im_status im_csr_gcn_norm(im_ctx *ctx, const im_csr *a, im_csr *out)
{
    memset(out, 0, sizeof *out);
    if (a->rows != a->cols) return im_fail(ctx, IM_EINVAL, "GCN normalisation: adjacency is %dx%d, not square", a->rows, a->cols);
    for (long i = 0; i < a->nnz; i++)
        if (!(a->val[i] >= 0)) return im_fail(ctx, IM_EINVAL, "GCN normalisation: adjacency weight %g < 0", a->val[i]);
    int n = a->rows;
    for (int r = 0; r < n; r++)
        for (long i = a->row_ptr[r]; i < a->row_ptr[r + 1]; i++)
            if (csr_at(a, a->col[i], r) != a->val[i])
                return im_fail(ctx, IM_EINVAL, "GCN normalisation: the adjacency is not symmetric: (%d, %d) = %g, "
                               "(%d, %d) = %g", r, a->col[i], a->val[i], a->col[i], r, csr_at(a, a->col[i], r));
    long self = 0;
    for (int r = 0; r < n; r++)
        for (long i = a->row_ptr[r]; i < a->row_ptr[r + 1]; i++) self += a->col[i] == r;
    im_status st = csr_alloc(ctx, out, n, n, a->nnz - self + n);
    double *deg = st ? NULL : malloc(sizeof(double) * (size_t)n);
    if (!st && !deg) st = im_fail(ctx, IM_ENOMEM, "GCN normalisation: out of memory");
    if (st) {
        im_csr_free(out);
        return st;
    }
    long k = 0;   /* A without its diagonal, plus 1 on it, columns kept in order */
    for (int r = 0; r < n; r++) {
        out->row_ptr[r] = k;
        int placed = 0;
        deg[r] = 1;
        for (long i = a->row_ptr[r]; i < a->row_ptr[r + 1]; i++) {
            if (a->col[i] == r) continue;
            if (!placed && a->col[i] > r) out->col[k] = r, out->val[k++] = 1, placed = 1;
            out->col[k] = a->col[i], out->val[k++] = a->val[i];
            deg[r] += a->val[i];
        }
        if (!placed) out->col[k] = r, out->val[k++] = 1;
    }
    out->row_ptr[n] = k;
    for (int r = 0; r < n; r++)
        for (long i = out->row_ptr[r]; i < out->row_ptr[r + 1]; i++)
            out->val[i] = (im_real)(out->val[i] / sqrt(deg[r] * deg[out->col[i]]));
    free(deg);
    return IM_OK;
}

/* dB[c, :] += A[r, c] · dC[r, :] */
static void spmm_backward(im_tape *g, im_node *n)
{
    const im_csr *a = n->saved;
    im_tensor *b = n->in[0], *c = n->out;
    im_real *db = im_grad_of(g, b);
    if (!db) return;
    int k = c->cols;
    for (int r = 0; r < a->rows; r++) {
        const im_real *dc = c->grad + (long)r * k;
        for (long i = a->row_ptr[r]; i < a->row_ptr[r + 1]; i++) {
            im_real v = a->val[i], *dst = db + (long)a->col[i] * k;
            for (int j = 0; j < k; j++) dst[j] += v * dc[j];
        }
    }
}

im_tensor *im_spmm(im_tape *g, const im_csr *a, im_tensor *b)
{
    if (!b) return NULL;
    if (!a || a->cols != b->rows)
        return im_op_fail(g, "im_spmm: sparse %dx%d · dense %dx%d", a ? a->rows : 0, a ? a->cols : 0, b->rows, b->cols);
    im_tensor *c = im_tensor_new(g, a->rows, b->cols);
    if (!c) return NULL;
    int k = b->cols;
    for (int r = 0; r < a->rows; r++) {
        im_real *dst = c->val + (long)r * k;
        memset(dst, 0, sizeof(im_real) * (size_t)k);
        for (long i = a->row_ptr[r]; i < a->row_ptr[r + 1]; i++) {
            const im_real v = a->val[i], *src = b->val + (long)a->col[i] * k;
            for (int j = 0; j < k; j++) dst[j] += v * src[j];
        }
    }
    im_node *node = im_tape_record(g, "spmm", c, spmm_backward, b, NULL, NULL);
    if (node) node->saved = (void *)a;
    return c;
}
