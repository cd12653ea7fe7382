/* encoder.h — the encoder interface: Z = f(X), differentiable, with its
 * parameters; infomin tasks train it against a penalty. */
#ifndef INFOMIN_ENCODER_H
#define INFOMIN_ENCODER_H

#include "cfg.h"
#include "tape.h"
#include "param.h"
#include "mat.h"
#include "rng.h"
#include "sparse.h"

/* Appended fields only (plugin.h); required: all four below. */
typedef struct im_encoder_vt {
    uint32_t size;   /* IM_VT_SIZE(im_encoder_vt) */
    /* in_dim: input width (images carry their shape in their own keys); the
     * encoder reads its output width from its own section into *out_dim. */
    im_status (*create)(im_ctx *ctx, const im_section *sec, int in_dim, im_rng *rng, void **self, int *out_dim);
    void (*destroy)(void *self);
    im_tensor *(*forward)(void *self, im_tape *g, im_tensor *x);
    im_params *(*params)(void *self);
    /* Appended in 0.3, optional. create_image: create for image rows of
     * the dataset's shape (NULL: create gets C·H·W as in_dim). */
    im_status (*create_image)(im_ctx *ctx, const im_section *sec, im_shape in, im_rng *rng, void **self,
                              int *out_dim);
    /* The code Z [n, out_dim] and an intermediate feature map: *local
     * [n, C·M·M] (NCHW rows) of shape *local_shape (Deep InfoMax scores
     * the code against every location of it). NULL: no feature map. */
    im_tensor *(*forward_local)(void *self, im_tape *g, im_tensor *x, im_tensor **local, im_shape *local_shape);
    /* Training (1) or evaluation (0) behaviour of batch norm and dropout.
     * Encoders start in training mode. NULL: no difference. */
    void (*set_training)(void *self, int training);
    /* The code and the encoder's last feature map before its dense layers
     * (a conv encoder's last convolution block), flattened into *features
     * of shape *shape: the "conv" features of Deep InfoMax's evaluation.
     * NULL: none. */
    im_tensor *(*forward_features)(void *self, im_tape *g, im_tensor *x, im_tensor **features, im_shape *shape);
    /* Appended in 0.4, optional: the state beyond the params as bytes, for
     * checkpoints (batch norm's running statistics, a dropout generator),
     * as the estimator's hooks. 0 bytes: the params are all of it. NULL:
     * the encoder cannot be checkpointed, and tasks say so before training. */
    size_t (*state_size)(void *self);
    void (*state_save)(void *self, void *buf);
    void (*state_load)(void *self, const void *buf);
    /* Appended in 0.5, optional: the graph whose nodes the rows of the next
     * forward passes are (an undirected adjacency, square and symmetric;
     * not owned, it must outlive those passes). The encoder derives what it
     * propagates with (GCN: D^-1/2 (A + I) D^-1/2). NULL: the encoder reads
     * rows independently, and graph tasks refuse it by name. */
    im_status (*set_graph)(void *self, im_ctx *ctx, const im_csr *adjacency);
} im_encoder_vt;

/* An encoder instance (core/train/encoder.c): the plugin named in a
 * section, created for vectors of in_dim or images of `shape` (c = 0:
 * vectors). */
typedef struct im_encoder {
    const im_encoder_vt *vt;
    void *self;
    char name[48];
    int in_dim, out_dim;
    im_shape shape;
} im_encoder;

IM_API im_status im_encoder_new(im_ctx *ctx, const im_config *cfg, const char *section, int in_dim, im_shape shape,
                                im_rng *rng, im_encoder *out);
IM_API void im_encoder_free(im_encoder *e);
IM_API im_tensor *im_encoder_forward(im_tape *g, const im_encoder *e, im_tensor *x);
/* Fails (sticky, on the graph) when the plugin has no feature map. */
IM_API im_tensor *im_encoder_forward_local(im_tape *g, const im_encoder *e, im_tensor *x, im_tensor **local,
                                           im_shape *local_shape);
/* Fails (sticky) when the plugin has no such features. */
IM_API im_tensor *im_encoder_forward_features(im_tape *g, const im_encoder *e, im_tensor *x, im_tensor **features,
                                              im_shape *shape);
IM_API void im_encoder_set_training(const im_encoder *e, int training);
/* The graph of the next passes' rows; fails naming an encoder without the
 * hook (not a graph encoder). */
IM_API im_status im_encoder_set_graph(im_ctx *ctx, const im_encoder *e, const im_csr *adjacency);
IM_API im_params *im_encoder_params(const im_encoder *e);
/* What im_encoder_encode returns for each row. */
typedef enum { IM_ENCODE_CODE, IM_ENCODE_LOCAL, IM_ENCODE_FEATURES } im_encode_what;
/* The code, the local map or the features (flattened) of every row of x,
 * in evaluation mode with the tape off, into out (allocated here); the
 * encoder is left in training mode. Blocks of rows, but for a graph
 * encoder (set_graph), whose rows are one graph's nodes: one pass. */
IM_API im_status im_encoder_encode(im_ctx *ctx, const im_encoder *e, const im_mat *x, im_encode_what what,
                                   im_mat *out);

#endif
