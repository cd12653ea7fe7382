/* arrays.h — what the array API's files share (core/api/): not installed. */
#ifndef IM_API_ARRAYS_H
#define IM_API_ARRAYS_H
#include "infomin/registry.h"
#include "infomin/status.h"

/* The process's plugin registry, loaded at the first call (arrays.c); NULL
 * when out of memory. */
im_registry *im_api_registry(void);
/* Every value of a (n x d, row-major) is a finite number a float holds:
 * the first that is not is named by its row and column (arrays.c). */
im_status im_array_check(im_ctx *ctx, const char *name, const double *a, long n, int d);

#endif
