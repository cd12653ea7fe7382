/* graph.h — the tape's names before 0.6, kept for plugins written or built
 * against them: `im_graph` is `im_tape` (tape.h), and each im_graph_*
 * function is its im_tape_* twin (same arguments, same result; exported
 * under both names). New code uses tape.h: "graph" means graph data
 * (sparse.h, im_graph_set, an encoder's set_graph). */
#ifndef INFOMIN_GRAPH_H
#define INFOMIN_GRAPH_H

#include "tape.h"

typedef im_tape im_graph;

IM_API im_tape *im_graph_new(im_ctx *ctx);
IM_API void im_graph_free(im_tape *g);
IM_API void im_graph_reset(im_tape *g);
IM_API im_ctx *im_graph_ctx(im_tape *g);
IM_API size_t im_graph_capacity(const im_tape *g);
IM_API size_t im_graph_used(const im_tape *g);
IM_API void im_graph_set_grad(im_tape *g, int enabled);
IM_API void *im_graph_alloc(im_tape *g, size_t bytes);
IM_API im_node *im_graph_record(im_tape *g, const char *op, im_tensor *out, im_backward_fn backward, im_tensor *a,
                                im_tensor *b, im_tensor *c);

#endif
