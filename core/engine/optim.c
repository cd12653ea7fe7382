/* optim.c — Adam/AdamW and SGD with momentum, global-norm clipping. */
#include <math.h>
#include <tgmath.h>
#include <string.h>
#include "blas.h"
#include "infomin/optim.h"

void im_adam_init(im_optim *opt, const im_params *params, double lr)
{
    memset(opt, 0, sizeof *opt);
    opt->kind = IM_OPT_ADAM;
    opt->params = params;
    opt->lr = lr;
    opt->beta1 = 0.9;
    opt->beta2 = 0.999;
    opt->eps = 1e-8;
}

void im_sgd_init(im_optim *opt, const im_params *params, double lr, double momentum)
{
    memset(opt, 0, sizeof *opt);
    opt->kind = IM_OPT_SGD;
    opt->params = params;
    opt->lr = lr;
    opt->momentum = momentum;
}

double im_grad_norm(const im_params *params)
{
    double sq = 0;
    for (int i = 0; i < params->count; i++) {
        const im_param *p = params->items[i];
        sq += im_dot(p->rows * p->cols, p->grad, p->grad);
    }
    return sqrt(sq);
}

/* Adam (Kingma & Ba) with bias-corrected moments; weight decay is decoupled
 * (Loshchilov & Hutter): it shrinks the weight, not the gradient. */
typedef struct {
    const im_optim *opt;
    im_param *p;
    im_real grad_scale, step, decay;
} update_job;

static void adam_range(void *arg, long lo, long hi)
{
    const update_job *j = arg;
    im_param *p = j->p;
    const im_real b1 = (im_real)j->opt->beta1, b2 = (im_real)j->opt->beta2, eps = (im_real)j->opt->eps;
    const im_real gs = j->grad_scale, step = j->step, decay = j->decay;
    im_real *restrict value = p->value, *restrict m = p->m, *restrict v = p->v;
    const im_real *restrict grad = p->grad;
    for (long k = lo; k < hi; k++) {
        im_real gk = gs * grad[k];
        m[k] = b1 * m[k] + (1 - b1) * gk;
        v[k] = b2 * v[k] + (1 - b2) * gk * gk;
        value[k] = decay * value[k] - step * m[k] / (sqrt(v[k]) + eps);
    }
}

static void sgd_range(void *arg, long lo, long hi)
{
    const update_job *j = arg;
    im_param *p = j->p;
    const im_real mom = (im_real)j->opt->momentum, lr = (im_real)j->opt->lr, wd = (im_real)j->opt->weight_decay;
    for (long k = lo; k < hi; k++) {
        im_real gk = j->grad_scale * p->grad[k] + wd * p->value[k];
        p->m[k] = mom * p->m[k] + gk;
        p->value[k] -= lr * p->m[k];
    }
}

double im_optim_step(im_optim *opt)
{
    double norm = im_grad_norm(opt->params);
    if (!isfinite(norm)) {   /* a NaN or infinite gradient is not applied: the caller sees the norm */
        im_params_zero_grad(opt->params);
        return norm;
    }
    double scale = 1.0;
    if (opt->clip_norm > 0 && norm > opt->clip_norm) scale = opt->clip_norm / norm;
    opt->t++;
    double b1 = opt->beta1, b2 = opt->beta2, t = (double)opt->t;
    update_job j = { opt, NULL, (im_real)scale, (im_real)(opt->lr * sqrt(1 - pow(b2, t)) / (1 - pow(b1, t))),
                     (im_real)(1 - opt->lr * opt->weight_decay) };
    for (int i = 0; i < opt->params->count; i++) {
        j.p = opt->params->items[i];
        im_workers_for(opt->workers, (long)j.p->rows * j.p->cols, 16384, opt->kind == IM_OPT_ADAM ? adam_range : sgd_range,
                    &j);
    }
    im_params_zero_grad(opt->params);
    return norm;
}

void im_optim_reset(im_optim *opt)
{
    for (int i = 0; i < opt->params->count; i++) {
        im_param *p = opt->params->items[i];
        size_t n = (size_t)p->rows * (size_t)p->cols;
        if (p->m) memset(p->m, 0, sizeof(im_real) * n);
        if (p->v) memset(p->v, 0, sizeof(im_real) * n);
    }
    opt->t = 0;
}
