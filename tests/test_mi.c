/* test_mi.c — the handle API (mi.h): numbers against analytic MI and against
 * the INI path over the same rows, every refusal with its message, the
 * interval and the permutation test, interrupting a fit from another
 * thread, and the process's BLAS threads left as they were. */
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include "config.h"   /* PACKAGE_VERSION */
#include "test_util.h"

#define N 2000

/* n rows of a bivariate Gaussian with correlation rho: I = -½ log(1 - rho²). */
static void gaussian_pairs(double *x, double *y, int n, double rho, uint64_t seed)
{
    im_rng rng;
    im_rng_seed(&rng, seed);
    for (int i = 0; i < n; i++) {
        double a = im_rng_normal(&rng), b = im_rng_normal(&rng);
        x[i] = a;
        y[i] = rho * a + sqrt(1 - rho * rho) * b;
    }
}

static double x_rows[N], y_rows[N];

static void setup(void) { gaussian_pairs(x_rows, y_rows, N, 0.6, 7); }

START_TEST(version_agrees_with_the_package)
{
    ck_assert_str_eq(im_version(), PACKAGE_VERSION);
    ck_assert_str_eq(IM_VERSION, PACKAGE_VERSION);
    ck_assert_int_eq(im_version_number(), IM_VERSION_NUMBER);
}
END_TEST

START_TEST(ksg_reads_every_row_and_matches_the_truth)
{
    im_mi_handle *m;
    const char *opts[] = { "k=5" };
    ck_assert_msg(im_mi_open(&m, "ksg", opts, 1, 0) == IM_OK, "%s", im_mi_message(m));
    ck_assert_int_eq(im_mi_trains(m), 0);
    ck_assert_str_eq(im_mi_unit(m), "nats");
    ck_assert_str_eq(im_mi_bound(m), "estimate");
    double v, direct, again, truth = -0.5 * log(1 - 0.36);
    ck_assert_msg(im_mi_run(m, x_rows, N, 1, y_rows, N, 1, &v) == IM_OK, "%s", im_mi_message(m));
    ck_assert_msg(fabs(v - truth) < 0.04, "ksg %.4f against %.4f", v, truth);
    /* every row: the core's KSG on the same rows, to the last digit */
    im_ctx ctx;
    im_ctx_init(&ctx);
    ck_assert_int_eq(im_ksg(&ctx, x_rows, y_rows, N, 1, 1, 5, &direct), IM_OK);
    ck_assert_double_eq_tol(v, direct, 1e-5);   /* float32 rows in the estimator */
    /* estimate without a fit, and the one-call form, give the same */
    ck_assert_int_eq(im_mi_estimate(m, x_rows, N, 1, y_rows, N, 1, &again), IM_OK);
    ck_assert_double_eq_tol(v, again, 1e-12);   /* run reads the rows shuffled: sums in another order */
    char err[256];
    ck_assert_int_eq(im_mi("ksg", opts, 1, 0, x_rows, N, 1, y_rows, N, 1, &again, err, sizeof err), IM_OK);
    ck_assert_double_eq(v, again);
    im_mi_close(m);
}
END_TEST

/* The estimate infomin-run records for the rows of this file through the
 * csv dataset (split as given), task mi-estimate and `estimator` lines. */
static double ini_estimate(const char *name, const char *split, const char *estimator)
{
    char csv[4096], ini[8192], path[4096], out[16384], results[4096];
    snprintf(csv, sizeof csv, "%s/rows.csv", test_tmpdir());
    FILE *f = fopen(csv, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "x,y\n");
    for (int i = 0; i < N; i++) fprintf(f, "%.17g,%.17g\n", x_rows[i], y_rows[i]);
    fclose(f);
    snprintf(ini, sizeof ini,
             "[task]\nplugin = mi-estimate\nseed = 3\nplot = false\nresamples = 0\n"
             "[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\nsplit = %s\n[estimator]\n%s",
             csv, split, estimator);
    char file[256];
    snprintf(file, sizeof file, "%s.ini", name);
    test_write_file(path, sizeof path, file, ini);
    snprintf(results, sizeof results, "%s/%s.jsonl", test_tmpdir(), name);
    char args[12288];
    snprintf(args, sizeof args, "%s -q --threads 1 -o %s", path, results);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    im_ctx ctx;
    im_ctx_init(&ctx);
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    double v;
    ck_assert(im_record_metric(recs[0], "estimate", &v));
    test_free_records(recs, n);
    return v;
}

/* v as a record keeps it: 9 significant digits */
static double as_recorded(double v)
{
    char nine[32];
    snprintf(nine, sizeof nine, "%.9g", v);
    return strtod(nine, NULL);
}

/* KSG on every row through the handle and through an INI file whose csv
 * split holds no training rows: one number. */
START_TEST(ksg_gives_the_ini_files_number_on_every_row)
{
    double from_ini = ini_estimate("ksg", "0,0,1", "plugin = ksg\nk = 5\n"), v;
    const char *opts[] = { "k=5" };
    char err[256];
    ck_assert_int_eq(im_mi("ksg", opts, 1, 3, x_rows, N, 1, y_rows, N, 1, &v, err, sizeof err), IM_OK);
    ck_assert_msg(as_recorded(v) == from_ini, "handle %.17g, INI file %.17g", v, from_ini);
}
END_TEST

/* A trained estimator through the handle and through an INI file (csv
 * dataset over the same rows, task mi-estimate, the same seed): one number. */
START_TEST(a_trained_estimator_gives_the_ini_files_number)
{
    double from_ini =
        ini_estimate("infonce", "0.7,0.1,0.2", "plugin = infonce\nsteps = 60\nbatch = 64\neval_every = 20\n");
    im_mi_handle *m;
    const char *opts[] = { "steps=60", "batch=64", "eval_every=20" };
    ck_assert_msg(im_mi_open(&m, "infonce", opts, 3, 3) == IM_OK, "%s", im_mi_message(m));
    ck_assert_int_eq(im_mi_trains(m), 1);
    ck_assert_int_eq(im_mi_set_threads(m, 1), IM_OK);
    double v;
    ck_assert_msg(im_mi_run(m, x_rows, N, 1, y_rows, N, 1, &v) == IM_OK, "%s", im_mi_message(m));
    /* the same number to the record's 9 digits; under valgrind (which lacks
     * AVX-512, so SLEEF's kernels differ from the INI run's) to 1e-5 */
    int close_enough = getenv("INFOMIN_TEST_VALGRIND") && fabs(v - from_ini) < 1e-5 * fabs(v);
    ck_assert_msg(as_recorded(v) == from_ini || close_enough, "handle %.17g, INI file %.17g", v, from_ini);
    /* run again: the same seed, the same number */
    double again;
    ck_assert_int_eq(im_mi_run(m, x_rows, N, 1, y_rows, N, 1, &again), IM_OK);
    ck_assert_double_eq(v, again);
    /* the split it used: 0.7 / 0.1 / 0.2 of the rows, every row once */
    int order[N], seen[N] = { 0 };
    long counts[3];
    ck_assert_int_eq(im_mi_split(m, N, order, counts), IM_OK);
    ck_assert(counts[0] == 1400 && counts[1] == 200 && counts[2] == 400);
    for (int i = 0; i < N; i++) seen[order[i]]++;
    for (int i = 0; i < N; i++) ck_assert_int_eq(seen[i], 1);
    /* estimate before a fit is refused for a trained estimator */
    im_mi_handle *fresh;
    ck_assert_int_eq(im_mi_open(&fresh, "infonce", opts, 3, 3), IM_OK);
    ck_assert_int_eq(im_mi_estimate(fresh, x_rows, N, 1, y_rows, N, 1, &v), IM_EINVAL);
    ck_assert_ptr_nonnull(strstr(im_mi_message(fresh), "fit it first"));
    ck_assert_msg(im_mi_fit(fresh, x_rows, N, 1, y_rows, N, 1) == IM_OK, "%s", im_mi_message(fresh));
    ck_assert_msg(im_mi_estimate(fresh, x_rows, 500, 1, y_rows, 500, 1, &v) == IM_OK, "%s", im_mi_message(fresh));
    ck_assert(isfinite(v));
    ck_assert_int_eq(im_mi_estimate(fresh, x_rows, 250, 2, y_rows, 250, 1, &v), IM_EINVAL);
    ck_assert_ptr_nonnull(strstr(im_mi_message(fresh), "fitted on 1 and 1"));
    im_mi_close(fresh);
    im_mi_close(m);
}
END_TEST

/* Every refusal names what is wrong. */
static void expect_refusal(im_status st, const im_mi_handle *m, const char *needle)
{
    ck_assert_int_ne(st, IM_OK);
    ck_assert_msg(strstr(im_mi_message(m), needle) != NULL, "message '%s' lacks '%s'", im_mi_message(m), needle);
}

START_TEST(bad_input_is_refused_with_its_reason)
{
    im_mi_handle *m;
    double v, bad[4] = { 0, 1, NAN, 3 }, inf[4] = { 0, INFINITY, 2, 3 };
    ck_assert_int_eq(im_mi_open(&m, "ksg", NULL, 0, 0), IM_OK);
    expect_refusal(im_mi_run(m, x_rows, 100, 1, y_rows, 99, 1, &v), m, "x has 100 rows and y has 99");
    expect_refusal(im_mi_run(m, x_rows, 0, 1, y_rows, 0, 1, &v), m, "x is empty");
    expect_refusal(im_mi_run(m, x_rows, 4, 1, bad, 4, 1, &v), m, "y: row 2, column 0 is NaN");
    expect_refusal(im_mi_run(m, inf, 2, 2, y_rows, 2, 1, &v), m, "x: row 0, column 1 is infinite");
    expect_refusal(im_mi_run(m, NULL, 4, 1, y_rows, 4, 1, &v), m, "x is NULL");
    expect_refusal(im_mi_set_split(m, 0.5, 0.5, 0), m, "summing to 1");
    expect_refusal(im_mi_set_threads(m, -1), m, "threads = -1");
    ck_assert_int_eq(im_mi_run(m, x_rows, N, 1, y_rows, N, 1, &v), IM_OK);   /* still usable */
    ck_assert_str_eq(im_mi_message(m), "");
    im_mi_close(m);

    ck_assert_int_ne(im_mi_open(&m, "ksgg", NULL, 0, 0), IM_OK);
    ck_assert_ptr_nonnull(strstr(im_mi_message(m), "no estimator plugin named 'ksgg'; did you mean 'ksg'?"));
    expect_refusal(im_mi_run(m, x_rows, N, 1, y_rows, N, 1, &v), m, "failed to open");
    im_mi_close(m);

    const char *typo[] = { "kk=3" }, *text[] = { "k=abc" }, *negative[] = { "k=-1" }, *no_eq[] = { "k" };
    ck_assert_int_ne(im_mi_open(&m, "ksg", typo, 1, 0), IM_OK);
    ck_assert_ptr_nonnull(strstr(im_mi_message(m), "option 'kk=3': estimator.ksg.kk: unknown key for estimator "
                                                   "'ksg'; did you mean 'k'?"));
    im_mi_close(m);
    ck_assert_int_ne(im_mi_open(&m, "ksg", text, 1, 0), IM_OK);
    ck_assert_ptr_nonnull(strstr(im_mi_message(m), "option 'k=abc': estimator.ksg.k:"));
    im_mi_close(m);
    ck_assert_int_ne(im_mi_open(&m, "ksg", negative, 1, 0), IM_OK);
    ck_assert_ptr_nonnull(strstr(im_mi_message(m), "option 'k=-1': estimator.ksg.k:"));
    im_mi_close(m);
    ck_assert_int_ne(im_mi_open(&m, "ksg", no_eq, 1, 0), IM_OK);
    ck_assert_ptr_nonnull(strstr(im_mi_message(m), "option 'k': expected key=value"));
    im_mi_close(m);
    /* a key another estimator takes is no key of this one */
    const char *steps[] = { "steps=10" };
    ck_assert_int_ne(im_mi_open(&m, "ksg", steps, 1, 0), IM_OK);
    ck_assert_ptr_nonnull(strstr(im_mi_message(m), "unknown key for estimator 'ksg'"));
    im_mi_close(m);
    char err[512];
    ck_assert_int_ne(im_mi("nope", NULL, 0, 0, x_rows, N, 1, y_rows, N, 1, &v, err, sizeof err), IM_OK);
    ck_assert_ptr_nonnull(strstr(err, "no estimator plugin named 'nope'"));
}
END_TEST

/* KSG on tied values (integers; floats near 1e7 that float32 rounds to
 * integers) read 7.8 nats against a true 0.12: refused, naming the share. */
START_TEST(ksg_refuses_tied_data)
{
    double xi[1000], yi[1000], v;
    im_rng rng;
    im_rng_seed(&rng, 3);
    for (int i = 0; i < 1000; i++) {
        xi[i] = (double)im_rng_below(&rng, 10);
        yi[i] = fmod(xi[i] + im_rng_below(&rng, 10), 10);
    }
    char err[512];
    ck_assert_int_eq(im_mi("ksg", NULL, 0, 0, xi, 1000, 1, yi, 1000, 1, &v, err, sizeof err), IM_EINVAL);
    ck_assert_msg(strstr(err, "ksg: 100% of the 1000 rows of X column 0 share their value with another row") != NULL,
                  "%s", err);
    for (int i = 0; i < 1000; i++) xi[i] = 1e7 + x_rows[i], yi[i] = 1e7 + y_rows[i];
    ck_assert_int_eq(im_mi("ksg", NULL, 0, 0, xi, 1000, 1, yi, 1000, 1, &v, err, sizeof err), IM_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "subtract their mean first"));
    for (int i = 0; i < 1000; i++) xi[i] -= 1e7, yi[i] -= 1e7;   /* centred: continuous again */
    ck_assert_msg(im_mi("ksg", NULL, 0, 0, xi, 1000, 1, yi, 1000, 1, &v, err, sizeof err) == IM_OK, "%s", err);
}
END_TEST

/* gaussian and pearson read the same on data in any units (a fixed ridge
 * of 1e-6 read 80% low at sd 1e-3 and 0 at 1e-4; pearson's eps halved the
 * correlation at sd 1e-4). */
START_TEST(closed_form_estimates_do_not_depend_on_the_units)
{
    static const char *const names[] = { "gaussian", "pearson", "gaussian-copula" };
    static const double scales[] = { 1e-6, 1e-4, 1e-3, 1e3 };
    double xs[N], ys[N], ref, v;
    char err[512];
    for (int e = 0; e < 3; e++) {
        ck_assert_int_eq(im_mi(names[e], NULL, 0, 0, x_rows, N, 1, y_rows, N, 1, &ref, err, sizeof err), IM_OK);
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < N; i++) xs[i] = scales[s] * x_rows[i], ys[i] = scales[s] * y_rows[i];
            ck_assert_int_eq(im_mi(names[e], NULL, 0, 0, xs, N, 1, ys, N, 1, &v, err, sizeof err), IM_OK);
            ck_assert_msg(fabs(v - ref) < 1e-5 * fabs(ref), "%s at scale %g: %.6f against %.6f", names[e],
                          scales[s], v, ref);
        }
    }
}
END_TEST

START_TEST(interval_covers_and_the_test_rejects_dependence_only)
{
    im_mi_handle *m;
    ck_assert_int_eq(im_mi_open(&m, "ksg", NULL, 0, 1), IM_OK);
    double est, lo, hi, truth = -0.5 * log(1 - 0.36);
    ck_assert_msg(im_mi_interval(m, x_rows, N, 1, y_rows, N, 1, 40, 0.9, &est, &lo, &hi) == IM_OK, "%s",
                  im_mi_message(m));
    ck_assert(lo < est && est < hi);
    ck_assert_msg(lo < truth + 0.02 && truth - 0.02 < hi, "[%.4f, %.4f] against %.4f", lo, hi, truth);
    ck_assert(hi - lo < 0.2);
    double s, p;
    ck_assert_int_eq(im_mi_pvalue(m, x_rows, 500, 1, y_rows, 500, 1, 99, &s, &p), IM_OK);
    ck_assert_double_eq_tol(p, 0.01, 1e-12);   /* no permutation reaches the dependent statistic */
    double indep[500];
    gaussian_pairs(indep, indep + 250, 250, 0, 11);   /* two independent halves */
    ck_assert_int_eq(im_mi_pvalue(m, indep, 250, 1, indep + 250, 250, 1, 99, &s, &p), IM_OK);
    ck_assert_msg(p > 0.05, "independent rows: p = %.3f", p);
    ck_assert_int_ne(im_mi_interval(m, x_rows, N, 1, y_rows, N, 1, 40, 1.5, &est, &lo, &hi), IM_OK);
    ck_assert_int_ne(im_mi_pvalue(m, x_rows, N, 1, y_rows, N, 1, 0, &s, &p), IM_OK);
    im_mi_close(m);
}
END_TEST

typedef struct {
    im_mi_handle *m;
    im_status st;
    double seconds;
} fit_job;

static void *long_fit(void *arg)
{
    fit_job *j = arg;
    double t0 = im_seconds();
    j->st = im_mi_fit(j->m, x_rows, N, 1, y_rows, N, 1);
    j->seconds = im_seconds() - t0;
    return NULL;
}

/* A fit asked to stop from another thread returns IM_EINTERRUPTED soon
 * (no timing asserted beyond "it returned": the step count would take
 * minutes), and the handle fits again afterwards. */
START_TEST(a_fit_stops_when_interrupted)
{
    const char *opts[] = { "steps=100000000", "eval_every=1000000" };
    fit_job j = { 0 };
    ck_assert_int_eq(im_mi_open(&j.m, "mine", opts, 2, 0), IM_OK);
    pthread_t t;
    pthread_create(&t, NULL, long_fit, &j);
    struct timespec wait = { 0, 200 * 1000 * 1000 };
    nanosleep(&wait, NULL);
    im_mi_interrupt(j.m);
    pthread_join(t, NULL);
    ck_assert_int_eq(j.st, IM_EINTERRUPTED);
    const char *few[] = { "steps=20" };
    im_mi_close(j.m);
    ck_assert_int_eq(im_mi_open(&j.m, "mine", few, 1, 0), IM_OK);
    /* a request made before the call stops the call (a slow thread start
     * lost it, and the fit above ran on), and the call spends it */
    im_mi_interrupt(j.m);
    ck_assert_int_eq(im_mi_fit(j.m, x_rows, N, 1, y_rows, N, 1), IM_EINTERRUPTED);
    ck_assert_msg(im_mi_fit(j.m, x_rows, N, 1, y_rows, N, 1) == IM_OK, "%s", im_mi_message(j.m));
    im_mi_close(j.m);
}
END_TEST

START_TEST(blas_threads_are_left_as_found)
{
    openblas_set_num_threads(2);
    int before = openblas_get_num_threads();
    im_mi_handle *m;
    ck_assert_int_eq(im_mi_open(&m, "ksg", NULL, 0, 0), IM_OK);
    double v;
    ck_assert_int_eq(im_mi_run(m, x_rows, N, 1, y_rows, N, 1, &v), IM_OK);
    ck_assert_int_eq(openblas_get_num_threads(), before);
    ck_assert_int_eq(im_mi_set_threads(m, 2), IM_OK);   /* asked: one BLAS thread while the workers live */
    ck_assert_int_eq(openblas_get_num_threads(), 1);
    im_mi_close(m);
    ck_assert_int_eq(openblas_get_num_threads(), before);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mi");
    TCase *tc = tcase_create("handle");
    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, version_agrees_with_the_package);
    tcase_add_test(tc, ksg_reads_every_row_and_matches_the_truth);
    tcase_add_test(tc, ksg_gives_the_ini_files_number_on_every_row);
    tcase_add_test(tc, a_trained_estimator_gives_the_ini_files_number);
    tcase_add_test(tc, bad_input_is_refused_with_its_reason);
    tcase_add_test(tc, interval_covers_and_the_test_rejects_dependence_only);
    tcase_add_test(tc, ksg_refuses_tied_data);
    tcase_add_test(tc, closed_form_estimates_do_not_depend_on_the_units);
    tcase_add_test(tc, a_fit_stops_when_interrupted);
    tcase_add_test(tc, blas_threads_are_left_as_found);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
