/* real.h — the scalar type of the numeric core.
 *
 * float32 in the library. The test suite compiles the same core sources a
 * second time with IM_REAL_DOUBLE so that every op's gradient is checked
 * against finite differences in float64, where the check is sharp. */
#ifndef INFOMIN_REAL_H
#define INFOMIN_REAL_H

#ifdef IM_REAL_DOUBLE
typedef double im_real;
#define IM_REAL_EPS 2.220446049250313e-16
#else
typedef float im_real;
#define IM_REAL_EPS 1.1920929e-07f
#endif

#endif
