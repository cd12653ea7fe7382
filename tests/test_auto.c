/* test_auto.c — the estimator `auto` and what it is built on: the Gaussian
 * MI's small-sample bias and its correction, Mardia's kurtosis score,
 * Student's t quantiles and cross-fitting; which estimator auto chooses on
 * which data, that it then computes what that estimator computes, and its
 * note.
 *
 * Tolerances: the bias checks allow about four standard deviations of a
 * mean over draws: under independence a draw's sd is about sqrt(dx·dy/2)/n
 * (0.018 nats; 40 draws), with correlation ρ per pair sqrt(Σρ²/n) (0.077;
 * 400 draws). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/mi.h"
#include "infomin/stats.h"
#include "infomin/workers.h"

static im_ctx ctx;
static im_rng rng;

static void setup(void)
{
    im_ctx_init(&ctx);
    im_rng_seed(&rng, 5);
}

static void teardown(void)
{
    im_workers_free(ctx.workers);
    ctx.workers = NULL;
}

/* n rows of x (n x d) and y (n x d): x_j and y_j correlated rho for j <
 * pairs, independent otherwise. I = −(pairs/2)·log(1 − rho²). */
static void gaussian_pairs(double *x, double *y, int n, int d, int pairs, double rho)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) {
            double a = im_rng_normal(&rng), b = im_rng_normal(&rng);
            x[i * d + j] = a;
            y[i * d + j] = j < pairs ? rho * a + sqrt(1 - rho * rho) * b : b;
        }
}

/* Multivariate Student-t rows (identity dispersion, df ν) whose x and y
 * halves share one scale: dependent, uncorrelated. Values made float32
 * exactly, so that the handle API (which reads float32) sees these rows. */
static void student_rows(double *x, double *y, int n, int dx, int dy, double df)
{
    for (int i = 0; i < n; i++) {
        double scale = sqrt(df / (2 * im_rng_gamma(&rng, df / 2)));
        for (int j = 0; j < dx; j++) x[i * dx + j] = (float)(scale * im_rng_normal(&rng));
        for (int j = 0; j < dy; j++) y[i * dy + j] = (float)(scale * im_rng_normal(&rng));
    }
}

START_TEST(the_bias_correction_centres_the_gaussian_estimate)
{
    enum { DRAWS = 40 };
    static double x[400 * 10], y[400 * 10];
    /* independence, 10 + 10 columns of 400 rows: the plug-in reads about
     * dx·dy/(2n) = 0.125 nats of nothing */
    double plug = 0, fixed = 0, v;
    for (int r = 0; r < DRAWS; r++) {
        gaussian_pairs(x, y, 400, 10, 0, 0);
        ck_assert(im_gaussian_mi(&ctx, x, y, 400, 10, 10, 0, 0, &v) == IM_OK);
        plug += v / DRAWS;
        ck_assert(im_gaussian_mi(&ctx, x, y, 400, 10, 10, 0, 1, &v) == IM_OK);
        fixed += v / DRAWS;
    }
    double bias = im_gaussian_mi_bias(400, 10, 10);
    ck_assert_double_eq_tol(bias, 0.125, 0.01);
    ck_assert_double_eq_tol(plug, bias, 0.012);
    ck_assert_double_eq_tol(fixed, 0, 0.012);
    ck_assert_double_eq_tol(plug - fixed, bias, 1e-12);

    /* five correlated pairs of 300 rows (truth 5 · 0.2231 = 1.116 nats) */
    double truth = -2.5 * log(1 - 0.36);
    plug = fixed = 0;
    for (int r = 0; r < 10 * DRAWS; r++) {
        gaussian_pairs(x, y, 300, 5, 5, 0.6);
        ck_assert(im_gaussian_mi(&ctx, x, y, 300, 5, 5, 0, 0, &v) == IM_OK);
        plug += v / (10 * DRAWS);
        ck_assert(im_gaussian_mi(&ctx, x, y, 300, 5, 5, 0, 1, &v) == IM_OK);
        fixed += v / (10 * DRAWS);
    }
    ck_assert_double_eq_tol(fixed, truth, 0.015);
    ck_assert_msg(plug - truth > 0.025, "plug-in %.4f vs truth %.4f: the bias is 0.042", plug, truth);

    /* too few rows are refused */
    ck_assert_int_eq(im_gaussian_mi(&ctx, x, y, 11, 5, 5, 0, 1, &v), IM_EINVAL);
    ck_assert_msg(strstr(ctx.err, "11 rows for 5 + 5"), "%s", ctx.err);
    ck_assert(isnan(im_gaussian_mi_bias(11, 5, 5)));
}
END_TEST

START_TEST(mardia_reads_gaussian_rows_as_standard_and_a_shared_scale_as_far_from_it)
{
    enum { N = 5000, D = 6, DRAWS = 20 };
    static double x[N * D], y[N * D], z[N * D];
    double sum = 0, score;
    for (int r = 0; r < DRAWS; r++) {
        gaussian_pairs(x, y, N, D, 0, 0);
        ck_assert(im_mardia_kurtosis(&ctx, x, N, D, &score) == IM_OK);
        ck_assert_msg(fabs(score) < 4.5, "draw %d: %.2f", r, score);
        sum += score / DRAWS;
    }
    ck_assert_msg(fabs(sum) < 0.8, "mean score %.3f over %d Gaussian draws (its sd: 0.22)", sum, DRAWS);

    /* Student-t with 3 degrees of freedom, on normal scores as auto reads
     * it: every margin Gaussian, the joint not */
    student_rows(x, y, N, D / 2, D / 2, 3);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < D; j++) z[i * D + j] = j < D / 2 ? x[i * (D / 2) + j] : y[i * (D / 2) + j - D / 2];
    ck_assert(im_normal_scores(&ctx, z, N, D) == IM_OK);
    ck_assert(im_mardia_kurtosis(&ctx, z, N, D, &score) == IM_OK);
    ck_assert_msg(score > 20, "%.2f", score);

    /* a repeated column has no inverse covariance */
    for (int i = 0; i < N; i++) z[i * D + 1] = z[i * D];
    ck_assert_int_eq(im_mardia_kurtosis(&ctx, z, N, D, &score), IM_ENUMERIC);
    ck_assert_msg(strstr(ctx.err, "singular"), "%s", ctx.err);
}
END_TEST

/* auto through the handle API: the estimate and the note */
static double run_auto(const double *x, int n, int dx, const double *y, int dy, const char *const *options,
                       int n_options, char *note, size_t size)
{
    im_mi_handle *m = NULL;
    double v = NAN;
    ck_assert_msg(im_mi_open(&m, "auto", options, n_options, 7) == IM_OK, "%s", im_mi_message(m));
    ck_assert_msg(im_mi_run(m, x, n, dx, y, n, dy, &v) == IM_OK, "%s", im_mi_message(m));
    snprintf(note, size, "%s", im_mi_note(m));
    im_mi_close(m);
    return v;
}

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* above ksg_max_dim (6) dimensions: 4 + 4 Gaussian pairs, one margin
 * through exp */
START_TEST(auto_takes_the_gaussian_copula_where_it_holds)
{
    enum { N = 5000 };
    static double x[N * 4], y[N * 4];
    char note[512];
    gaussian_pairs(x, y, N, 4, 4, 0.5);
    /* an increasing map of one margin changes nothing */
    for (int i = 0; i < N; i++) x[i * 4] = exp(x[i * 4]);
    double truth = -2 * log(0.75), v = run_auto(x, N, 4, y, 4, NULL, 0, note, sizeof note);
    ck_assert_msg(starts_with(note, "gaussian-copula, bias corrected: 8 dimensions"), "%s", note);
    ck_assert_msg(fabs(v - truth) < 0.035, "%.4f vs %.4f", v, truth);   /* the estimate's sd: 0.011 */
    /* in 3 + 3 dimensions KSG reads it, Gaussian or not */
    gaussian_pairs(x, y, N, 3, 3, 0.5);
    v = run_auto(x, N, 3, y, 3, NULL, 0, note, sizeof note);
    ck_assert_msg(starts_with(note, "ksg (k = 3) on normal scores: 6 dimensions"), "%s", note);
}
END_TEST

START_TEST(auto_sends_discrete_columns_to_mixed)
{
    enum { N = 4000 };
    static double x[N], y[N];
    char note[512];
    for (int i = 0; i < N; i++) x[i] = (int)(4 * im_rng_uniform(&rng)), y[i] = x[i] + 0.5 * im_rng_normal(&rng);
    double v = run_auto(x, N, 1, y, 1, NULL, 0, note, sizeof note), direct;
    ck_assert_msg(starts_with(note, "mixed") && strstr(note, "column x0 is discrete"), "%s", note);
    for (int i = 0; i < N; i++) y[i] = (float)y[i];
    ck_assert(im_mixed_mi(&ctx, x, y, N, 1, 1, 5, &direct) == IM_OK);
    ck_assert_double_eq_tol(v, direct, 1e-12);
}
END_TEST

START_TEST(auto_reads_a_non_gaussian_copula_with_ksg_in_low_dimension)
{
    enum { N = 4000 };
    static double x[N * 2], y[N * 2];
    char note[512];
    student_rows(x, y, N, 2, 2, 1);
    double v = run_auto(x, N, 2, y, 2, NULL, 0, note, sizeof note), direct;
    ck_assert_msg(starts_with(note, "ksg (k = 3) on normal scores:"), "%s", note);
    /* exactly KSG on the normal scores */
    ck_assert(im_normal_scores(&ctx, x, N, 2) == IM_OK && im_normal_scores(&ctx, y, N, 2) == IM_OK);
    ck_assert(im_ksg(&ctx, x, y, N, 2, 2, 3, &direct) == IM_OK);
    ck_assert_double_eq_tol(v, direct, 1e-12);
}
END_TEST

START_TEST(auto_trains_a_critic_in_high_dimension_and_keeps_the_larger_reading)
{
    enum { N = 2000, D = 5 };
    static double x[N * D], y[N * D];
    char note[512];
    student_rows(x, y, N, D, D, 2);
    const char *options[] = { "steps=300", "folds=2", "crossfit=true" };
    double v = run_auto(x, N, D, y, D, options, 3, note, sizeof note);
    ck_assert_msg(starts_with(note, "infonce critic (cross-fitted over 2 folds) or gaussian-copula, the larger:"), "%s",
                  note);
    double gauss;
    ck_assert(im_normal_scores(&ctx, x, N, D) == IM_OK && im_normal_scores(&ctx, y, N, D) == IM_OK);
    ck_assert(im_gaussian_mi(&ctx, x, y, N, D, D, 1e-6, 1, &gauss) == IM_OK);
    ck_assert_msg(isfinite(v) && v >= gauss - 1e-9, "%.4f below the copula's %.4f", v, gauss);
    /* the note carries both readings, the larger reported */
    const char *critic = strstr(note, "infonce ");
    ck_assert(critic);
    ck_assert_double_eq_tol(v, fmax(strtod(critic + 8, NULL), gauss), 1e-4);
    /* by default one fold read (here 1 of 2), and with fewer training rows
     * in a fold than a batch of 256, the batch shrinks */
    const char *few[] = { "steps=30", "folds=2" };
    v = run_auto(x, 300, D, y, D, few, 2, note, sizeof note);
    ck_assert_msg(isfinite(v) && starts_with(note, "infonce critic (read on 1 of 2 folds, trained on the rest)"), "%s",
                  note);
}
END_TEST

START_TEST(auto_refuses_too_few_rows_and_bad_keys)
{
    static double x[8 * 4], y[8 * 4];
    gaussian_pairs(x, y, 8, 4, 4, 0.5);
    double v;
    char err[512];
    ck_assert_int_eq(im_mi("auto", NULL, 0, 0, x, 8, 4, y, 8, 4, &v, err, sizeof err), IM_EINVAL);
    ck_assert_msg(strstr(err, "8 rows for 4 + 4 dimensions"), "%s", err);
    const char *bad[] = { "bound=club" };
    ck_assert_int_ne(im_mi("auto", bad, 1, 0, x, 8, 4, y, 8, 4, &v, err, sizeof err), IM_OK);
    ck_assert_msg(strstr(err, "bound") && strstr(err, "club"), "%s", err);
}
END_TEST

START_TEST(the_gaussian_plugins_bias_key_subtracts_the_bias)
{
    enum { N = 600, D = 4 };
    static double x[N * D], y[N * D];
    gaussian_pairs(x, y, N, D, 2, 0.7);
    for (int i = 0; i < N * D; i++) x[i] = (float)x[i], y[i] = (float)y[i];
    const char *corrected[] = { "bias=corrected" };
    char err[512];
    for (int copula = 0; copula < 2; copula++) {
        const char *name = copula ? "gaussian-copula" : "gaussian";
        double plug, fixed;
        ck_assert_msg(im_mi(name, NULL, 0, 0, x, N, D, y, N, D, &plug, err, sizeof err) == IM_OK, "%s", err);
        ck_assert_msg(im_mi(name, corrected, 1, 0, x, N, D, y, N, D, &fixed, err, sizeof err) == IM_OK, "%s", err);
        ck_assert_double_eq_tol(plug - fixed, im_gaussian_mi_bias(N, D, D), 1e-9);
    }
}
END_TEST

START_TEST(student_quantiles_match_the_tables)
{
    /* two-sided 95% points (Fisher & Yates' tables) */
    const double df[] = { 1, 2, 4, 10, 30 }, t975[] = { 12.7062, 4.3027, 2.7764, 2.2281, 2.0423 };
    for (int i = 0; i < 5; i++) {
        ck_assert_double_eq_tol(im_student_quantile(0.975, df[i]), t975[i], 1e-4);
        ck_assert_double_eq_tol(im_student_quantile(0.025, df[i]), -t975[i], 1e-4);
    }
    ck_assert_double_eq_tol(im_student_quantile(0.995, 4), 4.6041, 1e-4);
    ck_assert_double_eq_tol(im_student_quantile(0.5, 3), 0, 1e-9);
    ck_assert_double_eq_tol(im_student_quantile(0.975, 1e6), im_normal_quantile(0.975), 1e-5);
    ck_assert(isnan(im_student_quantile(1, 3)) && isnan(im_student_quantile(0.9, 0)));
}
END_TEST

/* The cross-fitted estimate is the mean of the folds' readings: for an
 * estimator that trains nothing, the mean of its estimates on the folds;
 * its interval is Student's at folds − 1 degrees of freedom. */
START_TEST(crossfitting_reads_every_fold_once)
{
    enum { N = 3000, FOLDS = 5 };
    static double x[N], y[N];
    gaussian_pairs(x, y, N, 1, 1, 0.6);
    for (int i = 0; i < N; i++) x[i] = (float)x[i], y[i] = (float)y[i];
    im_mi_handle *m = NULL;
    double est, lo, hi;
    ck_assert(im_mi_open(&m, "gaussian", NULL, 0, 3) == IM_OK);
    ck_assert_msg(im_mi_crossfit(m, x, N, 1, y, N, 1, FOLDS, 0.95, &est, &lo, &hi) == IM_OK, "%s", im_mi_message(m));
    /* the same folds by hand: seed 3's shuffle, folds of 600 rows */
    im_rng r;
    im_rng_seed(&r, 3);
    int order[N];
    im_rng_permutation(&r, order, N);
    double v[FOLDS], mean = 0, ss = 0;
    static double fx[N / FOLDS], fy[N / FOLDS];
    for (int f = 0; f < FOLDS; f++) {
        for (int i = 0; i < N / FOLDS; i++) {
            int row = order[f * (N / FOLDS) + i];
            fx[i] = x[row], fy[i] = y[row];
        }
        ck_assert(im_gaussian_mi(&ctx, fx, fy, N / FOLDS, 1, 1, 1e-6, 0, &v[f]) == IM_OK);
        mean += v[f] / FOLDS;
    }
    for (int f = 0; f < FOLDS; f++) ss += (v[f] - mean) * (v[f] - mean);
    double half = im_student_quantile(0.975, FOLDS - 1) * sqrt(ss / (FOLDS - 1) / FOLDS);
    ck_assert_double_eq_tol(est, mean, 1e-6);
    ck_assert_double_eq_tol(hi - est, half, 1e-6);
    ck_assert_double_eq_tol(est - lo, half, 1e-6);

    /* a trained estimator: five fits, an interval around the truth */
    const char *small[] = { "critic=separable", "steps=300", "batch=128" };
    im_mi_close(m);
    ck_assert(im_mi_open(&m, "infonce", small, 3, 3) == IM_OK);
    ck_assert_msg(im_mi_crossfit(m, x, N, 1, y, N, 1, FOLDS, 0.95, &est, &lo, &hi) == IM_OK, "%s", im_mi_message(m));
    ck_assert_msg(lo < est && est < hi && hi - lo < 0.3, "%.4f [%.4f, %.4f]", est, lo, hi);
    /* refusals */
    ck_assert_int_eq(im_mi_crossfit(m, x, N, 1, y, N, 1, 1, 0.95, &est, &lo, &hi), IM_EINVAL);
    ck_assert_msg(strstr(im_mi_message(m), "cross-fitting: 1 folds (2..100)"), "%s", im_mi_message(m));
    ck_assert_int_eq(im_mi_crossfit(m, x, 30, 1, y, 30, 1, 20, 0.95, &est, &lo, &hi), IM_EINVAL);
    ck_assert_msg(strstr(im_mi_message(m), "30 rows are too few for 20 folds"), "%s", im_mi_message(m));
    ck_assert_int_eq(im_mi_crossfit(m, x, N, 1, y, N, 1, 5, 1.5, &est, &lo, &hi), IM_EINVAL);
    im_mi_close(m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("auto");
    TCase *tc = tcase_create("auto");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, the_bias_correction_centres_the_gaussian_estimate);
    tcase_add_test(tc, mardia_reads_gaussian_rows_as_standard_and_a_shared_scale_as_far_from_it);
    tcase_add_test(tc, auto_takes_the_gaussian_copula_where_it_holds);
    tcase_add_test(tc, auto_sends_discrete_columns_to_mixed);
    tcase_add_test(tc, auto_reads_a_non_gaussian_copula_with_ksg_in_low_dimension);
    tcase_add_test(tc, auto_trains_a_critic_in_high_dimension_and_keeps_the_larger_reading);
    tcase_add_test(tc, auto_refuses_too_few_rows_and_bad_keys);
    tcase_add_test(tc, the_gaussian_plugins_bias_key_subtracts_the_bias);
    tcase_add_test(tc, student_quantiles_match_the_tables);
    tcase_add_test(tc, crossfitting_reads_every_fold_once);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
