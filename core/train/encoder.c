/* encoder.c — encoder instances: the plugin named in a section, created
 * for the dataset's rows (image-aware when both sides are), and the
 * evaluation pass that turns a whole split into features. */
#include <stdio.h>
#include <string.h>
#include "infomin/encoder.h"
#include "infomin/plugin.h"

im_status im_encoder_new(im_ctx *ctx, const im_config *cfg, const char *section, int in_dim, im_shape shape,
                         im_rng *rng, im_encoder *out)
{
    memset(out, 0, sizeof *out);
    im_section sec;
    im_status st = im_config_section(ctx, cfg, ctx->registry, section, &sec);
    if (!st && sec.kind != IM_ENCODER)
        st = im_fail(ctx, IM_ECONFIG, "%s: [%s] is not an encoder section", cfg->path, section);
    if (st) return st;
    if (in_dim <= 0) return im_fail(ctx, IM_EINVAL, "encoder %s: input has %d columns", sec.plugin->name, in_dim);
    out->vt = sec.plugin->vtable;
    snprintf(out->name, sizeof out->name, "%s", sec.plugin->name);
    out->in_dim = in_dim;
    out->shape = shape;
    if (shape.c > 0 && out->vt->create_image)
        st = out->vt->create_image(ctx, &sec, shape, rng, &out->self, &out->out_dim);
    else
        st = out->vt->create(ctx, &sec, in_dim, rng, &out->self, &out->out_dim);
    if (st) {
        im_fail_prefix(ctx, "encoder %s", out->name);
        out->self = NULL;
    }
    return st;
}

void im_encoder_free(im_encoder *e)
{
    if (e->self) e->vt->destroy(e->self);
    e->self = NULL;
}

im_tensor *im_encoder_forward(im_tape *g, const im_encoder *e, im_tensor *x) { return e->vt->forward(e->self, g, x); }

im_tensor *im_encoder_forward_local(im_tape *g, const im_encoder *e, im_tensor *x, im_tensor **local,
                                    im_shape *local_shape)
{
    if (!e->vt->forward_local)
        return im_op_fail(g, "encoder %s has no feature map (Deep InfoMax's local term needs a convolutional encoder, "
                          "e.g. conv)", e->name);
    return e->vt->forward_local(e->self, g, x, local, local_shape);
}

im_tensor *im_encoder_forward_features(im_tape *g, const im_encoder *e, im_tensor *x, im_tensor **features,
                                       im_shape *shape)
{
    if (!e->vt->forward_features)
        return im_op_fail(g, "encoder %s exposes no feature map before its dense layers (use a convolutional encoder, "
                          "e.g. conv)", e->name);
    return e->vt->forward_features(e->self, g, x, features, shape);
}

void im_encoder_set_training(const im_encoder *e, int training)
{
    if (e->vt->set_training) e->vt->set_training(e->self, training);
}

im_params *im_encoder_params(const im_encoder *e) { return e->vt->params(e->self); }

im_status im_encoder_set_graph(im_ctx *ctx, const im_encoder *e, const im_csr *adjacency)
{
    if (!e->vt->set_graph)
        return im_fail(ctx, IM_EINVAL, "encoder %s does not read a graph (use gcn or gin)", e->name);
    return e->vt->set_graph(e->self, ctx, adjacency);
}

#define ENCODE_ROWS 500   /* rows per evaluation pass: bounds the arena */

im_status im_encoder_encode(im_ctx *ctx, const im_encoder *e, const im_mat *x, im_encode_what what, im_mat *out)
{
    memset(out, 0, sizeof *out);
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_encoder_set_training(e, 0);
    im_status st = IM_OK;
    /* a graph encoder's rows are the nodes of one graph: one pass takes them all */
    int block = e->vt->set_graph ? (x->rows > 0 ? x->rows : 1) : ENCODE_ROWS;
    for (int r0 = 0; r0 < x->rows && !st; r0 += block) {
        int n = x->rows - r0 < block ? x->rows - r0 : block;
        im_tape_reset(g);
        im_tensor *in = im_leaf(g, n, x->cols, im_mat_row(x, r0), 0), *map = NULL, *z;
        im_shape ms;
        if (what == IM_ENCODE_LOCAL)
            z = im_encoder_forward_local(g, e, in, &map, &ms);
        else if (what == IM_ENCODE_FEATURES)
            z = im_encoder_forward_features(g, e, in, &map, &ms);
        else
            z = map = im_encoder_forward(g, e, in);
        im_tensor *f = map;
        if (!z || !f) {
            st = ctx->status ? ctx->status : im_fail(ctx, IM_EPLUGIN, "encoder %s: no output", e->name);
            break;
        }
        if (r0 == 0) st = im_mat_alloc(ctx, out, x->rows, f->cols);
        if (!st) memcpy(im_mat_row(out, r0), f->val, sizeof(im_real) * (size_t)n * (size_t)f->cols);
    }
    im_encoder_set_training(e, 1);
    im_tape_free(g);
    if (st) im_mat_free(out);
    return st;
}
