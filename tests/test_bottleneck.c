/* test_bottleneck.c — the information bottleneck's pieces: the Gaussian
 * channel's MI bounds against the analytic MI of a Gaussian channel, their
 * ceiling and their refusals; the task end to end on a few hundred
 * Fashion-MNIST images (every regularizer, the table, the plane), VIB at a
 * large beta compressing, and the task's errors. */
#include <math.h>
#include "registry_fixture.h"
#include "infomin/stats.h"

#define FASHION "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

/* The runs read Fashion-MNIST from the Debian package: without it they are
 * skipped, saying so. */
static int fashion_present(const char *test)
{
    if (access(FASHION, R_OK) == 0) return 1;
    fprintf(stderr, "test_bottleneck: %s absent: %s skipped (apt-get install dataset-fashion-mnist)\n", FASHION, test);
    return 0;
}

/* m inputs x ~ N(0, I_k), Z = X + N(0, s² I): I(X;Z) = k/2·log(1 + 1/s²). */
static void channel_sample(int m, int k, double s, uint64_t seed, double *mu, double *var, double *z)
{
    im_rng rng;
    im_rng_seed(&rng, seed);
    for (long i = 0; i < (long)m * k; i++) {
        mu[i] = im_rng_normal(&rng);
        var[i] = s * s;
        z[i] = mu[i] + s * im_rng_normal(&rng);
    }
}

START_TEST(channel_bounds_bracket_the_analytic_mi)
{
    enum { M = 2000, K = 2 };
    static double mu[M * K], var[M * K], z[M * K];
    double s = sqrt(1 / (exp(1.0) - 1)), truth = 0.5 * K * log(1 + 1 / (s * s));   /* 1 nat */
    ck_assert_double_eq_tol(truth, 1.0, 1e-12);
    double lower, upper, sum_lower = 0, sum_upper = 0;
    for (int rep = 0; rep < 5; rep++) {
        channel_sample(M, K, s, 10 + rep, mu, var, z);
        ck_assert_int_eq(im_gaussian_channel_mi(&ctx, mu, var, z, M, K, &lower, &upper), IM_OK);
        ck_assert_double_le(lower, upper);
        sum_lower += lower, sum_upper += upper;
    }
    /* with I far below log m both are tight: within 0.05 nats on average
     * (a draw's sampling error is ~0.01; the bounds hold in expectation) */
    ck_assert_double_eq_tol(sum_lower / 5, truth, 0.05);
    ck_assert_double_eq_tol(sum_upper / 5, truth, 0.05);
    ck_assert_double_le(sum_lower / 5, truth + 0.03);
    ck_assert_double_ge(sum_upper / 5, truth - 0.03);
    /* noise far above the signal: nothing gets through */
    channel_sample(M, K, 100, 3, mu, var, z);
    ck_assert_int_eq(im_gaussian_channel_mi(&ctx, mu, var, z, M, K, &lower, &upper), IM_OK);
    ck_assert_double_eq_tol(lower, 0, 0.01);
    ck_assert_double_eq_tol(upper, 0, 0.01);
    /* almost no noise: the lower bound at its ceiling log m, the upper far above */
    channel_sample(200, K, 1e-4, 4, mu, var, z);
    ck_assert_int_eq(im_gaussian_channel_mi(&ctx, mu, var, z, 200, K, &lower, &upper), IM_OK);
    ck_assert_double_eq_tol(lower, log(200.0), 1e-6);
    ck_assert_double_gt(upper, 10);
}
END_TEST

START_TEST(channel_bounds_refuse_bad_input)
{
    double mu[4] = { 0, 1, 2, 3 }, var[4] = { 1, 1, 1, 1 }, z[4] = { 0, 1, 2, 3 }, lower, upper;
    ck_assert_int_eq(im_gaussian_channel_mi(&ctx, mu, var, z, 1, 4, &lower, &upper), IM_EINVAL);
    var[2] = 0;
    ck_assert_int_eq(im_gaussian_channel_mi(&ctx, mu, var, z, 2, 2, &lower, &upper), IM_ENUMERIC);
    ck_assert_str_eq(ctx.err, "Gaussian channel MI: input 1, dimension 0: mean 2, variance 0, draw 2 (need finite values "
                              "and a positive variance)");
    var[2] = 1;
    z[3] = NAN;
    ck_assert_int_eq(im_gaussian_channel_mi(&ctx, mu, var, z, 2, 2, &lower, &upper), IM_ENUMERIC);
}
END_TEST

static const im_record *find(im_record *const *recs, int n, const char *regularizer)
{
    for (int i = 0; i < n; i++) {
        const char *r = im_record_text(recs[i], "regularizer");
        if (r && strcmp(r, regularizer) == 0) return recs[i];
    }
    return NULL;
}

/* tasks/bottleneck/tiny.ini through infomin-run: every regularizer, the
 * records with their per-epoch curve, the table, the plane. */
START_TEST(bottleneck_runs_end_to_end)
{
    if (!fashion_present("bottleneck runs end to end")) return;
    char out[16384], args[1024], path[512];
    snprintf(args, sizeof args, "%s/tasks/bottleneck/tiny.ini -o %s/tiny.jsonl --threads 1", test_srcdir(),
             test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "bottleneck, test split (mean ± sd over runs; I in nats):"));
    /* none reads no beta: the shipped sweep's none cells at other betas repeat the first (uses_key) */
    char dry[65536];
    snprintf(args, sizeof args, "%s/tasks/bottleneck/fashion-mnist.ini --dry-run", test_srcdir());
    ck_assert_msg(test_run_cli(args, dry, sizeof dry) == 0, "%s", dry);
    ck_assert_ptr_nonnull(strstr(dry, "54 cells, 30 to compute"));
    ck_assert_ptr_nonnull(strstr(dry, "task.regularizer=none estimator.plugin=mine task.beta=1e-2 task.seed=1  = cell 0"));
    ck_assert_ptr_nonnull(strstr(out, "\nvib beta=0.01 "));
    ck_assert_ptr_nonnull(strstr(out, "\nclub beta=0.01 "));
    snprintf(path, sizeof path, "%s/tiny-plane.png", test_tmpdir());
    ck_assert_int_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/tiny.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 6);   /* none and vib twice: the estimator's section unused, run once */
    const char *const names[4] = { "none", "vib", "mine", "club" };
    for (int i = 0; i < 4; i++) {
        const im_record *r = find(recs, n, names[i]);
        ck_assert_msg(r && im_record_ok(r), "%s", names[i]);
        double err, izy, lo, hi;
        ck_assert(im_record_metric(r, "test_error", &err) && err >= 0 && err <= 1);
        ck_assert(im_record_metric(r, "izy", &izy) && izy <= log(10.0) + 1e-6);
        ck_assert(im_record_metric(r, "ixz_lower", &lo) && lo >= -0.1 && lo <= log(100.0) + 1e-6);
        ck_assert_int_eq(im_record_metric(r, "ixz_upper", &hi), i > 0);   /* none: deterministic, no upper */
        if (i > 0) ck_assert_double_ge(hi, lo);
        const im_curve *c = im_record_find_curve(r, "epochs");
        ck_assert(c && im_curve_rows(c) == 3);                        /* before training and after each epoch */
        ck_assert(isnan(im_curve_get(c, 0, 1)));                       /* no training loss before training */
        ck_assert_int_eq(isnan(im_curve_get(c, 2, 2)), i == 0);       /* a penalty but for none */
        ck_assert_double_eq_tol(im_curve_get(c, 2, 3), err, 1e-12);  /* the last point is the record's */
    }
    test_free_records(recs, n);
}
END_TEST

/* VIB at beta = 1 against 1e-3, everything else equal: the rate term
 * squeezes I(X;Z) (the channel's lower bound) far down. */
START_TEST(vib_compresses_with_beta)
{
    if (!fashion_present("vib compresses with beta")) return;
    char out[16384], args[1024], path[512], ini[512];
    test_write_file(ini, sizeof ini, "vib.ini",
                    "[task]\nplugin = bottleneck\nregularizer = vib\ncode_dim = 8\nepochs = 4\nbatch = 32\n"
                    "lr = 1e-3\ninfo_rows = 100\n[dataset]\nplugin = fashion-mnist\nn_train = 320\nn_val = 0\n"
                    "n_test = 200\n[encoder]\nplugin = mlp\nhidden = 64\nout = 16\n[sweep]\ntask.beta = 1e-3, 1\n");
    snprintf(args, sizeof args, "%s -o %s/vib.jsonl --threads 1", ini, test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    snprintf(path, sizeof path, "%s/vib.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    double ixz[2] = { 0, 0 }, beta;
    int seen = 0;
    for (int i = 0; i < n; i++) {
        if (!im_record_ok(recs[i]) || !im_record_metric(recs[i], "beta", &beta)) continue;
        im_record_metric(recs[i], "ixz_lower", &ixz[beta > 0.5]);
        seen++;
    }
    ck_assert_int_eq(seen, 2);
    ck_assert_msg(ixz[1] < ixz[0] - 1, "I(X;Z) >= %.3f at beta 1, %.3f at beta 1e-3", ixz[1], ixz[0]);
    test_free_records(recs, n);
    /* info_rows above the test split: the bounds read the 200 rows there
     * are, and the record and the summary say 200 (they said 100000) */
    snprintf(args, sizeof args, "%s -o %s/vib-rows.jsonl --threads 1 --set task.info_rows=100000 --set task.beta=1",
             ini, test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "bounds on 200 test images") != NULL, "%s", out);
    snprintf(path, sizeof path, "%s/vib-rows.jsonl", test_tmpdir());
    recs = test_read_records(&ctx, path, &n);
    double log_m;
    ck_assert(im_record_metric(recs[0], "info_rows_log", &log_m));
    ck_assert_double_eq_tol(log_m, log(200.0), 1e-6);   /* 9 significant digits in the record */
    test_free_records(recs, n);
}
END_TEST

START_TEST(bottleneck_names_bad_settings)
{
    if (!fashion_present("bottleneck names bad settings")) return;
    char ini[512], out[8192], args[1024];
    test_write_file(ini, sizeof ini, "bad.ini",
                    "[task]\nplugin = bottleneck\nregularizer = vib\ncode = deterministic\ncode_dim = 4\nepochs = 1\n"
                    "[dataset]\nplugin = fashion-mnist\nn_train = 64\nn_val = 0\nn_test = 20\n"
                    "[encoder]\nplugin = mlp\nhidden = 8\nout = 8\n[estimator]\nplugin = ksg\n");
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "bad.ini:4: task.code: regularizer = vib needs a stochastic code"));
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl --set task.code=gaussian --set encoder.out=6", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "bottleneck: [encoder] makes 6 columns; code = gaussian with code_dim = 4 needs "
                                      "8 (a mean and a scale per dimension): set out = 8"));
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl --set task.code=gaussian --set task.regularizer=estimator", ini,
             test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "bottleneck: estimator ksg has no differentiable objective"));
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl --set task.code=gaussian --set task.regularizer=estimator "
             "--set estimator.plugin=pearson", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "bottleneck: estimator pearson measures a correlation"));
    /* a dataset without classes */
    test_write_file(ini, sizeof ini, "regression.ini",
                    "[task]\nplugin = bottleneck\nepochs = 1\n[dataset]\nplugin = gaussian\nn = 200\n"
                    "[encoder]\nplugin = mlp\nout = 512\n");
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "bottleneck: dataset gaussian has no class labels (Y classes)"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bottleneck");
    TCase *tc = tcase_create("bottleneck");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, channel_bounds_bracket_the_analytic_mi);
    tcase_add_test(tc, channel_bounds_refuse_bad_input);
    tcase_add_test(tc, bottleneck_runs_end_to_end);
    tcase_add_test(tc, vib_compresses_with_beta);
    tcase_add_test(tc, bottleneck_names_bad_settings);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
