/* critic.h — the concat critic T(x, y) = MLP([x, y]) shared by the
 * variational estimators (MINE/DV, NWJ, JSD, SMILE, ...): they differ only in
 * the scalar function of the scores, not in how pairs are scored. */
#ifndef INFOMIN_CRITIC_H
#define INFOMIN_CRITIC_H

#include "cfg.h"
#include "graph.h"
#include "nn.h"

typedef struct im_critic {
    im_mlp mlp;
    im_params params;
    int dx, dy;
} im_critic;

/* Spec entries for the critic keys: splice into a plugin's spec table. */
#define IM_CRITIC_PARAMS(hidden)                                                          \
    { "hidden", "ints", hidden, "critic hidden layer widths", ">=1" },                   \
    { "activation", "string", "relu", "critic hidden activation", IM_ACTIVATION_CHOICES }

/* Reads `hidden` and `activation` from sec. */
im_status im_critic_init(im_ctx *ctx, im_critic *critic, const im_section *sec, int dx, int dy, im_rng *rng);
void im_critic_free(im_critic *critic);

/* Scores on 2B rows: T(x_i, y_i) for i < B (joint), then T(x_i, y_perm[i])
 * (product of marginals); returns 2B x 1. One MLP pass over both halves. */
im_tensor *im_critic_pairs(im_graph *g, const im_critic *critic, im_tensor *x, im_tensor *y, const int *perm);

/* Held-out scores without a tape, in chunks: t_joint[i] = T(x_i, y_i),
 * t_marg[i] = T(x_i, y_perm[i]) for all N rows. */
im_status im_critic_score_all(im_ctx *ctx, const im_critic *critic, const im_mat *x, const im_mat *y,
                              const int *perm, double *t_joint, double *t_marg);

#endif
