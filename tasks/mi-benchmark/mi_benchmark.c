/* mi_benchmark.c — task `mi-benchmark`: one estimator on one task of known
 * MI, over seeds, with the protocol of the Beyond-Normal benchmark (Czyż et
 * al., NeurIPS 2023) as its defaults. Seed i draws the same sample for every
 * estimator (a data generator split from the run's, which the task seed
 * alone decides), and its own generator for the estimator's weights.
 *
 *   closed-form estimators (nothing to train: ksg, gaussian, ...) estimate
 *     on the whole sample (the dataset's three splits stacked);
 *   trained estimators fit on the training split and estimate on the test
 *     split (the paper's 50/50 split for its neural estimators), over the
 *     first `trained_seeds` seeds only (they cost seconds, not milliseconds).
 * The cell is solved when the mean estimate lies within a factor
 * `solved_ratio` of the truth: |log(mean / true)| < log solved_ratio (the
 * paper's rule, 1.5); a mean ≤ 0 is never solved. Estimates are reported as
 * computed: a lower bound may fall below 0 (clip_negative clips each seed's
 * estimate at 0, and says so). crossfit = K (since 0.6) replaces the 50/50
 * split of trained estimators by K-fold cross-fitting of the whole sample
 * (im_estimator_crossfit): every row read, each critic trained on
 * (K − 1)/K of them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mi_benchmark.h"

typedef struct {
    int seeds, trained_seeds, clip_negative, crossfit;
    double solved_ratio;
} settings;

static const im_field mi_benchmark_fields[] = {
    IM_INT(settings, seeds, "10", "samples (seeds) per cell for estimators that train nothing", "1..1000"),
    IM_INT(settings, trained_seeds, "3", "samples (seeds) per cell for trained estimators (the first of the same "
           "seeds)", "1..1000"),
    IM_FLOAT(settings, solved_ratio, "1.5", "solved: the mean estimate within this factor of the true MI", ">1"),
    IM_BOOL(settings, clip_negative, "false", "clip each seed's estimate at 0 before the mean (recorded)"),
    IM_INT(settings, crossfit, "0", "trained estimators: cross-fitted over this many folds of the whole sample "
           "(each fold read by an instance trained on the others) instead of the paper's 50/50 split (0)", "0..100",
           .neutral = "0"),
    IM_KEY("heatmap", "bool", "true", "after a sweep: <output>-heatmap.png, tasks x estimators", NULL),
    IM_FIELDS_END,
};

/* One seed: the estimate, whether the estimator trains and its note on the
 * estimate (auto's choice). The first seed's training curves go into rec. */
static im_status one_seed(im_ctx *ctx, const im_config *cfg, const settings *s, im_rng *data_rng, im_rng *est_rng,
                          im_record *curves, im_dataset *ds, double *estimate, int *trained, char *note,
                          size_t note_size)
{
    im_estimator *est = NULL;
    im_status st = im_dataset_load(ctx, cfg, "dataset", data_rng, ds);
    if (st) return st;
    if (!ds->has_true_mi) {
        st = im_fail(ctx, IM_EINVAL, "mi-benchmark: dataset %s has no known MI to compare with", ds->name);
        goto out;
    }
    st = im_estimator_new(ctx, cfg, "estimator", ds->train.x.cols, ds->train.y.cols, est_rng, &est);
    if (!st && est->vt->unit != IM_UNIT_NATS)
        st = im_fail(ctx, IM_EINVAL, "mi-benchmark: estimator %s reports %s, not nats: it cannot be compared with the "
                     "true MI", est->plugin->name, im_unit_name(est->vt->unit));
    if (st) goto out;
    *trained = im_estimator_trains(est);   /* the rule mi-estimate and the handle API use */
    if (*trained && !s->crossfit) {
        st = im_estimator_fit(ctx, est, &ds->train.x, &ds->train.y, &ds->val.x, &ds->val.y, curves);
        if (!st) st = im_estimator_estimate(ctx, est, &ds->test.x, &ds->test.y, estimate);
    } else {
        im_mat x = { 0 }, y = { 0 };
        st = im_dataset_all_rows(ctx, ds, IM_ROLE_X, &x);
        if (!st) st = im_dataset_all_rows(ctx, ds, IM_ROLE_Y, &y);
        if (!st && *trained)
            st = im_estimator_crossfit(ctx, cfg, "estimator", &x, &y, s->crossfit, 0.95, est_rng, estimate, NULL, NULL);
        else if (!st)
            st = im_estimator_estimate(ctx, est, &x, &y, estimate);
        im_mat_free(&x);
        im_mat_free(&y);
    }
    if (!st) snprintf(note, note_size, "%s", im_estimator_note(est));
out:
    im_estimator_free(est);
    return st;
}

/* Notes name their choice before the first ':' (auto's). */
static int same_choice(const char *a, const char *b)
{
    size_t len = strcspn(a, ":");
    return len == strcspn(b, ":") && strncmp(a, b, len) == 0;
}

/* InfoNCE never exceeds log(batch): the ceiling beside its estimate. */
static void infonce_ceiling(im_ctx *ctx, const im_config *cfg, im_record *rec)
{
    im_section sec;
    int batch;
    if (im_config_section(ctx, cfg, ctx->registry, "estimator", &sec) || strcmp(sec.plugin->name, "infonce") != 0 ||
        im_section_int(ctx, &sec, "batch", &batch))
        return;
    im_record_num(rec, "infonce_ceiling", log((double)batch));
}

static im_status mi_benchmark_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    settings s;
    im_task t;   /* each seed loads its own dataset */
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, IM_NO_DATASET);
    if (st) return st;
    double *v = malloc(sizeof(double) * (size_t)s.seeds), true_mi = NAN, seconds = 0;
    if (!v) return im_fail(ctx, IM_ENOMEM, "mi-benchmark: out of memory");
    im_curve *per_seed = im_record_curve(rec, "per_seed", 2, (const char *const[]){ "seed", "estimate" });
    char name[64] = "", estimator[64] = "", note[512] = "", seed_note[512];
    int n = 0, trained = 0, clipped = 0, other_choices = 0;
    for (int i = 0; i < s.seeds && !st && (!trained || i < s.trained_seeds); i++) {
        im_rng data_rng, est_rng;
        im_rng_split(rng, &data_rng);
        im_rng_split(rng, &est_rng);
        im_dataset ds;
        double t0 = im_seconds();
        st = one_seed(ctx, cfg, &s, &data_rng, &est_rng, i == 0 ? rec : NULL, &ds, &v[n], &trained, seed_note,
                      sizeof seed_note);
        seconds += im_seconds() - t0;
        if (!st) {
            true_mi = ds.true_mi;
            snprintf(name, sizeof name, "%s", ds.name);
            if (s.clip_negative && v[n] < 0) v[n] = 0, clipped++;
            im_curve_add(per_seed, (double[]){ i + 1, v[n] });
            if (n == 0) snprintf(note, sizeof note, "%s", seed_note);
            other_choices += n > 0 && !same_choice(note, seed_note);
            n++;
        }
        im_dataset_free(&ds);
    }
    if (!st) {
        im_section sec;
        if (!im_config_section(ctx, cfg, ctx->registry, "estimator", &sec))
            snprintf(estimator, sizeof estimator, "%s", sec.plugin->name);
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) mean += v[i] / n;
        for (int i = 0; i < n; i++) var += (v[i] - mean) * (v[i] - mean);
        double sd = n > 1 ? sqrt(var / (n - 1)) : 0, ratio = mean / true_mi;
        int solved = mean > 0 && fabs(log(ratio)) < log(s.solved_ratio);
        im_record_str(rec, "task", name);
        im_record_str(rec, "estimator", estimator);
        im_record_num(rec, "true_mi", true_mi);
        im_record_num(rec, "estimate", mean);
        im_record_num(rec, "estimate_sd", sd);
        im_record_num(rec, "ratio", ratio);
        if (mean > 0) im_record_num(rec, "log_ratio", log(ratio));
        im_record_num(rec, "solved", solved);
        im_record_num(rec, "seeds", n);
        im_record_num(rec, "seconds_per_seed", seconds / n);
        if (s.clip_negative) im_record_num(rec, "clipped", clipped);
        if (s.crossfit && trained) im_record_num(rec, "crossfit_folds", s.crossfit);
        if (note[0]) {   /* the first seed's; seeds whose choice (the text before ':') differed, counted */
            im_record_str(rec, "estimator_note", note);
            im_record_num(rec, "seeds_choosing_otherwise", other_choices);
        }
        infonce_ceiling(ctx, cfg, rec);
        printf("%s on %s: %.4f ± %.4f nats over %d seed%s, true %.4f, ratio %.3f: %s", estimator, name, mean, sd, n,
               n == 1 ? "" : "s", true_mi, ratio, solved ? "solved" : "not solved");
        double ceiling;
        if (im_record_metric(rec, "infonce_ceiling", &ceiling)) printf(" (InfoNCE ceiling log batch = %.3f)", ceiling);
        printf("\n");
        if (note[0])
            printf("  %s%s\n", note, other_choices ? " (some seeds chose otherwise: seeds_choosing_otherwise)" : "");
    }
    free(v);
    return st;
}

/* crossfit = 1 is refused with the configuration, before any run. */
static im_status mi_benchmark_validate(im_ctx *ctx, const im_section *sec)
{
    return im_section_crossfit_folds(ctx, sec, "crossfit");
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "estimate", "true_mi", "estimate_sd", "ratio", "solved", "seeds", "seconds_per_seed", NULL
};

static const im_task_vt mi_benchmark_vt = { IM_VT_SIZE(im_task_vt), .run = mi_benchmark_run,
                                            .summarize = mi_benchmark_summarize,
                                            .labelled_sections = IM_NO_LABELLED_SECTIONS, .headline = headline };
static const im_plugin mi_benchmark = IM_PLUGIN(IM_TASK, "mi-benchmark",
                                       "estimators x tasks of known MI over seeds: solved matrix and heatmap (Beyond Normal)",
                                       NULL, &mi_benchmark_vt, .fields = mi_benchmark_fields,
                                       .validate = mi_benchmark_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &mi_benchmark, NULL };
