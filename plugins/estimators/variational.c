/* variational.c — the variational lower bounds, one critic each:
 *
 *   mine     Donsker–Varadhan  E_p[T] − log E_q[e^T]  (Belghazi et al. 2018),
 *            trained with MINE's EMA-corrected gradient (§3.2)
 *   nwj      NWJ / MINE-f      E_p[T] − E_q[e^{T−1}]  (Nguyen et al. 2010)
 *   infonce  InfoNCE           log B + mean_i (T_ii − logsumexp_j T_ij)
 *            (van den Oord et al. 2018); never above log B
 *   jsd      trained on the f-GAN Jensen–Shannon objective (Deep InfoMax);
 *            the estimate is the DV bound of the JS-trained critic
 *   smile    trained like jsd; the estimate is DV with e^T clipped to
 *            [e^−τ, e^τ] in the partition term (Song & Ermon 2020) — lower
 *            variance, no longer a guaranteed bound
 *   fdiv     any f-information I_f(X;Y) = D_f(P_XY‖P_X P_Y) (since 0.6):
 *            f-GAN's bound E_p[g_f(T)] − E_q[f*(g_f(T))] for the member
 *            `divergence` names (fdiv.h), trained and reported; kl is nwj
 *
 * `negatives = all` scores every batch pair (B² − B product-of-marginals
 * pairs, as in Poole et al. 2019); `shuffle` scores B shuffled pairs.
 *
 * objective() returns the estimate on the batch. Its gradient is the
 * critic's training gradient (x, y held fixed) plus, when x or y need
 * gradients, the estimate's gradient with the critic held fixed: the
 * estimate is what a penalty on an encoder should follow, the training
 * objective is what the critic should follow. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/bounds.h"
#include "infomin/critic.h"
#include "infomin/infomin.h"

typedef enum { V_MINE, V_NWJ, V_INFONCE, V_JSD, V_SMILE, V_FDIV } variant;

#define NEGATIVES_PARAM                                                                                       \
    { "negatives", "string", "all", "product-of-marginals pairs: every off-diagonal batch pair, or B shuffled", \
      "all|shuffle" }
#define EVAL_PARAM                                                                                             \
    { "eval_shuffles", "int", "8", "held-out estimate: shuffles of Y for the product-of-marginals term", "1..1000" }

static const im_param_spec mine_params[] = {
    IM_CRITIC_PARAMS("64,64"), NEGATIVES_PARAM, EVAL_PARAM,
    { "ema_alpha", "float", "0.01", "weight of the newest batch in the moving average of E_q[e^T] (1: no correction)",
      "0..1" },
    IM_TRAINER_PARAMS("4000", "64", "5e-4", "0.99"), IM_PARAMS_END
};
static const im_param_spec nwj_params[] = {
    IM_CRITIC_PARAMS("64,64"), NEGATIVES_PARAM, EVAL_PARAM, IM_TRAINER_PARAMS("4000", "64", "5e-4", "0.99"), IM_PARAMS_END
};
static const im_param_spec infonce_params[] = {
    IM_CRITIC_PARAMS("64,64"), IM_TRAINER_PARAMS("4000", "64", "5e-4", "0.99"), IM_PARAMS_END
};
static const im_param_spec jsd_params[] = {
    IM_CRITIC_PARAMS("64,64"), NEGATIVES_PARAM, EVAL_PARAM, IM_TRAINER_PARAMS("4000", "64", "5e-4", "0.99"), IM_PARAMS_END
};
static const im_param_spec smile_params[] = {
    IM_CRITIC_PARAMS("64,64"), NEGATIVES_PARAM, EVAL_PARAM,
    { "tau", "float", "5", "clip e^T to [e^-tau, e^tau] in the partition term", ">0" },
    IM_TRAINER_PARAMS("4000", "64", "5e-4", "0.99"), IM_PARAMS_END
};

static const im_param_spec fdiv_params[] = {
    IM_CRITIC_PARAMS("64,64"), NEGATIVES_PARAM, EVAL_PARAM,
    { "divergence", "string", "hellinger", "the f-divergence (fdiv.h)",
      "tv|kl|reverse-kl|pearson|neyman|hellinger|jeffrey|js|gan|alpha" },
    { "alpha", "float", "2", "the alpha of divergence = alpha (not 0 or 1)", NULL },
    IM_TRAINER_PARAMS("4000", "64", "5e-4", "0.99"), IM_PARAMS_END
};

typedef struct {
    variant kind;
    im_critic critic;
    int all_pairs;
    int eval_batch;      /* InfoNCE's held-out blocks: the training batch */
    int eval_shuffles;   /* the other bounds: shuffles for the marginal term */
    double ema_alpha;    /* mine */
    double log_ema;      /* mine: log of the moving average of E_q[e^T] */
    int has_ema;
    double tau;          /* smile */
    im_fdiv member;      /* fdiv */
    double alpha;        /* fdiv, member alpha */
    int *perm;
    int perm_cap;
    im_rng rng;
} vbound;

static im_status create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, variant kind, void **self)
{
    vbound *v = calloc(1, sizeof *v);
    if (!v) return im_fail(ctx, IM_ENOMEM, "out of memory");
    v->kind = kind;
    v->ema_alpha = 1.0;
    v->all_pairs = 1;
    im_rng_split(rng, &v->rng);
    im_status st = im_section_int(ctx, sec, "batch", &v->eval_batch);
    v->eval_shuffles = 1;
    if (!st && kind != V_INFONCE) st = im_section_int(ctx, sec, "eval_shuffles", &v->eval_shuffles);
    if (!st && kind != V_INFONCE) {
        const char *negatives;
        st = im_section_string(ctx, sec, "negatives", &negatives);
        if (!st) v->all_pairs = strcmp(negatives, "all") == 0;
    }
    if (!st && kind == V_MINE) st = im_section_float(ctx, sec, "ema_alpha", &v->ema_alpha);
    if (!st && kind == V_SMILE) st = im_section_float(ctx, sec, "tau", &v->tau);
    if (!st && kind == V_FDIV) {
        const char *name;
        st = im_section_string(ctx, sec, "divergence", &name);
        if (!st) st = im_section_float(ctx, sec, "alpha", &v->alpha);
        if (!st && !im_fdiv_find(name, &v->member)) st = im_section_fail(ctx, sec, "divergence", "no member '%s'", name);
        if (!st && !im_fdiv_alpha_ok(v->member, v->alpha)) st = im_section_fail(ctx, sec, "alpha", IM_FDIV_ALPHA_LIMITS);
    }
    if (!st) st = im_critic_init(ctx, &v->critic, sec, dx, dy, &v->rng);
    if (st) {
        free(v);
        return st;
    }
    *self = v;
    return IM_OK;
}

#define CREATE(name, kind)                                                                                  \
    static im_status name(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)   \
    {                                                                                                       \
        return create(ctx, sec, dx, dy, rng, kind, self);                                                   \
    }
CREATE(mine_create, V_MINE)
CREATE(nwj_create, V_NWJ)
CREATE(infonce_create, V_INFONCE)
CREATE(jsd_create, V_JSD)
CREATE(smile_create, V_SMILE)
CREATE(fdiv_create, V_FDIV)

static void destroy(void *self)
{
    vbound *v = self;
    im_critic_free(&v->critic);
    free(v->perm);
    free(v);
}

static im_params *params(void *self) { return &((vbound *)self)->critic.params; }

static int *batch_perm(vbound *v, int n)
{
    if (n > v->perm_cap) {
        int *p = realloc(v->perm, sizeof(int) * (size_t)n);   /* once per new batch size */
        if (!p) return NULL;
        v->perm = p;
        v->perm_cap = n;
    }
    im_rng_permutation(&v->rng, v->perm, n);
    return v->perm;
}

/* Scores of one batch as (joint, marg), and the full matrix when all pairs
 * are scored (InfoNCE needs it). */
typedef struct {
    im_tensor *joint, *marg, *matrix;
} batch_scores;

static int score_batch(vbound *v, im_tape *g, im_tensor *x, im_tensor *y, int frozen, const int *perm,
                       batch_scores *s)
{
    if (v->all_pairs) {
        s->matrix = im_critic_scores(g, &v->critic, x, y, frozen);
        s->joint = im_diag(g, s->matrix);
        s->marg = im_offdiag(g, s->matrix);
    } else {
        int b = x->rows;
        im_tensor *t = im_critic_pairs(g, &v->critic, x, y, perm, frozen);
        s->matrix = NULL;
        s->joint = im_slice_rows(g, t, 0, b);
        s->marg = im_slice_rows(g, t, b, b);
    }
    return s->joint && s->marg;
}

/* The estimate reported by each variant, on the tape. */
static im_tensor *estimate_of(const vbound *v, im_tape *g, const batch_scores *s)
{
    switch (v->kind) {
    case V_NWJ: return im_bound_nwj(g, s->joint, s->marg);
    case V_INFONCE: return im_bound_infonce(g, s->matrix);
    case V_SMILE: return im_bound_smile(g, s->joint, s->marg, v->tau);
    case V_FDIV: return im_bound_f(g, s->joint, s->marg, v->member, v->alpha);
    case V_MINE:
    case V_JSD: return im_bound_dv(g, s->joint, s->marg);
    }
    return NULL;
}

static double log_add_exp(double a, double b)
{
    double hi = a > b ? a : b;
    return hi + log(exp(a - hi) + exp(b - hi));
}

/* What the critic is trained on (its gradient is what matters). */
static im_tensor *training_term(vbound *v, im_tape *g, const batch_scores *s, im_tensor *estimate)
{
    switch (v->kind) {
    case V_JSD:
    case V_SMILE: return im_bound_js(g, s->joint, s->marg);
    case V_MINE: {
        if (v->ema_alpha >= 1.0) return estimate;
        im_tensor *lme = im_add_scalar(g, im_logsumexp(g, s->marg, IM_ALL), -log((double)s->marg->rows));
        if (!lme) return NULL;
        double batch_lme = im_item(lme);
        v->log_ema = v->has_ema ? log_add_exp(log1p(-v->ema_alpha) + v->log_ema, log(v->ema_alpha) + batch_lme)
                                : batch_lme;
        v->has_ema = 1;
        /* gradient E_p[∇T] − E_q[e^T ∇T] / ema: the EMA replaces the biased
         * mini-batch denominator of the DV gradient */
        im_tensor *partition = im_mean(g, im_exp(g, im_add_scalar(g, s->marg, -v->log_ema)), IM_ALL);
        return im_sub(g, im_mean(g, s->joint, IM_ALL), partition);
    }
    default: return estimate;
    }
}

static im_tensor *objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    vbound *v = self;
    if (!x || !y) return NULL;
    int *perm = v->all_pairs ? NULL : batch_perm(v, x->rows);
    if (!v->all_pairs && !perm) return im_op_fail(g, "%s: out of memory", "variational bound");
    if (im_critic_prepare(im_tape_ctx(g), &v->critic, x->val, y->val, x->rows)) return NULL;
    int inputs_need_grad = x->needs_grad || y->needs_grad;
    batch_scores s;
    /* the critic's pass: x and y as constants, the parameters trainable */
    if (!score_batch(v, g, inputs_need_grad ? im_detach(g, x) : x, inputs_need_grad ? im_detach(g, y) : y, 0, perm, &s))
        return NULL;
    im_tensor *estimate = estimate_of(v, g, &s);
    im_tensor *train = training_term(v, g, &s, estimate);
    if (!inputs_need_grad) return train == estimate ? estimate : im_surrogate(g, estimate, train);
    /* the penalty's pass: the critic fixed, gradients to x and y */
    batch_scores frozen;
    if (!score_batch(v, g, x, y, 1, perm, &frozen)) return NULL;
    return im_surrogate(g, estimate, im_add(g, train, estimate_of(v, g, &frozen)));
}

/* The critic's input maps from the whole training set rather than from its
 * first batch: quantiles from 64 rows are coarse. */
static im_status prepare(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y)
{
    vbound *v = self;
    return im_critic_fit_inputs(ctx, &v->critic, x->data, y->data, x->rows);
}

/* InfoNCE on held-out data: the mean of the bound over blocks of the training
 * batch size (the bound depends on B: log B caps it). */
static im_status infonce_estimate(vbound *v, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    int b = v->eval_batch < x->rows ? v->eval_batch : x->rows;
    im_tape *g = im_tape_new(ctx);
    double *scores = malloc(sizeof(double) * (size_t)b * (size_t)b);
    im_status st = g && scores ? IM_OK : im_fail(ctx, IM_ENOMEM, "infonce: out of memory");
    double total = 0;
    int blocks = 0;
    if (!st) im_tape_set_grad(g, 0);
    for (int r0 = 0; !st && r0 + b <= x->rows; r0 += b, blocks++) {
        im_tape_reset(g);
        im_tensor *s = im_critic_scores(g, &v->critic, im_leaf(g, b, x->cols, im_mat_row(x, r0), 0),
                                        im_leaf(g, b, y->cols, im_mat_row(y, r0), 0), 1);
        if (!s) {
            st = ctx->status;
            break;
        }
        for (long i = 0; i < (long)b * b; i++) scores[i] = s->val[i];
        total += im_value_infonce(scores, b);
    }
    free(scores);
    im_tape_free(g);
    if (!st) *out = total / blocks;
    return st;
}

/* The other bounds on held-out data: all N joint rows against N·K pairs of
 * the product of the marginals (K = eval_shuffles shuffles of y): more
 * marginal pairs lower the variance of the partition term. */
static im_status estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    vbound *v = self;
    if (v->kind == V_INFONCE) return infonce_estimate(v, ctx, x, y, out);
    int n = x->rows, k = v->eval_shuffles;
    long m = (long)n * k;
    double *t_joint = malloc(sizeof(double) * (size_t)n), *t_marg = malloc(sizeof(double) * (size_t)m);
    int *perm = malloc(sizeof(int) * (size_t)n);
    im_status st = t_joint && t_marg && perm ? IM_OK : im_fail(ctx, IM_ENOMEM, "out of memory");
    for (int s = 0; !st && s < k; s++) {
        im_rng_permutation(&v->rng, perm, n);
        /* the joint scores are the same in every pass: scored once */
        st = im_critic_score_all(ctx, &v->critic, x, y, perm, s ? NULL : t_joint, t_marg + (long)s * n);
    }
    if (!st) {
        if (v->kind == V_NWJ)
            *out = im_value_nwj(t_joint, n, t_marg, m);
        else if (v->kind == V_SMILE)
            *out = im_value_smile(t_joint, n, t_marg, m, v->tau);
        else if (v->kind == V_FDIV)
            *out = im_value_f(t_joint, n, t_marg, m, v->member, v->alpha);
        else
            *out = im_value_dv(t_joint, n, t_marg, m);
    }
    free(t_joint);
    free(t_marg);
    free(perm);
    return st;
}

/* After the trainer restored earlier weights: MINE's moving average
 * described the weights it left behind. */
static void restart(void *self) { ((vbound *)self)->has_ema = 0; }

#define VTABLE(name, create_fn, kind, unit_of)                                                                 \
    static const im_estimator_vt name = { IM_VT_SIZE(im_estimator_vt), .bound = kind, .unit = unit_of,        \
                                          .create = create_fn, .destroy = destroy, .objective = objective,     \
                                          .params = params, .estimate = estimate, .prepare = prepare,        \
                                          .restart = restart }
VTABLE(mine_vt, mine_create, IM_BOUND_LOWER, IM_UNIT_NATS);
VTABLE(nwj_vt, nwj_create, IM_BOUND_LOWER, IM_UNIT_NATS);
VTABLE(infonce_vt, infonce_create, IM_BOUND_LOWER, IM_UNIT_NATS);
VTABLE(jsd_vt, jsd_create, IM_BOUND_LOWER, IM_UNIT_NATS);
VTABLE(smile_vt, smile_create, IM_BOUND_ESTIMATE, IM_UNIT_NATS);
VTABLE(fdiv_vt, fdiv_create, IM_BOUND_LOWER, IM_UNIT_F_INFORMATION);

static const im_plugin mine = IM_PLUGIN(IM_ESTIMATOR, "mine",
                                "MINE: Donsker-Varadhan lower bound, EMA-corrected gradient", mine_params, &mine_vt);
static const im_plugin nwj = IM_PLUGIN(IM_ESTIMATOR, "nwj", "NWJ (MINE-f) lower bound E_p[T] - E_q[e^(T-1)]",
                               nwj_params, &nwj_vt);
static const im_plugin mine_f = IM_PLUGIN(IM_ESTIMATOR, "mine-f", "alias of nwj", nwj_params, &nwj_vt);
static const im_plugin infonce = IM_PLUGIN(IM_ESTIMATOR, "infonce",
                                   "InfoNCE (CPC) lower bound; never exceeds log(batch)", infonce_params, &infonce_vt);
static const im_plugin jsd = IM_PLUGIN(IM_ESTIMATOR, "jsd",
                               "Jensen-Shannon (f-GAN) trained critic, DV estimate (Deep InfoMax)", jsd_params,
                               &jsd_vt);
static const im_plugin smile = IM_PLUGIN(IM_ESTIMATOR, "smile",
                                 "SMILE: JS-trained critic, DV with clipped density ratio", smile_params, &smile_vt);
static const im_plugin f_information = IM_PLUGIN(IM_ESTIMATOR, "fdiv",
                                "f-information I_f(X;Y) = D_f(P_XY||P_X P_Y), f-GAN's bound for any f-divergence",
                                fdiv_params, &fdiv_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &mine, &nwj, &mine_f, &infonce, &jsd, &smile,
                                                              &f_information, NULL };
