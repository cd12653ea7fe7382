/* encoder.h — the encoder interface: Z = f(X), differentiable, with its
 * parameters; infomin tasks train it against a penalty. */
#ifndef INFOMIN_ENCODER_H
#define INFOMIN_ENCODER_H

#include "cfg.h"
#include "graph.h"
#include "param.h"
#include "rng.h"

/* Appended fields only (plugin.h); required: all four below. */
typedef struct im_encoder_vt {
    uint32_t size;   /* IM_VT_SIZE(im_encoder_vt) */
    /* in_dim: input width (images carry their shape in their own keys); the
     * encoder reads its output width from its own section into *out_dim. */
    im_status (*create)(im_ctx *ctx, const im_section *sec, int in_dim, im_rng *rng, void **self, int *out_dim);
    void (*destroy)(void *self);
    im_tensor *(*forward)(void *self, im_graph *g, im_tensor *x);
    im_params *(*params)(void *self);
} im_encoder_vt;

#endif
