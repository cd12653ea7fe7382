/* mine.c — estimator `mine`: the Donsker–Varadhan lower bound of Belghazi et
 * al. 2018 (MINE),
 *
 *   I(X;Y) ≥ E_p[T] − log E_q[e^T],   p = joint, q = product of marginals,
 *
 * with a concat critic T and marginal samples made by shuffling y within the
 * batch. The mini-batch gradient of log E_q[e^T] is biased (the log of a
 * sample mean); MINE §3.2 replaces the denominator of its gradient,
 * E_q[e^T ∇T] / E_q[e^T], by an exponential moving average of E_q[e^T]. We
 * keep that average in log space so it cannot overflow. */
#include <math.h>
#include <stdlib.h>
#include "infomin/critic.h"
#include "infomin/infomin.h"

static const im_param_spec mine_params[] = {
    IM_CRITIC_PARAMS("256,256"),
    { "ema_alpha", "float", "0.01", "weight of the newest batch in the moving average of E_q[e^T] (1: no correction)",
      "0..1" },
    IM_TRAINER_PARAMS("4000", "256", "5e-4"),
    { NULL, NULL, NULL, NULL, NULL }
};

typedef struct {
    im_critic critic;
    double ema_alpha;
    double log_ema;      /* log of the moving average of E_q[e^T] */
    int has_ema;
    int *perm;           /* batch permutation, grown to the largest batch */
    int perm_cap;
    im_rng rng;
} mine;

static im_status mine_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    mine *m = calloc(1, sizeof *m);
    if (!m) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &m->rng);
    im_status st = im_cfg_float(ctx, sec, "ema_alpha", &m->ema_alpha);
    if (!st) st = im_critic_init(ctx, &m->critic, sec, dx, dy, &m->rng);
    if (st) {
        free(m);
        return st;
    }
    *self = m;
    return IM_OK;
}

static void mine_destroy(void *self)
{
    mine *m = self;
    im_critic_free(&m->critic);
    free(m->perm);
    free(m);
}

static im_params *mine_param_list(void *self) { return &((mine *)self)->critic.params; }

static int *batch_perm(mine *m, int n)
{
    if (n > m->perm_cap) {
        int *p = realloc(m->perm, sizeof(int) * (size_t)n);   /* once per new batch size */
        if (!p) return NULL;
        m->perm = p;
        m->perm_cap = n;
    }
    im_rng_permutation(&m->rng, m->perm, n);
    return m->perm;
}

static double log_add_exp(double a, double b)
{
    double hi = a > b ? a : b;
    return hi + log(exp(a - hi) + exp(b - hi));
}

static im_tensor *mine_objective(void *self, im_graph *g, im_tensor *x, im_tensor *y)
{
    mine *m = self;
    if (!x || !y) return NULL;
    int b = x->rows;
    int *perm = batch_perm(m, b);
    if (!perm) return im_op_fail(g, "mine: out of memory");
    im_tensor *t = im_critic_pairs(g, &m->critic, x, y, perm);
    im_tensor *t_joint = im_slice_rows(g, t, 0, b), *t_marg = im_slice_rows(g, t, b, b);
    im_tensor *mean_joint = im_mean(g, t_joint, IM_ALL);
    im_tensor *log_mean_exp = im_add_scalar(g, im_logsumexp(g, t_marg, IM_ALL), -log((double)b));
    im_tensor *dv = im_sub(g, mean_joint, log_mean_exp);
    if (!dv) return NULL;
    double batch_lme = im_item(log_mean_exp);
    if (m->ema_alpha >= 1.0) return dv;
    m->log_ema = m->has_ema ? log_add_exp(log1p(-m->ema_alpha) + m->log_ema, log(m->ema_alpha) + batch_lme) : batch_lme;
    m->has_ema = 1;
    /* gradient path: mean T_joint − mean(e^{T_marg}) / ema, whose gradient is
     * E_p[∇T] − E_q[e^T ∇T] / ema; its value is not used */
    im_tensor *corrected = im_sub(g, mean_joint, im_mean(g, im_exp(g, im_add_scalar(g, t_marg, -m->log_ema)), IM_ALL));
    return im_surrogate(g, dv, corrected);
}

/* DV bound on held-out data: all N joint rows against N shuffled rows. */
static im_status mine_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    mine *m = self;
    int n = x->rows;
    double *t_joint = malloc(sizeof(double) * (size_t)n), *t_marg = malloc(sizeof(double) * (size_t)n);
    int *perm = malloc(sizeof(int) * (size_t)n);
    im_status st = IM_OK;
    if (!t_joint || !t_marg || !perm) st = im_fail(ctx, IM_ENOMEM, "mine: out of memory");
    if (!st) {
        im_rng_permutation(&m->rng, perm, n);
        st = im_critic_score_all(ctx, &m->critic, x, y, perm, t_joint, t_marg);
    }
    if (!st) {
        double mean_joint = 0, hi = -INFINITY, acc = 0;
        for (int i = 0; i < n; i++) {
            mean_joint += t_joint[i];
            hi = t_marg[i] > hi ? t_marg[i] : hi;
        }
        for (int i = 0; i < n; i++) acc += exp(t_marg[i] - hi);
        *out = mean_joint / n - (hi + log(acc / n));
    }
    free(t_joint);
    free(t_marg);
    free(perm);
    return st;
}

static const im_estimator_vt mine_vt = {
    .bound = IM_BOUND_LOWER,
    .unit = IM_UNIT_NATS,
    .create = mine_create,
    .destroy = mine_destroy,
    .objective = mine_objective,
    .params = mine_param_list,
    .estimate = mine_estimate,
};
static const im_plugin mine_plugin = { IM_ABI_VERSION, IM_ESTIMATOR, "mine",
                                       "MINE: Donsker-Varadhan lower bound, concat critic, EMA-corrected gradient",
                                       mine_params, &mine_vt };
const im_plugin *const infomin_plugins[] = { &mine_plugin, NULL };
