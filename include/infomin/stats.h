/* stats.h — numerical building blocks of the closed-form estimators and
 * the datasets with known MI: special functions, canonical correlation
 * (LAPACK, double precision) and the KSG nearest-neighbour estimator. */
#ifndef INFOMIN_STATS_H
#define INFOMIN_STATS_H

#include "api.h"
#include "tape.h"
#include "mat.h"
#include "rng.h"
#include "status.h"

/* ψ(x) = d/dx log Γ(x), x > 0 (recurrence to x ≥ 6, then the asymptotic series). */
IM_API double im_digamma(double x);
/* Φ⁻¹(p) for 0 < p < 1, the standard normal quantile (Φ of it within 1e-12
 * relative of p's smaller tail; tested). */
IM_API double im_normal_quantile(double p);
/* since 0.6: the p-quantile of Student's t with df degrees of freedom (the
 * incomplete beta's continued fraction, inverted by bisection; NaN outside
 * 0 < p < 1 or for df <= 0): the cross-fitted interval's multiplier. */
IM_API double im_student_quantile(double p, double df);
/* Ascending sort; the median of an ascending array (n >= 1). */
IM_API void im_sort_doubles(double *v, long n);
IM_API double im_median_sorted(const double *v, long n);
/* The q-quantile (0 <= q <= 1) of an ascending array, linear between order
 * statistics (position q·(n − 1)). */
IM_API double im_quantile_sorted(const double *v, long n, double q);
/* Every column of the n x cols row-major data replaced by its normal
 * scores Φ⁻¹((rank − ½)/n), ties at their mean rank (core/stats/copula.c):
 * an increasing map per column, so the MI is unchanged. */
IM_API im_status im_normal_scores(im_ctx *ctx, double *data, int n, int cols);
/* since 0.6: the share of the n rows whose value in column c of v (n x
 * cols) another row has too (scratch: n doubles). KSG's neighbour counts
 * need it small; above IM_TIED_SHARE_MAX a column is discrete (`ksg`
 * refuses it, `auto` sends it to `mixed`). A million float32 normals tie in
 * well under 1% of rows. */
IM_API double im_tied_share(const double *v, int n, int cols, int c, double *scratch);
#define IM_TIED_SHARE_MAX 0.1

/* Mode coverage of n samples (n x dim) against k mode centres
 * (core/stats/modes.c): high quality within `radius` of the nearest centre;
 * a mode captured with at least min_share·n of them; the reverse KL of
 * their histogram over the modes to uniform (log k when none is high
 * quality). counts: k ints of scratch, left holding the histogram. */
typedef struct im_mode_stats {
    int captured, high_quality;
    double quality;      /* high_quality / n */
    double reverse_kl;   /* nats */
} im_mode_stats;
IM_API im_status im_mode_coverage(im_ctx *ctx, const double *centres, int k, int dim, double radius,
                                  const double *samples, int n, double min_share, int *counts, im_mode_stats *out);

/* Canonical correlation analysis of x (n x p) and y (n x q), in double:
 * Σxx^{-1/2} Σxy Σyy^{-1/2} = U diag(ρ) Vᵀ, with `ridge` added to the
 * diagonals of Σxx and Σyy. Fills rho[0..min(p,q)) in decreasing order and,
 * when wx / wy are given, the top pair of canonical weights (p and q values,
 * applied to centred data) and the column means mx / my. */
typedef struct {
    int p, q, k;         /* k = min(p, q) */
    double *rho;         /* k canonical correlations, decreasing */
    double *wx, *wy;     /* top canonical weights */
    double *mx, *my;     /* column means */
} im_cca_result;

IM_API im_status im_cca(im_ctx *ctx, const double *x, const double *y, int n, int p, int q, double ridge, im_cca_result *out);
IM_API void im_cca_free(im_cca_result *r);
/* The same, centring x and y in place (their contents are lost): no copy
 * of the data, for callers whose x and y are scratch (slice's refits). */
IM_API im_status im_cca_inplace(im_ctx *ctx, double *x, double *y, int n, int p, int q, double ridge, im_cca_result *out);
/* The same from float sample matrices. */
IM_API im_status im_cca_mat(im_ctx *ctx, const im_mat *x, const im_mat *y, double ridge, im_cca_result *out);

/* since 0.6 (core/stats/gaussianity.c): the Gaussian MI
 * −½ Σ log(1 − ρ_i²) of x (n x dx) and y (n x dy) from their canonical
 * correlations (ridge on the correlation diagonals), less its small-sample
 * bias when `unbiased` (im_gaussian_mi_bias: exact in expectation for
 * Gaussian rows; about dx·dy/(2n)); and Mardia's multivariate kurtosis of
 * z (n x d) as a standard score, ≈ N(0, 1) for Gaussian rows. */
IM_API double im_gaussian_mi_bias(int n, int dx, int dy);
IM_API im_status im_gaussian_mi(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, double ridge,
                                int unbiased, double *out);
IM_API im_status im_mardia_kurtosis(im_ctx *ctx, const double *z, int n, int d, double *score);

/* KSG estimator 1 (Kraskov, Stögbauer & Grassberger 2004), max-norm:
 *   I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩
 * with ε_i the distance to the k-th neighbour of (x_i, y_i) in the joint
 * space and n_x(i), n_y(i) the points strictly within ε_i in each marginal.
 * x and y are n x dx and n x dy doubles, row-major. */
IM_API im_status im_ksg(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, int k, double *out);

/* since 0.6: the rest of the kNN family (core/stats/knn_info.c), max-norm,
 * k neighbours (1..64), rows row-major doubles; each refuses data whose
 * ties make its logarithms infinite, naming the row.
 * Entropy of x (n x d), Kozachenko & Leonenko, in nats:
 *   H = ψ(N) − ψ(k) + d log 2 + (d/N) Σ log ε_i. */
IM_API im_status im_knn_entropy(im_ctx *ctx, const double *x, int n, int d, int k, double *out);
/* KL divergence D(P‖Q) from samples p (n x d) and q (m x d), Wang, Kulkarni
 * & Verdú (2009): (d/n) Σ log(ν_i / ρ_i) + log(m / (n − 1)). */
IM_API im_status im_knn_kl(im_ctx *ctx, const double *p, int n, const double *q, int m, int d, int k, double *out);
/* Conditional MI I(X;Y|Z), Frenzel & Pompe (2007):
 *   ψ(k) + ⟨ψ(n_z + 1) − ψ(n_xz + 1) − ψ(n_yz + 1)⟩
 * (dz = 0: the unconditional MI, KSG's estimator 1 with ψ(N)). */
IM_API im_status im_knn_cmi(im_ctx *ctx, const double *x, const double *y, const double *z, int n, int dx, int dy,
                            int dz, int k, double *out);
/* MI of discrete-continuous mixtures, Gao, Kannan, Oh & Viswanath (2017):
 * KSG's counts where the k-th neighbour is at a distance, the point's exact
 * copies where it is at 0 (a discrete atom); continuous data give KSG's
 * estimate with log N for ψ(N). */
IM_API im_status im_mixed_mi(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, int k, double *out);

/* since 0.6: binned (histogram) information (core/stats/binned.c). Each
 * column is cut into `bins` equal-width bins over lo..hi, or over the
 * column's own min..max when lo >= hi; values outside go to the end bins. */
typedef struct im_bins {
    int bins;
    double lo, hi;
} im_bins;
/* Each row of v (n x cols doubles) as one symbol, its columns' bins: the
 * distinct tuples numbered 0..*m−1 in lexicographic order into symbol[n].
 * A non-finite value is an error naming its row and column. */
IM_API im_status im_bin_rows(im_ctx *ctx, const double *v, int n, int cols, const im_bins *b, int *symbol, int *m);
/* The plug-in entropy (nats) of n symbols in 0..m−1, plus the Miller–Madow
 * term (occupied − 1)/(2n) when miller_madow. count: m ints of scratch. */
IM_API double im_symbol_entropy(const int *symbol, int n, int m, int miller_madow, int *count);
/* I = H(X) + H(Y) − H(X,Y) of two symbol sequences (each entropy corrected
 * when miller_madow). */
IM_API im_status im_symbol_mi(im_ctx *ctx, const int *sx, int mx, const int *sy, int my, int n, int miller_madow,
                              double *out);
/* The binned MI of x (n x dx) and y (n x dy): both binned, then
 * im_symbol_mi. */
IM_API im_status im_binned_mi(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, const im_bins *bx,
                              const im_bins *by, int miller_madow, double *out);

/* Sums over all pairs (i, j) of a_ij = a(x_i, x_j) and b_ij = b(y_i, y_j),
 * one pass, O(n) memory: distance covariance and HSIC are functions of them.
 *   IM_KERNEL_DISTANCE  a_ij = ||x_i − x_j||, diagonal excluded
 *   IM_KERNEL_GAUSSIAN  a_ij = exp(−||x_i − x_j||² / (2σ²)), diagonal included */
typedef enum { IM_KERNEL_DISTANCE, IM_KERNEL_GAUSSIAN } im_pair_kernel;
typedef struct {
    int n;
    double *row_a, *row_b;            /* a_i., b_i. */
    double total_a, total_b;          /* a.., b.. */
    double sum_ab, sum_aa, sum_bb;    /* Σ a_ij b_ij, Σ a_ij², Σ b_ij² */
} im_pair_sums_result;

IM_API im_status im_pair_sums(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, im_pair_kernel kernel,
                              double sigma_x, double sigma_y, im_pair_sums_result *out);
IM_API void im_pair_sums_free(im_pair_sums_result *r);
/* Centred pair sums and the normalised dependence built on them. With
 * s1 = Σ a_ij b_ij, s2 = Σ_i a_i. b_i., s3 = a.. b.., the sum of the
 * products of the centred matrices is
 *     c(a, b) = (s1 − 2 s2 / d1 + s3 / d2) / d0
 * V-centring, tr(HKH HLH) (HSIC): d1 = n, d2 = n², d0 = 1;
 * U-centring, dCov²_U (Székely & Rizzo 2014, zero diagonals):
 *     d1 = n − 2, d2 = (n − 1)(n − 2), d0 = n(n − 3).
 * The dependence is c(a, b) / sqrt(c(a, a) · c(b, b)), 0 when either
 * variance is not positive (a constant column). */
typedef struct {
    double d0, d1, d2;
} im_centring;
IM_API im_centring im_centring_v(int n);
IM_API im_centring im_centring_u(int n);
/* From sample matrices, in one O(n²) pass without an n×n matrix. */
IM_API im_status im_pair_dependence(im_ctx *ctx, const im_mat *x, const im_mat *y, im_pair_kernel kernel,
                                    double sigma_x, double sigma_y, im_centring c, double *out);
/* The same on the tape from n×n pair matrices a and b (the variances
 * clamped at 1e-30 before the square root). */
IM_API im_tensor *im_pair_dependence_tape(im_tape *g, im_tensor *a, im_tensor *b, im_centring c);
/* Median pairwise Euclidean distance among the first max_rows rows (the
 * median heuristic for Gaussian kernel widths). */
IM_API double im_median_distance(const double *x, int n, int d, int max_rows);

/* I(X;Z) through a known Gaussian channel, Z | X = x_j ~ N(mu_j, diag
 * var_j) (a stochastic encoder), from m inputs drawn from p(x) and one draw
 * z_i of the channel per input (Poole et al. 2019, section 2.3):
 *   lower = mean_i [log p(z_i|x_i) − log (1/m) Σ_j p(z_i|x_j)]          ≤ log m
 *   upper = mean_i [log p(z_i|x_i) − log (1/(m−1)) Σ_{j≠i} p(z_i|x_j)]
 * The first is a lower bound on I(X;Z) (and, in expectation over the draws,
 * the exact MI of X uniform on the m inputs); the second, leave-one-out, an
 * upper bound. mu, var and z are m x k doubles, row-major; var > 0. */
IM_API im_status im_gaussian_channel_mi(im_ctx *ctx, const double *mu, const double *var, const double *z, int m, int k,
                                        double *lower, double *upper);

/* The n rows of x (n x d doubles) projected onto their top k principal
 * components, into out (n x k); each component's sign fixed by its largest
 * loading. For pictures (2-D projections of embeddings). */
IM_API im_status im_pca_project(im_ctx *ctx, const double *x, int n, int d, int k, double *out);

/* Scores of two methods on keyed runs (the seeds): the mean and sd of
 * a_i − b_j over the pairs with equal keys, how many pairs, how many of
 * them positive. */
typedef struct {
    double mean, sd;
    int pairs, up;
} im_paired;
IM_API void im_paired_difference(const long *key_a, const double *a, int na, const long *key_b, const double *b, int nb,
                                 im_paired *out);

/* The mutual information gap of a code z over known discrete factors
 * (core/stats/mig.c): the first `rows` rows of both; a factor column with
 * more than max_levels distinct values (continuous) or one value is left
 * out (per_factor NaN). per_factor: factors->cols values; *mig the mean
 * over the factors kept (NaN: none). */
IM_API im_status im_mig(im_ctx *ctx, const im_mat *z, const im_mat *factors, int rows, int max_levels,
                        im_rng *rng, double *mig, double *per_factor);

#endif
