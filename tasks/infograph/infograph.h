/* infograph.h — the task `infograph`, shared by its files: infograph.c
 * (keys, one run, the probe), batch.c (batches of whole graphs as one
 * block-diagonal graph), train.c (InfoGraph's objective), summary.c. */
#ifndef INFOGRAPH_H
#define INFOGRAPH_H

#include "infomin/infomin.h"

typedef enum { IG_TRAINED, IG_RANDOM, IG_DEGREE } ig_method;   /* the method key's choices */

typedef struct {
    int method;                /* ig_method */
    const char *method_name;   /* derived: its text */
    int epochs, batch, proj, probe_epochs;
    double lr, probe_lr;
} ig_settings;

/* Some graphs of a collection as one block-diagonal graph: their nodes'
 * features, the adjacency (renumbered), the readout P that sums each
 * graph's nodes (graphs x nodes, ones) and the mask of each node's own
 * graph (nodes x graphs). */
typedef struct {
    int n_graphs, n_nodes;
    im_mat x, own;
    im_csr adjacency, readout;
} ig_batch;

im_status ig_batch_make(im_ctx *ctx, const im_graph_set *gs, const int *graphs, int n, ig_batch *b);
void ig_batch_free(ig_batch *b);
/* The graph embeddings (sum over each graph's nodes of the encoder's node
 * representation) of graphs[0..n) into out (n x enc.out_dim, allocated). */
im_status ig_embed(im_ctx *ctx, const im_graph_set *gs, const im_encoder *enc, const int *graphs, int n, im_mat *out);
/* InfoGraph on the graphs of the training split (train.c). */
im_status ig_train(im_task *t, const ig_settings *s, im_encoder *enc);
im_status ig_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
