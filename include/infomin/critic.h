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
 * Inputs: with `input = squash` (the default) each column of x and y enters
 * the critic as asinh((v − median) / (1.4826·MAD)), the median and MAD taken
 * from the first batch the critic is trained on (a data-dependent
 * initialisation, then fixed). The map is a bijection per column, so I(X;Y)
 * is unchanged, but heavy tails (x³, Student-t) reach the critic compressed:
 * a ReLU critic extrapolates linearly, and on raw x³ outliers its e^T swamps
 * the partition term of held-out estimates. `input = raw` feeds the values
 * as they are (Poole et al.'s setting).
 *
 * `frozen` passes treat the critic's parameters as constants, so gradients
 * reach x and y only: the estimate used as a penalty on an encoder. */
#ifndef INFOMIN_CRITIC_H
#define INFOMIN_CRITIC_H

#include "cfg.h"
#include "graph.h"
#include "nn.h"

typedef enum { IM_CRITIC_CONCAT, IM_CRITIC_SEPARABLE } im_critic_kind;

typedef struct im_critic {
    im_critic_kind kind;
    im_mlp net;      /* concat: [x, y] -> 1;  separable: g, x -> embed */
    im_mlp net_y;    /* separable: h, y -> embed                       */
    im_params params;
    int dx, dy;
    double dot_scale;   /* separable: 1/√embed */
    int squash;         /* input = squash */
    int squash_ready;   /* center/inv_scale set from a first batch */
    im_real *center, *inv_scale;   /* dx + dy each: x's columns, then y's */
} im_critic;

/* Spec entries for the critic keys: splice into a plugin's spec table. */
#define IM_CRITIC_PARAMS(hidden)                                                                         \
    { "critic", "string", "concat", "critic architecture: MLP on [x, y], or g(x)·h(y)", "concat|separable" }, \
    { "hidden", "ints", hidden, "critic hidden layer widths", ">=1" },                                  \
    { "activation", "string", "relu", "critic hidden activation", IM_ACTIVATION_CHOICES },              \
    { "embed", "int", "32", "separable critic: width of g(x) and h(y)", ">=1" },                        \
    { "input", "string", "squash",                                                                      \
      "per column asinh((v - median)/MAD) before the critic (MI-preserving), or raw values", "squash|raw" }

/* Reads critic, hidden, activation and embed from sec. */
im_status im_critic_init(im_ctx *ctx, im_critic *critic, const im_section *sec, int dx, int dy, im_rng *rng);
void im_critic_free(im_critic *critic);
/* With input = squash and no statistics yet: median and MAD of each column of
 * these n rows (a training batch); later calls do nothing. */
im_status im_critic_prepare(im_ctx *ctx, im_critic *critic, const im_real *x, const im_real *y, int n);

/* B x B scores S[i, j] = T(x_i, y_j); joint pairs on the diagonal. */
im_tensor *im_critic_scores(im_graph *g, const im_critic *critic, im_tensor *x, im_tensor *y, int frozen);
/* n x 1: T(x_i, y_i). */
im_tensor *im_critic_joint(im_graph *g, const im_critic *critic, im_tensor *x, im_tensor *y, int frozen);
/* 2B x 1: T(x_i, y_i) for i < B, then T(x_i, y_perm[i]) (one pass for both). */
im_tensor *im_critic_pairs(im_graph *g, const im_critic *critic, im_tensor *x, im_tensor *y, const int *perm,
                           int frozen);
/* Held-out scores without a tape, in chunks: t_joint[i] = T(x_i, y_i),
 * t_marg[i] = T(x_i, y_perm[i]) for all N rows (t_joint may be NULL: only
 * the marginal pairs are scored). */
im_status im_critic_score_all(im_ctx *ctx, const im_critic *critic, const im_mat *x, const im_mat *y,
                              const int *perm, double *t_joint, double *t_marg);

#endif
