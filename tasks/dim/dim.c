/* dim.c — task `dim`: Deep InfoMax (Hjelm et al., ICLR 2019) on an image
 * dataset, and the baselines it is judged against, each evaluated by
 * probes on frozen features.
 *
 *   method = dim-l       local MI only (α 0, β 1, γ 0.1: the paper's DIM(L))
 *            dim-g       global MI only (α 1, β 0, γ 1: the paper's DIM(G))
 *            dim         α, β, γ from the keys
 *            supervised  the same encoder trained with a linear head (cross-entropy)
 *            random      the same encoder, untrained
 *            raw         no encoder: the pixels themselves
 * After training, two feature sets are probed, as in the paper's "Y" and
 * "conv" columns: the code Z and conv features — by default the local
 * feature map DIM(L) scores, or (probe_features = last) the encoder's last
 * convolution block; for `raw`, the pixels. Each by a linear classifier
 * and by an MLP with one hidden layer, trained on `probe_rows` training
 * images and scored on the whole test split. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dim.h"

static const im_field dim_fields[] = {
    IM_CHOICE(dim_settings, method, "dim-l", "what trains the encoder (dim-l, dim-g: the paper's weights; dim: "
              "alpha/beta/gamma)", "dim-l|dim-g|dim|supervised|random|raw"),
    IM_FIELD_AS(dim_settings, bound, "estimator", "string", int, "jsd", "MI bound of the global and local terms "
                "(mine: the Donsker-Varadhan bound)", "jsd|infonce|mine"),
    IM_FLOAT(dim_settings, alpha, "0", "method = dim: weight of the global MI", ">=0"),
    IM_FLOAT(dim_settings, beta, "1", "method = dim: weight of the local MI", ">=0"),
    IM_FLOAT(dim_settings, gamma, "0.1", "method = dim: weight of prior matching", ">=0"),
    IM_FIELD_AS(dim_settings, gaussian_prior, "prior", "string", int, "uniform", "prior of the code (uniform: of "
                "sigmoid(Z) on [0,1]^d)", "uniform|gaussian"),
    IM_INT(dim_settings, epochs, "5", "passes over the training split", ">=1"),
    IM_INT(dim_settings, batch, "64", "images per step (the B-1 others are each image's negatives)", ">=2"),
    IM_FLOAT(dim_settings, lr, "1e-3", "Adam learning rate of encoder and critics", ">0"),
    IM_INT(dim_settings, critic_hidden, "256", "hidden width of the MI critics (one layer)", ">=1"),
    IM_INT(dim_settings, embed, "128", "width of the critics' embeddings, whose dot product is the score", ">=1"),
    IM_INT(dim_settings, probe_rows, "10000", "training images the final probes learn from (0: all)", ">=0"),
    IM_INT(dim_settings, probe_epochs, "20", "passes of each probe over its rows (at least 500 steps of 256 rows)",
           ">=1"),
    IM_INT(dim_settings, probe_hidden, "200", "hidden width of the MLP probe", ">=1"),
    IM_FLOAT(dim_settings, probe_lr, "1e-3", "Adam learning rate of the probes", ">0"),
    IM_FIELD_AS(dim_settings, features_last, "probe_features", "string", int, "local", "conv features the probes "
                "read: the local feature map, or the last convolution block", "local|last"),
    IM_INT(dim_settings, curve_rows, "2000", "train and test images of the linear probe after every epoch (0: no "
           "curve)", ">=0"),
    IM_INT(dim_settings, checkpoint_every, "0", "epochs between checkpoints of the training state (0: none); "
           "infomin-run --resume continues a killed run from the last one", ">=0", .unhashed = 1),
    IM_FIELDS_END,
};

/* What the keys imply: the paper's weights for dim-l and dim-g. */
static void derive(dim_settings *s)
{
    static const char *const names[] = { "dim-l", "dim-g", "dim", "supervised", "random", "raw" };
    s->method_name = names[s->method];
    s->infomax = s->method <= METHOD_DIM;
    s->features = s->features_last ? IM_ENCODE_FEATURES : IM_ENCODE_LOCAL;
    if (s->method == METHOD_DIM_L) s->alpha = 0, s->beta = 1, s->gamma = 0.1;
    if (s->method == METHOD_DIM_G) s->alpha = 1, s->beta = 0, s->gamma = 1;
}

/* A DIM without an MI term would only match the prior. */
static im_status dim_validate(im_ctx *ctx, const im_section *sec)
{
    dim_settings s;
    im_status st = im_fields_read(ctx, sec, &s);
    if (!st && s.method == METHOD_DIM && s.alpha == 0 && s.beta == 0)
        st = im_section_fail(ctx, sec, "alpha", "alpha and beta are both 0: method = dim needs an MI term");
    return st;
}

/* Probe the code (set 0) and the conv features or pixels (set 1), linear
 * and MLP; metrics <probe>_<set>. */
static im_status probe_all(im_ctx *ctx, const dim_settings *s, const im_dataset *ds, const im_encoder *enc,
                           im_rng *rng, im_record *rec)
{
    int n_train = s->probe_rows && s->probe_rows < ds->train.x.rows ? s->probe_rows : ds->train.x.rows;
    im_mat xtr = { n_train, ds->train.x.cols, ds->train.x.data };
    int *ltr = im_class_labels(ctx, &ds->train.y, n_train), *lte = im_class_labels(ctx, &ds->test.y, ds->test.x.rows);
    im_status st = ltr && lte ? IM_OK : ctx->status;
    static const char *const set_names[2] = { "code", "features" };
    for (int set = enc ? 0 : 1; set < 2 && !st; set++) {
        im_mat ftr = { 0 }, fte = { 0 };
        const im_mat *tr = &xtr, *te = &ds->test.x;
        if (enc) {
            im_encode_what what = set ? s->features : IM_ENCODE_CODE;
            st = im_encoder_encode(ctx, enc, &xtr, what, &ftr);
            if (!st) st = im_encoder_encode(ctx, enc, &ds->test.x, what, &fte);
            tr = &ftr;
            te = &fte;
        }
        im_probe_data d = { tr, te, ltr, lte, ds->y_classes };
        double lin = NAN, mlp = NAN;
        if (!st) st = im_probe_accuracy(ctx, &d, 0, s->probe_epochs, s->probe_lr, rng, &lin);
        if (!st) st = im_probe_accuracy(ctx, &d, s->probe_hidden, s->probe_epochs, s->probe_lr, rng, &mlp);
        if (!st) {
            char key[64];
            snprintf(key, sizeof key, "linear_%s", set_names[set]);
            im_record_num(rec, key, lin);
            snprintf(key, sizeof key, "mlp_%s", set_names[set]);
            im_record_num(rec, key, mlp);
            im_record_num(rec, set ? "features_width" : "code_width", tr->cols);
        }
        im_mat_free(&ftr);
        im_mat_free(&fte);
    }
    free(ltr);
    free(lte);
    return st;
}

static im_status dim_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    dim_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_IMAGES | IM_NEEDS_CLASSES);
    derive(&s);
    const im_dataset *ds = &t.ds;
    if (!st && ds->train.x.rows < s.batch)
        st = im_fail(ctx, IM_EINVAL, "dim: %d training images, fewer than one batch of %d", ds->train.x.rows, s.batch);
    im_encoder enc = { 0 };
    double t0 = im_seconds(), spe = 0;
    if (!st && s.method != METHOD_RAW) st = im_encoder_new(ctx, cfg, "encoder", ds->train.x.cols, ds->x_shape, rng, &enc);
    int trains = s.infomax || s.method == METHOD_SUPERVISED;
    if (!st && trains)
        st = dim_train(&t, &s, &enc, &spe);
    else if (!st && s.curve_rows > 0) {   /* untrained: one point, the level the curves start from */
        double acc[2];
        st = dim_quick_probe(ctx, &s, ds, s.method == METHOD_RAW ? NULL : &enc, rng, acc);
        if (!st) im_curve_add(dim_curve(rec), (double[]){ 0, NAN, NAN, NAN, acc[0], acc[1] });
    }
    double train_seconds = im_seconds() - t0;
    if (!st) st = probe_all(ctx, &s, ds, s.method == METHOD_RAW ? NULL : &enc, rng, rec);
    if (!st) {
        im_record_str(rec, "method", s.method_name);
        if (s.infomax) {
            static const char *const bound_names[] = { "jsd", "infonce", "mine" };
            im_record_str(rec, "estimator", bound_names[s.bound]);
            im_record_num(rec, "alpha", s.alpha);
            im_record_num(rec, "beta", s.beta);
            im_record_num(rec, "gamma", s.gamma);
        }
        im_record_num(rec, "train_seconds", train_seconds);
        im_record_num(rec, "seconds_per_epoch", spe);
        im_record_num(rec, "probe_seconds", im_seconds() - t0 - train_seconds);
        printf("dim on %s, %s: probe accuracy", ds->name, s.method_name);
        if (s.method != METHOD_RAW)
            printf(" code linear %.4f mlp %.4f,", im_record_value(rec, "linear_code"), im_record_value(rec, "mlp_code"));
        printf(" features linear %.4f mlp %.4f (train %.0f s)\n", im_record_value(rec, "linear_features"),
               im_record_value(rec, "mlp_features"), train_seconds);
    }
    im_encoder_free(&enc);
    im_task_close(&t);
    return st;
}

static const im_task_vt dim_vt = { IM_VT_SIZE(im_task_vt), .run = dim_run, .summarize = dim_summarize,
                                   .labelled_sections = IM_NO_LABELLED_SECTIONS };
static const im_plugin dim_plugin = IM_PLUGIN(IM_TASK, "dim",
                                              "Deep InfoMax on images (global/local MI, prior matching), probed "
                                              "beside raw, random and supervised baselines",
                                              NULL, &dim_vt, .validate = dim_validate,
                                              .fields = dim_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &dim_plugin, NULL };
