/* fdiv.h — the f-divergence family (since 0.6; core/stats/fdiv.c): for
 * each member the generator f, its Fenchel conjugate f* and the output
 * activation g_f of f-GAN (Nowozin, Cseke & Tomioka 2016, Tables 1-2),
 * one table in one place. D_f(P‖Q) = E_Q[f(p/q)] ≥ sup_T E_P[T] − E_Q[f*(T)],
 * with T = g_f(V) for an unconstrained critic V: g_f keeps T inside f*'s
 * domain. The sup is reached at T = f'(p/q).
 *
 * Members as the paper writes them; note its Jensen-Shannon generator
 * gives D_f = 2·JS (at most 2 log 2), and its GAN generator
 * D_f = 2·JS − log 4; Pearson's conjugate t²/4 + t is that of (u − 1)²
 * over every real u, above the conjugate over u ≥ 0 (−1) for t < −2: a
 * looser bound there, equal where the optimal critic lives (t ≥ −2).
 * The α-divergence takes α ∉ {0, 1}. */
#ifndef INFOMIN_FDIV_H
#define INFOMIN_FDIV_H

#include "api.h"

typedef enum {
    IM_FDIV_TV,           /* total variation: f = ½|u − 1| */
    IM_FDIV_KL,           /* Kullback-Leibler: u log u */
    IM_FDIV_REVERSE_KL,   /* −log u */
    IM_FDIV_PEARSON,      /* Pearson χ²: (u − 1)² */
    IM_FDIV_NEYMAN,       /* Neyman χ²: (1 − u)²/u */
    IM_FDIV_HELLINGER,    /* squared Hellinger: (√u − 1)² */
    IM_FDIV_JEFFREY,      /* (u − 1) log u */
    IM_FDIV_JS,           /* Jensen-Shannon (×2): −(u + 1) log((1 + u)/2) + u log u */
    IM_FDIV_GAN,          /* u log u − (u + 1) log(u + 1) */
    IM_FDIV_ALPHA,        /* α-divergence: (u^α − 1 − α(u − 1)) / (α(α − 1)) */
    IM_FDIV_COUNT
} im_fdiv;

/* One member: its name in INI files and the paper's formulas as text. */
typedef struct im_fdiv_info {
    const char *name;          /* "kl", "reverse-kl", "pearson", ... */
    const char *title;         /* "Kullback-Leibler" */
    const char *f_text, *conjugate_text, *domain_text, *activation_text;
} im_fdiv_info;

IM_API const im_fdiv_info *im_fdiv_get(im_fdiv d);
/* since 0.6: whether alpha is valid for member d (the α member takes any
 * alpha but 0 and 1, its limits KL and reverse KL); the refusal's text. */
IM_API int im_fdiv_alpha_ok(im_fdiv d, double alpha);
#define IM_FDIV_ALPHA_LIMITS \
    "0 and 1 are the limits KL and reverse KL: give another alpha, or divergence = kl or reverse-kl"
/* The member named `name` (its `name`); 0 if none. */
IM_API int im_fdiv_find(const char *name, im_fdiv *out);

/* The generator f(u) for u > 0 (u = 0 where f has a finite limit). */
IM_API double im_fdiv_f(im_fdiv d, double alpha, double u);
/* f'(u): the optimal critic T* = f'(p/q). */
IM_API double im_fdiv_f_prime(im_fdiv d, double alpha, double u);
/* f*(t) = sup_u (t·u − f(u)); +∞ outside the domain of f*. */
IM_API double im_fdiv_conjugate(im_fdiv d, double alpha, double t);
/* g_f(v): the critic's output mapped into f*'s domain. */
IM_API double im_fdiv_activation(im_fdiv d, double alpha, double v);
/* The variational bound's terms as functions of the critic's raw output v
 * (since 0.6): g_f(v) and f*(g_f(v)) in closed forms that stay finite for
 * any v where the composition would overflow (GAN's f*(g(v)) is
 * softplus(v)), and their derivatives in v, for the tape (bounds.h:
 * im_bound_f). */
IM_API double im_fdiv_activation_prime(im_fdiv d, double alpha, double v);
IM_API double im_fdiv_conjugate_of_activation(im_fdiv d, double alpha, double v);
IM_API double im_fdiv_conjugate_of_activation_prime(im_fdiv d, double alpha, double v);
/* Exact values (since 0.6), for validating estimates against the truth.
 * D_f(P‖Q) = Σ q·f(p/q)·cell from densities p and q on a grid of n points
 * (cells of volume `cell`); a point where q vanishes and p does not adds
 * p·lim f(u)/u (+∞ for the members that grow faster than u). */
IM_API double im_fdiv_on_grid(im_fdiv d, double alpha, const double *p, const double *q, long n, double cell);
/* D_f between P = N(mu_p, diag(sd_p²)) and Q = N(mu_q, diag(sd_q²)) in
 * `dim` dimensions: closed forms for kl, reverse-kl, jeffrey, hellinger,
 * pearson, neyman and alpha (from ∫p^α q^(1−α), which factorises over the
 * coordinates; +∞ where that integral diverges), numerical integration on
 * a grid for tv, js and gan in 1 and 2 dimensions (NAN beyond), with
 * *error an upper estimate of the quadrature error (0 for closed forms). */
IM_API double im_fdiv_gaussian(im_fdiv d, double alpha, int dim, const double *mu_p, const double *sd_p,
                               const double *mu_q, const double *sd_q, double *error);
/* The principal branch W₀ of Lambert's W at e^L (w e^w = e^L, i.e.
 * w + log w = L), for any real L: Jeffrey's conjugate without overflow. */
IM_API double im_lambert_w_exp(double log_x);

#endif
