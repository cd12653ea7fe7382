/* test_infoplane.c — binned information (core/stats/binned.c) against exact
 * discrete values, the Miller–Madow correction against the plug-in bias,
 * the `binned` estimator against a Gaussian's analytic MI, the `tishby`
 * dataset's promises, and the `infoplane` task end to end (the plane's
 * invariants, the picture, its refusals). */
#include <math.h>
#include "registry_fixture.h"
#include "infomin/stats.h"

static double mi_of(const double *x, const double *y, int n, int bins, int miller_madow)
{
    im_bins b = { .bins = bins };
    double v;
    ck_assert_msg(im_binned_mi(&ctx, x, y, n, 1, 1, &b, &b, miller_madow, &v) == IM_OK, "%s", ctx.err);
    return v;
}

/* Equal counts in every cell: the plug-in values are exact. */
START_TEST(binned_mi_is_exact_on_discrete_data)
{
    enum { N = 4000 };
    static double x[N], same[N], other[N];
    for (int i = 0; i < N; i++) x[i] = i % 4, same[i] = i % 4, other[i] = (i / 4) % 4;
    ck_assert_double_eq_tol(mi_of(x, same, N, 4, 0), log(4.0), 1e-12);
    ck_assert_double_eq_tol(mi_of(x, other, N, 4, 0), 0, 1e-12);
    /* Miller–Madow: (4 − 1) + (4 − 1) − (cells − 1) over 2N */
    ck_assert_double_eq_tol(mi_of(x, same, N, 4, 1), log(4.0) + 3.0 / (2 * N), 1e-12);
    ck_assert_double_eq_tol(mi_of(x, other, N, 4, 1), -9.0 / (2 * N), 1e-12);
    /* a row's bins over many columns are one symbol: 40 random bits in
     * 300 rows, ten of them repeated, number 290 distinct symbols, equal
     * rows equal symbols, in lexicographic order */
    static double bits[300 * 40];
    im_rng rng;
    im_rng_seed(&rng, 5);
    for (int i = 0; i < 290 * 40; i++) bits[i] = im_rng_uniform(&rng) < 0.5;
    for (int i = 290; i < 300; i++)
        for (int c = 0; c < 40; c++) bits[i * 40 + c] = bits[(i - 290) * 40 + c];
    int symbol[300], m;
    ck_assert(im_bin_rows(&ctx, bits, 300, 40, &(im_bins){ .bins = 2 }, symbol, &m) == IM_OK);
    ck_assert_int_eq(m, 290);
    for (int i = 290; i < 300; i++) ck_assert_int_eq(symbol[i], symbol[i - 290]);
    for (int i = 0; i < 290; i++)
        for (int j = 0; j < 290; j++) {
            int k = 0;
            while (k < 40 && bits[i * 40 + k] == bits[j * 40 + k]) k++;
            if (k < 40) ck_assert_int_eq(symbol[i] < symbol[j], bits[i * 40 + k] < bits[j * 40 + k]);
        }
    /* NaN names its place */
    x[17] = NAN;
    ck_assert_int_ne(im_binned_mi(&ctx, x, same, N, 1, 1, &(im_bins){ .bins = 4 }, &(im_bins){ .bins = 4 }, 0,
                                  &(double){ 0 }), IM_OK);
    ck_assert_ptr_nonnull(strstr(ctx.err, "row 17, column 0 is nan"));
}
END_TEST

/* Independent uniforms in 10 x 10 cells, 500 rows: the plug-in MI reads
 * about (10 − 1)² / (2N) = 0.081 nats where the truth is 0; Miller–Madow
 * takes it back near 0 (mean over 20 draws). */
START_TEST(miller_madow_removes_the_plug_in_bias)
{
    enum { N = 500, DRAWS = 20 };
    static double x[N], y[N];
    im_rng rng;
    im_rng_seed(&rng, 11);
    double plug = 0, corrected = 0;
    for (int d = 0; d < DRAWS; d++) {
        for (int i = 0; i < N; i++) x[i] = im_rng_uniform(&rng), y[i] = im_rng_uniform(&rng);
        plug += mi_of(x, y, N, 10, 0) / DRAWS;
        corrected += mi_of(x, y, N, 10, 1) / DRAWS;
    }
    ck_assert_double_gt(plug, 0.06);
    ck_assert_double_lt(fabs(corrected), 0.015);
}
END_TEST

/* The estimator through an INI file: ρ = 0.9 Gaussians, 100,000 rows; in
 * 40 bins the discretisation reads about 2% low (numpy's histogram2d on
 * the same draw agrees), in 10 bins far lower: the bins matter. */
START_TEST(binned_estimator_approaches_gaussian_mi)
{
    const char *data = "plugin = gaussian\ndim = 1\nrho = 0.9\nn_train = 2\nn_val = 0\nn_test = 100000";
    double truth, fine = run_estimate(data, "plugin = binned\nbins = 40", 1, &truth);
    double coarse = run_estimate(data, "plugin = binned\nbins = 10", 1, &truth);
    ck_assert_double_eq_tol(truth, -0.5 * log(1 - 0.81), 1e-9);
    ck_assert_double_eq_tol(fine, truth, 0.03 * truth);
    ck_assert_double_lt(coarse, 0.8 * truth);
    im_config cfg;
    ck_assert(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n"
                                     "[estimator]\nplugin = binned\nlo = 1\nhi = -1\n", "t.ini", &cfg) == IM_OK);
    ck_assert_int_ne(im_config_validate(&ctx, &cfg, reg), IM_OK);
    ck_assert_ptr_nonnull(strstr(ctx.err, "is above hi"));
    im_config_free(&cfg);
}
END_TEST

static void load_tishby(const char *keys, uint64_t seed, im_dataset *ds)
{
    char text[512];
    snprintf(text, sizeof text, "[task]\nplugin = infoplane\n[dataset]\nplugin = tishby\n%s\n", keys);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, seed);
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, ds) == IM_OK, "%s", ctx.err);
    im_config_free(&cfg);
}

/* Every 12-bit pattern once, 80% to train; p(y = 1) near ½; the truth is
 * H(Y); and the labels follow f: at a large gain a threshold on the number
 * of active bits cannot label them as well as the rule itself does. */
START_TEST(tishby_is_every_pattern_once)
{
    im_dataset ds;
    load_tishby("", 3, &ds);
    ck_assert_int_eq(ds.train.x.rows, 3277);
    ck_assert_int_eq(ds.test.x.rows, 819);
    ck_assert_int_eq(ds.val.x.rows, 0);
    static char seen[4096];
    memset(seen, 0, sizeof seen);
    int ones = 0;
    const im_split *splits[2] = { &ds.train, &ds.test };
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < splits[s]->x.rows; r++) {
            int code = 0;
            for (int i = 0; i < 12; i++) {
                im_real b = im_mat_row(&splits[s]->x, r)[i];
                ck_assert(b == 0 || b == 1);
                code = code << 1 | (int)b;
            }
            ck_assert_int_eq(seen[code]++, 0);
            ones += im_mat_row(&splits[s]->y, r)[0] == 1;
        }
    double q = ones / 4096.0;
    ck_assert_double_eq_tol(q, 0.5, 0.03);
    ck_assert(ds.has_true_mi);
    ck_assert_double_eq_tol(ds.true_mi, -q * log(q) - (1 - q) * log(1 - q), 1e-12);
    ck_assert_int_eq(ds.y_classes, 2);
    im_dataset another;
    load_tishby("", 3, &another);   /* the seed fixes the labels and the order */
    ck_assert_mem_eq(ds.train.y.data, another.train.y.data, sizeof(im_real) * 3277);
    im_dataset_free(&another);
    im_dataset_free(&ds);
    load_tishby("train_share = 0.5", 4, &ds);
    ck_assert_int_eq(ds.train.x.rows, 2048);
    im_dataset_free(&ds);
}
END_TEST

/* tasks/infoplane/tiny.ini through infomin-run, tanh and ReLU: every point
 * of every layer's curve obeys what binning a function of X must: I(T;Y)
 * ≤ I(X;Y) = H(Y) (data processing), I(T;Y) ≤ I(X;T) = H(T) ≤ 12 bits;
 * 10 tanh units in 30 bins keep the 4096 patterns apart at the start;
 * the picture is written. A dataset without classes is refused. */
START_TEST(infoplane_runs_end_to_end)
{
    char out[16384], args[1024], path[512], ini[512];
    snprintf(args, sizeof args, "%s/tasks/infoplane/tiny.ini -o %s/tiny.jsonl --threads 1", test_srcdir(),
             test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    snprintf(path, sizeof path, "%s/tiny.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 2);
    for (int k = 0; k < n; k++) {
        ck_assert(im_record_ok(recs[k]));
        double ixy, acc;
        ck_assert(im_record_metric(recs[k], "I_XY_bits", &ixy) && ixy > 0.95 && ixy <= 1);
        ck_assert(im_record_metric(recs[k], "train_accuracy", &acc) && acc > 0.5 && acc <= 1);
        for (int l = 1; l <= 6; l++) {
            char name[16];
            snprintf(name, sizeof name, "layer%d", l);
            const im_curve *c = im_record_find_curve(recs[k], name);
            ck_assert_msg(c && im_curve_rows(c) >= 8, "%s", name);
            ck_assert_double_eq(im_curve_get(c, 0, 0), 0);   /* read before the first step */
            for (int i = 0; i < im_curve_rows(c); i++) {
                double ixt = im_curve_get(c, i, 1), ity = im_curve_get(c, i, 2);
                ck_assert(ity >= -1e-9 && ity <= ixy + 1e-9 && ity <= ixt + 1e-9 && ixt <= 12 + 1e-9);
            }
            if (l == 1 && k == 0) ck_assert_double_gt(im_curve_get(c, 0, 1), 11.5);
        }
        const char *png = im_record_text(recs[k], "plane");
        ck_assert(png && access(png, R_OK) == 0);
    }
    test_free_records(recs, n);
    test_write_file(ini, sizeof ini, "noclasses.ini", "[task]\nplugin = infoplane\n[dataset]\nplugin = gaussian\n");
    snprintf(args, sizeof args, "%s -o %s/nc.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "class labels") != NULL, "%s", out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("infoplane");
    TCase *tc = tcase_create("infoplane");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, binned_mi_is_exact_on_discrete_data);
    tcase_add_test(tc, miller_madow_removes_the_plug_in_bias);
    tcase_add_test(tc, binned_estimator_approaches_gaussian_mi);
    tcase_add_test(tc, tishby_is_every_pattern_once);
    tcase_add_test(tc, infoplane_runs_end_to_end);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
