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

static const im_param_spec dim_params[] = {
    { "method", "string", "dim-l", "what trains the encoder (dim-l, dim-g: the paper's weights; dim: alpha/beta/gamma)",
      "dim-l|dim-g|dim|supervised|random|raw" },
    { "estimator", "string", "jsd", "MI bound of the global and local terms (mine: the Donsker-Varadhan bound)",
      "jsd|infonce|mine" },
    { "alpha", "float", "0", "method = dim: weight of the global MI", ">=0" },
    { "beta", "float", "1", "method = dim: weight of the local MI", ">=0" },
    { "gamma", "float", "0.1", "method = dim: weight of prior matching", ">=0" },
    { "prior", "string", "uniform", "prior of the code (uniform: of sigmoid(Z) on [0,1]^d)", "uniform|gaussian" },
    { "epochs", "int", "5", "passes over the training split", ">=1" },
    { "batch", "int", "64", "images per step (the B-1 others are each image's negatives)", ">=2" },
    { "lr", "float", "1e-3", "Adam learning rate of encoder and critics", ">0" },
    { "critic_hidden", "int", "256", "hidden width of the MI critics (one layer)", ">=1" },
    { "embed", "int", "128", "width of the critics' embeddings, whose dot product is the score", ">=1" },
    { "probe_rows", "int", "10000", "training images the final probes learn from (0: all)", ">=0" },
    { "probe_epochs", "int", "20", "passes of each probe over its rows (at least 500 steps of 256 rows)", ">=1" },
    { "probe_hidden", "int", "200", "hidden width of the MLP probe", ">=1" },
    { "probe_lr", "float", "1e-3", "Adam learning rate of the probes", ">0" },
    { "probe_features", "string", "local",
      "conv features the probes read: the local feature map, or the last convolution block", "local|last" },
    { "curve_rows", "int", "2000", "train and test images of the linear probe after every epoch (0: no curve)", ">=0" },
    { "checkpoint_every", "int", "0",
      "epochs between checkpoints of the training state (0: none); infomin-run --resume continues a killed run "
      "from the last one", ">=0" },
    IM_PARAMS_END
};

static int method_of(const char *name)
{
    static const char *const names[] = { "raw", "random", "supervised" };
    for (int i = 0; i < 3; i++)
        if (strcmp(name, names[i]) == 0) return i;
    return METHOD_DIM;
}

static im_status read_settings(im_ctx *ctx, const im_section *sec, dim_settings *s)
{
    const char *bound, *prior, *features;
    memset(s, 0, sizeof *s);
    im_status st = im_section_string(ctx, sec, "method", &s->method_name);
    if (!st) st = im_section_string(ctx, sec, "estimator", &bound);
    if (!st) st = im_section_string(ctx, sec, "prior", &prior);
    if (!st) st = im_section_float(ctx, sec, "alpha", &s->alpha);
    if (!st) st = im_section_float(ctx, sec, "beta", &s->beta);
    if (!st) st = im_section_float(ctx, sec, "gamma", &s->gamma);
    if (!st) st = im_section_int(ctx, sec, "epochs", &s->epochs);
    if (!st) st = im_section_int(ctx, sec, "batch", &s->batch);
    if (!st) st = im_section_float(ctx, sec, "lr", &s->lr);
    if (!st) st = im_section_int(ctx, sec, "critic_hidden", &s->critic_hidden);
    if (!st) st = im_section_int(ctx, sec, "embed", &s->embed);
    if (!st) st = im_section_int(ctx, sec, "probe_rows", &s->probe_rows);
    if (!st) st = im_section_int(ctx, sec, "probe_epochs", &s->probe_epochs);
    if (!st) st = im_section_int(ctx, sec, "probe_hidden", &s->probe_hidden);
    if (!st) st = im_section_float(ctx, sec, "probe_lr", &s->probe_lr);
    if (!st) st = im_section_int(ctx, sec, "curve_rows", &s->curve_rows);
    if (!st) st = im_section_int(ctx, sec, "checkpoint_every", &s->checkpoint_every);
    if (!st) st = im_section_string(ctx, sec, "probe_features", &features);
    if (st) return st;
    s->method = method_of(s->method_name);
    s->bound = strcmp(bound, "infonce") == 0 ? BOUND_INFONCE : strcmp(bound, "mine") == 0 ? BOUND_DV : BOUND_JSD;
    s->gaussian_prior = strcmp(prior, "gaussian") == 0;
    s->features = strcmp(features, "last") == 0 ? IM_ENCODE_FEATURES : IM_ENCODE_LOCAL;
    if (strcmp(s->method_name, "dim-l") == 0) s->alpha = 0, s->beta = 1, s->gamma = 0.1;
    if (strcmp(s->method_name, "dim-g") == 0) s->alpha = 1, s->beta = 0, s->gamma = 1;
    return IM_OK;
}

/* A DIM without an MI term would only match the prior. */
static im_status dim_validate(im_ctx *ctx, const im_section *sec)
{
    dim_settings s;
    im_status st = read_settings(ctx, sec, &s);
    if (!st && strcmp(s.method_name, "dim") == 0 && s.alpha == 0 && s.beta == 0)
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
    im_section sec;
    dim_settings s;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &sec);
    if (!st) st = read_settings(ctx, &sec, &s);
    if (st) return st;
    im_dataset ds;
    st = im_dataset_load(ctx, cfg, "dataset", rng, &ds);
    if (st) return st;
    if (ds.x_shape.c < 1 || ds.y_kind != IM_VAR_CLASSES || ds.y_classes < 2)
        st = im_fail(ctx, IM_EINVAL, "dim: dataset %s needs images (a shape) and class labels", ds.name);
    if (!st && ds.train.x.rows < s.batch)
        st = im_fail(ctx, IM_EINVAL, "dim: %d training images, fewer than one batch of %d", ds.train.x.rows, s.batch);
    im_encoder enc = { 0 };
    double t0 = im_seconds(), spe = 0;
    if (!st && s.method != METHOD_RAW) st = im_encoder_new(ctx, cfg, "encoder", ds.train.x.cols, ds.x_shape, rng, &enc);
    dim_checkpointing ck = { .resume = ctx->resume };
    int trains = s.method == METHOD_DIM || s.method == METHOD_SUPERVISED;
    if (!st && trains && s.checkpoint_every)
        st = im_checkpoint_target(ctx, cfg, im_record_run(rec), ck.path, sizeof ck.path, &ck.hash);
    if (!st && trains)
        st = dim_train(ctx, &s, &ds, &enc, rng, &ck, rec, &spe);
    else if (!st && s.curve_rows > 0) {   /* untrained: one point, the level the curves start from */
        double acc[2];
        st = dim_quick_probe(ctx, &s, &ds, s.method == METHOD_RAW ? NULL : &enc, rng, acc);
        if (!st) im_curve_add(dim_curve(rec), (double[]){ 0, NAN, NAN, NAN, acc[0], acc[1] });
    }
    double train_seconds = im_seconds() - t0;
    if (!st) st = probe_all(ctx, &s, &ds, s.method == METHOD_RAW ? NULL : &enc, rng, rec);
    if (!st) {
        im_record_str(rec, "method", s.method_name);
        if (s.method == METHOD_DIM) {
            static const char *const bound_names[] = { "jsd", "infonce", "mine" };
            im_record_str(rec, "estimator", bound_names[s.bound]);
            im_record_num(rec, "alpha", s.alpha);
            im_record_num(rec, "beta", s.beta);
            im_record_num(rec, "gamma", s.gamma);
        }
        im_record_num(rec, "train_seconds", train_seconds);
        im_record_num(rec, "seconds_per_epoch", spe);
        im_record_num(rec, "probe_seconds", im_seconds() - t0 - train_seconds);
        double v[4] = { NAN, NAN, NAN, NAN };
        im_record_metric(rec, "linear_code", &v[0]);
        im_record_metric(rec, "mlp_code", &v[1]);
        im_record_metric(rec, "linear_features", &v[2]);
        im_record_metric(rec, "mlp_features", &v[3]);
        printf("dim on %s, %s: probe accuracy", ds.name, s.method_name);
        if (s.method != METHOD_RAW) printf(" code linear %.4f mlp %.4f,", v[0], v[1]);
        printf(" features linear %.4f mlp %.4f (train %.0f s)\n", v[2], v[3], train_seconds);
    }
    im_encoder_free(&enc);
    im_dataset_free(&ds);
    return st;
}

static const im_task_vt dim_vt = { IM_VT_SIZE(im_task_vt), .run = dim_run, .summarize = dim_summarize };
static const im_plugin dim_plugin = IM_PLUGIN(IM_TASK, "dim",
                                              "Deep InfoMax on images (global/local MI, prior matching), probed "
                                              "beside raw, random and supervised baselines",
                                              dim_params, &dim_vt, .validate = dim_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &dim_plugin, NULL };
