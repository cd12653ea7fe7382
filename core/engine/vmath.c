/* vmath.c — array transcendental functions on SLEEF (vmath.h). y may be x. */
#include <tgmath.h>
#include "vmath.h"

#if defined(__SSE2__) && !defined(IM_NO_SLEEF)
#include <immintrin.h>
#include <sleef.h>

/* SLEEF's AVX2 and AVX-512 kernels are declared by sleef.h only when the
 * whole file is built for that ISA; they are declared here, with the target
 * attribute of the functions that call them (clang refuses a vector passed
 * across a declaration without it), and called when the CPU has the ISA, so
 * one binary runs on any x86-64 and uses 16 floats per call where it can. */
#ifdef IM_REAL_DOUBLE
#define W4 2                   /* SSE2 width */
#define W8 4                   /* AVX2 width */
#define W16 8                  /* AVX-512 width */
#define V8 __m256d
#define V16 __m512d
#define LOAD4(p) _mm_loadu_pd(p)
#define STORE4(p, v) _mm_storeu_pd(p, v)
#define LOAD8(p) _mm256_loadu_pd(p)
#define STORE8(p, v) _mm256_storeu_pd(p, v)
#define LOAD16(p) _mm512_loadu_pd(p)
#define STORE16(p, v) _mm512_storeu_pd(p, v)
#define SLEEF4(name, acc) Sleef_##name##d2_##acc
#define SLEEF8(name, acc) Sleef_##name##d4_##acc##avx2
#define SLEEF16(name, acc) Sleef_##name##d8_##acc##avx512f
#else
#define W4 4
#define W8 8
#define W16 16
#define V8 __m256
#define V16 __m512
#define LOAD4(p) _mm_loadu_ps(p)
#define STORE4(p, v) _mm_storeu_ps(p, v)
#define LOAD8(p) _mm256_loadu_ps(p)
#define STORE8(p, v) _mm256_storeu_ps(p, v)
#define LOAD16(p) _mm512_loadu_ps(p)
#define STORE16(p, v) _mm512_storeu_ps(p, v)
#define SLEEF4(name, acc) Sleef_##name##f4_##acc
#define SLEEF8(name, acc) Sleef_##name##f8_##acc##avx2
#define SLEEF16(name, acc) Sleef_##name##f16_##acc##avx512f
#endif

#define SIMD_KERNELS(name, acc)                                                                                    \
    __attribute__((target("avx2,fma"))) V8 SLEEF8(name, acc)(V8);                                                  \
    __attribute__((target("avx2,fma"))) static long name##_##acc##_avx2(im_real *y, const im_real *x, long n)      \
    {                                                                                                              \
        long i = 0;                                                                                                \
        for (; i + W8 <= n; i += W8) STORE8(y + i, SLEEF8(name, acc)(LOAD8(x + i)));                               \
        return i;                                                                                                  \
    }                                                                                                              \
    __attribute__((target("avx512f"))) V16 SLEEF16(name, acc)(V16);                                                \
    __attribute__((target("avx512f"))) static long name##_##acc##_avx512(im_real *y, const im_real *x, long n)     \
    {                                                                                                              \
        long i = 0;                                                                                                \
        for (; i + W16 <= n; i += W16) STORE16(y + i, SLEEF16(name, acc)(LOAD16(x + i)));                          \
        return i;                                                                                                  \
    }
SIMD_KERNELS(exp, u10)
SIMD_KERNELS(expm1, u10)
SIMD_KERNELS(log, u10)
SIMD_KERNELS(log1p, u10)
SIMD_KERNELS(tanh, u10)
SIMD_KERNELS(tanh, u35)
SIMD_KERNELS(asinh, u10)

static int have_avx2(void) { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
static int have_avx512(void) { return __builtin_cpu_supports("avx512f"); }

/* the vector body (AVX-512, then AVX2, then SSE2 for what is left); i is
 * where the scalar tail starts */
#define VECTOR_LOOP(name, acc)                                                                                     \
    long i = have_avx512() ? name##_##acc##_avx512(y, x, n) : 0;                                                   \
    if (have_avx2()) i += name##_##acc##_avx2(y + i, x + i, n - i);                                                \
    for (; i + W4 <= n; i += W4) STORE4(y + i, SLEEF4(name, acc)(LOAD4(x + i)));
#else
#define VECTOR_LOOP(name, acc) long i = 0;
#endif

void im_vexp(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(exp, u10)
    for (; i < n; i++) y[i] = exp(x[i]);
}

void im_vexpm1(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(expm1, u10)
    for (; i < n; i++) y[i] = expm1(x[i]);
}

void im_vlog(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(log, u10)
    for (; i < n; i++) y[i] = log(x[i]);
}

void im_vlog1p(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(log1p, u10)
    for (; i < n; i++) y[i] = log1p(x[i]);
}

void im_vtanh(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(tanh, u10)
    for (; i < n; i++) y[i] = tanh(x[i]);
}

void im_vtanh_act(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(tanh, u35)
    for (; i < n; i++) y[i] = tanh(x[i]);
}

void im_vasinh(im_real *y, const im_real *x, long n)
{
    VECTOR_LOOP(asinh, u10)
    for (; i < n; i++) y[i] = asinh(x[i]);
}

/* The activations, through a stack buffer of CHUNK values (y may be x). */
#define CHUNK 256

/* σ(x), stable: e = e^{-|x|}, then 1/(1+e) or e/(1+e) */
void im_vsigmoid(im_real *y, const im_real *x, long n)
{
    const im_real zero = 0, one = 1;
    im_real e[CHUNK];
    for (long i0 = 0; i0 < n; i0 += CHUNK) {
        long m = n - i0 < CHUNK ? n - i0 : CHUNK;
        for (long k = 0; k < m; k++) e[k] = -fabs(x[i0 + k]);
        im_vexp(e, e, m);
        for (long k = 0; k < m; k++) y[i0 + k] = x[i0 + k] >= zero ? one / (one + e[k]) : e[k] / (one + e[k]);
    }
}

/* log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}) */
void im_vsoftplus(im_real *y, const im_real *x, long n)
{
    const im_real zero = 0;
    im_real e[CHUNK];
    for (long i0 = 0; i0 < n; i0 += CHUNK) {
        long m = n - i0 < CHUNK ? n - i0 : CHUNK;
        for (long k = 0; k < m; k++) e[k] = -fabs(x[i0 + k]);
        im_vexp(e, e, m);
        im_vlog1p(e, e, m);
        for (long k = 0; k < m; k++) y[i0 + k] = (x[i0 + k] > zero ? x[i0 + k] : zero) + e[k];
    }
}

/* x > 0 ? x : alpha (e^x − 1); expm1 of min(x, 0), which cannot overflow */
void im_velu(im_real *y, const im_real *x, long n, im_real alpha)
{
    const im_real zero = 0;
    im_real e[CHUNK];
    for (long i0 = 0; i0 < n; i0 += CHUNK) {
        long m = n - i0 < CHUNK ? n - i0 : CHUNK;
        for (long k = 0; k < m; k++) e[k] = x[i0 + k] > zero ? zero : x[i0 + k];   /* NaN stays NaN */
        im_vexpm1(e, e, m);
        for (long k = 0; k < m; k++) y[i0 + k] = x[i0 + k] > zero ? x[i0 + k] : alpha * e[k];
    }
}

/* d = dy · σ(x) (or d += with accumulate), σ(x) = 1 − e^{−y} written
 * through y = softplus(x) */
void im_vsoftplus_grad(im_real *d, const im_real *dy, const im_real *y, long n, int accumulate)
{
    im_real e[CHUNK];
    for (long i0 = 0; i0 < n; i0 += CHUNK) {
        long m = n - i0 < CHUNK ? n - i0 : CHUNK;
        for (long k = 0; k < m; k++) e[k] = -y[i0 + k];
        im_vexpm1(e, e, m);
        if (accumulate)
            for (long k = 0; k < m; k++) d[i0 + k] += dy[i0 + k] * -e[k];
        else
            for (long k = 0; k < m; k++) d[i0 + k] = dy[i0 + k] * -e[k];
    }
}
