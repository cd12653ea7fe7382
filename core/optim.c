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
static void adam_update(im_optim *opt, im_param *p, double grad_scale)
{
    double b1 = opt->beta1, b2 = opt->beta2;
    double step = opt->lr * sqrt(1 - pow(b2, (double)opt->t)) / (1 - pow(b1, (double)opt->t));
    double decay = 1 - opt->lr * opt->weight_decay;
    im_real fb1 = (im_real)b1, fb2 = (im_real)b2, gs = (im_real)grad_scale;
    im_real fstep = (im_real)step, feps = (im_real)opt->eps, fdecay = (im_real)decay;
    for (long k = 0; k < (long)p->rows * p->cols; k++) {
        im_real gk = gs * p->grad[k];
        p->m[k] = fb1 * p->m[k] + (1 - fb1) * gk;
        p->v[k] = fb2 * p->v[k] + (1 - fb2) * gk * gk;
        p->value[k] = fdecay * p->value[k] - fstep * p->m[k] / (sqrt(p->v[k]) + feps);
    }
}

static void sgd_update(im_optim *opt, im_param *p, double grad_scale)
{
    im_real mom = (im_real)opt->momentum, lr = (im_real)opt->lr, wd = (im_real)opt->weight_decay;
    for (long k = 0; k < (long)p->rows * p->cols; k++) {
        im_real gk = (im_real)grad_scale * p->grad[k] + wd * p->value[k];
        p->m[k] = mom * p->m[k] + gk;
        p->value[k] -= lr * p->m[k];
    }
}

double im_optim_step(im_optim *opt)
{
    double norm = im_grad_norm(opt->params);
    double scale = 1.0;
    if (opt->clip_norm > 0 && norm > opt->clip_norm) scale = opt->clip_norm / norm;
    opt->t++;
    for (int i = 0; i < opt->params->count; i++) {
        if (opt->kind == IM_OPT_ADAM)
            adam_update(opt, opt->params->items[i], scale);
        else
            sgd_update(opt, opt->params->items[i], scale);
    }
    im_params_zero_grad(opt->params);
    return norm;
}
