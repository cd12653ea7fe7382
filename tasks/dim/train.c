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
#include <unistd.h>
#include "dim.h"

/* An embedding network of the critics: MLP(a) + W·a. */
typedef struct {
    im_mlp mlp;
    im_linear_layer skip;
} embed_net;

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
    im_graph *g;
    im_mat xb, vb;             /* images of the batch, prior samples */
    int *labels, *gather;
    im_batcher batcher;
    double sums[3];            /* per epoch: loss, local MI, global MI */
} trainer;

static void trainer_free(trainer *t)
{
    im_params_free(&t->critic_params);
    im_params_free(&t->prior_params);
    im_params_view_free(&t->all);
    im_graph_free(t->g);
    im_mat_free(&t->xb);
    im_mat_free(&t->vb);
    free(t->labels);
    free(t->gather);
    im_batcher_free(&t->batcher);
}

/* The shape of the encoder's feature map, from one evaluation pass. */
static im_status map_shape(im_ctx *ctx, trainer *t)
{
    im_graph *g = im_graph_new(ctx);
    if (!g) return ctx->status;
    im_graph_set_grad(g, 0);
    im_encoder_set_training(t->enc, 0);
    im_tensor *map = NULL;
    im_tensor *z = im_encoder_forward_local(g, t->enc, im_leaf(g, 1, t->ds->train.x.cols, t->ds->train.x.data, 0), &map,
                                            &t->map);
    im_encoder_set_training(t->enc, 1);
    im_status st = z && map ? IM_OK : ctx->status;
    im_graph_free(g);
    return st;
}

static im_status embed_init(im_ctx *ctx, trainer *t, embed_net *e, const char *name, int in, im_rng *rng)
{
    char skip[48];
    snprintf(skip, sizeof skip, "%s.skip", name);
    int hidden = t->s->critic_hidden;
    im_status st = im_mlp_init(ctx, &e->mlp, &t->critic_params, name, in, &hidden, 1, t->s->embed, IM_ACT_RELU,
                               IM_ACT_NONE, rng);
    if (!st) st = im_linear_layer_init(ctx, &e->skip, &t->critic_params, skip, in, t->s->embed, IM_ACT_NONE, rng);
    return st;
}

static im_tensor *embed_forward(im_graph *g, const embed_net *e, im_tensor *a)
{
    return im_add(g, im_mlp_forward(g, &e->mlp, a), im_linear_layer_forward(g, &e->skip, a));
}

static im_status trainer_init(im_ctx *ctx, trainer *t, im_rng *rng)
{
    const dim_settings *s = t->s;
    int dz = t->enc->out_dim, batch = s->batch;
    im_status st = IM_OK;
    if (s->method == METHOD_DIM) {
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
    if (!st && !(t->g = im_graph_new(ctx))) st = ctx->status;
    if (!st) st = im_batcher_init(ctx, &t->batcher, t->ds->train.x.rows, rng);
    if (st) return st;
    im_adam_init(&t->opt, &t->all, s->lr);
    t->opt.pool = ctx->pool;
    im_adam_init(&t->prior_opt, &t->prior_params, s->lr);
    t->prior_opt.pool = ctx->pool;
    return IM_OK;
}

static im_tensor *bound(im_graph *g, dim_bound b, im_tensor *scores)
{
    switch (b) {
    case BOUND_INFONCE: return im_bound_infonce(g, scores);
    case BOUND_DV: return im_bound_dv(g, im_diag(g, scores), im_offdiag(g, scores));
    default: return im_bound_js(g, im_diag(g, scores), im_offdiag(g, scores));
    }
}

/* S[j, i] = φ(a_j)·ψ(z_i)/√embed */
static im_tensor *scores(im_graph *g, const trainer *t, const embed_net *phi, const embed_net *psi, im_tensor *a,
                         im_tensor *z)
{
    im_tensor *fa = embed_forward(g, phi, a), *fz = embed_forward(g, psi, z);
    return im_scale(g, im_matmul(g, fa, fz, 0, 1), 1 / sqrt((double)t->s->embed));
}

/* mean over the M² locations l of bound(S_l), S_l[j, i] = φ(C_l(x_j))·ψ(z_i) */
static im_tensor *local_mi(im_graph *g, trainer *t, im_tensor *map, im_tensor *z)
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
static im_tensor *prior_loss(im_graph *g, trainer *t, im_tensor *z, im_rng *rng)
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

static im_status step(im_ctx *ctx, trainer *t, im_rng *rng)
{
    const dim_settings *s = t->s;
    im_graph *g = t->g;
    im_graph_reset(g);
    im_tensor *x = im_input(g, &t->xb), *map = NULL, *loss;
    double il = 0, ig = 0;
    if (s->method == METHOD_DIM) {
        im_shape shape;
        im_tensor *z = im_encoder_forward_local(g, t->enc, x, &map, &shape);
        loss = im_const(g, 1, 1, 0);
        if (s->beta > 0) {
            im_tensor *mi = local_mi(g, t, map, z);
            if (mi) il = im_item(mi);
            loss = im_sub(g, loss, im_scale(g, mi, s->beta));
        }
        if (s->alpha > 0) {
            im_tensor *mi = bound(g, s->bound, scores(g, t, &t->global_x, &t->global_z, map, z));
            if (mi) ig = im_item(mi);
            loss = im_sub(g, loss, im_scale(g, mi, s->alpha));
        }
        if (s->gamma > 0) loss = im_add(g, loss, prior_loss(g, t, z, rng));
    } else {
        im_tensor *z = im_encoder_forward(g, t->enc, x);
        loss = im_cross_entropy_logits(g, im_linear_layer_forward(g, &t->head, z), t->labels);
    }
    if (!loss) return ctx->status;
    im_status st = im_backward(g, loss);
    if (!st && !isfinite(im_item(loss)))
        return im_fail(ctx, IM_ENUMERIC, "dim: the loss is %g (lower lr)", im_item(loss));
    if (st) return st;
    im_optim_step(&t->opt);
    if (t->prior_params.count) im_optim_step(&t->prior_opt);
    t->sums[0] += im_item(loss);
    t->sums[1] += il;
    t->sums[2] += ig;
    return IM_OK;
}

/* ---- checkpoints: everything the remaining epochs read ----
 * the epoch, the generator, the batcher's permutation and place, the
 * encoder's, critics' (or head's) and prior discriminator's weights with
 * their Adam moments and step counts, the encoder's own state (batch norm's
 * running statistics), the seconds trained and the curve so far. */

#define CURVE_COLS 6

static im_status save_checkpoint(im_ctx *ctx, const trainer *t, const dim_checkpointing *c, int epoch,
                                 const im_rng *rng, double seconds, const im_curve *curve)
{
    im_checkpoint *ck = im_checkpoint_new(c->hash);
    const im_encoder *e = t->enc;
    size_t enc_n = e->vt->state_size(e->self);
    int rows = im_curve_rows(curve);
    double *points = malloc(sizeof(double) * CURVE_COLS * (size_t)(rows + 1));
    void *state = malloc(enc_n + 1);
    im_status st = ck && points && state ? IM_OK : im_fail(ctx, IM_ENOMEM, "dim: out of memory");
    for (int r = 0; !st && r < rows; r++)
        for (int c2 = 0; c2 < CURVE_COLS; c2++) points[r * CURVE_COLS + c2] = im_curve_get(curve, r, c2);
    if (!st) e->vt->state_save(e->self, state);
    if (!st) st = im_checkpoint_put(ctx, ck, "encoder.state", state, enc_n);
    if (!st) st = im_checkpoint_put(ctx, ck, "epoch", &epoch, sizeof epoch);
    if (!st) st = im_checkpoint_put(ctx, ck, "seconds", &seconds, sizeof seconds);
    if (!st) st = im_checkpoint_put(ctx, ck, "curve.rows", &rows, sizeof rows);
    if (!st) st = im_checkpoint_put(ctx, ck, "curve", points, sizeof(double) * CURVE_COLS * (size_t)rows);
    if (!st) st = im_checkpoint_put_rng(ctx, ck, "rng", rng);
    if (!st) st = im_checkpoint_put_batcher(ctx, ck, "batcher", &t->batcher);
    if (!st) st = im_checkpoint_put_params(ctx, ck, "model", &t->all);
    if (!st) st = im_checkpoint_put(ctx, ck, "model.adam_t", &t->opt.t, sizeof t->opt.t);
    if (!st) st = im_checkpoint_put_params(ctx, ck, "prior", &t->prior_params);
    if (!st) st = im_checkpoint_put(ctx, ck, "prior.adam_t", &t->prior_opt.t, sizeof t->prior_opt.t);
    if (!st) st = im_checkpoint_write(ctx, ck, c->path);
    free(points);
    free(state);
    im_checkpoint_free(ck);
    return st;
}

static im_status load_checkpoint(im_ctx *ctx, trainer *t, const dim_checkpointing *c, int *epoch, im_rng *rng,
                                 double *seconds, im_curve *curve)
{
    im_checkpoint *ck;
    im_status st = im_checkpoint_read(ctx, c->path, c->hash, &ck);
    if (st) return st;
    const im_encoder *e = t->enc;
    size_t enc_n = e->vt->state_size(e->self);
    void *state = malloc(enc_n + 1);
    double *points = NULL;
    int rows = 0;
    if (!state) st = im_fail(ctx, IM_ENOMEM, "dim: out of memory");
    if (!st) st = im_checkpoint_get(ctx, ck, "encoder.state", state, enc_n);
    if (!st) e->vt->state_load(e->self, state);
    if (!st) st = im_checkpoint_get(ctx, ck, "epoch", epoch, sizeof *epoch);
    if (!st && (*epoch < 1 || *epoch >= t->s->epochs))
        st = im_fail(ctx, IM_EIO, "checkpoint %s: epoch %d is outside 1..%d", c->path, *epoch, t->s->epochs - 1);
    if (!st) st = im_checkpoint_get(ctx, ck, "seconds", seconds, sizeof *seconds);
    if (!st) st = im_checkpoint_get(ctx, ck, "curve.rows", &rows, sizeof rows);
    if (!st && (rows < 0 || rows > t->s->epochs + 1))
        st = im_fail(ctx, IM_EIO, "checkpoint %s: a curve of %d rows for %d epochs", c->path, rows, t->s->epochs);
    if (!st && !(points = malloc(sizeof(double) * CURVE_COLS * (size_t)(rows + 1))))
        st = im_fail(ctx, IM_ENOMEM, "dim: out of memory");
    if (!st) st = im_checkpoint_get(ctx, ck, "curve", points, sizeof(double) * CURVE_COLS * (size_t)rows);
    if (!st) st = im_checkpoint_get_rng(ctx, ck, "rng", rng);
    if (!st) st = im_checkpoint_get_batcher(ctx, ck, "batcher", &t->batcher);
    if (!st) st = im_checkpoint_get_params(ctx, ck, "model", &t->all);
    if (!st) st = im_checkpoint_get(ctx, ck, "model.adam_t", &t->opt.t, sizeof t->opt.t);
    if (!st) st = im_checkpoint_get_params(ctx, ck, "prior", &t->prior_params);
    if (!st) st = im_checkpoint_get(ctx, ck, "prior.adam_t", &t->prior_opt.t, sizeof t->prior_opt.t);
    for (int r = 0; !st && r < rows; r++) im_curve_add(curve, points + r * CURVE_COLS);
    free(points);
    free(state);
    im_checkpoint_free(ck);
    return st;
}

im_status dim_train(im_ctx *ctx, const dim_settings *s, const im_dataset *ds, im_encoder *enc, im_rng *rng,
                    const dim_checkpointing *ck, im_record *rec, double *seconds_per_epoch)
{
    trainer t = { .s = s, .ds = ds, .enc = enc };
    im_status st = trainer_init(ctx, &t, rng);
    int n = ds->train.x.rows, batch = s->batch, steps = n / batch;   /* whole batches: batch norm needs >1 row */
    int every = s->checkpoint_every, first = 1;
    im_curve *curve = dim_curve(rec);
    double train_seconds = 0, acc[2];
    if (!st && every && !enc->vt->state_size)
        st = im_fail(ctx, IM_EINVAL, "dim: checkpoint_every: encoder '%s' cannot save its state (no state hooks); set "
                     "checkpoint_every = 0", enc->name);
    if (!st && every && ck->resume && access(ck->path, F_OK) == 0) {
        int epoch = 0;
        st = load_checkpoint(ctx, &t, ck, &epoch, rng, &train_seconds, curve);
        if (!st) fprintf(stderr, "dim: resumed from %s after epoch %d of %d\n", ck->path, epoch, s->epochs);
        first = epoch + 1;
    } else if (!st) {
        if (every && access(ck->path, F_OK) == 0)
            fprintf(stderr, "dim: starting over; %s holds an earlier run's checkpoint (infomin-run --resume continues "
                    "it)\n", ck->path);
        if (s->curve_rows > 0) st = dim_quick_probe(ctx, s, ds, enc, rng, acc);   /* epoch 0: the initial encoder */
        if (!st && s->curve_rows > 0) im_curve_add(curve, (double[]){ 0, NAN, NAN, NAN, acc[0], acc[1] });
    }
    char label[64], detail[96];
    snprintf(label, sizeof label, "%s", s->method_name);
    for (int epoch = first; epoch <= s->epochs && !st; epoch++) {
        double t0 = im_seconds();
        memset(t.sums, 0, sizeof t.sums);
        for (int k = 0; k < steps && !st; k++) {
            if (im_interrupted(ctx)) {
                st = im_fail(ctx, IM_EINTERRUPTED, "dim: interrupted in epoch %d", epoch);
                break;
            }
            for (int r = 0; r < batch; r++) {
                int row = im_batcher_next(&t.batcher, rng);
                im_mat_copy_row(&t.xb, r, &ds->train.x, row);
                t.labels[r] = (int)im_mat_row(&ds->train.y, row)[0];
            }
            st = step(ctx, &t, rng);
            if ((k + 1) % 10 == 0 || k + 1 == steps) {
                snprintf(detail, sizeof detail, "epoch %d/%d  loss %.4f", epoch, s->epochs, t.sums[0] / (k + 1));
                im_progress(ctx, label, (long)(epoch - 1) * steps + k + 1, (long)s->epochs * steps, detail);
            }
        }
        train_seconds += im_seconds() - t0;
        acc[0] = acc[1] = NAN;
        if (!st && s->curve_rows > 0) st = dim_quick_probe(ctx, s, ds, enc, rng, acc);
        if (!st)
            im_curve_add(curve, (double[]){ epoch, t.sums[0] / steps, s->method == METHOD_DIM && s->beta > 0 ? t.sums[1] / steps : NAN,
                                            s->method == METHOD_DIM && s->alpha > 0 ? t.sums[2] / steps : NAN, acc[0], acc[1] });
        if (!st && every && epoch % every == 0 && epoch < s->epochs)
            st = save_checkpoint(ctx, &t, ck, epoch, rng, train_seconds, curve);
    }
    im_progress_done(ctx);
    *seconds_per_epoch = train_seconds / s->epochs;
    if (!st && every) unlink(ck->path);   /* finished: nothing to continue */
    trainer_free(&t);
    return st;
}
