/* gcn.c — encoder `gcn`: a graph convolutional network (Kipf & Welling
 * 2017) over the nodes of the graph set by set_graph:
 *     H_{l+1} = act(Â H_l W_l + b_l),   Â = D^−½ (A + I) D^−½,
 * with PReLU (one learned slope per layer, 0.25 at the start) as Deep Graph
 * Infomax uses; a forward pass takes every node's features at once (the
 * rows are the graph's nodes, in its numbering). */
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_LAYERS 8

static const im_param_spec gcn_params[] = {
    { "hidden", "ints", "", "widths of the hidden graph convolutions (empty: one layer, DGI's encoder)", ">=1" },
    { "out", "int", "512", "width of a node's embedding", ">=1" },
    { "activation", "string", "prelu", "activation after every layer", "prelu|" IM_ACTIVATION_CHOICES },
    IM_PARAMS_END
};

typedef struct {
    im_linear_layer layers[MAX_LAYERS];
    im_param *slope[MAX_LAYERS];   /* PReLU */
    int n_layers, prelu;
    im_activation act;
    im_params params;
    im_csr norm;                   /* Â of the current graph */
    int has_graph;
} gcn;

static im_status gcn_create(im_ctx *ctx, const im_section *sec, int in_dim, im_rng *rng, void **self, int *out_dim)
{
    gcn *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    int widths[MAX_LAYERS], n_hidden = 0, out;
    const char *act;
    im_status st = im_section_has(sec, "hidden") ? im_section_ints(ctx, sec, "hidden", widths, MAX_LAYERS - 1, &n_hidden)
                                                 : IM_OK;
    if (!st) st = im_section_int(ctx, sec, "out", &out);
    if (!st) st = im_section_string(ctx, sec, "activation", &act);
    if (!st) {
        e->prelu = strcmp(act, "prelu") == 0;
        e->act = IM_ACT_NONE;
        if (!e->prelu) st = im_activation_parse(ctx, act, &e->act);
    }
    widths[n_hidden] = out;
    e->n_layers = n_hidden + 1;
    for (int l = 0, in = in_dim; l < e->n_layers && !st; in = widths[l++]) {
        char name[32];
        snprintf(name, sizeof name, "gcn.%d", l);
        st = im_linear_layer_init(ctx, &e->layers[l], &e->params, name, in, widths[l], e->prelu ? IM_ACT_LEAKY_RELU : e->act,
                                  rng);
        if (!st && e->prelu) {
            snprintf(name, sizeof name, "gcn.%d.prelu", l);
            if (!(e->slope[l] = im_params_add(ctx, &e->params, name, 1, 1))) st = ctx->status;
            else im_init_const(e->slope[l], 0.25);
        }
    }
    if (st) {
        im_params_free(&e->params);
        free(e);
        return st;
    }
    *self = e;
    *out_dim = out;
    return IM_OK;
}

static void gcn_destroy(void *self)
{
    gcn *e = self;
    im_params_free(&e->params);
    im_csr_free(&e->norm);
    free(e);
}

static im_status gcn_set_graph(void *self, im_ctx *ctx, const im_csr *adjacency)
{
    gcn *e = self;
    im_csr_free(&e->norm);
    e->has_graph = 0;
    im_status st = im_csr_gcn_norm(ctx, adjacency, &e->norm);
    if (!st) e->has_graph = 1;
    return st;
}

/* PReLU: relu(x) + a·min(x, 0) */
static im_tensor *prelu(im_tape *g, im_tensor *x, im_param *slope)
{
    im_tensor *pos = im_relu(g, x);
    return im_add(g, pos, im_mul(g, im_sub(g, x, pos), im_param_tensor(g, slope)));
}

static im_tensor *gcn_forward(void *self, im_tape *g, im_tensor *x)
{
    gcn *e = self;
    if (!e->has_graph) return im_op_fail(g, "gcn: no graph: it encodes the nodes of graph data (datasets sbm, graph-collection, under tasks dgi, infograph); rows of features need an mlp or conv encoder");
    if (x && x->rows != e->norm.rows)
        return im_op_fail(g, "gcn: %d rows, the graph has %d nodes (a pass takes every node)", x->rows, e->norm.rows);
    im_tensor *h = x;
    for (int l = 0; l < e->n_layers; l++) {
        const im_linear_layer *layer = &e->layers[l];
        /* Â (H W) + b: the product with W first, on the narrower side */
        h = im_bias_add(g, im_spmm(g, &e->norm, im_matmul(g, h, im_layer_weight(g, layer, 0), 0, 1)),
                        im_layer_bias(g, layer, 0));
        h = e->prelu ? prelu(g, h, e->slope[l]) : im_activate(g, h, e->act);
    }
    return h;
}

static im_params *gcn_param_list(void *self) { return &((gcn *)self)->params; }
static size_t gcn_state_size(void *self) { return 0; }
static void gcn_state_save(void *self, void *buf) {}
static void gcn_state_load(void *self, const void *buf) {}

static const im_encoder_vt gcn_vt = { IM_VT_SIZE(im_encoder_vt), .create = gcn_create, .destroy = gcn_destroy,
                                      .forward = gcn_forward, .params = gcn_param_list, .state_size = gcn_state_size,
                                      .state_save = gcn_state_save, .state_load = gcn_state_load,
                                      .set_graph = gcn_set_graph };
static const im_plugin gcn_plugin = IM_PLUGIN(IM_ENCODER, "gcn",
                                              "graph convolutional network over a graph's nodes (PReLU, as DGI)",
                                              gcn_params, &gcn_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &gcn_plugin, NULL };
