/* mat.c — dense sample matrices. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/mat.h"
#include "infomin/rng.h"

im_status im_mat_alloc(im_ctx *ctx, im_mat *m, int rows, int cols)
{
    m->rows = m->cols = 0;
    m->data = NULL;
    if (rows < 0 || cols < 0)
        return im_fail(ctx, IM_EINVAL, "matrix shape %dx%d is negative", rows, cols);
    size_t n = (size_t)rows * (size_t)cols;
    m->data = calloc(n ? n : 1, sizeof(im_real));
    if (!m->data)
        return im_fail(ctx, IM_ENOMEM, "cannot allocate a %dx%d matrix", rows, cols);
    m->rows = rows;
    m->cols = cols;
    return IM_OK;
}

void im_mat_free(im_mat *m)
{
    free(m->data);
    m->data = NULL;
    m->rows = m->cols = 0;
}

im_status im_mat_gather_rows(im_ctx *ctx, im_mat *dst, const im_mat *src, const int *idx, int n)
{
    im_status st = im_mat_alloc(ctx, dst, n, src->cols);
    if (st) return st;
    for (int k = 0; k < n; k++) {
        if (idx[k] < 0 || idx[k] >= src->rows) {
            im_mat_free(dst);
            return im_fail(ctx, IM_EINVAL, "row index %d out of range [0, %d)", idx[k], src->rows);
        }
        memcpy(im_mat_row(dst, k), im_mat_row(src, idx[k]), sizeof(im_real) * (size_t)src->cols);
    }
    return IM_OK;
}

im_status im_mat_slice_cols(im_ctx *ctx, im_mat *dst, const im_mat *src, int c0, int n)
{
    if (c0 < 0 || n < 0 || c0 + n > src->cols)
        return im_fail(ctx, IM_EINVAL, "column slice [%d, %d) outside a matrix of %d columns",
                       c0, c0 + n, src->cols);
    im_status st = im_mat_alloc(ctx, dst, src->rows, n);
    if (st) return st;
    for (int r = 0; r < src->rows; r++)
        memcpy(im_mat_row(dst, r), im_mat_row(src, r) + c0, sizeof(im_real) * (size_t)n);
    return IM_OK;
}

im_status im_mat_check_finite(im_ctx *ctx, const im_mat *m, const char *what)
{
    for (int r = 0; r < m->rows; r++)
        for (int c = 0; c < m->cols; c++)
            if (!isfinite(m->data[(long)r * m->cols + c]))
                return im_fail(ctx, IM_ENUMERIC, "%s: row %d column %d is %s", what, r, c,
                               isnan(m->data[(long)r * m->cols + c]) ? "NaN" : "infinite");
    return IM_OK;
}

void im_mat_random_unit_rows(im_mat *m, im_rng *rng)
{
    for (int r = 0; r < m->rows; r++) {
        double norm = 0;
        im_real *row = im_mat_row(m, r);
        for (int c = 0; c < m->cols; c++) {
            row[c] = (im_real)im_rng_normal(rng);
            norm += (double)row[c] * row[c];
        }
        for (int c = 0; c < m->cols; c++) row[c] = (im_real)(row[c] / sqrt(norm));
    }
}

double *im_mat_to_double(const im_mat *m)
{
    long n = (long)m->rows * m->cols;
    double *d = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    if (d)
        for (long i = 0; i < n; i++) d[i] = m->data[i];
    return d;
}
