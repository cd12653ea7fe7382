/* ops_reduce.c — sum, mean and logsumexp over all / each row / each column,
 * and log_softmax over rows. */
#include <math.h>
#include <tgmath.h>
#include "infomin/tape.h"

static void reduced_shape(const im_tensor *x, im_axis axis, int *rows, int *cols)
{
    *rows = axis == IM_ROWWISE ? x->rows : 1;
    *cols = axis == IM_COLWISE ? x->cols : 1;
}

/* Index of the output element that x[r,c] reduces into. */
static inline long out_index(im_axis axis, int r, int c)
{
    return axis == IM_ALL ? 0 : (axis == IM_ROWWISE ? r : c);
}

static long group_size(const im_tensor *x, im_axis axis)
{
    return axis == IM_ALL ? (long)x->rows * x->cols : (axis == IM_ROWWISE ? x->cols : x->rows);
}

/* sum / mean: dx[r,c] += dy[group(r,c)] · scale, scale = 1 or 1/|group| (farg[0]). */
static void sum_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0];
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    im_axis axis = (im_axis)n->iarg[0];
    im_real scale = (im_real)n->farg[0];
    const im_real *dy = n->out->grad;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < x->cols; c++) dx[(long)r * x->cols + c] += scale * dy[out_index(axis, r, c)];
}

static im_tensor *sum_scaled(im_tape *g, im_tensor *x, im_axis axis, int mean)
{
    if (!x) return NULL;
    int rows, cols;
    reduced_shape(x, axis, &rows, &cols);
    im_tensor *y = im_tensor_new(g, rows, cols);
    if (!y) return NULL;
    double scale = mean ? 1.0 / (double)group_size(x, axis) : 1.0;
    /* accumulate in double: a 1x1 sum over 10^5 floats loses digits otherwise */
    for (long i = 0; i < (long)rows * cols; i++) y->val[i] = 0;
    if (axis == IM_ALL) {
        double acc = 0;
        for (long i = 0; i < (long)x->rows * x->cols; i++) acc += x->val[i];
        y->val[0] = (im_real)(acc * scale);
    } else if (axis == IM_ROWWISE) {
        for (int r = 0; r < x->rows; r++) {
            double acc = 0;
            for (int c = 0; c < x->cols; c++) acc += x->val[(long)r * x->cols + c];
            y->val[r] = (im_real)(acc * scale);
        }
    } else {
        for (int r = 0; r < x->rows; r++)
            for (int c = 0; c < x->cols; c++) y->val[c] += x->val[(long)r * x->cols + c];
        for (int c = 0; c < x->cols; c++) y->val[c] = (im_real)(y->val[c] * scale);
    }
    im_node *n = im_tape_record(g, mean ? "mean" : "sum", y, sum_backward, x, NULL, NULL);
    if (n) {
        n->iarg[0] = axis;
        n->farg[0] = scale;
    }
    return y;
}

im_tensor *im_sum(im_tape *g, im_tensor *x, im_axis axis) { return sum_scaled(g, x, axis, 0); }
im_tensor *im_mean(im_tape *g, im_tensor *x, im_axis axis) { return sum_scaled(g, x, axis, 1); }

/* y = log Σ exp(x) per group;  dx += dy · exp(x - y) (the softmax). */
static void logsumexp_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    im_axis axis = (im_axis)n->iarg[0];
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < x->cols; c++) {
            long o = out_index(axis, r, c), i = (long)r * x->cols + c;
            dx[i] += y->grad[o] * exp(x->val[i] - y->val[o]);
        }
}

im_tensor *im_logsumexp(im_tape *g, im_tensor *x, im_axis axis)
{
    if (!x) return NULL;
    int rows, cols;
    reduced_shape(x, axis, &rows, &cols);
    im_tensor *y = im_tensor_new(g, rows, cols);
    double *acc = im_tape_alloc(g, sizeof(double) * (size_t)rows * (size_t)cols);
    if (!y || !acc) return NULL;
    long n_out = (long)rows * cols;
    /* pass 1: the max of each group keeps exp() in range */
    for (long o = 0; o < n_out; o++) y->val[o] = -INFINITY;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < x->cols; c++) {
            long o = out_index(axis, r, c);
            im_real v = x->val[(long)r * x->cols + c];
            if (v > y->val[o]) y->val[o] = v;
        }
    for (long o = 0; o < n_out; o++) acc[o] = 0;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < x->cols; c++) {
            long o = out_index(axis, r, c);
            acc[o] += exp((double)(x->val[(long)r * x->cols + c] - y->val[o]));
        }
    for (long o = 0; o < n_out; o++)
        y->val[o] = isinf(y->val[o]) ? y->val[o] : (im_real)(y->val[o] + log(acc[o]));
    im_node *n = im_tape_record(g, "logsumexp", y, logsumexp_backward, x, NULL, NULL);
    if (n) n->iarg[0] = axis;
    return y;
}

/* y = x - logsumexp_row(x);  dx = dy - softmax(x) · Σ_row dy. */
static void log_softmax_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    for (int r = 0; r < x->rows; r++) {
        const im_real *dy = y->grad + (long)r * x->cols, *yr = y->val + (long)r * x->cols;
        im_real *dxr = dx + (long)r * x->cols;
        double total = 0;
        for (int c = 0; c < x->cols; c++) total += dy[c];
        for (int c = 0; c < x->cols; c++) dxr[c] += dy[c] - exp(yr[c]) * (im_real)total;
    }
}

im_tensor *im_log_softmax(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    if (!y) return NULL;
    for (int r = 0; r < x->rows; r++) {
        const im_real *xr = x->val + (long)r * x->cols;
        im_real *yr = y->val + (long)r * x->cols;
        im_real m = xr[0];
        for (int c = 1; c < x->cols; c++) m = xr[c] > m ? xr[c] : m;
        double acc = 0;
        for (int c = 0; c < x->cols; c++) acc += exp((double)(xr[c] - m));
        im_real lse = m + (im_real)log(acc);
        for (int c = 0; c < x->cols; c++) yr[c] = xr[c] - lse;
    }
    im_tape_record(g, "log_softmax", y, log_softmax_backward, x, NULL, NULL);
    return y;
}
