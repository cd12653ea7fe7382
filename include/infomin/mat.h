/* mat.h — im_mat: a dense row-major matrix of samples (rows = samples).
 * Datasets and results use it; it never carries gradients. One owner frees
 * it with im_mat_free. */
#ifndef INFOMIN_MAT_H
#define INFOMIN_MAT_H

#include "api.h"
#include "real.h"
#include "status.h"

typedef struct im_mat {
    int rows, cols;
    im_real *data;   /* rows * cols values, row-major */
} im_mat;

/* The shape of one image row: C·H·W values in NCHW order (channel planes,
 * each H rows of W). Image datasets carry it; the convolution ops take it. */
typedef struct im_shape {
    int c, h, w;
} im_shape;
static inline long im_shape_size(im_shape s) { return (long)s.c * s.h * s.w; }

/* Allocates rows*cols zeroed values; m is left empty on failure. */
IM_API im_status im_mat_alloc(im_ctx *ctx, im_mat *m, int rows, int cols);
IM_API void im_mat_free(im_mat *m);
static inline im_real *im_mat_row(const im_mat *m, int r) { return m->data + (long)r * m->cols; }
/* Row r of src into row k of dst (same width). */
static inline void im_mat_copy_row(im_mat *dst, int k, const im_mat *src, int r)
{
    for (int c = 0; c < src->cols; c++) im_mat_row(dst, k)[c] = im_mat_row(src, r)[c];
}

/* dst = rows idx[0..n) of src (allocates dst). */
IM_API im_status im_mat_gather_rows(im_ctx *ctx, im_mat *dst, const im_mat *src, const int *idx, int n);
/* dst = columns [c0, c0+n) of src (allocates dst). */
IM_API im_status im_mat_slice_cols(im_ctx *ctx, im_mat *dst, const im_mat *src, int c0, int n);
/* A malloc'd double copy of m's values (the caller frees); NULL on OOM. For
 * statistics computed in double precision. */
IM_API double *im_mat_to_double(const im_mat *m);
struct im_rng;
/* Every row an independent uniform direction on the unit sphere. */
IM_API void im_mat_random_unit_rows(im_mat *m, struct im_rng *rng);
/* IM_ENUMERIC with "what row R col C" if any value is NaN or infinite. */
IM_API im_status im_mat_check_finite(im_ctx *ctx, const im_mat *m, const char *what);

#endif
