/* tape.c — the tape: leaves, node recording, and the reverse sweep. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "arena.h"
#include "infomin/graph.h"
#include "infomin/param.h"

struct im_tape {
    im_ctx *ctx;
    im_arena arena;
    im_node *last;     /* most recent node; nodes link backwards */
    int failed;        /* an op failed since the last reset      */
    int no_grad;       /* evaluation mode: record no nodes       */
};

im_tape *im_tape_new(im_ctx *ctx)
{
    im_tape *g = calloc(1, sizeof *g);
    if (!g) {
        im_fail(ctx, IM_ENOMEM, "cannot allocate a tape");
        return NULL;
    }
    g->ctx = ctx;
    im_arena_init(&g->arena);
    return g;
}

void im_tape_free(im_tape *g)
{
    if (!g) return;
    im_arena_free(&g->arena);
    free(g);
}

void im_tape_reset(im_tape *g)
{
    im_arena_reset(&g->arena);
    g->last = NULL;
    g->failed = 0;
}

im_ctx *im_tape_ctx(im_tape *g) { return g->ctx; }
void im_tape_set_grad(im_tape *g, int enabled) { g->no_grad = !enabled; }
size_t im_tape_capacity(const im_tape *g) { return g->arena.capacity; }
size_t im_tape_used(const im_tape *g) { return im_arena_used(&g->arena); }

im_tensor *im_op_fail(im_tape *g, const char *fmt, ...)
{
    if (!g->failed) {   /* keep the first, most specific message */
        va_list ap;
        va_start(ap, fmt);
        im_vfail(g->ctx, IM_EINVAL, fmt, ap);
        va_end(ap);
    }
    g->failed = 1;
    return NULL;
}

void *im_tape_alloc(im_tape *g, size_t bytes)
{
    void *p = im_arena_alloc(&g->arena, bytes);
    if (!p) {
        if (!g->failed) im_fail(g->ctx, IM_ENOMEM, "graph arena: cannot allocate %zu bytes", bytes);
        g->failed = 1;
    }
    return p;
}

static im_tensor *tensor_header(im_tape *g, int rows, int cols)
{
    if (rows <= 0 || cols <= 0) return im_op_fail(g, "tensor shape %dx%d is empty", rows, cols);
    im_tensor *t = im_tape_alloc(g, sizeof *t);
    if (!t) return NULL;
    memset(t, 0, sizeof *t);
    t->rows = rows;
    t->cols = cols;
    return t;
}

im_tensor *im_tensor_new(im_tape *g, int rows, int cols)
{
    im_tensor *t = tensor_header(g, rows, cols);
    if (!t) return NULL;
    t->val = im_tape_alloc(g, sizeof(im_real) * (size_t)rows * (size_t)cols);
    return t->val ? t : NULL;
}

im_tensor *im_leaf(im_tape *g, int rows, int cols, im_real *data, int needs_grad)
{
    im_tensor *t = tensor_header(g, rows, cols);
    if (!t) return NULL;
    t->val = data;
    t->needs_grad = needs_grad;
    return t;
}

im_tensor *im_input(im_tape *g, const im_mat *m)
{
    return im_leaf(g, m->rows, m->cols, m->data, 0);
}

im_tensor *im_const(im_tape *g, int rows, int cols, im_real value)
{
    im_tensor *t = im_tensor_new(g, rows, cols);
    if (!t) return NULL;
    for (long i = 0; i < (long)rows * cols; i++) t->val[i] = value;
    return t;
}

im_tensor *im_param_tensor(im_tape *g, im_param *p)
{
    im_tensor *t = im_leaf(g, p->rows, p->cols, p->value, 1);
    if (t) t->grad = p->grad;   /* accumulates straight into the param */
    return t;
}

im_tensor *im_param_frozen(im_tape *g, im_param *p)
{
    return im_leaf(g, p->rows, p->cols, p->value, 0);
}

im_tensor *im_detach(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    return im_leaf(g, x->rows, x->cols, x->val, 0);
}

im_node *im_tape_record(im_tape *g, const char *op, im_tensor *out, im_backward_fn backward,
                         im_tensor *a, im_tensor *b, im_tensor *c)
{
    out->needs_grad = !g->no_grad && ((a && a->needs_grad) || (b && b->needs_grad) || (c && c->needs_grad));
    if (!out->needs_grad) return NULL;   /* nothing to differentiate: no node */
    im_node *n = im_tape_alloc(g, sizeof *n);
    if (!n) return NULL;
    memset(n, 0, sizeof *n);
    n->backward = backward;
    n->op = op;
    n->out = out;
    n->in[0] = a;
    n->in[1] = b;
    n->in[2] = c;
    n->prev = g->last;
    g->last = n;
    out->node = n;
    return n;
}

im_real *im_grad_of(im_tape *g, im_tensor *t)
{
    if (!t || !t->needs_grad) return NULL;
    if (!t->grad) {
        size_t bytes = sizeof(im_real) * (size_t)t->rows * (size_t)t->cols;
        t->grad = im_tape_alloc(g, bytes);
        if (t->grad) memset(t->grad, 0, bytes);
    }
    return t->grad;
}

im_real *im_grad_dest(im_tape *g, im_tensor *t, double *beta)
{
    *beta = 1.0;
    if (!t || !t->needs_grad) return NULL;
    if (!t->grad) {
        t->grad = im_tape_alloc(g, sizeof(im_real) * (size_t)t->rows * (size_t)t->cols);
        *beta = 0.0;
    }
    return t->grad;
}

im_status im_backward(im_tape *g, im_tensor *loss)
{
    if (g->failed || !loss) {
        if (!g->failed) return im_fail(g->ctx, IM_EINVAL, "im_backward: no loss tensor");
        return g->ctx->status;
    }
    if (loss->rows != 1 || loss->cols != 1)
        return im_fail(g->ctx, IM_EINVAL, "im_backward: loss must be 1x1, got %dx%d", loss->rows, loss->cols);
    if (!loss->needs_grad) return IM_OK;   /* constant loss: nothing to do */
    im_real *seed = im_grad_of(g, loss);
    if (!seed) return g->ctx->status;
    seed[0] += 1;
    for (im_node *n = g->last; n; n = n->prev) {
        if (n->out->grad) n->backward(g, n);
        if (g->failed) return g->ctx->status;
    }
    return IM_OK;
}

/* value from `value`, gradient to `grad_path` */
static void surrogate_backward(im_tape *g, im_node *n)
{
    im_tensor *path = n->in[0], *y = n->out;
    im_real *dp = im_grad_of(g, path);
    if (!dp) return;
    for (long i = 0; i < (long)y->rows * y->cols; i++) dp[i] += y->grad[i];
}

im_tensor *im_surrogate(im_tape *g, im_tensor *value, im_tensor *grad_path)
{
    if (!value || !grad_path) return NULL;
    if (value->rows != grad_path->rows || value->cols != grad_path->cols)
        return im_op_fail(g, "im_surrogate: value %dx%d and gradient path %dx%d differ", value->rows,
                          value->cols, grad_path->rows, grad_path->cols);
    im_tensor *y = im_tensor_new(g, value->rows, value->cols);
    if (!y) return NULL;
    memcpy(y->val, value->val, sizeof(im_real) * (size_t)value->rows * (size_t)value->cols);
    im_tape_record(g, "surrogate", y, surrogate_backward, grad_path, NULL, NULL);
    return y;
}

/* The names before 0.6 (graph.h): the same functions. */
im_tape *im_graph_new(im_ctx *ctx) { return im_tape_new(ctx); }
void im_graph_free(im_tape *g) { im_tape_free(g); }
void im_graph_reset(im_tape *g) { im_tape_reset(g); }
im_ctx *im_graph_ctx(im_tape *g) { return im_tape_ctx(g); }
size_t im_graph_capacity(const im_tape *g) { return im_tape_capacity(g); }
size_t im_graph_used(const im_tape *g) { return im_tape_used(g); }
void im_graph_set_grad(im_tape *g, int enabled) { im_tape_set_grad(g, enabled); }
void *im_graph_alloc(im_tape *g, size_t bytes) { return im_tape_alloc(g, bytes); }
im_node *im_graph_record(im_tape *g, const char *op, im_tensor *out, im_backward_fn backward, im_tensor *a,
                         im_tensor *b, im_tensor *c)
{
    return im_tape_record(g, op, out, backward, a, b, c);
}
