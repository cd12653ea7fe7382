/* bounds.h — the variational MI bounds as functions of critic scores.
 *
 * The estimators of the f-divergence family (DV, NWJ, JS, SMILE) and InfoNCE
 * differ only here; the critic, the pair scoring and the trainer are shared.
 * `joint` holds scores T(x_i, y_i) (n x 1), `marg` scores on pairs from the
 * product of the marginals (m x 1): shuffled pairs or the off-diagonal of a
 * score matrix. Each bound exists twice: on the tape (training, penalties) and
 * as a plain function of score arrays (held-out estimates). */
#ifndef INFOMIN_BOUNDS_H
#define INFOMIN_BOUNDS_H

#include "api.h"
#include "fdiv.h"
#include "tape.h"

/* Donsker–Varadhan: E_p[T] − log E_q[e^T]. */
IM_API im_tensor *im_bound_dv(im_tape *g, im_tensor *joint, im_tensor *marg);
/* Nguyen–Wainwright–Jordan (MINE-f): E_p[T] − E_q[e^{T−1}]. */
IM_API im_tensor *im_bound_nwj(im_tape *g, im_tensor *joint, im_tensor *marg);
/* f-GAN Jensen–Shannon: E_p[−softplus(−T)] − E_q[softplus(T)] (a training
 * objective; its optimal critic is the log density ratio). */
IM_API im_tensor *im_bound_js(im_tape *g, im_tensor *joint, im_tensor *marg);
/* SMILE (Song & Ermon 2020): E_p[T] − log E_q[clip(e^T, e^−τ, e^τ)]. */
IM_API im_tensor *im_bound_smile(im_tape *g, im_tensor *joint, im_tensor *marg, double tau);
/* InfoNCE on a B x B score matrix S[i,j] = T(x_i, y_j):
 * log B + mean_i (S_ii − logsumexp_j S_ij); never above log B. */
IM_API im_tensor *im_bound_infonce(im_tape *g, im_tensor *scores);

/* since 0.6: any member of the f-divergence family (fdiv.h) on raw critic
 * outputs V: E_p[g_f(V)] − E_q[f*(g_f(V))], a lower bound on D_f(p‖q)
 * (with p the joint and q the product of marginals: the f-information
 * I_f(X;Y)). alpha is read by the α member only. */
IM_API im_tensor *im_bound_f(im_tape *g, im_tensor *joint, im_tensor *marg, im_fdiv d, double alpha);
IM_API double im_value_f(const double *joint, long n, const double *marg, long m, im_fdiv d, double alpha);
/* since 0.6: g_f(v) of every element of v, on the tape: an f-GAN
 * generator's objective E_Q[g_f(V(G(z)))] (f-GAN's alternative to
 * descending the bound, as the non-saturating loss is GAN's). */
IM_API im_tensor *im_fdiv_activate(im_tape *g, im_tensor *v, im_fdiv d, double alpha);

IM_API double im_value_dv(const double *joint, long n, const double *marg, long m);
IM_API double im_value_nwj(const double *joint, long n, const double *marg, long m);
IM_API double im_value_smile(const double *joint, long n, const double *marg, long m, double tau);
IM_API double im_value_js(const double *joint, long n, const double *marg, long m);
/* InfoNCE of one B x B score matrix (row-major doubles). */
IM_API double im_value_infonce(const double *scores, int b);

#endif
