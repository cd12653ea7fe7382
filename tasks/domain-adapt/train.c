/* train.c — the domain-adapt task's training: batches of source rows
 * (their labels) and, for infomin, as many target rows (no labels); the
 * classifier's cross-entropy on the source half, β·penalty(Z_c, domain)
 * on the whole batch, the penalty's critic steps or refits in between. */
#include <stdlib.h>
#include "domain_adapt.h"

/* One step's tensors: the batch's images, domains and source labels. */
typedef struct {
    im_mat xb, tb;
    int *yb;
} batch;

static void batch_free(batch *b)
{
    im_mat_free(&b->xb);
    im_mat_free(&b->tb);
    free(b->yb);
}

/* The loop's rows: l->batch source rows, then the target rows. */
static void fill_batch(batch *b, const im_loop *l, const im_dataset *ds, const da_domains *dom)
{
    for (int k = 0; k < b->xb.rows; k++) {
        int d = k >= l->batch, r = dom->rows[d][l->rows[k]];
        im_mat_copy_row(&b->xb, k, &ds->train.x, r);
        im_mat_row(&b->tb, k)[0] = (im_real)d;
        if (!d) b->yb[k] = (int)im_mat_row(&ds->train.y, r)[0];
    }
}

im_status da_train(im_task *t, const da_settings *s, const da_domains *dom, da_model *m, im_penalty *pen, double *spe)
{
    im_ctx *ctx = t->ctx;
    const im_dataset *ds = &t->ds;
    int mixed = s->method == DA_INFOMIN, half = mixed ? s->batch / 2 : s->batch;
    /* source-only draws no target row, but its target batcher is made all
     * the same: the generator moves as it did when the figures were made */
    im_loop l;
    batch b = { 0 };
    im_optim opt;
    im_status st = im_loop_begin(&l, t, &(im_loop_opts){ .name = "domain-adapt", .epochs = s->epochs,
                                                         .rows = dom->n[0], .batch = half,
                                                         .extra_rows = dom->n[1], .extra_batch = mixed ? s->batch - half : 0,
                                                         .warmup = s->pen.warmup, .hint = "lower lr or beta" });
    int rows = l.batch + l.extra_batch;
    if (!st) st = im_mat_alloc(ctx, &b.xb, rows, ds->train.x.cols);
    if (!st) st = im_mat_alloc(ctx, &b.tb, rows, 1);
    if (!st && !(b.yb = malloc(sizeof(int) * (size_t)rows))) st = im_fail(ctx, IM_ENOMEM, "domain-adapt: out of memory");
    if (!st) {
        im_adam_init(&opt, &m->all, s->lr);
        opt.workers = ctx->workers;
    }
    while (!st && im_loop_next(&l)) {
        im_tape *g = l.g;
        fill_batch(&b, &l, ds, dom);
        im_tensor *z = im_encoder_forward(g, &m->enc, im_input(g, &b.xb));
        if (!z) st = ctx->status;
        if (!st && pen) st = im_penalty_prepare(ctx, pen, l.step, &m->enc, &ds->train.x, &ds->train.t, z->val, &b.tb, t->rng);
        if (st) break;
        im_tensor *zs = l.batch < rows ? im_slice_rows(g, z, 0, l.batch) : z;
        im_tensor *ce = im_cross_entropy_logits(g, im_linear_layer_forward(g, &m->head, zs), b.yb);
        im_tensor *loss = pen ? im_add(g, ce, im_scale(g, im_penalty_value(g, pen, z, im_input(g, &b.tb)), s->beta * l.ramp))
                              : ce;
        st = im_loop_update(&l, loss, &opt);
        if (!st) im_loop_track(&l, im_item(ce));
    }
    st = im_loop_end(&l, st);
    *spe = l.seconds / s->epochs;
    batch_free(&b);
    return st;
}
