/* critic.c — scoring (x, y) pairs with a concat or separable critic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/critic.h"

#define SCORE_CHUNK 2048

im_status im_critic_init(im_ctx *ctx, im_critic *critic, const im_section *sec, int dx, int dy, im_rng *rng)
{
    int embed;
    const char *kind, *input;
    im_status st = im_section_string(ctx, sec, "critic", &kind);
    if (!st) st = im_section_int(ctx, sec, "embed", &embed);
    if (!st) st = im_section_string(ctx, sec, "input", &input);
    if (st) return st;
    memset(critic, 0, sizeof *critic);
    /* auto: decided at the first fit, by what the maps are fitted on */
    critic->auto_input = strcmp(input, "auto") == 0;
    int map = critic->auto_input ? IM_COLMAP_SQUASH : im_colmap_kind_from_name(input);
    if (map < 0) return im_fail(ctx, IM_ECONFIG, "critic: input = %s (choose " IM_COLMAP_CHOICES ")", input);
    im_colmap_init(&critic->map_x, (im_colmap_kind)map, dx);
    im_colmap_init(&critic->map_y, (im_colmap_kind)map, dy);
    critic->dx = dx;
    critic->dy = dy;
    critic->kind = strcmp(kind, "separable") == 0 ? IM_CRITIC_SEPARABLE : IM_CRITIC_CONCAT;
    critic->dot_scale = 1.0 / sqrt((double)embed);
    if (critic->kind == IM_CRITIC_CONCAT) {
        st = im_mlp_from_section(ctx, &critic->net, &critic->params, "critic", sec, dx + dy, 1, IM_ACT_NONE, rng);
    } else {
        st = im_mlp_from_section(ctx, &critic->net, &critic->params, "critic.g", sec, dx, embed, IM_ACT_NONE, rng);
        if (!st) st = im_mlp_from_section(ctx, &critic->net_y, &critic->params, "critic.h", sec, dy, embed, IM_ACT_NONE, rng);
    }
    if (st) im_critic_free(critic);
    return st;
}

void im_critic_free(im_critic *critic)
{
    im_params_free(&critic->params);
    im_colmap_free(&critic->map_x);
    im_colmap_free(&critic->map_y);
}

static im_status fit_inputs(im_ctx *ctx, im_critic *c, const im_real *x, const im_real *y, int n, im_colmap_kind kind)
{
    if (c->auto_input) c->map_x.kind = c->map_y.kind = kind;
    im_status st = im_colmap_fit(ctx, &c->map_x, x, n);
    return st ? st : im_colmap_fit(ctx, &c->map_y, y, n);
}

/* The training set: its quantiles are fine enough for the copula. */
im_status im_critic_fit_inputs(im_ctx *ctx, im_critic *c, const im_real *x, const im_real *y, int n)
{
    return fit_inputs(ctx, c, x, y, n, IM_COLMAP_QUANTILE);
}

/* A first batch, of inputs that may move later (an encoder's output): the
 * smooth robust squash. */
im_status im_critic_prepare(im_ctx *ctx, im_critic *c, const im_real *x, const im_real *y, int n)
{
    if (c->map_x.fitted && c->map_y.fitted) return IM_OK;
    return fit_inputs(ctx, c, x, y, n, IM_COLMAP_SQUASH);
}

static im_tensor *check_inputs(im_tape *g, const im_critic *c, im_tensor *x, im_tensor *y)
{
    if (x->cols != c->dx || y->cols != c->dy)
        return im_op_fail(g, "critic expects x with %d and y with %d columns, got %d and %d", c->dx, c->dy, x->cols,
                          y->cols);
    if (x->rows != y->rows) return im_op_fail(g, "critic: x has %d rows, y has %d", x->rows, y->rows);
    return x;
}

/* Checks the pair and maps it to the critic's input space in place. */
static int critic_inputs(im_tape *g, const im_critic *c, im_tensor **x, im_tensor **y)
{
    if (!*x || !*y || !check_inputs(g, c, *x, *y)) return 0;
    *x = im_colmap_apply(g, &c->map_x, *x);
    *y = im_colmap_apply(g, &c->map_y, *y);
    return *x && *y;
}

/* concat on all pairs: h_ij = act(Wx·x_i + b + Wy·y_j), then the rest */
static im_tensor *concat_scores(im_tape *g, const im_critic *c, im_tensor *x, im_tensor *y, int frozen)
{
    const im_linear_layer *first = &c->net.layers[0];
    im_tensor *w = im_layer_weight(g, first, frozen);
    im_tensor *ax = im_linear(g, x, im_slice_cols(g, w, 0, c->dx), im_layer_bias(g, first, frozen));
    im_tensor *ay = im_linear(g, y, im_slice_cols(g, w, c->dx, c->dy), NULL);
    im_activation act = c->net.n_layers > 1 ? c->net.act : c->net.out_act;
    im_tensor *h = im_activation_fusable(act) ? im_outer_add_act(g, ax, ay, act)
                                              : im_activate(g, im_outer_add(g, ax, ay), act);
    im_tensor *t = im_mlp_forward_ex(g, &c->net, h, 1, frozen);
    return im_reshape(g, t, x->rows, y->rows);
}

im_tensor *im_critic_scores(im_tape *g, const im_critic *c, im_tensor *x, im_tensor *y, int frozen)
{
    if (!critic_inputs(g, c, &x, &y)) return NULL;
    if (c->kind == IM_CRITIC_CONCAT) return concat_scores(g, c, x, y, frozen);
    im_tensor *gx = im_mlp_forward_ex(g, &c->net, x, 0, frozen);
    im_tensor *hy = im_mlp_forward_ex(g, &c->net_y, y, 0, frozen);
    return im_scale(g, im_matmul(g, gx, hy, 0, 1), c->dot_scale);
}

im_tensor *im_critic_joint(im_tape *g, const im_critic *c, im_tensor *x, im_tensor *y, int frozen)
{
    if (!critic_inputs(g, c, &x, &y)) return NULL;
    if (c->kind == IM_CRITIC_CONCAT) return im_mlp_forward_ex(g, &c->net, im_concat_cols(g, x, y), 0, frozen);
    im_tensor *gx = im_mlp_forward_ex(g, &c->net, x, 0, frozen);
    im_tensor *hy = im_mlp_forward_ex(g, &c->net_y, y, 0, frozen);
    return im_scale(g, im_sum(g, im_mul(g, gx, hy), IM_ROWWISE), c->dot_scale);
}

im_tensor *im_critic_pairs(im_tape *g, const im_critic *c, im_tensor *x, im_tensor *y, const int *perm, int frozen)
{
    if (!critic_inputs(g, c, &x, &y)) return NULL;
    int b = x->rows;
    im_tensor *y_shuffled = im_gather_rows(g, y, perm, b);
    if (c->kind == IM_CRITIC_CONCAT) {
        im_tensor *joint = im_concat_cols(g, x, y), *marg = im_concat_cols(g, x, y_shuffled);
        return im_mlp_forward_ex(g, &c->net, im_concat_rows(g, joint, marg), 0, frozen);
    }
    im_tensor *gx = im_mlp_forward_ex(g, &c->net, x, 0, frozen);
    im_tensor *hy = im_mlp_forward_ex(g, &c->net_y, im_concat_rows(g, y, y_shuffled), 0, frozen);
    im_tensor *gx2 = im_concat_rows(g, gx, gx);
    return im_scale(g, im_sum(g, im_mul(g, gx2, hy), IM_ROWWISE), c->dot_scale);
}

im_status im_critic_score_all(im_ctx *ctx, const im_critic *c, const im_mat *x, const im_mat *y, const int *perm,
                              double *t_joint, double *t_marg)
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_status st = IM_OK;
    for (int r0 = 0; !st && r0 < x->rows; r0 += SCORE_CHUNK) {
        int n = x->rows - r0 < SCORE_CHUNK ? x->rows - r0 : SCORE_CHUNK;
        im_tape_reset(g);
        im_tensor *xc = im_leaf(g, n, x->cols, im_mat_row(x, r0), 0);
        im_tensor *yc = im_leaf(g, n, y->cols, im_mat_row(y, r0), 0);
        /* a chunk's marginal partners come from the whole set: copy them into a
         * block of their own */
        im_tensor *ym = im_tensor_new(g, n, y->cols);
        if (!ym) {
            st = ctx->status;
            break;
        }
        for (int i = 0; i < n; i++)
            memcpy(ym->val + (long)i * y->cols, im_mat_row(y, perm[r0 + i]), sizeof(im_real) * (size_t)y->cols);
        im_tensor *tj = t_joint ? im_critic_joint(g, c, xc, yc, 1) : NULL;
        im_tensor *tm = im_critic_joint(g, c, xc, ym, 1);
        if (!tm || (t_joint && !tj)) {
            st = ctx->status;
            break;
        }
        for (int i = 0; i < n; i++) {
            if (t_joint) t_joint[r0 + i] = tj->val[i];
            t_marg[r0 + i] = tm->val[i];
        }
    }
    im_tape_free(g);
    return st;
}
