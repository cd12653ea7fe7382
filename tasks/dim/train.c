/* train.c — training the encoder: Deep InfoMax (Hjelm et al., ICLR 2019) or
 * the supervised baseline (the same encoder with a linear head on the code).
 *
 * Deep InfoMax maximises, for the code Z = E(x) and the encoder's M×M
 * feature map C(x):
 *   α · I(C(x); Z)                  global MI: the whole map against the code
 *   β · mean_l I(C_l(x); Z)         local MI: every location l against the code
 * and matches the code's distribution to a prior with weight γ (an
 * adversarial discriminator, §3.3). Each MI is a bound of the project's
 * (bounds.h: JSD, InfoNCE or DV, the one MINE uses) on a B×B score matrix
 * S[j, i] = φ(features of image j)·ψ(code of image i)/√embed: the diagonal
 * pairs an image with its own code, the rest are negatives from the other
 * images of the batch. φ on locations is a 1×1 convolution (a dense layer on
 * channels-last rows), as in the paper, and every embedding network is an
 * MLP plus a linear shortcut, as the paper's MI networks are (the shortcut
 * gives the encoder a useful gradient from the first step); the global
 * critic is separable too (the paper concatenates), which scores all B²
 * pairs in one product. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "dim.h"

/* An embedding network of the critics: MLP(a) + W·a. */
typedef struct {
    im_mlp mlp;
    im_linear_layer skip;
} embed_net;

/* What Deep InfoMax trains beside the encoder: the critics' embedding
 * networks, the prior's discriminator (or the supervised baseline's head),
 * their optimisers and the batch's buffers. */
typedef struct {
    const dim_settings *s;
    const im_dataset *ds;
    im_encoder *enc;
    im_shape map;              /* the feature map's shape */
    embed_net local_x, local_z, global_x, global_z;
    im_mlp prior;
    im_linear_layer head;
    im_params critic_params, prior_params, all;
    im_optim opt, prior_opt;
    im_mat xb, vb;             /* images of the batch, prior samples */
    int *labels, *gather;
    double sums[3];            /* per epoch: loss, local MI, global MI */
} dim_nets;

static void nets_free(dim_nets *t)
{
    im_params_free(&t->critic_params);
    im_params_free(&t->prior_params);
    im_params_view_free(&t->all);
    im_mat_free(&t->xb);
    im_mat_free(&t->vb);
    free(t->labels);
    free(t->gather);
}

/* The shape of the encoder's feature map, from one evaluation pass. */
static im_status map_shape(im_ctx *ctx, dim_nets *t)
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_encoder_set_training(t->enc, 0);
    im_tensor *map = NULL;
    im_tensor *z = im_encoder_forward_local(g, t->enc, im_leaf(g, 1, t->ds->train.x.cols, t->ds->train.x.data, 0), &map,
                                            &t->map);
    im_encoder_set_training(t->enc, 1);
    im_status st = z && map ? IM_OK : ctx->status;
    im_tape_free(g);
    return st;
}

static im_status embed_init(im_ctx *ctx, dim_nets *t, embed_net *e, const char *name, int in, im_rng *rng)
{
    char skip[48];
    snprintf(skip, sizeof skip, "%s.skip", name);
    int hidden = t->s->critic_hidden;
    im_status st = im_mlp_init(ctx, &e->mlp, &t->critic_params, name, in, &hidden, 1, t->s->embed, IM_ACT_RELU,
                               IM_ACT_NONE, rng);
    if (!st) st = im_linear_layer_init(ctx, &e->skip, &t->critic_params, skip, in, t->s->embed, IM_ACT_NONE, rng);
    return st;
}

static im_tensor *embed_forward(im_tape *g, const embed_net *e, im_tensor *a)
{
    return im_add(g, im_mlp_forward(g, &e->mlp, a), im_linear_layer_forward(g, &e->skip, a));
}

static im_status nets_init(im_ctx *ctx, dim_nets *t, int batch, im_rng *rng)
{
    const dim_settings *s = t->s;
    int dz = t->enc->out_dim;
    im_status st = IM_OK;
    if (s->infomax) {
        st = map_shape(ctx, t);
        int mm = t->map.h * t->map.w;
        if (!st && s->beta > 0) {
            st = embed_init(ctx, t, &t->local_x, "local_x", t->map.c, rng);
            if (!st) st = embed_init(ctx, t, &t->local_z, "local_z", dz, rng);
            if (!st && !(t->gather = malloc(sizeof(int) * (size_t)batch)))
                st = im_fail(ctx, IM_ENOMEM, "dim: out of memory");
        }
        if (!st && s->alpha > 0) {
            st = embed_init(ctx, t, &t->global_x, "global_x", t->map.c * mm, rng);
            if (!st) st = embed_init(ctx, t, &t->global_z, "global_z", dz, rng);
        }
        if (!st && s->gamma > 0) {
            int prior_hidden[2] = { 256, 128 };
            st = im_mlp_init(ctx, &t->prior, &t->prior_params, "prior", dz, prior_hidden, 2, 1, IM_ACT_RELU,
                             IM_ACT_NONE, rng);
            if (!st) st = im_mat_alloc(ctx, &t->vb, batch, dz);
        }
    } else
        st = im_linear_layer_init(ctx, &t->head, &t->critic_params, "head", dz, t->ds->y_classes, IM_ACT_NONE, rng);
    if (!st) st = im_params_view_append(ctx, &t->all, im_encoder_params(t->enc));
    if (!st) st = im_params_view_append(ctx, &t->all, &t->critic_params);
    if (!st) st = im_mat_alloc(ctx, &t->xb, batch, t->ds->train.x.cols);
    if (!st && !(t->labels = malloc(sizeof(int) * (size_t)batch))) st = im_fail(ctx, IM_ENOMEM, "dim: out of memory");
    if (st) return st;
    im_adam_init(&t->opt, &t->all, s->lr);
    t->opt.workers = ctx->workers;
    im_adam_init(&t->prior_opt, &t->prior_params, s->lr);
    t->prior_opt.workers = ctx->workers;
    return IM_OK;
}

static im_tensor *bound(im_tape *g, dim_bound b, im_tensor *scores)
{
    switch (b) {
    case BOUND_INFONCE: return im_bound_infonce(g, scores);
    case BOUND_DV: return im_bound_dv(g, im_diag(g, scores), im_offdiag(g, scores));
    default: return im_bound_js(g, im_diag(g, scores), im_offdiag(g, scores));
    }
}

/* S[j, i] = φ(a_j)·ψ(z_i)/√embed */
static im_tensor *scores(im_tape *g, const dim_nets *t, const embed_net *phi, const embed_net *psi, im_tensor *a,
                         im_tensor *z)
{
    im_tensor *fa = embed_forward(g, phi, a), *fz = embed_forward(g, psi, z);
    return im_scale(g, im_matmul(g, fa, fz, 0, 1), 1 / sqrt((double)t->s->embed));
}

/* mean over the M² locations l of bound(S_l), S_l[j, i] = φ(C_l(x_j))·ψ(z_i) */
static im_tensor *local_mi(im_tape *g, dim_nets *t, im_tensor *map, im_tensor *z)
{
    int mm = t->map.h * t->map.w, b = z->rows;
    im_tensor *all = scores(g, t, &t->local_x, &t->local_z, im_channels_last(g, map, t->map), z);   /* [B·M², B] */
    im_tensor *sum = NULL;
    for (int l = 0; l < mm && all; l++) {
        for (int j = 0; j < b; j++) t->gather[j] = j * mm + l;
        im_tensor *term = bound(g, t->s->bound, im_gather_rows(g, all, t->gather, b));
        sum = sum ? im_add(g, sum, term) : term;
    }
    return im_scale(g, sum, 1.0 / mm);
}

/* Prior matching: the discriminator learns prior samples from codes
 * (its loss reaches only its own weights: the code is detached); the
 * encoder learns to fool it (non-saturating loss, discriminator frozen). */
static im_tensor *prior_loss(im_tape *g, dim_nets *t, im_tensor *z, im_rng *rng)
{
    int b = z->rows;
    for (long i = 0; i < (long)b * t->vb.cols; i++)
        t->vb.data[i] = (im_real)(t->s->gaussian_prior ? im_rng_normal(rng) : im_rng_uniform(rng));
    im_tensor *code = t->s->gaussian_prior ? z : im_sigmoid(g, z);
    im_tensor *ones = im_const(g, b, 1, 1), *zeros = im_const(g, b, 1, 0);
    im_tensor *d_loss = im_add(g, im_bce_logits(g, im_mlp_forward(g, &t->prior, im_input(g, &t->vb)), ones),
                               im_bce_logits(g, im_mlp_forward(g, &t->prior, im_detach(g, code)), zeros));
    im_tensor *e_loss = im_bce_logits(g, im_mlp_forward_ex(g, &t->prior, code, 0, 1), ones);
    return im_add(g, d_loss, im_scale(g, e_loss, t->s->gamma));
}

/* The step's loss on g: Deep InfoMax's, or the baseline's cross-entropy. */
static im_tensor *step_loss(im_tape *g, dim_nets *t, im_rng *rng, double *il, double *ig)
{
    const dim_settings *s = t->s;
    im_tensor *x = im_input(g, &t->xb), *map = NULL, *loss;
    *il = *ig = 0;
    if (!s->infomax) {
        im_tensor *z = im_encoder_forward(g, t->enc, x);
        return im_cross_entropy_logits(g, im_linear_layer_forward(g, &t->head, z), t->labels);
    }
    im_shape shape;
    im_tensor *z = im_encoder_forward_local(g, t->enc, x, &map, &shape);
    loss = im_const(g, 1, 1, 0);
    if (s->beta > 0) {
        im_tensor *mi = local_mi(g, t, map, z);
        if (mi) *il = im_item(mi);
        loss = im_sub(g, loss, im_scale(g, mi, s->beta));
    }
    if (s->alpha > 0) {
        im_tensor *mi = bound(g, s->bound, scores(g, t, &t->global_x, &t->global_z, map, z));
        if (mi) *ig = im_item(mi);
        loss = im_sub(g, loss, im_scale(g, mi, s->alpha));
    }
    if (s->gamma > 0) loss = im_add(g, loss, prior_loss(g, t, z, rng));
    return loss;
}

im_status dim_train(im_task *task, const dim_settings *s, im_encoder *enc, double *seconds_per_epoch)
{
    im_ctx *ctx = task->ctx;
    im_rng *rng = task->rng;
    const im_dataset *ds = &task->ds;
    dim_nets t = { .s = s, .ds = ds, .enc = enc };
    im_loop l = { 0 };
    /* whole batches: batch norm needs more than one row */
    im_status st = nets_init(ctx, &t, s->batch, rng);
    if (!st) st = im_loop_begin(&l, task, &(im_loop_opts){ .name = "dim", .epochs = s->epochs, .rows = ds->train.x.rows,
                                                            .batch = s->batch, .whole_batches = 1,
                                                            .checkpoint_every = s->checkpoint_every });
    im_curve *curve = dim_curve(task->rec);
    double probe_seconds = 0, acc[2];   /* the per-epoch probes' time is not training time */
    /* a checkpoint: the encoder's, critics' (or head's) and prior
     * discriminator's weights with their Adam moments, the encoder's own
     * state (batch norm's running statistics), the curve so far */
    if (!st) st = im_loop_keep_params(&l, "model", &t.all, &t.opt);
    if (!st) st = im_loop_keep_params(&l, "prior", &t.prior_params, &t.prior_opt);
    if (!st) st = im_loop_keep_encoder(&l, "encoder", enc);
    if (!st) st = im_loop_keep_curve(&l, "curve", curve);
    if (!st) st = im_loop_keep_bytes(&l, "probe_seconds", &probe_seconds, sizeof probe_seconds);
    if (!st) st = im_loop_resume(&l);
    if (!st && !l.resumed && s->curve_rows > 0) {   /* epoch 0: the initial encoder */
        double p0 = im_seconds();
        st = dim_quick_probe(ctx, s, ds, enc, rng, acc);
        probe_seconds += im_seconds() - p0;
        if (!st) im_curve_add(curve, (double[]){ 0, NAN, NAN, NAN, acc[0], acc[1] });
    }
    while (!st && im_loop_next(&l)) {
        if (im_loop_epoch_start(&l)) memset(t.sums, 0, sizeof t.sums);
        for (int r = 0; r < l.batch; r++) {
            im_mat_copy_row(&t.xb, r, &ds->train.x, l.rows[r]);
            t.labels[r] = (int)im_mat_row(&ds->train.y, l.rows[r])[0];
        }
        double il, ig;
        im_tensor *loss = step_loss(l.g, &t, rng, &il, &ig);
        st = im_loop_update(&l, loss, &t.opt);
        if (st) break;
        if (t.prior_params.count) im_optim_step(&t.prior_opt);
        t.sums[0] += im_item(loss);
        t.sums[1] += il;
        t.sums[2] += ig;
        im_loop_track(&l, im_item(loss));
        if (!im_loop_epoch_done(&l)) continue;
        double p0 = im_seconds(), n = (double)l.per_epoch;
        acc[0] = acc[1] = NAN;
        if (s->curve_rows > 0) st = dim_quick_probe(ctx, s, ds, enc, rng, acc);
        probe_seconds += im_seconds() - p0;
        if (!st)
            im_curve_add(curve, (double[]){ l.epoch, t.sums[0] / n, s->infomax && s->beta > 0 ? t.sums[1] / n : NAN,
                                            s->infomax && s->alpha > 0 ? t.sums[2] / n : NAN, acc[0], acc[1] });
    }
    st = im_loop_end(&l, st);
    *seconds_per_epoch = (l.seconds - probe_seconds) / s->epochs;
    nets_free(&t);
    return st;
}
