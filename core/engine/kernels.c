/* kernels.c — naming OpenBLAS's kernel set (for results and benchmarks). */
#include <stdio.h>
#include "infomin/kernels.h"

char *openblas_get_corename(void);
char *openblas_get_config(void);

char *im_blas_kernels(char *name, size_t size)
{
    char version[24];   /* from "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ..." */
    if (sscanf(openblas_get_config(), "OpenBLAS %23s", version) != 1) snprintf(version, sizeof version, "?");
    snprintf(name, size, "OpenBLAS %s %s", version, openblas_get_corename());
    return name;
}
