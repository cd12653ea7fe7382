/* vmath.h — private to the engine: exp, expm1, log, log1p, tanh and asinh
 * over arrays of im_real through SLEEF's vector functions: 16 floats (8
 * doubles) a call where the CPU has AVX-512, 8 with AVX2, 4 with SSE2,
 * chosen at run time; the tail and non-x86 builds through libm. All are the
 * 1-ulp variants; a layer's tanh activation (im_vtanh_act, the fused
 * activation of act.c) takes the 3.5-ulp one, 3x faster, while tanh inside a
 * statistic (slice's features) keeps 1 ulp: changing it moved a
 * disentanglement run's ρ* from 0.10 to 0.17 (chaos or not, the fairness
 * figures were measured with it). glibc's scalar
 * tanhf/expm1f were a sixth of a slice refit and made smooth critics
 * several times slower than ReLU ones (measured: bench/). */
#ifndef INFOMIN_VMATH_H
#define INFOMIN_VMATH_H

#include "infomin/real.h"

void im_vexp(im_real *y, const im_real *x, long n);
void im_vexpm1(im_real *y, const im_real *x, long n);
void im_vlog(im_real *y, const im_real *x, long n);
void im_vlog1p(im_real *y, const im_real *x, long n);
void im_vtanh(im_real *y, const im_real *x, long n);
void im_vtanh_act(im_real *y, const im_real *x, long n);   /* a layer's activation: 3.5 ulp */
void im_vasinh(im_real *y, const im_real *x, long n);   /* the critics' input squash */
/* the activations built on them (y may be x) */
void im_vsigmoid(im_real *y, const im_real *x, long n);
void im_vsoftplus(im_real *y, const im_real *x, long n);
void im_velu(im_real *y, const im_real *x, long n, im_real alpha);
/* d = dy · softplus'(x) written through y = softplus(x); d += with accumulate */
void im_vsoftplus_grad(im_real *d, const im_real *dy, const im_real *y, long n, int accumulate);

#endif
