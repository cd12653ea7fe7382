/* gin.c — encoder `gin`: a graph isomorphism network (Xu et al. 2019), as
 * InfoGraph uses it: K layers of sum aggregation and an MLP,
 *     h_v^(k) = MLP_k(h_v^(k−1) + Σ_{u ~ v} h_u^(k−1)),
 * each MLP two dense layers with ReLU, then batch normalisation (as
 * InfoGraph: sums over neighbours and over depth grow the scale layer by
 * layer, and unnormalised scores reached 10⁵ here); a node's representation is the
 * concatenation of its K layers (InfoGraph's "patch" representation), so
 * out = K · width. Sum aggregation keeps counts (degrees, multisets of
 * neighbours) that a mean would average away. The graph is the raw
 * adjacency set by set_graph (kept by pointer: a batch of graphs is one
 * block-diagonal matrix, swapped per step without allocation). */
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_LAYERS 8

static const im_param_spec gin_params[] = {
    { "layers", "int", "3", "K, the message-passing layers", "1..8" },
    { "width", "int", "32", "width of every layer (a node's representation: layers * width)", ">=1" },
    { "batch_norm", "bool", "true", "batch normalisation after every layer", NULL },
    IM_PARAMS_END
};

typedef struct {
    im_mlp mlp[MAX_LAYERS];
    im_batch_norm_layer bn[MAX_LAYERS];
    int layers, width, use_bn, training;
    im_params params;
    const im_csr *adjacency;
} gin;

static void gin_destroy(void *self)
{
    gin *e = self;
    for (int l = 0; l < MAX_LAYERS; l++) im_batch_norm_layer_free(&e->bn[l]);
    im_params_free(&e->params);
    free(e);
}

static im_status gin_create(im_ctx *ctx, const im_section *sec, int in_dim, im_rng *rng, void **self, int *out_dim)
{
    gin *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_status st = im_section_int(ctx, sec, "layers", &e->layers);
    if (!st) st = im_section_int(ctx, sec, "width", &e->width);
    if (!st) st = im_section_bool(ctx, sec, "batch_norm", &e->use_bn);
    e->training = 1;
    for (int l = 0; l < e->layers && !st; l++) {
        char name[32];
        snprintf(name, sizeof name, "gin.%d", l);
        st = im_mlp_init(ctx, &e->mlp[l], &e->params, name, l ? e->width : in_dim, &e->width, 1, e->width, IM_ACT_RELU,
                         IM_ACT_RELU, rng);
        snprintf(name, sizeof name, "gin.%d.bn", l);
        if (!st && e->use_bn) st = im_batch_norm_layer_init(ctx, &e->bn[l], &e->params, name, (im_shape){ e->width, 1, 1 });
    }
    if (st) {
        gin_destroy(e);
        return st;
    }
    *self = e;
    *out_dim = e->layers * e->width;
    return IM_OK;
}


static im_status gin_set_graph(void *self, im_ctx *ctx, const im_csr *adjacency)
{
    if (adjacency->rows != adjacency->cols)
        return im_fail(ctx, IM_EINVAL, "gin: the adjacency is %dx%d, not square", adjacency->rows, adjacency->cols);
    ((gin *)self)->adjacency = adjacency;
    return IM_OK;
}

static im_tensor *gin_forward(void *self, im_tape *g, im_tensor *x)
{
    gin *e = self;
    if (!e->adjacency) return im_op_fail(g, "gin: no graph: it encodes the nodes of graph data (datasets sbm, graph-collection, under tasks dgi, infograph); rows of features need an mlp or conv encoder");
    if (x && x->rows != e->adjacency->rows)
        return im_op_fail(g, "gin: %d rows, the graph has %d nodes (a pass takes every node)", x->rows,
                          e->adjacency->rows);
    im_tensor *h = x, *all = NULL;
    for (int l = 0; l < e->layers; l++) {
        h = im_mlp_forward(g, &e->mlp[l], im_add(g, h, im_spmm(g, e->adjacency, h)));
        if (e->use_bn) h = im_batch_norm_layer_forward(g, &e->bn[l], h, e->training);
        all = all ? im_concat_cols(g, all, h) : h;
    }
    return all;
}

static im_params *gin_param_list(void *self) { return &((gin *)self)->params; }
static void gin_set_training(void *self, int training) { ((gin *)self)->training = training; }

/* The state beyond the params: batch norm's running means and variances. */
static size_t gin_state_size(void *self)
{
    gin *e = self;
    return e->use_bn ? sizeof(im_real) * 2 * (size_t)e->width * e->layers : 0;
}

static void gin_state_save(void *self, void *buf)
{
    gin *e = self;
    for (int l = 0; e->use_bn && l < e->layers; l++)
        memcpy((im_real *)buf + (size_t)2 * e->width * l, e->bn[l].running, sizeof(im_real) * 2 * (size_t)e->width);
}

static void gin_state_load(void *self, const void *buf)
{
    gin *e = self;
    for (int l = 0; e->use_bn && l < e->layers; l++)
        memcpy(e->bn[l].running, (const im_real *)buf + (size_t)2 * e->width * l, sizeof(im_real) * 2 * (size_t)e->width);
}

static const im_encoder_vt gin_vt = { IM_VT_SIZE(im_encoder_vt), .create = gin_create, .destroy = gin_destroy,
                                      .forward = gin_forward, .params = gin_param_list, .state_size = gin_state_size,
                                      .state_save = gin_state_save, .state_load = gin_state_load,
                                      .set_training = gin_set_training, .set_graph = gin_set_graph };
static const im_plugin gin_plugin = IM_PLUGIN(IM_ENCODER, "gin",
                                              "graph isomorphism network (sum aggregation + MLP), layers concatenated, "
                                              "as InfoGraph", gin_params, &gin_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &gin_plugin, NULL };
