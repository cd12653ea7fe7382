/* test_benchmark.c — the Beyond-Normal tasks (dataset beyond-normal) against
 * the published true MI, their generators and transforms, the copula
 * estimators, and the mi-benchmark task end to end. */
#include <math.h>
#include "registry_fixture.h"
#include "infomin/stats.h"

typedef struct {
    const char *name;
    int dx, dy;
    double mi;   /* the published table (Czyz et al. 2023), 3 decimals */
} expected_task;

static const expected_task published[] = {
    { "1v1-normal", 1, 1, 0.413 }, { "1v1-normal-cdf", 1, 1, 0.413 }, { "1v1-bimodal", 1, 1, 0.413 },
    { "1v1-wiggly", 1, 1, 0.413 }, { "1v1-halfcube", 1, 1, 0.413 }, { "1v1-additive-0.1", 1, 1, 1.709 },
    { "1v1-additive-0.75", 1, 1, 0.333 }, { "1v1-student-df1", 1, 1, 0.224 }, { "1v1-asinh-student-df1", 1, 1, 0.224 },
    { "2v1-swissroll", 2, 1, 0.413 }, { "dense-2v2", 2, 2, 0.294 }, { "dense-3v3", 3, 3, 0.413 },
    { "dense-5v5", 5, 5, 0.593 }, { "dense-25v25", 25, 25, 1.292 }, { "dense-50v50", 50, 50, 1.624 },
    { "2pair-2v2", 2, 2, 1.022 }, { "2pair-3v3", 3, 3, 1.022 }, { "2pair-5v5", 5, 5, 1.022 },
    { "2pair-25v25", 25, 25, 1.022 }, { "student-2v2-df1", 2, 2, 0.432 }, { "student-2v2-df2", 2, 2, 0.193 },
    { "student-3v3-df2", 3, 3, 0.291 }, { "student-3v3-df3", 3, 3, 0.179 }, { "student-5v5-df2", 5, 5, 0.448 },
    { "student-5v5-df3", 5, 5, 0.299 }, { "2pair-normal-cdf-3v3", 3, 3, 1.022 }, { "2pair-normal-cdf-5v5", 5, 5, 1.022 },
    { "2pair-normal-cdf-25v25", 25, 25, 1.022 }, { "2pair-halfcube-3v3", 3, 3, 1.022 },
    { "2pair-halfcube-5v5", 5, 5, 1.022 }, { "2pair-halfcube-25v25", 25, 25, 1.022 },
    { "2pair-spiral-3v3", 3, 3, 1.022 }, { "2pair-spiral-5v5", 5, 5, 1.022 }, { "2pair-spiral-25v25", 25, 25, 1.022 },
    { "2pair-spiral-normal-cdf-3v3", 3, 3, 1.022 }, { "2pair-spiral-normal-cdf-5v5", 5, 5, 1.022 },
    { "2pair-spiral-normal-cdf-25v25", 25, 25, 1.022 }, { "asinh-student-2v2-df1", 2, 2, 0.432 },
    { "asinh-student-3v3-df2", 3, 3, 0.291 }, { "asinh-student-5v5-df2", 5, 5, 0.448 },
};

/* Load beyond-normal with the given keys (after "plugin = beyond-normal"). */
static void load_task(const char *keys, uint64_t seed, im_dataset *ds)
{
    char text[1024];
    snprintf(text, sizeof text, "[task]\nplugin = mi-benchmark\n[dataset]\nplugin = beyond-normal\n%s\n"
                                "[estimator]\nplugin = ksg\n", keys);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, seed);
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, ds) == IM_OK, "%s", ctx.err);
    im_config_free(&cfg);
}

START_TEST(every_task_has_the_published_true_mi)
{
    ck_assert_int_eq(sizeof published / sizeof published[0], 40);
    for (int i = 0; i < 40; i++) {
        char keys[128];
        snprintf(keys, sizeof keys, "task = %s\nn = 40", published[i].name);
        im_dataset ds;
        load_task(keys, 1, &ds);
        ck_assert_str_eq(ds.name, published[i].name);
        ck_assert_msg(fabs(ds.true_mi - published[i].mi) <= 5e-4, "%s: %.5f, published %.3f", published[i].name,
                      ds.true_mi, published[i].mi);
        ck_assert_int_eq(ds.train.x.cols, published[i].dx);
        ck_assert_int_eq(ds.train.y.cols, published[i].dy);
        im_dataset_free(&ds);
    }
}
END_TEST

/* The textbook form of the Student-t term, h(d_x) + h(d_y) − h(d_x + d_y)
 * with h(k) = −lnΓ((ν+k)/2) + lnΓ(ν/2) + (k/2) ln(νπ)
 *             + ((ν+k)/2)[ψ((ν+k)/2) − ψ(ν/2)],
 * against the library's (written with f(s) = sψ(s) − lnΓ(s)). */
static double h_direct(double nu, int k)
{
    return -lgamma((nu + k) / 2) + lgamma(nu / 2) + 0.5 * k * log(nu * M_PI) +
           (nu + k) / 2 * (im_digamma((nu + k) / 2) - im_digamma(nu / 2));
}

START_TEST(student_correction_matches_the_entropy_form)
{
    const double nus[] = { 1, 2, 3, 7.5 };
    for (int i = 0; i < 4; i++)
        for (int dx = 1; dx <= 5; dx += 2)
            for (int dy = 1; dy <= 4; dy++) {
                double direct = h_direct(nus[i], dx) + h_direct(nus[i], dy) - h_direct(nus[i], dx + dy);
                ck_assert_double_eq_tol(im_student_mi_correction(nus[i], dx, dy), direct, 1e-10);
            }
    ck_assert_double_eq_tol(im_additive_noise_mi(0.1), 0.1 - log(0.2), 1e-12);
    ck_assert_double_eq_tol(im_additive_noise_mi(0.75), 1.0 / 3, 1e-12);
    ck_assert_double_eq_tol(im_additive_noise_mi(0.5), 0.5, 1e-12);   /* both forms meet at ½ */
}
END_TEST

START_TEST(samples_are_seeded_standardised_and_split)
{
    im_dataset a, b, c;
    load_task("task = 2pair-halfcube-5v5\nn = 1000", 7, &a);
    load_task("task = 2pair-halfcube-5v5\nn = 1000", 7, &b);
    load_task("task = 2pair-halfcube-5v5\nn = 1000", 8, &c);
    ck_assert_int_eq(a.train.x.rows, 400);   /* half for training, a fifth of it for validation */
    ck_assert_int_eq(a.val.x.rows, 100);
    ck_assert_int_eq(a.test.x.rows, 500);
    size_t bytes = sizeof(im_real) * 400 * 5;
    ck_assert_int_eq(memcmp(a.train.x.data, b.train.x.data, bytes), 0);
    ck_assert_int_ne(memcmp(a.train.x.data, c.train.x.data, bytes), 0);
    /* standardised on the whole sample: the three splits together */
    for (int col = 0; col < 5; col++) {
        double sum = 0, sq = 0;
        const im_split *splits[3] = { &a.train, &a.val, &a.test };
        for (int s = 0; s < 3; s++)
            for (int r = 0; r < splits[s]->y.rows; r++) {
                double v = im_mat_row(&splits[s]->y, r)[col];
                sum += v;
                sq += v * v;
            }
        ck_assert_double_eq_tol(sum / 1000, 0, 1e-5);
        ck_assert_double_eq_tol(sqrt((sq - sum * sum / 1000) / 999), 1, 1e-4);
    }
    im_dataset_free(&a);
    im_dataset_free(&b);
    im_dataset_free(&c);
}
END_TEST

static double mixture_cdf(const double w[2], const double mu[2], double v)
{
    return 0.5 * (w[0] * erfc(-(v - mu[0]) / M_SQRT2) + w[1] * erfc(-(v - mu[1]) / M_SQRT2));
}

START_TEST(transforms_are_the_stated_bijections)
{
    /* bimodal: the mixture's CDF at the image is Φ(x), on either side */
    im_mat m;
    ck_assert_int_eq(im_mat_alloc(&ctx, &m, 9, 1), IM_OK);
    for (int i = 0; i < 9; i++) m.data[i] = (im_real)(i - 4) * 1.5f;
    im_mat ym;
    ck_assert_int_eq(im_mat_alloc(&ctx, &ym, 9, 1), IM_OK);
    memcpy(ym.data, m.data, sizeof(im_real) * 9);
    ck_assert_int_eq(im_transform_role(&ctx, "bimodal", IM_ROLE_X, &m), IM_OK);
    ck_assert_int_eq(im_transform_role(&ctx, "bimodal", IM_ROLE_Y, &ym), IM_OK);
    const double wx[2] = { 0.3, 0.7 }, mx[2] = { 0, 5 }, wy[2] = { 0.5, 0.5 }, my[2] = { -1, 3 };
    for (int i = 0; i < 9; i++) {
        double x = (i - 4) * 1.5, phi = 0.5 * erfc(-x / M_SQRT2);
        ck_assert_double_eq_tol(mixture_cdf(wx, mx, m.data[i]), phi, 1e-5 * fmax(phi, 1e-3));
        ck_assert_double_eq_tol(mixture_cdf(wy, my, ym.data[i]), phi, 1e-5 * fmax(phi, 1e-3));
        if (i) ck_assert(m.data[i] > m.data[i - 1] && ym.data[i] > ym.data[i - 1]);
    }
    im_mat_free(&m);
    im_mat_free(&ym);
    /* wiggly: increasing on both sides, the two sides different maps */
    ck_assert_int_eq(im_mat_alloc(&ctx, &m, 2001, 1), IM_OK);
    ck_assert_int_eq(im_mat_alloc(&ctx, &ym, 2001, 1), IM_OK);
    for (int i = 0; i < 2001; i++) m.data[i] = ym.data[i] = (im_real)((i - 1000) * 0.01);
    ck_assert_int_eq(im_transform_role(&ctx, "wiggly", IM_ROLE_X, &m), IM_OK);
    ck_assert_int_eq(im_transform_role(&ctx, "wiggly", IM_ROLE_Y, &ym), IM_OK);
    for (int i = 1; i < 2001; i++) ck_assert(m.data[i] > m.data[i - 1] && ym.data[i] > ym.data[i - 1]);
    ck_assert(fabs(m.data[1100] - ym.data[1100]) > 0.5);   /* x = 1: 1.44 and 0.69 */
    im_mat_free(&m);
    im_mat_free(&ym);
    /* spiral: a rotation of the first plane by |x|²/d — norm kept, undone by the opposite turn */
    ck_assert_int_eq(im_mat_alloc(&ctx, &m, 1, 3), IM_OK);
    const double v[3] = { 0.8, -1.3, 0.4 };
    for (int c = 0; c < 3; c++) m.data[c] = (im_real)v[c];
    ck_assert_int_eq(im_transform_role(&ctx, "spiral", IM_ROLE_X, &m), IM_OK);
    double th = (0.64 + 1.69 + 0.16) / 3, a = m.data[0], b = m.data[1];
    ck_assert_double_eq_tol(cos(th) * a + sin(th) * b, v[0], 1e-6);
    ck_assert_double_eq_tol(-sin(th) * a + cos(th) * b, v[1], 1e-6);
    ck_assert_double_eq_tol(m.data[2], v[2], 1e-7);
    ck_assert(fabs(a - v[0]) > 0.1);
    im_mat_free(&m);
    ck_assert_int_eq(im_mat_alloc(&ctx, &m, 4, 1), IM_OK);
    ck_assert_int_eq(im_transform_role(&ctx, "spiral", IM_ROLE_Y, &m), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "transform spiral rotates a plane: it needs 2 or more columns, not 1");
    im_mat_free(&m);
}
END_TEST

START_TEST(normal_scores_use_mean_ranks)
{
    double d[8] = { 3, 10, 1, 20, 2, 20, 2, 30 };   /* two columns: (3, 1, 2, 2) and (10, 20, 20, 30) */
    ck_assert_int_eq(im_normal_scores(&ctx, d, 4, 2), IM_OK);
    ck_assert_double_eq_tol(d[0], im_normal_quantile(3.5 / 4), 1e-12);
    ck_assert_double_eq_tol(d[2], im_normal_quantile(0.5 / 4), 1e-12);
    ck_assert_double_eq_tol(d[4], 0, 1e-12);   /* tied: mean rank 2.5, (2.5 − ½)/4 = ½ */
    ck_assert_double_eq_tol(d[6], 0, 1e-12);
    ck_assert_double_eq_tol(d[1], im_normal_quantile(0.5 / 4), 1e-12);
    ck_assert_double_eq_tol(d[3], 0, 1e-12);
    ck_assert_double_eq_tol(d[5], 0, 1e-12);
    ck_assert_double_eq_tol(d[7], im_normal_quantile(3.5 / 4), 1e-12);
}
END_TEST

/* The whole-sample estimate of a closed-form estimator on a task. */
static double closed_form(const char *task, const char *estimator, uint64_t seed, double *truth)
{
    char keys[256];
    snprintf(keys, sizeof keys, "task = %s\nn = 4000", task);
    im_dataset ds;
    load_task(keys, seed, &ds);
    char text[512];
    snprintf(text, sizeof text, "[task]\nplugin = mi-benchmark\n[dataset]\nplugin = beyond-normal\n[estimator]\n%s\n",
             estimator);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, seed);
    im_estimator *est;
    ck_assert_msg(im_estimator_new(&ctx, &cfg, "estimator", ds.test.x.cols, ds.test.y.cols, &rng, &est) == IM_OK,
                  "%s", ctx.err);
    double v;
    ck_assert_msg(im_estimator_estimate(&ctx, est, &ds.test.x, &ds.test.y, &v) == IM_OK, "%s", ctx.err);
    *truth = ds.true_mi;
    im_estimator_free(est);
    im_config_free(&cfg);
    im_dataset_free(&ds);
    return v;
}

/* Normal scores see only ranks: on the same sample through an increasing
 * map of each margin (one seed, normal vs bimodal / halfcube) the copula
 * estimators return the same number, while the raw ones move. */
START_TEST(copula_estimators_see_only_ranks)
{
    double t, gc_normal = closed_form("1v1-normal", "plugin = gaussian-copula", 3, &t);
    double gc_bimodal = closed_form("1v1-bimodal", "plugin = gaussian-copula", 3, &t);
    double g_normal = closed_form("1v1-normal", "plugin = gaussian", 3, &t);
    double g_bimodal = closed_form("1v1-bimodal", "plugin = gaussian", 3, &t);
    ck_assert_double_eq_tol(gc_bimodal, gc_normal, 1e-6);
    ck_assert_double_eq_tol(gc_normal, t, 0.05);
    ck_assert_double_gt(fabs(g_bimodal - g_normal), 0.03);
    double k_normal = closed_form("2pair-3v3", "plugin = ksg\ninput = copula", 4, &t);
    double k_cube = closed_form("2pair-halfcube-3v3", "plugin = ksg\ninput = copula", 4, &t);
    double k_raw = closed_form("2pair-halfcube-3v3", "plugin = ksg", 4, &t);
    ck_assert_double_eq_tol(k_cube, k_normal, 1e-6);
    ck_assert_double_gt(fabs(k_raw - k_normal), 0.01);
    /* heavy tails: KSG on normal scores finds the Student-t's MI, raw KSG loses a third of it */
    double k_t = closed_form("student-2v2-df1", "plugin = ksg\ninput = copula", 5, &t);
    double k_t_raw = closed_form("student-2v2-df1", "plugin = ksg", 5, &t);
    ck_assert_double_eq_tol(k_t, t, 0.1 * t);
    ck_assert_double_lt(k_t_raw, 0.75 * t);
}
END_TEST

START_TEST(an_unknown_task_lists_the_forty)
{
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-benchmark\n[dataset]\nplugin = beyond-normal\n"
                                                  "task = 2pair-26v26\n[estimator]\nplugin = ksg\n", "b.ini", &cfg),
                     IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_ptr_nonnull(strstr(ctx.err, "b.ini:5: dataset.task: unknown task '2pair-26v26'; the 40 tasks: "
                                          "1v1-normal, 1v1-normal-cdf,"));
    ck_assert_ptr_nonnull(strstr(ctx.err, "asinh-student-5v5-df2"));
    im_config_free(&cfg);
}
END_TEST

static const im_record *find_cell(im_record **recs, int n, const char *task, const char *estimator)
{
    for (int i = 0; i < n; i++) {
        const char *t = im_record_text(recs[i], "task"), *e = im_record_text(recs[i], "estimator");
        if (t && e && strcmp(t, task) == 0 && strcmp(e, estimator) == 0) return recs[i];
    }
    return NULL;
}

/* A few tasks per family through infomin-run: the records, the solved
 * rule, seeds per kind of estimator, the table and the heatmap. */
START_TEST(benchmark_sweep_end_to_end)
{
    char ini[512], out[65536], args[2048];
    test_write_file(ini, sizeof ini, "bench.ini",
                    "[task]\nplugin = mi-benchmark\nseeds = 3\ntrained_seeds = 1\n"
                    "[dataset]\nplugin = beyond-normal\nn = 2000\n"
                    "[estimator]\nplugin = ksg\ncritic = separable\nhidden = 16,8\nembed = 8\nbatch = 128\n"
                    "steps = 300\nlr = 1e-2\n"
                    "[sweep]\ndataset.task = 1v1-wiggly, 1v1-additive-0.75, 2v1-swissroll, dense-3v3,\n"
                    "    2pair-spiral-3v3, student-2v2-df1\n"
                    "estimator.plugin = gaussian, ksg, infonce\nestimator.ksg.input = copula\n");
    snprintf(args, sizeof args, "%s -o %s/bench.jsonl --threads 1", ini, test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "tasks solved by at least one estimator:"));
    ck_assert_ptr_nonnull(strstr(out, "[2] ksg input=copula"));
    char png[512], jsonl[512];
    snprintf(png, sizeof png, "%s/bench-heatmap.png", test_tmpdir());
    snprintf(jsonl, sizeof jsonl, "%s/bench.jsonl", test_tmpdir());
    ck_assert_int_eq(access(png, R_OK), 0);
    int n;
    im_record **recs = test_read_records(&ctx, jsonl, &n);
    ck_assert_int_eq(n, 18);
    double v, ratio, solved;
    const im_record *r = find_cell(recs, n, "dense-3v3", "gaussian");
    ck_assert(r && im_record_metric(r, "solved", &solved) && solved == 1);
    ck_assert(im_record_metric(r, "seeds", &v) && v == 3);
    r = find_cell(recs, n, "2pair-spiral-3v3", "gaussian");   /* a rotation the covariance cannot see */
    ck_assert(r && im_record_metric(r, "ratio", &ratio) && ratio < 0.5);
    ck_assert(im_record_metric(r, "solved", &solved) && solved == 0);
    r = find_cell(recs, n, "student-2v2-df1", "ksg");
    ck_assert(r && im_record_metric(r, "solved", &solved) && solved == 1);
    r = find_cell(recs, n, "1v1-wiggly", "infonce");
    ck_assert(r && im_record_metric(r, "seeds", &v) && v == 1);
    ck_assert(im_record_metric(r, "infonce_ceiling", &v));
    ck_assert_double_eq_tol(v, log(128.0), 1e-4);
    ck_assert(im_record_metric(r, "solved", &solved) && solved == 1);
    for (int i = 0; i < n; i++) ck_assert(im_record_ok(recs[i]));
    /* the within-10% row counts the cells whose mean is within 10% of the
     * truth, per estimator in the table's column order */
    static const char *const columns[3] = { "gaussian", "ksg", "infonce" };
    char expect[256];
    int at = snprintf(expect, sizeof expect, "%-39s", "within 10% of the truth");
    for (int c = 0; c < 3; c++) {
        int close = 0;
        for (int i = 0; i < n; i++)
            close += strcmp(im_record_text(recs[i], "estimator"), columns[c]) == 0 &&
                     im_record_metric(recs[i], "ratio", &ratio) && fabs(ratio - 1) < 0.1;
        at += snprintf(expect + at, sizeof expect - (size_t)at, " %5d / %-2d", close, 6);
    }
    ck_assert_msg(strstr(out, expect), "no line '%s' in:\n%s", expect, out);
    ck_assert_ptr_nonnull(strstr(out, "tasks within 10% of the truth by at least one estimator:"));
    test_free_records(recs, n);
    /* an estimator in correlation units has no place beside the true MI */
    snprintf(args, sizeof args, "%s -o %s/slice.jsonl --set estimator.plugin=slice --set dataset.task=1v1-normal "
             "--set estimator.plugin=slice", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "mi-benchmark: estimator slice reports correlation, not nats: it cannot be "
                                      "compared with the true MI"));
    /* auto's note and the seeds that chose otherwise go into the record */
    snprintf(jsonl, sizeof jsonl, "%s/auto.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s --set estimator.plugin=auto --set dataset.task=1v1-additive-0.75", ini,
             jsonl);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    recs = test_read_records(&ctx, jsonl, &n);
    ck_assert_int_eq(n, 1);
    const char *note = im_record_text(recs[0], "estimator_note");
    ck_assert_msg(note && strncmp(note, "ksg (k = 3) on normal scores:", 29) == 0, "%s", note ? note : "(none)");
    ck_assert(im_record_metric(recs[0], "seeds_choosing_otherwise", &v) && v == 0);
    test_free_records(recs, n);
    /* crossfit = K reads a trained estimator over K folds of every row; 1
     * fold is refused with the configuration */
    snprintf(jsonl, sizeof jsonl, "%s/crossfit.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s --set estimator.plugin=infonce --set dataset.task=1v1-normal "
             "--set task.crossfit=2", ini, jsonl);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    recs = test_read_records(&ctx, jsonl, &n);
    ck_assert(n == 1 && im_record_metric(recs[0], "crossfit_folds", &v) && v == 2);
    ck_assert(im_record_metric(recs[0], "solved", &solved) && solved == 1);
    test_free_records(recs, n);
    snprintf(args, sizeof args, "%s --dry-run --set task.crossfit=1", ini);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "task.crossfit: 1 fold reads no row unseen"), "%s", out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("benchmark");
    TCase *tc = tcase_create("benchmark");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_task_has_the_published_true_mi);
    tcase_add_test(tc, student_correction_matches_the_entropy_form);
    tcase_add_test(tc, samples_are_seeded_standardised_and_split);
    tcase_add_test(tc, transforms_are_the_stated_bijections);
    tcase_add_test(tc, normal_scores_use_mean_ranks);
    tcase_add_test(tc, copula_estimators_see_only_ranks);
    tcase_add_test(tc, an_unknown_task_lists_the_forty);
    tcase_add_test(tc, benchmark_sweep_end_to_end);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
