/* batch.c — whole graphs in batches: a batch is one graph with a block per
 * member (no edge between blocks), so a graph encoder runs on it as on one
 * graph, and sums over each block give the graph embeddings (P·H). */
#include <stdlib.h>
#include <string.h>
#include "infograph.h"

void ig_batch_free(ig_batch *b)
{
    im_mat_free(&b->x);
    im_mat_free(&b->own);
    im_csr_free(&b->adjacency);
    im_csr_free(&b->readout);
}

im_status ig_batch_make(im_ctx *ctx, const im_graph_set *gs, const int *graphs, int n, ig_batch *b)
{
    memset(b, 0, sizeof *b);
    b->n_graphs = n;
    long edges = 0;
    for (int i = 0; i < n; i++) {
        int g = graphs[i];
        b->n_nodes += gs->node_start[g + 1] - gs->node_start[g];
        edges += gs->adjacency.row_ptr[gs->node_start[g + 1]] - gs->adjacency.row_ptr[gs->node_start[g]];
    }
    int *rows = malloc(sizeof(int) * (size_t)(edges + b->n_nodes + 1));
    int *cols = malloc(sizeof(int) * (size_t)(edges + b->n_nodes + 1));
    im_status st = rows && cols ? IM_OK : im_fail(ctx, IM_ENOMEM, "infograph: out of memory");
    if (!st) st = im_mat_alloc(ctx, &b->x, b->n_nodes, gs->node_x.cols);
    if (!st) st = im_mat_alloc(ctx, &b->own, b->n_nodes, n);
    long k = 0;
    for (int i = 0, at = 0; i < n && !st; i++) {
        int g = graphs[i], first = gs->node_start[g];
        for (int v = first; v < gs->node_start[g + 1]; v++, at++) {
            im_mat_copy_row(&b->x, at, &gs->node_x, v);
            im_mat_row(&b->own, at)[i] = 1;
            for (long e = gs->adjacency.row_ptr[v]; e < gs->adjacency.row_ptr[v + 1]; e++)
                rows[k] = at, cols[k++] = at + gs->adjacency.col[e] - v;   /* the same shift for both ends */
        }
    }
    if (!st) st = im_csr_from_entries(ctx, b->n_nodes, b->n_nodes, rows, cols, NULL, k, &b->adjacency);
    for (int v = 0, i = 0; v < b->n_nodes && !st; v++) {   /* P[i, v] = 1 for v in graph i */
        while (!im_mat_row(&b->own, v)[i]) i++;
        rows[v] = i, cols[v] = v;
    }
    if (!st) st = im_csr_from_entries(ctx, n, b->n_nodes, rows, cols, NULL, b->n_nodes, &b->readout);
    free(rows);
    free(cols);
    if (st) ig_batch_free(b);
    return st;
}

#define EMBED_GRAPHS 256   /* graphs per evaluation pass */

im_status ig_embed(im_ctx *ctx, const im_graph_set *gs, const im_encoder *enc, const int *graphs, int n, im_mat *out)
{
    im_status st = im_mat_alloc(ctx, out, n, enc->out_dim);
    im_tape *g = st ? NULL : im_tape_new(ctx);
    if (!st && !g) st = ctx->status;
    im_encoder_set_training(enc, 0);   /* batch norm's running statistics */
    for (int i0 = 0; i0 < n && !st; i0 += EMBED_GRAPHS) {
        int m = n - i0 < EMBED_GRAPHS ? n - i0 : EMBED_GRAPHS;
        ig_batch b;
        st = ig_batch_make(ctx, gs, graphs + i0, m, &b);
        if (st) break;
        st = im_encoder_set_graph(ctx, enc, &b.adjacency);
        if (!st) {
            im_tape_reset(g);
            im_tape_set_grad(g, 0);
            im_tensor *sums = im_spmm(g, &b.readout, im_encoder_forward(g, enc, im_input(g, &b.x)));
            if (sums) memcpy(im_mat_row(out, i0), sums->val, sizeof(im_real) * (size_t)m * enc->out_dim);
            else st = ctx->status;
        }
        ig_batch_free(&b);
    }
    im_encoder_set_training(enc, 1);
    im_tape_free(g);
    return st;
}
