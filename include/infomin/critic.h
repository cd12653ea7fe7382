/* critic.h — the critic T(x, y) shared by the variational estimators.
 *
 *   concat     T(x, y) = MLP([x, y]); on all B×B pairs the first layer is
 *              split, W·[x; y] = Wx·x + Wy·y, and the two halves are combined
 *              by the outer-add op: no B² concatenated inputs are built.
 *   separable  T(x, y) = g(x)ᵀh(y) / √embed with two MLPs; all pairs are one
 *              product. The 1/√embed keeps initial scores O(1): unscaled, two
 *              He-initialised embeddings give scores of std ~10, and e^T then
 *              swamps the DV and NWJ partition terms from the first step.
 *
 * Inputs: each column of x and y passes through a fixed increasing map
 * (colmap.h) chosen by `input`: `quantile` the empirical Gaussian copula,
 * `squash` asinh of the robust z-score, `raw` nothing (Poole et al.'s
 * setting). A bijection per column leaves I(X;Y) unchanged, but what the
 * critic must learn changes: a ReLU critic extrapolates linearly, and on raw
 * x³ outliers its e^T swamps the partition term of held-out estimates; the
 * copula hands every data set to the critic with Gaussian marginals. The
 * maps are fitted on the whole training set when the estimator is fitted
 * (im_critic_fit_inputs, from the estimator's prepare hook), else on the
 * first batch the critic sees, and then kept fixed. `auto` (the default)
 * picks by that: quantile on a training set (estimating MI of a data set),
 * squash on a first batch (an infomin penalty whose inputs are an encoder's
 * output, which moves: 64 quantiles of it would be coarse and soon stale).
 *
 * `frozen` passes treat the critic's parameters as constants, so gradients
 * reach x and y only: the estimate used as a penalty on an encoder. */
#ifndef INFOMIN_CRITIC_H
#define INFOMIN_CRITIC_H

#include "api.h"
#include "cfg.h"
#include "colmap.h"
#include "tape.h"
#include "nn.h"

typedef enum { IM_CRITIC_CONCAT, IM_CRITIC_SEPARABLE } im_critic_kind;

typedef struct im_critic {
    im_critic_kind kind;
    im_mlp net;      /* concat: [x, y] -> 1;  separable: g, x -> embed */
    im_mlp net_y;    /* separable: h, y -> embed                       */
    im_params params;
    int dx, dy;
    double dot_scale;   /* separable: 1/√embed */
    im_colmap map_x, map_y;   /* input maps of x's and y's columns */
    int auto_input;           /* input = auto: the kind set at the first fit */
} im_critic;

/* Spec entries for the critic keys: splice into a plugin's spec table. */
#define IM_CRITIC_PARAMS(hidden)                                                                         \
    { "critic", "string", "concat", "critic architecture: MLP on [x, y], or g(x)·h(y)", "concat|separable" }, \
    { "hidden", "ints", hidden, "critic hidden layer widths", ">=1" },                                  \
    { "activation", "string", "tanh", "critic hidden activation", IM_ACTIVATION_CHOICES },              \
    { "embed", "int", "32", "separable critic: width of g(x) and h(y)", ">=1" },                        \
    { "input", "string", "auto",                                                                        \
      "per-column increasing map before the critic (MI-preserving): Gaussian copula (quantile), asinh "  \
      "of the robust z-score (squash), none (raw); auto: quantile when fitted on a training set, "       \
      "squash when used as a penalty", IM_COLMAP_CHOICES }

/* Reads critic, hidden, activation, embed and input from sec. */
/* An MLP whose hidden widths and activation are the section's `hidden`
 * (ints) and `activation` (string) keys (core/train/mlp_config.c: the one
 * place where the engine's layers meet the configuration). */
IM_API im_status im_mlp_from_section(im_ctx *ctx, im_mlp *mlp, im_params *params, const char *name,
                                     const im_section *sec, int in, int out, im_activation out_act, im_rng *rng);
IM_API im_status im_critic_init(im_ctx *ctx, im_critic *critic, const im_section *sec, int dx, int dy, im_rng *rng);
IM_API void im_critic_free(im_critic *critic);
/* Fits the input maps on n rows of x and y (row-major): the training set
 * (auto: quantile). */
IM_API im_status im_critic_fit_inputs(im_ctx *ctx, im_critic *critic, const im_real *x, const im_real *y, int n);
/* The same, only while the maps are unfitted: a first training batch (auto:
 * squash). */
IM_API im_status im_critic_prepare(im_ctx *ctx, im_critic *critic, const im_real *x, const im_real *y, int n);

/* B x B scores S[i, j] = T(x_i, y_j); joint pairs on the diagonal. */
IM_API im_tensor *im_critic_scores(im_tape *g, const im_critic *critic, im_tensor *x, im_tensor *y, int frozen);
/* n x 1: T(x_i, y_i). */
IM_API im_tensor *im_critic_joint(im_tape *g, const im_critic *critic, im_tensor *x, im_tensor *y, int frozen);
/* 2B x 1: T(x_i, y_i) for i < B, then T(x_i, y_perm[i]) (one pass for both). */
IM_API im_tensor *im_critic_pairs(im_tape *g, const im_critic *critic, im_tensor *x, im_tensor *y, const int *perm,
                                  int frozen);
/* Held-out scores without a tape, in chunks: t_joint[i] = T(x_i, y_i),
 * t_marg[i] = T(x_i, y_perm[i]) for all N rows (t_joint may be NULL: only
 * the marginal pairs are scored). */
IM_API im_status im_critic_score_all(im_ctx *ctx, const im_critic *critic, const im_mat *x, const im_mat *y,
                                     const int *perm, double *t_joint, double *t_marg);

#endif
