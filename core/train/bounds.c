/* bounds.c — the variational bounds, on the tape and on score arrays. */
#include <math.h>
#include "infomin/bounds.h"

static im_tensor *log_mean_exp(im_tape *g, im_tensor *t)
{
    if (!t) return NULL;
    return im_add_scalar(g, im_logsumexp(g, t, IM_ALL), -log((double)t->rows * t->cols));
}

im_tensor *im_bound_dv(im_tape *g, im_tensor *joint, im_tensor *marg)
{
    return im_sub(g, im_mean(g, joint, IM_ALL), log_mean_exp(g, marg));
}

im_tensor *im_bound_nwj(im_tape *g, im_tensor *joint, im_tensor *marg)
{
    /* E_q[e^{T−1}] computed as exp(logmeanexp(T) − 1): stable for large T */
    return im_sub(g, im_mean(g, joint, IM_ALL), im_exp(g, im_add_scalar(g, log_mean_exp(g, marg), -1.0)));
}

im_tensor *im_bound_js(im_tape *g, im_tensor *joint, im_tensor *marg)
{
    im_tensor *pos = im_neg(g, im_mean(g, im_softplus(g, im_neg(g, joint)), IM_ALL));
    return im_sub(g, pos, im_mean(g, im_softplus(g, marg), IM_ALL));
}

im_tensor *im_bound_smile(im_tape *g, im_tensor *joint, im_tensor *marg, double tau)
{
    return im_sub(g, im_mean(g, joint, IM_ALL), log_mean_exp(g, im_clamp(g, marg, -tau, tau)));
}

im_tensor *im_bound_infonce(im_tape *g, im_tensor *scores)
{
    if (!scores) return NULL;
    if (scores->rows != scores->cols)
        return im_op_fail(g, "im_bound_infonce: scores %dx%d are not square", scores->rows, scores->cols);
    im_tensor *per_row = im_sub(g, im_diag(g, scores), im_logsumexp(g, scores, IM_ROWWISE));
    return im_add_scalar(g, im_mean(g, per_row, IM_ALL), log((double)scores->rows));
}

/* g_f(v) (iarg[0] = 0) or f*(g_f(v)) (1) of every element, in double, with
 * the member in iarg[1] and α in farg[0]: one op for all ten members */
static double f_term(int which, im_fdiv d, double alpha, double v)
{
    return which ? im_fdiv_conjugate_of_activation(d, alpha, v) : im_fdiv_activation(d, alpha, v);
}

static void f_term_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *y = n->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    int which = n->iarg[0];
    im_fdiv d = (im_fdiv)n->iarg[1];
    for (long i = 0; i < (long)x->rows * x->cols; i++) {
        double v = x->val[i], slope = which ? im_fdiv_conjugate_of_activation_prime(d, n->farg[0], v)
                                            : im_fdiv_activation_prime(d, n->farg[0], v);
        dx[i] += (im_real)(y->grad[i] * slope);
    }
}

static im_tensor *f_term_op(im_tape *g, im_tensor *x, int which, im_fdiv d, double alpha)
{
    if (!x) return NULL;
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    if (!y) return NULL;
    for (long i = 0; i < (long)x->rows * x->cols; i++) y->val[i] = (im_real)f_term(which, d, alpha, x->val[i]);
    im_node *n = im_tape_record(g, which ? "fdiv_conjugate" : "fdiv_activation", y, f_term_backward, x, NULL, NULL);
    if (n) n->iarg[0] = which, n->iarg[1] = (int)d, n->farg[0] = alpha;
    return y;
}

im_tensor *im_fdiv_activate(im_tape *g, im_tensor *v, im_fdiv d, double alpha)
{
    if (!im_fdiv_get(d)) return im_op_fail(g, "im_fdiv_activate: no f-divergence %d", (int)d);
    return f_term_op(g, v, 0, d, alpha);
}

im_tensor *im_bound_f(im_tape *g, im_tensor *joint, im_tensor *marg, im_fdiv d, double alpha)
{
    if (!im_fdiv_get(d)) return im_op_fail(g, "im_bound_f: no f-divergence %d", (int)d);
    return im_sub(g, im_mean(g, f_term_op(g, joint, 0, d, alpha), IM_ALL),
                  im_mean(g, f_term_op(g, marg, 1, d, alpha), IM_ALL));
}

/* ---- on score arrays ---- */

static double mean_of(const double *v, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) s += v[i];
    return s / n;
}

/* log mean exp(clip(v)) with clip to [lo, hi] */
static double log_mean_exp_clipped(const double *v, long n, double lo, double hi)
{
    double top = -INFINITY, acc = 0;
    for (long i = 0; i < n; i++) {
        double c = v[i] < lo ? lo : (v[i] > hi ? hi : v[i]);
        top = c > top ? c : top;
    }
    for (long i = 0; i < n; i++) {
        double c = v[i] < lo ? lo : (v[i] > hi ? hi : v[i]);
        acc += exp(c - top);
    }
    return top + log(acc / n);
}

double im_value_dv(const double *joint, long n, const double *marg, long m)
{
    return mean_of(joint, n) - log_mean_exp_clipped(marg, m, -INFINITY, INFINITY);
}

double im_value_nwj(const double *joint, long n, const double *marg, long m)
{
    return mean_of(joint, n) - exp(log_mean_exp_clipped(marg, m, -INFINITY, INFINITY) - 1.0);
}

double im_value_smile(const double *joint, long n, const double *marg, long m, double tau)
{
    return mean_of(joint, n) - log_mean_exp_clipped(marg, m, -tau, tau);
}

static double softplus(double x) { return (x > 0 ? x : 0) + log1p(exp(-fabs(x))); }

double im_value_js(const double *joint, long n, const double *marg, long m)
{
    double pos = 0, neg = 0;
    for (long i = 0; i < n; i++) pos -= softplus(-joint[i]);
    for (long i = 0; i < m; i++) neg += softplus(marg[i]);
    return pos / n - neg / m;
}

double im_value_infonce(const double *scores, int b)
{
    double total = 0;
    for (int i = 0; i < b; i++) {
        const double *row = scores + (long)i * b;
        double top = row[0], acc = 0;
        for (int j = 1; j < b; j++) top = row[j] > top ? row[j] : top;
        for (int j = 0; j < b; j++) acc += exp(row[j] - top);
        total += row[i] - (top + log(acc));
    }
    return log((double)b) + total / b;
}

double im_value_f(const double *joint, long n, const double *marg, long m, im_fdiv d, double alpha)
{
    double p = 0, q = 0;
    for (long i = 0; i < n; i++) p += im_fdiv_activation(d, alpha, joint[i]);
    for (long i = 0; i < m; i++) q += im_fdiv_conjugate_of_activation(d, alpha, marg[i]);
    return p / n - q / m;
}
