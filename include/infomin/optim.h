/* optim.h — Adam (decoupled weight decay, as AdamW) and SGD with momentum,
 * with optional clipping of the global gradient norm. */
#ifndef INFOMIN_OPTIM_H
#define INFOMIN_OPTIM_H

#include "api.h"
#include "param.h"
#include "workers.h"

typedef enum { IM_OPT_ADAM, IM_OPT_SGD } im_optim_kind;

typedef struct im_optim {
    im_optim_kind kind;
    const im_params *params;   /* not owned */
    double lr;
    double beta1, beta2, eps;  /* Adam                                  */
    double momentum;           /* SGD (uses param->m as velocity)       */
    double weight_decay;       /* Adam: decoupled; SGD: L2 on the grad  */
    double clip_norm;          /* > 0: rescale grads to this global norm */
    long t;                    /* steps taken                           */
    union {   /* split large updates (NULL: one thread) */
        im_workers *workers;
        im_workers *pool;   /* its name before 0.6 (pool.h) */
    };
} im_optim;

IM_API void im_adam_init(im_optim *opt, const im_params *params, double lr);
IM_API void im_sgd_init(im_optim *opt, const im_params *params, double lr, double momentum);
/* Apply one update from the accumulated gradients, then zero them.
 * Returns the global gradient norm before clipping; a NaN or infinite
 * gradient is not applied (the norm says so). */
IM_API double im_optim_step(im_optim *opt);
/* Forget the moments (Adam's m and v, SGD's velocity) and the step count:
 * a fresh start from the current weights. */
IM_API void im_optim_reset(im_optim *opt);
IM_API double im_grad_norm(const im_params *params);

#endif
