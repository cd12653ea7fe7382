/* param.h — trainable parameters: value, gradient and optimiser state live
 * for the life of a model, in one allocation per parameter. */
#ifndef INFOMIN_PARAM_H
#define INFOMIN_PARAM_H

#include "api.h"
#include "real.h"
#include "rng.h"
#include "status.h"

typedef struct im_param {
    char name[48];
    int rows, cols;
    im_real *value, *grad;    /* rows*cols each                     */
    im_real *m, *v;           /* optimiser moments (Adam), zeroed  */
} im_param;

/* A list of parameters; it owns them (im_params_free frees each). */
typedef struct im_params {
    im_param **items;
    int count, cap;
} im_params;

/* A zeroed rows x cols parameter appended to list. NULL on failure. */
IM_API im_param *im_params_add(im_ctx *ctx, im_params *list, const char *name, int rows, int cols);
IM_API void im_params_free(im_params *list);
/* A view: a list holding other lists' parameters without owning them (one
 * optimiser over an encoder and a head). Append more's parameters to it;
 * free it with im_params_view_free, never im_params_free. */
IM_API im_status im_params_view_append(im_ctx *ctx, im_params *view, const im_params *more);
IM_API void im_params_view_free(im_params *view);
IM_API long im_params_numel(const im_params *list);
IM_API void im_params_zero_grad(const im_params *list);
/* Copy all values into / out of a flat buffer of im_params_numel() values
 * (early stopping keeps the best weights this way). */
IM_API void im_params_save(const im_params *list, im_real *buf);
IM_API void im_params_load(const im_params *list, const im_real *buf);

/* Initialisers. fan_in = cols, fan_out = rows for a [out, in] weight. */
IM_API void im_init_uniform(im_param *p, im_rng *rng, double lo, double hi);
IM_API void im_init_xavier(im_param *p, im_rng *rng);     /* U(±sqrt(6/(fan_in+fan_out))) */
IM_API void im_init_he(im_param *p, im_rng *rng);         /* N(0, 2/fan_in)               */
IM_API void im_init_const(im_param *p, double value);

#endif
