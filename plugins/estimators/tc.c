/* tc.c — estimator `tc`: neural total correlation. A classifier D(x, y)
 * (an MLP on [x, y], one logit) tells joint pairs from pairs whose x and y
 * rows were permuted independently; at its optimum the logit is
 * log p(x, y) / (p(x) p(y)), so the mean logit over joint pairs estimates
 * KL(p(x,y) ‖ p(x)p(y)) = I(X;Y). Trained by binary cross-entropy. */
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec tc_params[] = {
    { "hidden", "ints", "100,100", "classifier hidden widths", ">=1" },
    { "activation", "string", "relu", "classifier hidden activation", IM_ACTIVATION_CHOICES },
    IM_TRAINER_PARAMS("4000", "64", "5e-4", "0"),
    IM_PARAMS_END
};

typedef struct {
    im_mlp net;
    im_params params;
    int *perm;   /* two permutations of the batch, back to back */
    int perm_cap;
    im_rng rng;
} tc;

static im_status tc_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    tc *t = calloc(1, sizeof *t);
    if (!t) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &t->rng);
    im_status st = im_mlp_from_section(ctx, &t->net, &t->params, "tc", sec, dx + dy, 1, IM_ACT_NONE, &t->rng);
    if (st) {
        im_params_free(&t->params);
        free(t);
        return st;
    }
    *self = t;
    return IM_OK;
}

static void tc_destroy(void *self)
{
    tc *t = self;
    im_params_free(&t->params);
    free(t->perm);
    free(t);
}

static im_params *tc_param_list(void *self) { return &((tc *)self)->params; }

static int *two_perms(tc *t, int n)
{
    if (2 * n > t->perm_cap) {
        int *p = realloc(t->perm, sizeof(int) * 2 * (size_t)n);
        if (!p) return NULL;
        t->perm = p;
        t->perm_cap = 2 * n;
    }
    im_rng_permutation(&t->rng, t->perm, n);
    im_rng_permutation(&t->rng, t->perm + n, n);
    return t->perm;
}

static im_tensor *joint_logits(tc *t, im_tape *g, im_tensor *x, im_tensor *y, int frozen)
{
    return im_mlp_forward_ex(g, &t->net, im_concat_cols(g, x, y), 0, frozen);
}

/* mean BCE of joint pairs (label 1) against independently permuted pairs (label 0) */
static im_tensor *classifier_loss(tc *t, im_tape *g, im_tensor *x, im_tensor *y, im_tensor *logit_joint, const int *perm)
{
    int n = x->rows;
    im_tensor *neg = im_concat_cols(g, im_gather_rows(g, x, perm, n), im_gather_rows(g, y, perm + n, n));
    im_tensor *logits = im_concat_rows(g, logit_joint, im_mlp_forward_ex(g, &t->net, neg, 0, 0));
    im_tensor *labels = im_tensor_new(g, 2 * n, 1);
    if (!labels) return NULL;
    for (int i = 0; i < 2 * n; i++) labels->val[i] = i < n ? 1 : 0;
    return im_bce_logits(g, logits, labels);
}

static im_tensor *tc_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    tc *t = self;
    if (!x || !y) return NULL;
    int *perm = two_perms(t, x->rows);
    if (!perm) return im_op_fail(g, "tc: out of memory");
    int penalty = x->needs_grad || y->needs_grad;
    im_tensor *xs = penalty ? im_detach(g, x) : x, *ys = penalty ? im_detach(g, y) : y;
    im_tensor *logit_joint = joint_logits(t, g, xs, ys, 0);
    im_tensor *estimate = im_mean(g, logit_joint, IM_ALL);
    im_tensor *train = im_neg(g, classifier_loss(t, g, xs, ys, logit_joint, perm));
    if (penalty) train = im_add(g, train, im_mean(g, joint_logits(t, g, x, y, 1), IM_ALL));
    return im_surrogate(g, im_detach(g, estimate), train);
}

/* mean joint logit (estimate) or minus the classifier loss (selection) */
static im_status tc_eval(tc *t, im_ctx *ctx, const im_mat *x, const im_mat *y, int loss, double *out)
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_tensor *xt = im_input(g, x), *yt = im_input(g, y);
    im_tensor *logit_joint = joint_logits(t, g, xt, yt, 1), *r;
    if (loss) {
        int *perm = two_perms(t, x->rows);
        r = perm ? im_neg(g, classifier_loss(t, g, xt, yt, logit_joint, perm)) : NULL;
    } else {
        r = im_mean(g, logit_joint, IM_ALL);
    }
    im_status st = r ? IM_OK : (ctx->status ? ctx->status : im_fail(ctx, IM_ENOMEM, "tc: out of memory"));
    if (r) *out = im_item(r);
    im_tape_free(g);
    return st;
}

static im_status tc_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    return tc_eval(self, ctx, x, y, 0, out);
}

static im_status tc_select(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *score)
{
    return tc_eval(self, ctx, x, y, 1, score);
}

/* Checkpoints: the private generator (the weights are params). */
static size_t tc_state_size(void *self) { return IM_RNG_BYTES; }
static void tc_state_save(void *self, void *buf) { im_rng_pack(&((tc *)self)->rng, buf); }
static void tc_state_load(void *self, const void *buf) { im_rng_unpack(&((tc *)self)->rng, buf); }

static const im_estimator_vt tc_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = tc_create,
    .destroy = tc_destroy,
    .objective = tc_objective,
    .params = tc_param_list,
    .estimate = tc_estimate,
    .select = tc_select,
    .state_size = tc_state_size,
    .state_save = tc_state_save,
    .state_load = tc_state_load,
};
static const im_plugin tc_plugin = IM_PLUGIN(IM_ESTIMATOR, "tc",
                                     "neural total correlation: joint-vs-permuted classifier log-odds", tc_params,
                                     &tc_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &tc_plugin, NULL };
