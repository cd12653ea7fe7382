/* synthetic.c — correlated Gaussian pairs with a known MI, the generator
 * behind the `gaussian` and `student` datasets.
 *
 * Components i = 1..d are independent pairs (u_i, v_i) with correlation ρ_i:
 *   v_i = ρ_i u_i + sqrt(1 − ρ_i²) ε_i,   I = −½ Σ log(1 − ρ_i²).
 * componentwise: x = u, y = v, every ρ_i equal.
 * dense: ρ_i from a random (Dirichlet) split of the target MI, then x = A u and
 * y = B v with random orthogonal A, B: every coordinate of x is correlated
 * with every coordinate of y, and MI, invariant under invertible linear maps,
 * is unchanged. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/data.h"

void im_synth_free(im_synth *s)
{
    free(s->rho);
    free(s->rot_x);
    free(s->rot_y);
    memset(s, 0, sizeof *s);
}

/* a uniformly random orthogonal d x d matrix: Gram–Schmidt on Gaussian rows */
static void random_orthogonal(double *q, int d, im_rng *rng)
{
    for (int r = 0; r < d; r++) {
        double norm;
        do {
            for (int c = 0; c < d; c++) q[r * d + c] = im_rng_normal(rng);
            for (int p = 0; p < r; p++) {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += q[r * d + c] * q[p * d + c];
                for (int c = 0; c < d; c++) q[r * d + c] -= dot * q[p * d + c];
            }
            norm = 0;
            for (int c = 0; c < d; c++) norm += q[r * d + c] * q[r * d + c];
        } while (norm < 1e-12);
        for (int c = 0; c < d; c++) q[r * d + c] /= sqrt(norm);
    }
}

im_status im_synth_init(im_ctx *ctx, im_synth *s, int dim, double mi, int dense, im_rng *rng)
{
    memset(s, 0, sizeof *s);
    s->dim = dim;
    s->rho = malloc(sizeof(double) * (size_t)dim);
    if (dense) {
        s->rot_x = malloc(sizeof(double) * (size_t)dim * dim);
        s->rot_y = malloc(sizeof(double) * (size_t)dim * dim);
    }
    if (!s->rho || (dense && (!s->rot_x || !s->rot_y))) {
        im_synth_free(s);
        return im_fail(ctx, IM_ENOMEM, "synthetic data: out of memory");
    }
    double total = 0;
    for (int i = 0; i < dim; i++) {
        /* Dirichlet(1) weights are normalised exponentials */
        s->rho[i] = dense ? -log(1 - im_rng_uniform(rng)) : 1.0;
        total += s->rho[i];
    }
    for (int i = 0; i < dim; i++) {
        double mi_i = mi * s->rho[i] / total;
        if (mi_i > IM_SYNTH_MAX_PAIR_MI) {   /* ρ would round to 1 (and the MI to infinity) */
            double share = mi_i;
            im_synth_free(s);
            return im_fail(ctx, IM_EINVAL,
                           "synthetic data: %.3g nats on one component pair (at most %.1f, rho 0.999999, or rho rounds "
                           "to 1): lower mi or raise dim%s",
                           share, IM_SYNTH_MAX_PAIR_MI, dense ? " (dense: the random split is uneven)" : "");
        }
        s->rho[i] = sqrt(-expm1(-2 * mi_i));
    }
    if (dense) {
        random_orthogonal(s->rot_x, dim, rng);
        random_orthogonal(s->rot_y, dim, rng);
    }
    return IM_OK;
}

void im_synth_set_rho(im_synth *s, double rho)
{
    for (int i = 0; i < s->dim; i++) s->rho[i] = rho;
}

double im_synth_mi(const im_synth *s)
{
    double mi = 0;
    for (int i = 0; i < s->dim; i++) mi -= 0.5 * log1p(-s->rho[i] * s->rho[i]);
    return mi;
}

void im_synth_sample(const im_synth *s, im_rng *rng, double *x, double *y)
{
    int d = s->dim;
    double u[64], v[64], *ub = d <= 64 ? u : malloc(sizeof(double) * 2 * (size_t)d), *vb;
    if (!ub) return;
    vb = d <= 64 ? v : ub + d;
    for (int i = 0; i < d; i++) {
        ub[i] = im_rng_normal(rng);
        vb[i] = s->rho[i] * ub[i] + sqrt(1 - s->rho[i] * s->rho[i]) * im_rng_normal(rng);
    }
    for (int r = 0; r < d; r++) {
        if (!s->rot_x) {
            x[r] = ub[r];
            y[r] = vb[r];
            continue;
        }
        double ax = 0, ay = 0;
        for (int c = 0; c < d; c++) {
            ax += s->rot_x[r * d + c] * ub[c];
            ay += s->rot_y[r * d + c] * vb[c];
        }
        x[r] = ax;
        y[r] = ay;
    }
    if (d > 64) free(ub);
}

static im_status fill_split(im_ctx *ctx, im_split *s, const im_synth *gen, double nu, im_rng *rng)
{
    int d = gen->dim;
    double *x = malloc(sizeof(double) * 2 * (size_t)d), *y = x ? x + d : NULL;
    if (!x) return im_fail(ctx, IM_ENOMEM, "synthetic data: out of memory");
    for (int r = 0; r < s->x.rows; r++) {
        im_synth_sample(gen, rng, x, y);
        double scale = nu > 0 ? 1 / sqrt(2 * im_rng_gamma(rng, nu / 2) / nu) : 1.0;   /* χ²_ν = 2·Gamma(ν/2) */
        for (int c = 0; c < d; c++) {
            im_mat_row(&s->x, r)[c] = (im_real)(x[c] * scale);
            im_mat_row(&s->y, r)[c] = (im_real)(y[c] * scale);
        }
    }
    free(x);
    return IM_OK;
}

im_status im_synth_validate(im_ctx *ctx, const im_section *sec)
{
    int dim;
    double mi;
    im_status st = im_section_int(ctx, sec, "dim", &dim);
    if (!st && !im_section_has(sec, "rho")) st = im_section_float(ctx, sec, "mi", &mi);
    if (!st && !im_section_has(sec, "rho") && mi / dim > IM_SYNTH_MAX_PAIR_MI)
        st = im_section_fail(ctx, sec, "mi", "%g nats over %d component pairs is %.3g per pair; at most %.1f (rho "
                             "0.999999) can be generated: lower mi or raise dim", mi, dim, mi / dim,
                             IM_SYNTH_MAX_PAIR_MI);
    return st;
}

im_status im_synth_dataset(im_ctx *ctx, const im_section *sec, im_rng *rng, double nu, im_dataset *ds,
                           double *gauss_mi)
{
    int dim, n[3];
    double mi = 0, rho = 0;
    const char *structure;
    im_status st = im_section_int(ctx, sec, "dim", &dim);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_section_string(ctx, sec, "structure", &structure);
    int has_rho = im_section_has(sec, "rho"), dense = !st && strcmp(structure, "dense") == 0;
    if (!st) st = has_rho ? im_section_float(ctx, sec, "rho", &rho) : im_section_float(ctx, sec, "mi", &mi);
    if (st) return st;
    if (has_rho) mi = -0.5 * dim * log1p(-rho * rho);
    im_synth gen;
    st = im_synth_init(ctx, &gen, dim, mi, dense, rng);
    if (st) return st;
    if (has_rho && !dense) im_synth_set_rho(&gen, rho);   /* keep the sign */
    st = im_dataset_alloc(ctx, ds, n, dim, dim, 0);
    if (!st) st = fill_split(ctx, &ds->train, &gen, nu, rng);
    if (!st) st = fill_split(ctx, &ds->val, &gen, nu, rng);
    if (!st) st = fill_split(ctx, &ds->test, &gen, nu, rng);
    *gauss_mi = im_synth_mi(&gen);
    im_synth_free(&gen);
    return st;
}

/* Additive uniform noise (Beyond Normal): the density of Y given X is
 * 1/(2ε) on [X − ε, X + ε], so I = h(Y) − log 2ε; Y's density, the
 * convolution of uniforms of widths a ≤ b, is a trapezoid with entropy
 * log b + a/(2b): a = 2ε, b = 1 for ε ≤ ½, else a = 1, b = 2ε. */
void im_additive_noise_sample(im_rng *rng, double eps, double *x, double *y)
{
    *x = im_rng_uniform(rng);
    *y = *x + eps * (2 * im_rng_uniform(rng) - 1);
}

double im_additive_noise_mi(double eps)
{
    return eps <= 0.5 ? eps - log(2 * eps) : 1 / (4 * eps);
}
