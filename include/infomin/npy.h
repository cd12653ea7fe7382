/* npy.h — NumPy's .npy files (since 0.6; core/data/npy.c): what np.save
 * writes, read into row-major doubles, and row-major doubles written as a
 * file np.load reads.
 *
 * Read: format versions 1.0, 2.0 and 3.0; dtypes float32 and float64,
 * signed and unsigned integers of 1, 2, 4 and 8 bytes, and bool, in either
 * byte order; C or Fortran order; a 1-D array is one column, an N-D array
 * (N ≥ 2) is rows × the product of the other dimensions (an image array
 * (n, 28, 28) gives n rows of 784, in C order whatever the file's order).
 * Refused with the file and the reason: a wrong magic string, a header
 * that is not the dictionary np.save writes, a structured, complex,
 * half-precision, string or object dtype, a 0-D array, and a body shorter
 * or longer than the shape says. */
#ifndef INFOMIN_NPY_H
#define INFOMIN_NPY_H

#include <stddef.h>
#include "api.h"
#include "status.h"

typedef struct im_npy {
    long rows;         /* the first dimension */
    long cols;         /* the product of the others (1 for a 1-D array) */
    int ndim;
    long shape[8];     /* as the header gave it */
    char dtype[8];     /* the header's descr, e.g. "<f4" */
    int fortran;       /* the file was in Fortran order */
    double *data;      /* rows × cols, row-major, malloc'd */
} im_npy;

/* The bytes of a whole file; `name` goes into messages. */
IM_API im_status im_npy_parse(im_ctx *ctx, const void *bytes, size_t size, const char *name, im_npy *out);
IM_API im_status im_npy_read(im_ctx *ctx, const char *path, im_npy *out);
/* The header alone (shape and dtype; data stays NULL), the file's length
 * checked against it: for a validate hook, without reading the data. */
IM_API im_status im_npy_read_header(im_ctx *ctx, const char *path, im_npy *out);
IM_API void im_npy_free(im_npy *a);

/* rows × cols row-major doubles as a version 1.0 file of '<f8' in C order
 * (cols = 0: a 1-D array of rows), written to a temporary file beside path
 * and renamed over it: no half-written file on any failure. */
IM_API im_status im_npy_write(im_ctx *ctx, const char *path, const double *data, long rows, long cols);

#endif
