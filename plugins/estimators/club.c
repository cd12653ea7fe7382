/* club.c — estimator `club`: the Contrastive Log-ratio Upper Bound of
 * Cheng et al. 2020,
 *
 *   I(X;Y) ≤ E_p[log q(y|x)] − E_{p(x)} E_{p(y)}[log q(y|x)],
 *
 * with a Gaussian variational q(y|x) = N(μ(x), diag e^{lv(x)}) (two MLPs; lv
 * ends in tanh, as in the paper's code), fitted by maximum likelihood. The
 * second expectation is over all batch pairs, in closed form from the batch
 * moments of y (O(B), not O(B²)):
 *   mean_j (y_j − μ_i)² = mean(y²) − 2 μ_i mean(y) + μ_i²
 * or, with club_sample = true, over one shuffled partner per row (CLUBSample). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec club_params[] = {
    { "hidden", "ints", "128,128", "hidden widths of the mean and log-variance networks", ">=1" },
    { "activation", "string", "relu", "hidden activation", IM_ACTIVATION_CHOICES },
    { "club_sample", "bool", "false", "negatives: one shuffled partner per row instead of all pairs", NULL },
    IM_TRAINER_PARAMS("4000", "64", "5e-4", "0"),
    IM_PARAMS_END
};

typedef struct {
    im_mlp mu, logvar;
    im_params params;
    int sample;
    int *perm;
    int perm_cap;
    im_rng rng;
} club;

static im_status club_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    club *c = calloc(1, sizeof *c);
    if (!c) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &c->rng);
    im_status st = im_section_bool(ctx, sec, "club_sample", &c->sample);
    if (!st) st = im_mlp_from_section(ctx, &c->mu, &c->params, "club.mu", sec, dx, dy, IM_ACT_NONE, &c->rng);
    if (!st) st = im_mlp_from_section(ctx, &c->logvar, &c->params, "club.logvar", sec, dx, dy, IM_ACT_TANH, &c->rng);
    if (st) {
        im_params_free(&c->params);
        free(c);
        return st;
    }
    *self = c;
    return IM_OK;
}

static void club_destroy(void *self)
{
    club *c = self;
    im_params_free(&c->params);
    free(c->perm);
    free(c);
}

static im_params *club_param_list(void *self) { return &((club *)self)->params; }

/* mean_i [log q(y_i|x_i) − mean_j log q(y_j|x_i)] up to the shared −lv/2 and
 * constant terms, which cancel between the two. */
static im_tensor *club_bound(club *c, im_tape *g, im_tensor *x, im_tensor *y, int frozen, const int *perm,
                             im_tensor **mu_out, im_tensor **lv_out)
{
    im_tensor *mu = im_mlp_forward_ex(g, &c->mu, x, 0, frozen);
    im_tensor *lv = im_mlp_forward_ex(g, &c->logvar, x, 0, frozen);
    if (mu_out) *mu_out = mu;
    if (lv_out) *lv_out = lv;
    im_tensor *half_prec = im_scale(g, im_exp(g, im_neg(g, lv)), 0.5);   /* 1 / (2σ²) */
    im_tensor *positive = im_neg(g, im_mul(g, im_square(g, im_sub(g, y, mu)), half_prec));
    im_tensor *spread;   /* mean over negatives of (y_j − μ_i)² */
    if (perm) {
        spread = im_square(g, im_sub(g, im_gather_rows(g, y, perm, y ? y->rows : 0), mu));
    } else {
        im_tensor *m1 = im_mean(g, y, IM_COLWISE), *m2 = im_mean(g, im_square(g, y), IM_COLWISE);
        spread = im_add(g, im_sub(g, m2, im_scale(g, im_mul(g, mu, m1), 2.0)), im_square(g, mu));
    }
    im_tensor *negative = im_neg(g, im_mul(g, spread, half_prec));
    return im_mean(g, im_sum(g, im_sub(g, positive, negative), IM_ROWWISE), IM_ALL);
}

static int *shuffled(club *c, int n)
{
    if (!c->sample) return NULL;
    if (n > c->perm_cap) {
        int *p = realloc(c->perm, sizeof(int) * (size_t)n);
        if (!p) return NULL;
        c->perm = p;
        c->perm_cap = n;
    }
    im_rng_permutation(&c->rng, c->perm, n);
    return c->perm;
}

/* Value: the bound. Gradient: q's log-likelihood for the networks (x, y
 * fixed), plus the bound's gradient in x and y with q fixed. */
static im_tensor *club_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    club *c = self;
    if (!x || !y) return NULL;
    int *perm = shuffled(c, x->rows);
    if (c->sample && !perm) return im_op_fail(g, "club: out of memory");
    int penalty = x->needs_grad || y->needs_grad;
    im_tensor *xs = penalty ? im_detach(g, x) : x, *ys = penalty ? im_detach(g, y) : y, *mu, *lv;
    im_tensor *bound = club_bound(c, g, xs, ys, 0, perm, &mu, &lv);
    im_tensor *train = im_mean(g, im_gaussian_loglik(g, ys, mu, lv), IM_ALL);
    if (penalty) train = im_add(g, train, club_bound(c, g, x, y, 1, perm, NULL, NULL));
    return im_surrogate(g, im_detach(g, bound), train);
}

/* Evaluate on a whole held-out set without a tape: the bound or q's mean
 * log-likelihood. */
static im_status club_eval(club *c, im_ctx *ctx, const im_mat *x, const im_mat *y, int loglik, double *out)
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    int *perm = shuffled(c, x->rows);
    im_status st = c->sample && !perm ? im_fail(ctx, IM_ENOMEM, "club: out of memory") : IM_OK;
    im_tensor *mu, *lv, *r = NULL;
    if (!st) {
        im_tensor *xt = im_input(g, x), *yt = im_input(g, y);
        r = club_bound(c, g, xt, yt, 1, perm, &mu, &lv);
        if (loglik) r = im_mean(g, im_gaussian_loglik(g, yt, mu, lv), IM_ALL);
        if (!r) st = ctx->status;
    }
    if (!st) *out = im_item(r);
    im_tape_free(g);
    return st;
}

static im_status club_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    return club_eval(self, ctx, x, y, 0, out);
}

static im_status club_select(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *score)
{
    return club_eval(self, ctx, x, y, 1, score);
}

/* Checkpoints: the private generator (the weights are params). */
static size_t club_state_size(void *self) { return IM_RNG_BYTES; }
static void club_state_save(void *self, void *buf) { im_rng_pack(&((club *)self)->rng, buf); }
static void club_state_load(void *self, const void *buf) { im_rng_unpack(&((club *)self)->rng, buf); }

static const im_estimator_vt club_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_UPPER,
    .unit = IM_UNIT_NATS,
    .create = club_create,
    .destroy = club_destroy,
    .objective = club_objective,
    .params = club_param_list,
    .estimate = club_estimate,
    .select = club_select,
    .state_size = club_state_size,
    .state_save = club_state_save,
    .state_load = club_state_load,
};
static const im_plugin club_plugin = IM_PLUGIN(IM_ESTIMATOR, "club",
                                       "CLUB upper bound, Gaussian q(y|x) fitted by likelihood", club_params, &club_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &club_plugin, NULL };
