/* sparse.h — sparse matrices in compressed sparse row (CSR) form: graph
 * adjacencies and pooling maps, and their product with a dense tensor on
 * the tape (graph convolutions, readouts). */
#ifndef INFOMIN_SPARSE_H
#define INFOMIN_SPARSE_H

#include "api.h"
#include "tape.h"

typedef struct im_csr {
    int rows, cols;
    long nnz;
    long *row_ptr;   /* rows + 1 offsets into col and val */
    int *col;        /* nnz column indices, increasing within a row */
    im_real *val;    /* nnz values */
} im_csr;

/* From n entries (row[i], col[i], val[i] — val NULL: all 1); repeated
 * positions are summed. Indices out of range are refused by position. */
IM_API im_status im_csr_from_entries(im_ctx *ctx, int rows, int cols, const int *row, const int *col, const double *val,
                                     long n, im_csr *out);
IM_API void im_csr_free(im_csr *m);
/* The GCN propagation matrix of an undirected graph's adjacency a (square,
 * symmetric, non-negative weights): D^−½ (A + I) D^−½ with D the degrees of
 * A + I (Kipf & Welling 2017); existing self-loops are replaced by 1. */
IM_API im_status im_csr_gcn_norm(im_ctx *ctx, const im_csr *a, im_csr *out);
/* Row sums (weighted degrees) into out[rows]. */
IM_API void im_csr_row_sums(const im_csr *m, double *out);

/* C = A·B on the tape: A constant (it must outlive the backward pass), B
 * [A.cols x k]; backward dB += Aᵀ·dC. */
IM_API im_tensor *im_spmm(im_tape *g, const im_csr *a, im_tensor *b);

#endif
