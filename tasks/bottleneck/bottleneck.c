/* bottleneck.c — task `bottleneck`: the information bottleneck on a
 * classification dataset (permutation-invariant Fashion-MNIST in the
 * INI files): minimise
 *     cross-entropy(q(y|z)) + β·penalty(X, Z),   Z the encoder's code,
 * with three penalties that the MINE paper compares (Belghazi et al. 2018,
 * section 5.3):
 *   none       β ignored, a deterministic code: the baseline;
 *   vib        KL(p(z|x) ‖ N(0, I)), the deep variational information
 *              bottleneck of Alemi et al. (2017): an upper bound on I(X;Z);
 *   estimator  the [estimator] plugin's Î(X;Z) on each batch: `mine` is a
 *              lower bound (minimising it is what the MINE paper does, not
 *              a guarantee that I(X;Z) falls); `club` an upper bound (the
 *              principled choice for a term that is minimised).
 * The code is by default the one each paper uses: VIB's Gaussian encoder
 * (μ and σ from the network), MINE's deterministic encoder plus Gaussian
 * noise of a fixed sd (with a learned σ, MINE's penalty left the measured
 * I(X;Z) at its ceiling while σ shrank: README).
 * Every run is measured the same way after each epoch (evaluate.c): test
 * error, Î(Z;Y) and Î(X;Z) from the encoder's own Gaussian density — the
 * information plane, drawn after a sweep (summary.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "bottleneck.h"

static const im_field bottleneck_fields[] = {
    IM_FIELD_AS(bn_settings, reg, "regularizer", "string", int, "vib", "what beta weighs: none (deterministic "
                "baseline), vib (KL to N(0, I)), estimator ([estimator]'s I(X;Z))", "none|vib|estimator"),
    IM_FLOAT(bn_settings, beta, "1e-3", "weight of the regularizer", ">=0"),
    IM_FIELD_AS(bn_settings, code_key, "code", "string", int, "auto", "Z = mu(x) + sigma(x)*eps (gaussian: the "
                "encoder makes 2*code_dim columns), mu(x) + noise_sd*eps (noise), or mu(x); auto: gaussian for vib "
                "(VIB's encoder), noise for estimator (MINE's), deterministic for none; noise and deterministic read "
                "the mean from the first code_dim columns", "auto|gaussian|noise|deterministic"),
    IM_INT(bn_settings, code_dim, "256", "K, the width of Z", ">=1"),
    IM_FLOAT(bn_settings, noise_sd, "1", "code = noise: the sd of the added Gaussian noise", ">0"),
    IM_INT(bn_settings, epochs, "20", "passes over the training split", ">=1"),
    IM_INT(bn_settings, batch, "100", "images per step", ">=2"),
    IM_FLOAT(bn_settings, lr, "1e-4", "Adam learning rate of encoder and classifier", ">0"),
    IM_FLOAT(bn_settings, lr_decay, "1", "factor on the learning rate after every epoch (VIB: 0.97 every 2 epochs)",
             "0..1"),
    IM_FLOAT(bn_settings, adam_beta1, "0.5", "Adam's first-moment decay (VIB: 0.5)", "0..0.999"),
    IM_INT(bn_settings, critic_steps, "1", "regularizer = estimator: critic updates per encoder update", ">=1"),
    IM_INT(bn_settings, eval_samples, "12", "draws of Z per test image; the prediction averages their softmax", ">=1"),
    IM_INT(bn_settings, info_rows, "1000", "test images of the I(X;Z) bounds (the lower one is at most log info_rows)",
           ">=2"),
    IM_FIELDS_END,
};

/* The code each regularizer's paper uses when code = auto; none has no
 * beta and a deterministic code. */
static void derive(bn_settings *s)
{
    static const char *const reg_names[] = { "none", "vib", "estimator" };
    static const char *const code_names[] = { "gaussian", "noise", "deterministic" };
    s->reg_name = reg_names[s->reg];
    s->code = s->code_key == 0 ? (s->reg == BN_VIB ? BN_GAUSSIAN : BN_NOISE) : (bn_code)(s->code_key - 1);
    if (s->reg == BN_NONE) s->code = BN_DETERMINISTIC, s->beta = 0;
    s->code_name = code_names[s->code];
}

static im_status read_settings(im_ctx *ctx, const im_section *sec, bn_settings *s)
{
    im_status st = im_fields_read(ctx, sec, s);
    if (!st) derive(s);
    return st;
}

/* A deterministic code has no density: VIB's KL is infinite, and the
 * channel bounds say nothing. */
static im_status bottleneck_validate(im_ctx *ctx, const im_section *sec)
{
    bn_settings s;
    im_status st = read_settings(ctx, sec, &s);
    if (!st && s.reg == BN_VIB && s.code == BN_DETERMINISTIC)
        st = im_section_fail(ctx, sec, "code", "regularizer = vib needs a stochastic code (gaussian or noise): the KL "
                             "of a point mass to N(0, I) is infinite");
    return st;
}

static im_status make_estimator(im_ctx *ctx, const im_config *cfg, const bn_settings *s, int x_dim, im_rng *rng,
                                im_estimator **est)
{
    im_status st = im_estimator_new(ctx, cfg, "estimator", x_dim, s->code_dim, rng, est);
    if (!st && !(*est)->vt->objective)
        st = im_fail(ctx, IM_EINVAL, "bottleneck: estimator %s has no differentiable objective, so it cannot be the "
                     "penalty (use mine, club, nwj, infonce, ...)", (*est)->plugin->name);
    if (!st && (*est)->vt->unit != IM_UNIT_NATS)
        st = im_fail(ctx, IM_EINVAL, "bottleneck: estimator %s measures a correlation, not I(X;Z) in nats",
                     (*est)->plugin->name);
    return st;
}

static void record(im_record *rec, const bn_settings *s, const im_estimator *est, const bn_scores *sc, double spe)
{
    im_record_str(rec, "regularizer", est ? est->plugin->name : s->reg_name);
    im_record_str(rec, "bound", s->reg == BN_VIB ? "upper" : est ? im_bound_name(est->vt->bound) : "none");
    im_record_str(rec, "code", s->code_name);
    im_record_num(rec, "beta", s->beta);
    im_record_num(rec, "test_error", sc->error);
    im_record_num(rec, "test_cross_entropy", sc->cross_entropy);
    im_record_num(rec, "izy", sc->izy);
    im_record_num(rec, "ixz_lower", sc->ixz_lower);
    if (isfinite(sc->ixz_upper)) im_record_num(rec, "ixz_upper", sc->ixz_upper);
    const im_curve *c = im_record_find_curve(rec, "epochs");
    double penalty = c ? im_curve_get(c, im_curve_rows(c) - 1, 2) : NAN;
    if (isfinite(penalty)) im_record_num(rec, "penalty", penalty);   /* the regularizer's own figure, last epoch */
    /* the rows the bounds read: info_rows above the test split reads what
     * there is (the record said log(100000) for 200 rows) */
    im_record_num(rec, "info_rows_log", log((double)sc->info_rows));
    im_record_num(rec, "seconds_per_epoch", spe);
}

static im_status bottleneck_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    bn_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NEEDS_CLASSES);
    derive(&s);
    const im_dataset *ds = &t.ds;
    if (!st && ds->test.x.rows < 2)
        st = im_fail(ctx, IM_EINVAL, "bottleneck: dataset %s has %d test rows (need at least 2)", ds->name,
                     ds->test.x.rows);
    bn_model m = { 0 };
    im_estimator *est = NULL;
    if (!st) st = bn_model_init(ctx, cfg, &s, ds, rng, &m);
    if (!st && s.reg == BN_ESTIMATOR) st = make_estimator(ctx, cfg, &s, ds->train.x.cols, rng, &est);
    bn_scores sc = { 0 };
    double t0 = im_seconds();
    if (!st) st = bn_train(&t, &s, &m, est, &sc);
    if (!st) {
        double spe = (im_seconds() - t0) / s.epochs;
        record(rec, &s, est, &sc, spe);
        printf("bottleneck on %s, %s", ds->name, est ? est->plugin->name : s.reg_name);
        if (s.reg != BN_NONE) printf(" beta %g", s.beta);
        printf(": test error %.2f%%, I(Z;Y) >= %.3f, I(X;Z) in [%.2f, %.2f] nats (%.1f s/epoch)\n", 100 * sc.error,
               sc.izy, sc.ixz_lower, isnan(sc.ixz_upper) ? INFINITY : sc.ixz_upper, spe);
    }
    im_estimator_free(est);
    bn_model_free(&m);
    im_task_close(&t);
    return st;
}

/* The configuration's regularizer, as the sweep's hooks see it (settings
 * that do not read: estimator, which keeps everything). */
static int regularizer_of(im_ctx *ctx, const im_config *cfg)
{
    bn_settings s;
    return im_task_settings(ctx, cfg, &s) ? BN_ESTIMATOR : s.reg;
}

/* [estimator] counts only for regularizer = estimator, so cells of a sweep
 * that differ only in the estimator run once for none and vib. */
static int bottleneck_uses_section(im_ctx *ctx, const im_config *cfg, const char *name)
{
    return strcmp(name, "estimator") != 0 || regularizer_of(ctx, cfg) == BN_ESTIMATOR;
}

/* With regularizer = none, beta weighs nothing: cells that differ only
 * in it run once. */
static int bottleneck_uses_key(im_ctx *ctx, const im_config *cfg, const char *section, const char *key)
{
    return strcmp(section, "task") != 0 || strcmp(key, "beta") != 0 || regularizer_of(ctx, cfg) != BN_NONE;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "test_error", "izy", "ixz_lower", "ixz_upper", "test_cross_entropy", "seconds_per_epoch", NULL
};

static const im_task_vt bottleneck_vt = { IM_VT_SIZE(im_task_vt), .run = bottleneck_run, .summarize = bn_summarize,
                                          .uses_section = bottleneck_uses_section, .uses_key = bottleneck_uses_key,
                                          .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin bottleneck = IM_PLUGIN(IM_TASK, "bottleneck",
                                              "information bottleneck: cross-entropy + beta * I(X;Z) (VIB's KL or any "
                                              "estimator), test error and the information plane",
                                              NULL, &bottleneck_vt, .validate = bottleneck_validate,
                                              .fields = bottleneck_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &bottleneck, NULL };
