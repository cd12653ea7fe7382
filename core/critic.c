/* critic.c — scoring (x, y) pairs with a concat MLP critic. */
#include <stdlib.h>
#include "infomin/critic.h"

#define CRITIC_MAX_HIDDEN 8
#define SCORE_CHUNK 2048

im_status im_critic_init(im_ctx *ctx, im_critic *critic, const im_section *sec, int dx, int dy, im_rng *rng)
{
    int hidden[CRITIC_MAX_HIDDEN], n_hidden;
    const char *act_name;
    im_activation act;
    im_status st = im_cfg_ints(ctx, sec, "hidden", hidden, CRITIC_MAX_HIDDEN, &n_hidden);
    if (!st) st = im_cfg_string(ctx, sec, "activation", &act_name);
    if (!st) st = im_activation_parse(ctx, act_name, &act);
    if (st) return st;
    critic->dx = dx;
    critic->dy = dy;
    critic->params = (im_params){ 0 };
    st = im_mlp_init(ctx, &critic->mlp, &critic->params, "critic", dx + dy, hidden, n_hidden, 1, act, IM_ACT_NONE, rng);
    if (st) im_params_free(&critic->params);
    return st;
}

void im_critic_free(im_critic *critic) { im_params_free(&critic->params); }

im_tensor *im_critic_pairs(im_graph *g, const im_critic *critic, im_tensor *x, im_tensor *y, const int *perm)
{
    if (!x || !y) return NULL;
    if (x->cols != critic->dx || y->cols != critic->dy)
        return im_op_fail(g, "critic expects x with %d and y with %d columns, got %d and %d", critic->dx, critic->dy,
                          x->cols, y->cols);
    int b = x->rows;
    im_tensor *joint = im_concat_cols(g, x, y);
    im_tensor *marginal = im_concat_cols(g, x, im_gather_rows(g, y, perm, b));
    return im_mlp_forward(g, &critic->mlp, im_concat_rows(g, joint, marginal));
}

im_status im_critic_score_all(im_ctx *ctx, const im_critic *critic, const im_mat *x, const im_mat *y,
                              const int *perm, double *t_joint, double *t_marg)
{
    im_graph *g = im_graph_new(ctx);
    if (!g) return ctx->status;
    im_graph_set_grad(g, 0);
    im_status st = IM_OK;
    for (int r0 = 0; !st && r0 < x->rows; r0 += SCORE_CHUNK) {
        int n = x->rows - r0 < SCORE_CHUNK ? x->rows - r0 : SCORE_CHUNK;
        im_graph_reset(g);
        /* a chunk's marginal partners come from the whole set, so they are
         * copied into a block of their own */
        im_tensor *xc = im_leaf(g, n, x->cols, im_mat_row(x, r0), 0);
        im_tensor *yc = im_leaf(g, n, y->cols, im_mat_row(y, r0), 0);
        im_tensor *ym = im_tensor_new(g, n, y->cols);
        if (!ym) {
            st = ctx->status;
            break;
        }
        for (int i = 0; i < n; i++) {
            const im_real *src = im_mat_row(y, perm[r0 + i]);
            for (int c = 0; c < y->cols; c++) ym->val[(long)i * y->cols + c] = src[c];
        }
        im_tensor *joint = im_concat_cols(g, xc, yc);
        im_tensor *marg = im_concat_cols(g, xc, ym);
        im_tensor *t = im_mlp_forward(g, &critic->mlp, im_concat_rows(g, joint, marg));
        if (!t) {
            st = ctx->status;
            break;
        }
        for (int i = 0; i < n; i++) {
            t_joint[r0 + i] = t->val[i];
            t_marg[r0 + i] = t->val[n + i];
        }
    }
    im_graph_free(g);
    return st;
}
