/* kernels.h — which BLAS kernels this process runs.
 *
 * OpenBLAS (in its DYNAMIC_ARCH builds, Debian's) picks one kernel set when
 * it loads, from the CPU's identity or from the environment's
 * OPENBLAS_CORETYPE. The set decides the speed (large sgemm on one core of
 * the development machine: 126 GFLOP/s with "Haswell", AVX2, against 240
 * with "Cooperlake", AVX-512) and the rounding of every product. */
#ifndef INFOMIN_KERNELS_H
#define INFOMIN_KERNELS_H

#include <stddef.h>
#include "api.h"

/* Writes "OpenBLAS 0.3.21 SkylakeX" into name[size]: the library, its
 * version and the kernel set in use (recorded with every result, since
 * kernel sets round differently). Returns name. */
IM_API char *im_blas_kernels(char *name, size_t size);

#endif
