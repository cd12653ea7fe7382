/* test_estimators.c — every estimator against a known answer, and every
 * differentiable objective's input gradient against finite differences.
 * Small N and short training, sized for CI; the full tables come from the
 * documented commands in README.md. */
#include <math.h>
#include "config.h"   /* autoconf */
#include "test_util.h"

#include "registry_fixture.h"

/* ---- closed-form and non-parametric estimators ---- */

START_TEST(ksg_matches_gaussian_mi)
{
    /* bivariate normal, rho = 0.8: I = -0.5 log(1 - 0.64) = 0.5108 nats */
    double truth, v = run_estimate("plugin = gaussian\nrho = 0.8\nn_train = 10\nn_val = 0\nn_test = 4000",
                                   "plugin = ksg\nk = 3", 1, &truth);
    ck_assert_double_eq_tol(truth, 0.5108, 1e-4);
    ck_assert_double_eq_tol(v, truth, 0.04);
}
END_TEST

/* Integer data (ages, counts) ties: KSG refuses it, naming `jitter`; with
 * jitter = 1e-3 it reads the continuous answer. X = round(10 z), Y = X +
 * 5 ε: I ≈ ½ log(1 + var X / 25) = ½ log 5 = 0.805 nats (rounding at a
 * tenth of an sd moves it by under 0.01). */
START_TEST(ksg_jitter_reads_integer_data)
{
    static char data[3000 * 32];
    im_rng rng;
    im_rng_seed(&rng, 12);
    size_t used = (size_t)snprintf(data, sizeof data, "age,score\n");
    for (int i = 0; i < 3000; i++) {
        double age = round(10 * im_rng_normal(&rng));
        used += (size_t)snprintf(data + used, sizeof data - used, "%.0f,%.5f\n", age, age + 5 * im_rng_normal(&rng));
    }
    char csv[512], ini[512], text[1024], args[1400], out[8192], results[600];
    test_write_file(csv, sizeof csv, "ages.csv", data);
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\nresamples = 0\n[dataset]\nplugin = csv\npath = %s\n"
             "x = age\ny = score\n[estimator]\nplugin = ksg\n", csv);
    test_write_file(ini, sizeof ini, "ages.ini", text);
    snprintf(results, sizeof results, "%s/ages.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s", ini, results);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "share their value with another row: KSG needs continuous data (integers: jitter = 1e-3") !=
                  NULL, "%s", out);
    snprintf(args, sizeof args, "%s -q -o %s --set estimator.jitter=1e-3", ini, results);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    double v;
    ck_assert(im_record_metric(recs[0], "estimate", &v));
    ck_assert_msg(fabs(v - 0.5 * log(5.0)) < 0.06, "ksg with jitter: %.4f", v);
    test_free_records(recs, n);
}
END_TEST

/* KSG by the definition, O(n²): the reference for the k-d tree code. */
static double ksg_reference(const double *x, const double *y, int n, int dx, int dy, int k)
{
    double total = 0, *dz = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
            double d = 0;
            for (int c = 0; c < dx; c++) d = fmax(d, fabs(x[i * dx + c] - x[j * dx + c]));
            for (int c = 0; c < dy; c++) d = fmax(d, fabs(y[i * dy + c] - y[j * dy + c]));
            dz[j] = j == i ? INFINITY : d;
        }
        /* k-th smallest by repeated minimum */
        double eps = 0;
        for (int m = 0; m < k; m++) {
            int best = 0;
            for (int j = 1; j < n; j++)
                if (dz[j] < dz[best]) best = j;
            eps = dz[best];
            dz[best] = INFINITY;
        }
        int nx = 0, ny = 0;
        for (int j = 0; j < n; j++) {
            if (j == i) continue;
            double ax = 0, ay = 0;
            for (int c = 0; c < dx; c++) ax = fmax(ax, fabs(x[i * dx + c] - x[j * dx + c]));
            for (int c = 0; c < dy; c++) ay = fmax(ay, fabs(y[i * dy + c] - y[j * dy + c]));
            nx += ax < eps;
            ny += ay < eps;
        }
        total += im_digamma(nx + 1) + im_digamma(ny + 1);
    }
    free(dz);
    return im_digamma(k) + im_digamma(n) - total / n;
}

START_TEST(ksg_tree_and_scan_agree_with_the_definition)
{
    im_rng rng;
    im_rng_seed(&rng, 3);
    const int n = 300, dims[][2] = { { 1, 1 }, { 2, 3 }, { 6, 6 } };   /* tree, tree, brute-force scan */
    for (int t = 0; t < 3; t++) {
        int dx = dims[t][0], dy = dims[t][1];
        double *x = malloc(sizeof(double) * n * dx), *y = malloc(sizeof(double) * n * dy);
        for (int i = 0; i < n * dx; i++) x[i] = im_rng_normal(&rng);
        for (int i = 0; i < n * dy; i++) y[i] = 0.7 * x[(i / dy) * dx] + im_rng_normal(&rng);
        double fast;
        ck_assert_int_eq(im_ksg(&ctx, x, y, n, dx, dy, 4, &fast), IM_OK);
        ck_assert_double_eq_tol(fast, ksg_reference(x, y, n, dx, dy, 4), 1e-9);
        free(x);
        free(y);
    }
    /* tied points: ε = 0, a finite estimate, no ψ(0) */
    double tied_x[8] = { 1, 1, 1, 1, 2, 3, 4, 5 }, tied_y[8] = { 0, 0, 0, 0, 1, 2, 3, 9 }, v;
    ck_assert_int_eq(im_ksg(&ctx, tied_x, tied_y, 8, 1, 1, 2, &v), IM_OK);
    ck_assert(isfinite(v));
    ck_assert_double_eq_tol(v, ksg_reference(tied_x, tied_y, 8, 1, 1, 2), 1e-9);
    ck_assert_int_eq(im_ksg(&ctx, (double[]){ 0, 1 }, (double[]){ 0, 1 }, 2, 1, 1, 3, &v), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "ksg: 2 samples for k = 3 neighbours");
}
END_TEST

/* 1-D marginals are counted by rank in sorted values (galloping searches),
 * not by a tree: the same counts as the definition, ties and exact-ε
 * neighbours included, on samples large enough for long gallops. */
START_TEST(ksg_1d_counts_by_rank_agree_with_the_definition)
{
    im_rng rng;
    im_rng_seed(&rng, 11);
    const int n = 2500;
    double *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n), v;
    for (int grid = 0; grid < 2; grid++) {   /* continuous, then on a 0.05 grid: many ties */
        for (int i = 0; i < n; i++) {
            x[i] = im_rng_normal(&rng);
            y[i] = 0.6 * x[i] + 0.8 * im_rng_normal(&rng);
            if (grid) x[i] = round(x[i] * 20) / 20, y[i] = round(y[i] * 20) / 20;
        }
        for (int k = 1; k <= 5; k += 4) {
            ck_assert_int_eq(im_ksg(&ctx, x, y, n, 1, 1, k, &v), IM_OK);
            ck_assert_msg(fabs(v - ksg_reference(x, y, n, 1, 1, k)) < 1e-12, "grid %d, k %d: %.15g vs %.15g", grid, k, v,
                          ksg_reference(x, y, n, 1, 1, k));
        }
    }
    free(x);
    free(y);
}
END_TEST

START_TEST(gaussian_estimator_is_exact_on_gaussians)
{
    double truth, v = run_estimate("plugin = gaussian\ndim = 3\nmi = 1.5\nstructure = dense\nn_train = 10\nn_val = 0\n"
                                   "n_test = 20000",
                                   "plugin = gaussian", 2, &truth);
    ck_assert_double_eq_tol(truth, 1.5, 1e-9);
    ck_assert_double_eq_tol(v, truth, 0.02);
}
END_TEST

START_TEST(gaussian_estimator_fails_under_a_cubic_transform)
{
    /* MI is invariant under x -> x³; the Gaussian formula is not: that is
     * the failure the transform datasets expose. KSG stays close. */
    const char *data = "plugin = gaussian\nrho = 0.9\ntransform = cubic\nn_train = 10\nn_val = 0\nn_test = 5000";
    double truth, g = run_estimate(data, "plugin = gaussian", 4, &truth);
    double k = run_estimate(data, "plugin = ksg", 4, NULL);
    ck_assert_double_lt(g, 0.8 * truth);
    ck_assert_double_eq_tol(k, truth, 0.06);
}
END_TEST

START_TEST(dcor_matches_the_bivariate_normal_formula)
{
    /* population dCor² of a bivariate normal (Székely et al. 2007):
     * [ρ asin ρ + √(1−ρ²) − ρ asin(ρ/2) − √(4−ρ²) + 1] / [1 + π/3 − √3] */
    double rho = 0.5;
    double expect = (rho * asin(rho) + sqrt(1 - rho * rho) - rho * asin(rho / 2) - sqrt(4 - rho * rho) + 1) /
                    (1 + M_PI / 3 - sqrt(3));
    double v = run_estimate("plugin = gaussian\nrho = 0.5\nn_train = 10\nn_val = 0\nn_test = 4000", "plugin = dcor", 5, NULL);
    ck_assert_double_eq_tol(v, expect, 0.03);
    double zero = run_estimate("plugin = gaussian\nrho = 0\nn_train = 10\nn_val = 0\nn_test = 2000", "plugin = dcor", 5, NULL);
    ck_assert_double_eq_tol(zero, 0.0, 0.01);
}
END_TEST

START_TEST(hsic_separates_independence_from_dependence)
{
    double zero = run_estimate("plugin = gaussian\nrho = 0\nn_train = 500\nn_val = 0\nn_test = 2000", "plugin = hsic", 6, NULL);
    double dep = run_estimate("plugin = gaussian\nrho = 0.5\nn_train = 500\nn_val = 0\nn_test = 2000", "plugin = hsic", 6, NULL);
    ck_assert_double_lt(fabs(zero), 0.01);
    ck_assert_double_gt(dep, 0.08);
    ck_assert_double_le(dep, 1.0);
}
END_TEST

/* sample correlation of (x − mx)·wx and (y − my)·wy */
static double canonical_corr(const double *x, const double *y, int n, int p, int q, const im_cca_result *r)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int i = 0; i < n; i++) {
        double a = 0, b = 0;
        for (int j = 0; j < p; j++) a += (x[i * p + j] - r->mx[j]) * r->wx[j];
        for (int j = 0; j < q; j++) b += (y[i * q + j] - r->my[j]) * r->wy[j];
        sa += a, sb += b, saa += a * a, sbb += b * b, sab += a * b;
    }
    double ca = saa - sa * sa / n, cb = sbb - sb * sb / n, cab = sab - sa * sb / n;
    return cab / sqrt(ca * cb);
}

START_TEST(cca_weights_reproduce_the_top_correlation)
{
    /* y = A x + noise: correlations strictly between 0 and 1. The
     * Cholesky path (full-rank x) and the eigen fallback (x with a constant
     * column and no ridge) must give the same ρ and weights that realise ρ₁. */
    enum { N = 400, P = 4, Q = 3 };
    static double x[N * P], y[N * Q], x0[N * (P + 1)];
    im_rng rng;
    im_rng_seed(&rng, 5);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < P; j++) x[i * P + j] = im_rng_normal(&rng);
        for (int j = 0; j < Q; j++) y[i * Q + j] = 0.5 * x[i * P + j] + (j == 0 ? 0.8 * x[i * P + 3] : 0) + im_rng_normal(&rng);
        for (int j = 0; j < P; j++) x0[i * (P + 1) + j] = x[i * P + j];
        x0[i * (P + 1) + P] = 2.0;   /* constant: Σxx singular */
    }
    im_cca_result full, singular;
    ck_assert_int_eq(im_cca(&ctx, x, y, N, P, Q, 0.0, &full), IM_OK);
    ck_assert_int_eq(im_cca(&ctx, x0, y, N, P + 1, Q, 0.0, &singular), IM_OK);
    ck_assert_int_eq(full.k, Q);
    for (int i = 0; i < Q; i++) {
        ck_assert(full.rho[i] > 0 && full.rho[i] < 1);
        if (i) ck_assert(full.rho[i] <= full.rho[i - 1]);
        ck_assert_double_eq_tol(singular.rho[i], full.rho[i], 1e-8);
    }
    ck_assert_double_eq_tol(fabs(canonical_corr(x, y, N, P, Q, &full)), full.rho[0], 1e-8);
    ck_assert_double_eq_tol(fabs(canonical_corr(x0, y, N, P + 1, Q, &singular)), full.rho[0], 1e-8);
    im_cca_free(&full);
    im_cca_free(&singular);
}
END_TEST

START_TEST(slice_and_smi_follow_the_dependence)
{
    const char *indep = "plugin = gaussian\ndim = 2\nrho = 0\nn_train = 2000\nn_val = 0\nn_test = 2000";
    const char *dep = "plugin = gaussian\ndim = 2\nrho = 0.9\nn_train = 2000\nn_val = 0\nn_test = 2000";
    ck_assert_double_lt(run_estimate(indep, "plugin = slice\nn_slice = 20", 7, NULL), 0.1);
    ck_assert_double_gt(run_estimate(dep, "plugin = slice\nn_slice = 20", 7, NULL), 0.8);
    /* 1-D: every slice is ±(x, y), so sliced MI is the MI itself */
    double truth, g = run_estimate("plugin = gaussian\nrho = 0.7\nn_train = 10\nn_val = 0\nn_test = 5000",
                                   "plugin = smi\nslices = 5\nestimator1d = gaussian", 7, &truth);
    ck_assert_double_eq_tol(g, truth, 0.03);
    double k = run_estimate("plugin = gaussian\nrho = 0.7\nn_train = 10\nn_val = 0\nn_test = 5000",
                            "plugin = smi\nslices = 3\nestimator1d = ksg", 7, NULL);
    ck_assert_double_eq_tol(k, truth, 0.04);
}
END_TEST

/* ---- trained estimators ---- */

START_TEST(variational_bounds_approach_the_true_mi)
{
    /* 2-D, I = 1 nat; short training. Lower bounds: below the truth up to
     * noise, and within 15% of it. */
    const char *data = "plugin = gaussian\ndim = 2\nmi = 1.0\nn_train = 8000\nn_val = 1000\nn_test = 4000";
    const char *names[] = { "mine", "nwj", "infonce", "jsd", "smile" };
    for (int i = 0; i < 5; i++) {
        char est[256];
        snprintf(est, sizeof est, "plugin = %s\nhidden = 64,64\nsteps = 2000\nbatch = 64\neval_every = 100%s", names[i],
                 i == 2 ? "" : "\nnegatives = all");
        double truth, v = run_estimate(data, est, 8, &truth);
        ck_assert_msg(fabs(v - truth) <= 0.15 * truth, "%s: %.4f vs %.4f", names[i], v, truth);
        ck_assert_msg(v <= truth + 0.08, "%s: lower bound %.4f above the truth %.4f", names[i], v, truth);
    }
}
END_TEST

/* The [estimator] of INI text for dx, dy columns, its generator seeded 9
 * (rng must outlive it); the caller frees it and *cfg. */
static im_estimator *estimator_from(const char *text, int dx, int dy, im_config *cfg, im_rng *rng)
{
    parse(text, cfg);
    im_rng_seed(rng, 9);
    im_estimator *est;
    ck_assert_msg(im_estimator_new(&ctx, cfg, "estimator", dx, dy, rng, &est) == IM_OK, "%s", ctx.err);
    return est;
}

/* mine's held-out estimate with an untrained critic whose input maps are
 * fitted on (f(x), y), f(v) = scale·v + shift, then cubed if `cubed`: by the
 * prepare hook on the whole set (as im_estimator_fit does) or on the first
 * `objective` batch; same seed, same weights. */
static double untrained_estimate_ex(const char *input, double scale, double shift, int cubed, int prepare)
{
    enum { N = 256 };
    static im_real x[N * 2], y[N];
    im_rng data;
    im_rng_seed(&data, 3);
    for (int i = 0; i < N; i++) {
        double a = im_rng_normal(&data), b = im_rng_normal(&data);
        double u = scale * a * a * a + shift, v = scale * b + shift;   /* u heavy-tailed */
        x[2 * i] = (im_real)(cubed ? u * u * u : u);
        x[2 * i + 1] = (im_real)(cubed ? v * v * v : v);
        y[i] = (im_real)(a + 0.5 * im_rng_normal(&data));
    }
    char text[512];
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[estimator]\nplugin = mine\nhidden = 16\ninput = %s\n", input);
    im_config cfg;
    im_rng rng;
    im_estimator *est = estimator_from(text, 2, 1, &cfg, &rng);
    im_mat xm = { .rows = N, .cols = 2, .data = x }, ym = { .rows = N, .cols = 1, .data = y };
    if (prepare) ck_assert_msg(est->vt->prepare(est->self, &ctx, &xm, &ym) == IM_OK, "%s", ctx.err);
    im_tape *g = im_tape_new(&ctx);
    ck_assert_ptr_nonnull(est->vt->objective(est->self, g, im_input(g, &xm), im_input(g, &ym)));
    im_tape_free(g);
    double v;
    ck_assert_msg(im_estimator_estimate(&ctx, est, &xm, &ym, &v) == IM_OK, "%s", ctx.err);
    im_estimator_free(est);
    im_config_free(&cfg);
    return v;
}

static double untrained_estimate(const char *input, double scale, double shift)
{
    return untrained_estimate_ex(input, scale, shift, 0, 0);
}

START_TEST(squashed_critic_inputs_ignore_location_and_scale)
{
    /* input = squash maps each column through its median/MAD z-score, so a
     * positive affine change of x leaves every score unchanged; raw inputs
     * do not (which is what makes this test able to fail) */
    double base = untrained_estimate("squash", 1, 0), moved = untrained_estimate("squash", 40, -7);
    ck_assert_double_eq_tol(moved, base, 1e-4 * (1 + fabs(base)));
    double raw = untrained_estimate("raw", 1, 0), raw_moved = untrained_estimate("raw", 40, -7);
    ck_assert_double_gt(fabs(raw_moved - raw), 1e-3);
}
END_TEST

/* nwj's weights after `steps` Adam steps on fixed data, validated only at
 * the last step (eval_every = 2), with `average` as given; same seeds. */
static void trained_weights(int steps, double average, im_real *out, long *numel)
{
    enum { N = 200 };
    static im_real x[N], y[N];
    im_rng data;
    im_rng_seed(&data, 5);
    for (int i = 0; i < N; i++) {
        x[i] = (im_real)im_rng_normal(&data);
        y[i] = (im_real)(x[i] + im_rng_normal(&data));
    }
    char text[256];
    snprintf(text, sizeof text,
             "[task]\nplugin = mi-estimate\n[estimator]\nplugin = nwj\nhidden = 8\nbatch = 16\nsteps = %d\n"
             "eval_every = 2\naverage = %g\n", steps, average);
    im_config cfg;
    im_rng rng;
    im_estimator *est = estimator_from(text, 1, 1, &cfg, &rng);
    im_mat xm = { .rows = N / 2, .cols = 1, .data = x }, ym = { .rows = N / 2, .cols = 1, .data = y };
    im_mat xv = { .rows = N / 2, .cols = 1, .data = x + N / 2 }, yv = { .rows = N / 2, .cols = 1, .data = y + N / 2 };
    ck_assert_msg(im_estimator_fit(&ctx, est, &xm, &ym, &xv, &yv, NULL) == IM_OK, "%s", ctx.err);
    im_params *p = est->vt->params(est->self);
    *numel = im_params_numel(p);
    ck_assert_int_le(*numel, 256);
    im_params_save(p, out);
    im_estimator_free(est);
    im_config_free(&cfg);
}

START_TEST(weight_average_is_what_the_trainer_keeps)
{
    /* after two steps the average is d·w1 + (1 − d)·w2 with
     * d = min(0.9, 3/12) = 0.25: the ramp, not the decay, at step 2 */
    im_real w1[256], w2[256], avg[256];
    long n1, n2, na;
    trained_weights(1, 0, w1, &n1);
    trained_weights(2, 0, w2, &n2);
    trained_weights(2, 0.9, avg, &na);
    ck_assert_int_eq(n1, n2);
    ck_assert_int_eq(n1, na);
    double moved = 0;
    for (long i = 0; i < n1; i++) {
        double want = 0.25 * w1[i] + 0.75 * w2[i];
        ck_assert_msg(fabs(avg[i] - want) <= 1e-5 * (1 + fabs(want)), "weight %ld: %g, want %g", i, avg[i], want);
        moved += fabs(w2[i] - w1[i]);
    }
    ck_assert_double_gt(moved, 1e-3);   /* the two steps differ: the test can fail */
}
END_TEST

START_TEST(copula_critic_inputs_ignore_increasing_transforms)
{
    /* input = quantile sees ranks: with every row a knot (256 rows), x and
     * (40x − 7)³ give the same scores; squash, which only undoes the
     * affine part, does not */
    double base = untrained_estimate_ex("quantile", 1, 0, 0, 1), moved = untrained_estimate_ex("quantile", 40, -7, 1, 1);
    ck_assert_double_eq_tol(moved, base, 1e-4 * (1 + fabs(base)));
    double squash = untrained_estimate_ex("squash", 1, 0, 0, 1), squash_moved = untrained_estimate_ex("squash", 40, -7, 1, 1);
    ck_assert_double_gt(fabs(squash_moved - squash), 1e-3);
    /* auto: the copula when fitted on a training set, the squash when the
     * first batch is all the critic has seen */
    ck_assert_double_eq(untrained_estimate_ex("auto", 1, 0, 0, 1), base);
    ck_assert_double_eq(untrained_estimate_ex("auto", 1, 0, 0, 0), untrained_estimate_ex("squash", 1, 0, 0, 0));
    ck_assert_double_ne(base, untrained_estimate_ex("squash", 1, 0, 0, 0));
}
END_TEST

START_TEST(infonce_never_exceeds_log_batch)
{
    /* I = 6 nats, batch 16: InfoNCE saturates at log 16 = 2.77 */
    double v = run_estimate("plugin = gaussian\ndim = 6\nmi = 6\nn_train = 4000\nn_val = 500\nn_test = 1600",
                            "plugin = infonce\nhidden = 64,64\nsteps = 2000\nbatch = 16", 9, NULL);
    ck_assert_double_le(v, log(16.0) + 1e-6);
    ck_assert_double_gt(v, 2.0);
}
END_TEST

START_TEST(club_reaches_its_analytic_value)
{
    /* with q = p(y|x) exactly, CLUB on Gaussians is Σ ρ²/(1 − ρ²) ≥ I */
    double rho = 0.6;
    double truth, v = run_estimate("plugin = gaussian\ndim = 2\nrho = 0.6\nn_train = 8000\nn_val = 1000\nn_test = 4000",
                                   "plugin = club\nhidden = 32\nsteps = 1500\nbatch = 128\nlr = 2e-3", 10, &truth);
    double club = 2 * rho * rho / (1 - rho * rho);
    ck_assert_double_eq_tol(v, club, 0.1 * club);
    ck_assert_double_gt(v, truth);
    double sampled = run_estimate("plugin = gaussian\ndim = 2\nrho = 0.6\nn_train = 8000\nn_val = 1000\nn_test = 4000",
                                  "plugin = club\nclub_sample = true\nhidden = 32\nsteps = 1500\nbatch = 128\nlr = 2e-3", 10,
                                  NULL);
    ck_assert_double_eq_tol(sampled, club, 0.15 * club);
}
END_TEST

/* Barber–Agakov with q in the true family is tight: a Gaussian q on a
 * Gaussian pair, a categorical q on the 25 well-separated Gaussians (Y the
 * mode: I = log 25); means over three seeds. Its refusals. */
START_TEST(ba_is_tight_when_q_is_the_true_conditional)
{
    double truth = 0, gauss = 0, grid = 0, t;
    for (int seed = 1; seed <= 3; seed++) {
        gauss += run_estimate("plugin = gaussian\ndim = 2\nrho = 0.8\nn_train = 8000\nn_val = 1000\nn_test = 4000",
                              "plugin = ba\nq = gaussian\nhidden = 32\nsteps = 1500", seed, &truth) / 3;
        grid += run_estimate("plugin = gaussian-grid\nn_train = 8000\nn_val = 1000\nn_test = 4000",
                             "plugin = ba\nclasses = 25\nhidden = 64\nsteps = 2000\nlr = 3e-3", seed, &t) / 3;
    }
    ck_assert_double_eq_tol(gauss, truth, 0.06 * truth);
    ck_assert_double_eq_tol(grid, log(25.0), 0.02 * log(25.0));
    im_config cfg;
    ck_assert(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n"
                                     "[estimator]\nplugin = ba\nentropy = lots\n", "t.ini", &cfg) == IM_OK);
    ck_assert_int_ne(im_config_validate(&ctx, &cfg, reg), IM_OK);
    ck_assert_ptr_nonnull(strstr(ctx.err, "'lots' is neither data nor a number of nats"));
    im_config_free(&cfg);
    parse("[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n[estimator]\nplugin = ba\n", &cfg);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_estimator *est;
    ck_assert_int_ne(im_estimator_new(&ctx, &cfg, "estimator", 1, 1, &rng, &est), IM_OK);
    ck_assert_ptr_nonnull(strstr(ctx.err, "give its number of classes"));
    im_config_free(&cfg);
    /* an index past the classes is named */
    parse("[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n[estimator]\nplugin = ba\nclasses = 3\n", &cfg);
    ck_assert(im_estimator_new(&ctx, &cfg, "estimator", 2, 1, &rng, &est) == IM_OK);
    im_mat x, y;
    ck_assert(im_mat_alloc(&ctx, &x, 4, 2) == IM_OK && im_mat_alloc(&ctx, &y, 4, 1) == IM_OK);
    memset(x.data, 0, sizeof(im_real) * 8);
    for (int i = 0; i < 4; i++) y.data[i] = (im_real)i;   /* 3 is not one of 0..2 */
    double v;
    ck_assert_int_ne(im_estimator_estimate(&ctx, est, &x, &y, &v), IM_OK);
    ck_assert_ptr_nonnull(strstr(ctx.err, "row 3 of Y is 3, not a class index in 0..2"));
    im_mat_free(&x);
    im_mat_free(&y);
    im_estimator_free(est);
    im_config_free(&cfg);
}
END_TEST

START_TEST(tc_and_renyi_estimate_their_targets)
{
    double truth, tc = run_estimate("plugin = gaussian\ndim = 1\nmi = 0.5\nn_train = 8000\nn_val = 1000\nn_test = 4000",
                                    "plugin = tc\nhidden = 32,32\nsteps = 1500\nbatch = 128\nlr = 2e-3", 11, &truth);
    ck_assert_double_eq_tol(tc, truth, 0.25 * truth);
    /* Rényi maximal correlation of a Gaussian pair is |ρ| */
    double r = run_estimate("plugin = gaussian\nrho = -0.6\nn_train = 4000\nn_val = 500\nn_test = 4000",
                            "plugin = renyi\nhidden = 16\nsteps = 600", 11, NULL);
    ck_assert_double_eq_tol(r, 0.6, 0.05);
}
END_TEST

/* ---- input gradients of the objectives ---- */

/* d objective / d(x, y) on the tape against central differences of the
 * objective's value (float32: h = 1e-2, agreement to 3% in norm). */
static void check_input_gradient(const char *estimator, int fit_first)
{
    char text[1024];
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[estimator]\n%s\n", estimator);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, 12);
    const int n = 16, dx = 3, dy = 2;
    im_mat x, y;
    im_mat_alloc(&ctx, &x, n, dx);
    im_mat_alloc(&ctx, &y, n, dy);
    for (int i = 0; i < n * dx; i++) x.data[i] = (float)im_rng_normal(&rng);
    for (int i = 0; i < n * dy; i++) y.data[i] = 0.6f * x.data[(i / dy) * dx] + 0.8f * (float)im_rng_normal(&rng);
    im_estimator *est;
    ck_assert_msg(im_estimator_new(&ctx, &cfg, "estimator", dx, dy, &rng, &est) == IM_OK, "%s", ctx.err);
    if (fit_first) ck_assert_msg(est->vt->fit(est->self, &ctx, &x, &y, NULL, NULL, NULL) == IM_OK, "%s", ctx.err);
    im_tape *g = im_tape_new(&ctx);
    im_tensor *xt = im_leaf(g, n, dx, x.data, 1), *yt = im_leaf(g, n, dy, y.data, 1);
    im_tensor *obj = est->vt->objective(est->self, g, xt, yt);
    ck_assert_msg(obj != NULL, "%s: %s", estimator, ctx.err);
    ck_assert_int_eq(im_backward(g, obj), IM_OK);
    double diff = 0, norm = 0;
    float *data[2] = { x.data, y.data };
    im_tensor *leaves[2] = { xt, yt };
    int counts[2] = { n * dx, n * dy };
    float *analytic = malloc(sizeof(float) * (n * dx + n * dy));
    for (int v = 0, k = 0; v < 2; v++)
        for (int i = 0; i < counts[v]; i++) analytic[k++] = leaves[v]->grad ? leaves[v]->grad[i] : 0;
    im_tape_set_grad(g, 0);
    for (int v = 0, k = 0; v < 2; v++)
        for (int i = 0; i < counts[v]; i++, k++) {
            const float h = 1e-2f, saved = data[v][i];
            double f[2];
            for (int s = 0; s < 2; s++) {
                data[v][i] = saved + (s ? -h : h);
                im_tape_reset(g);
                im_tensor *o = est->vt->objective(est->self, g, im_input(g, &x), im_input(g, &y));
                ck_assert_ptr_nonnull(o);
                f[s] = im_item(o);
            }
            data[v][i] = saved;
            double numeric = (f[0] - f[1]) / (2 * h);
            diff += (numeric - analytic[k]) * (numeric - analytic[k]);
            norm += numeric * numeric;
        }
    ck_assert_msg(norm > 1e-8, "%s: no gradient at all", estimator);
    ck_assert_msg(sqrt(diff) <= 0.03 * sqrt(norm) + 1e-4, "%s: |analytic - numeric| = %.3g, |numeric| = %.3g", estimator,
                  sqrt(diff), sqrt(norm));
    free(analytic);
    im_tape_free(g);
    im_estimator_free(est);
    im_mat_free(&x);
    im_mat_free(&y);
    im_config_free(&cfg);
}

static const struct {
    const char *ini;
    int fit;
} gradient_cases[] = {
    { "plugin = mine\nhidden = 16\nnegatives = all\nactivation = tanh", 0 },
    { "plugin = mine\nhidden = 16\nnegatives = all\ncritic = separable\nembed = 4\nactivation = tanh", 0 },
    { "plugin = nwj\nhidden = 16\nnegatives = all\nactivation = tanh", 0 },
    { "plugin = infonce\nhidden = 16\nactivation = tanh", 0 },
    { "plugin = jsd\nhidden = 16\nnegatives = all\nactivation = tanh", 0 },
    { "plugin = smile\nhidden = 16\nnegatives = all\ntau = 0.5\nactivation = tanh", 0 },
    { "plugin = club\nhidden = 16\nactivation = tanh", 0 },
    { "plugin = club\nhidden = 16\nactivation = tanh\nclub_sample = false", 0 },
    { "plugin = tc\nhidden = 16\nactivation = tanh", 0 },
    { "plugin = renyi\nhidden = 16\nactivation = tanh", 0 },
    { "plugin = pearson", 0 },
    { "plugin = dcor", 0 },
    { "plugin = hsic", 1 },
    { "plugin = gaussian", 0 },
    { "plugin = slice\nn_slice = 5", 1 },
    { "plugin = smi\nestimator1d = gaussian\nslices = 4", 0 },
};

START_TEST(objective_input_gradients_match_finite_differences)
{
    check_input_gradient(gradient_cases[_i].ini, gradient_cases[_i].fit);
}
END_TEST

/* ---- the f-divergence family (fdiv.h) ---- */

/* sup over u > 0 of t·u − f(u) on a log grid refined around the best
 * point: an independent check of each closed-form conjugate */
static double numeric_conjugate(im_fdiv d, double alpha, double t)
{
    double best = -INFINITY, at = 1;
    for (double lu = -14; lu <= 14; lu += 0.01) {
        double u = exp(lu), v = t * u - im_fdiv_f(d, alpha, u);
        if (v > best) best = v, at = lu;
    }
    for (double step = 0.005; step > 1e-9; step /= 2)   /* golden-free refinement: local hill climbing */
        for (int moved = 1; moved;) {
            moved = 0;
            for (int s = -1; s <= 1; s += 2) {
                double u = exp(at + s * step), v = t * u - im_fdiv_f(d, alpha, u);
                if (v > best) best = v, at += s * step, moved = 1;
            }
        }
    /* u → 0 where f has a finite limit there (KL, JS, GAN, TV, α > 0) */
    double f0 = im_fdiv_f(d, alpha, 0);
    if (isfinite(f0) && -f0 > best) best = -f0;
    return best;
}

START_TEST(fdiv_conjugates_activations_and_fenchel_young)
{
    const double alphas[] = { 0.5, -1, 2, 3 };
    for (int d = 0; d < IM_FDIV_COUNT; d++) {
        const im_fdiv_info *info = im_fdiv_get((im_fdiv)d);
        im_fdiv back;
        ck_assert(im_fdiv_find(info->name, &back) && back == (im_fdiv)d);
        int n_alpha = d == IM_FDIV_ALPHA ? 4 : 1;
        for (int a = 0; a < n_alpha; a++) {
            double alpha = d == IM_FDIV_ALPHA ? alphas[a] : 0;
            /* f(1) = 0: D_f(P‖P) = 0; the GAN member is 2·JS − log 4 */
            double at_one = d == IM_FDIV_GAN ? -log(4.0) : 0;
            ck_assert_msg(fabs(im_fdiv_f((im_fdiv)d, alpha, 1) - at_one) < 1e-15, "%s: f(1)", info->name);
            /* f*(g_f(v)) finite over the critic's range, and the closed form
             * is the supremum itself */
            for (double v = -20; v <= 20; v += 0.5) {
                double t = im_fdiv_activation((im_fdiv)d, alpha, v), c = im_fdiv_conjugate((im_fdiv)d, alpha, t);
                ck_assert_msg(isfinite(t) && isfinite(c), "%s (alpha %g): g(%g) = %g, f*(g) = %g", info->name, alpha, v,
                              t, c);
                if (fabs(v) <= 4) {
                    /* equal where t is some f'(u) (the optimal critic's
                     * range); never below the supremum elsewhere (Pearson's
                     * t²/4 + t below f'(0) = −2: a looser, still valid bound) */
                    double num = numeric_conjugate((im_fdiv)d, alpha, t);
                    int in_range = t >= im_fdiv_f_prime((im_fdiv)d, alpha, 1e-12);
                    ck_assert_msg(in_range ? fabs(c - num) <= 1e-6 * (1 + fabs(c)) : c >= num - 1e-9,
                                  "%s (alpha %g): f*(%g) = %.12g, sup = %.12g", info->name, alpha, t, c, num);
                }
            }
            /* Fenchel–Young: f(u) + f*(t) ≥ u·t on a grid, equality at
             * t = f'(u) (the optimal critic) */
            for (double lu = -5; lu <= 5; lu += 0.25) {
                double u = exp(lu), fu = im_fdiv_f((im_fdiv)d, alpha, u), tp = im_fdiv_f_prime((im_fdiv)d, alpha, u);
                if (d != IM_FDIV_TV || fabs(u - 1) > 1e-12) {
                    double eq = fu + im_fdiv_conjugate((im_fdiv)d, alpha, tp) - u * tp;
                    ck_assert_msg(fabs(eq) <= 1e-9 * (1 + fabs(u * tp)), "%s (alpha %g): at u = %g the gap is %g",
                                  info->name, alpha, u, eq);
                }
                for (double v = -6; v <= 6; v += 0.5) {
                    double t = im_fdiv_activation((im_fdiv)d, alpha, v);
                    ck_assert_msg(fu + im_fdiv_conjugate((im_fdiv)d, alpha, t) >= u * t - 1e-9 * (1 + fabs(u * t)),
                                  "%s (alpha %g): Fenchel-Young fails at u = %g, t = %g", info->name, alpha, u, t);
                }
            }
        }
    }
    ck_assert(!im_fdiv_find("kullback", &(im_fdiv){ 0 }));
}
END_TEST

/* The bound's terms in the critic's raw output: the closed forms equal the
 * composition f*(g_f(v)) where that does not overflow, their derivatives
 * central differences; on the tape, im_bound_f's gradient is the mean of
 * those slopes and its value im_value_f's. */
START_TEST(fdiv_bound_terms_and_their_gradients)
{
    const double alphas[] = { 0.5, -1, 2, 3 };
    for (int d = 0; d < IM_FDIV_COUNT; d++)
        for (int a = 0; a < (d == IM_FDIV_ALPHA ? 4 : 1); a++) {
            double alpha = d == IM_FDIV_ALPHA ? alphas[a] : 0;
            const char *name = im_fdiv_get((im_fdiv)d)->name;
            im_fdiv f = (im_fdiv)d;
            for (double v = -6; v <= 6; v += 0.37) {
                double direct = im_fdiv_conjugate_of_activation(f, alpha, v);
                double composed = im_fdiv_conjugate(f, alpha, im_fdiv_activation(f, alpha, v));
                ck_assert_msg(fabs(direct - composed) <= 1e-9 * (1 + fabs(direct)), "%s (%g): at %g %.12g vs %.12g", name,
                              alpha, v, direct, composed);
                const double h = 1e-5;
                double fd_act = (im_fdiv_activation(f, alpha, v + h) - im_fdiv_activation(f, alpha, v - h)) / (2 * h);
                double fd_conj = (im_fdiv_conjugate_of_activation(f, alpha, v + h) -
                                  im_fdiv_conjugate_of_activation(f, alpha, v - h)) / (2 * h);
                double act = im_fdiv_activation_prime(f, alpha, v);
                double conj = im_fdiv_conjugate_of_activation_prime(f, alpha, v);
                ck_assert_msg(fabs(act - fd_act) <= 1e-6 * (1 + fabs(act)), "%s (%g): g'(%g) %.9g vs %.9g", name, alpha, v,
                              act, fd_act);
                if (!(d == IM_FDIV_ALPHA && alpha > 1 && fabs(v * (alpha - 1) + 1) < 2 * h))   /* the kink at base 0 */
                    ck_assert_msg(fabs(conj - fd_conj) <= 1e-6 * (1 + fabs(conj)), "%s (%g): (f*.g)'(%g) %.9g vs %.9g",
                                  name, alpha, v, conj, fd_conj);
            }
            /* far out the closed forms stay finite where composing overflows */
            double far = d == IM_FDIV_KL || d == IM_FDIV_HELLINGER || d == IM_FDIV_JEFFREY ? 300 : 800;
            ck_assert(isfinite(im_fdiv_conjugate_of_activation(f, alpha, far)));
            /* on the tape */
            im_tape *g = im_tape_new(&ctx);
            im_real pv[5] = { -1.5f, -0.2f, 0.3f, 1.1f, 2.0f }, qv[4] = { -2.0f, -0.7f, 0.4f, 1.6f };
            im_tensor *p = im_leaf(g, 5, 1, pv, 1), *q = im_leaf(g, 4, 1, qv, 1);
            im_tensor *bound = im_bound_f(g, p, q, f, alpha);
            ck_assert_ptr_nonnull(bound);
            ck_assert_int_eq(im_backward(g, bound), IM_OK);
            double pd[5], qd[4];
            for (int i = 0; i < 5; i++) {
                pd[i] = pv[i];
                ck_assert_double_eq_tol(p->grad[i], im_fdiv_activation_prime(f, alpha, pv[i]) / 5, 1e-6);
            }
            for (int i = 0; i < 4; i++) {
                qd[i] = qv[i];
                ck_assert_double_eq_tol(q->grad[i], -im_fdiv_conjugate_of_activation_prime(f, alpha, qv[i]) / 4, 1e-6);
            }
            double value = im_value_f(pd, 5, qd, 4, f, alpha);
            ck_assert_msg(fabs(im_item(bound) - value) <= 1e-5 * (1 + fabs(value)), "%s: tape %g, arrays %g", name,
                          im_item(bound), value);
            im_tape_free(g);
        }
}
END_TEST

/* Exact D_f between diagonal Gaussians: every closed form against the
 * same divergence integrated on a fine 1-D grid; TV against 2Φ(μ/2) − 1
 * (equal variances, 1-D and 2-D); the GAN member is js − log 4; Pearson's
 * integral diverges when Q is narrower than P/√2. */
START_TEST(fdiv_exact_values_between_gaussians)
{
    const struct { double mp, sp, mq, sq; } pairs[] = { { 0, 1, 1, 1 }, { 0, 1, 0.5, 1.5 }, { 0.3, 0.9, -0.4, 1.1 } };
    const double alphas[] = { 0.5, -1, 2, 3 };
    enum { N = 200001 };   /* ±25: wide for Neyman's q²/p (sd 1.5 at pair 3), no density underflows */
    static double p[N], q[N];
    for (size_t c = 0; c < sizeof pairs / sizeof *pairs; c++) {
        double mp = pairs[c].mp, sp = pairs[c].sp, mq = pairs[c].mq, sq = pairs[c].sq;
        double lo = -25, hi = 25, h = (hi - lo) / (N - 1);
        for (int i = 0; i < N; i++) {
            double x = lo + i * h;
            p[i] = exp(-0.5 * (x - mp) * (x - mp) / (sp * sp)) / (sp * sqrt(2 * M_PI));
            q[i] = exp(-0.5 * (x - mq) * (x - mq) / (sq * sq)) / (sq * sqrt(2 * M_PI));
        }
        for (int d = 0; d < IM_FDIV_COUNT; d++)
            for (int a = 0; a < (d == IM_FDIV_ALPHA ? 4 : 1); a++) {
                double alpha = d == IM_FDIV_ALPHA ? alphas[a] : 0, err;
                double exact = im_fdiv_gaussian((im_fdiv)d, alpha, 1, &mp, &sp, &mq, &sq, &err);
                double grid = im_fdiv_on_grid((im_fdiv)d, alpha, p, q, N, h);
                if (!isfinite(exact)) continue;   /* a diverging integral: the grid cannot say */
                ck_assert_msg(fabs(exact - grid) <= 1e-6 * (1 + fabs(exact)) + err,
                              "%s (%g), pair %zu: %.10g exact, %.10g on the grid (error %.2g)",
                              im_fdiv_get((im_fdiv)d)->name, alpha, c, exact, grid, err);
            }
        double js = im_fdiv_gaussian(IM_FDIV_JS, 0, 1, &mp, &sp, &mq, &sq, NULL);
        ck_assert_double_eq_tol(im_fdiv_gaussian(IM_FDIV_GAN, 0, 1, &mp, &sp, &mq, &sq, NULL), js - log(4.0), 1e-9);
        ck_assert(js > 0 && js < 2 * log(2.0));
    }
    /* TV of a mean shift μ with equal variances: 2Φ(|μ|/2) − 1, 1-D and 2-D */
    double zero[2] = { 0, 0 }, one[2] = { 1, 1 }, shift[2] = { 0.6, 0.8 }, err;
    double tv2 = im_fdiv_gaussian(IM_FDIV_TV, 0, 2, zero, one, shift, one, &err);
    ck_assert_msg(fabs(tv2 - erf(0.5 / sqrt(2.0))) <= 1e-5 + err, "2-D TV %.8f vs %.8f (error %.2g)", tv2,
                  erf(0.5 / sqrt(2.0)), err);
    double tv1 = im_fdiv_gaussian(IM_FDIV_TV, 0, 1, zero, one, one, one, &err);
    ck_assert_double_eq_tol(tv1, erf(0.5 / sqrt(2.0)), 1e-7);
    /* the closed forms add over coordinates (KL of 2-D = sum of 1-D) */
    ck_assert_double_eq_tol(im_fdiv_gaussian(IM_FDIV_KL, 0, 2, zero, one, shift, one, NULL), 0.5 * (0.36 + 0.64), 1e-12);
    /* Pearson diverges when sd_q² ≤ sd_p²/2; beyond 2-D the grid members are not given */
    double narrow = 0.6;
    ck_assert(isinf(im_fdiv_gaussian(IM_FDIV_PEARSON, 0, 1, zero, one, zero, &narrow, NULL)));
    double three[3] = { 0, 0, 0 }, ones[3] = { 1, 1, 1 };
    ck_assert(isnan(im_fdiv_gaussian(IM_FDIV_JS, 0, 3, three, ones, three, ones, NULL)));
}
END_TEST

/* W₀ through w + log w = L: the omega constant, W(e) = 1, and the
 * defining equation far into both tails (Jeffrey's conjugate needs
 * e^(1−t) for any real t). */
START_TEST(lambert_w_of_an_exponential)
{
    ck_assert_double_eq_tol(im_lambert_w_exp(0), 0.56714329040978387, 1e-15);
    ck_assert_double_eq_tol(im_lambert_w_exp(1), 1.0, 1e-15);
    for (double L = -700; L <= 700; L += 0.37) {
        double w = im_lambert_w_exp(L);
        ck_assert_msg(w > 0 && fabs(w + log(w) - L) <= 1e-12 * (1 + fabs(L)), "L = %g: w = %g", L, w);
    }
}
END_TEST

/* tasks/divergence/gaussians.ini, tiny: with 2,000 rows and 800 steps the
 * critic's bound reads KL, TV, squared Hellinger and 2·JS of two 2-D
 * Gaussians within 25% below and 10% above the exact values (a lower
 * bound, from a short training); an alpha of 1 is refused before the run. */
/* fgan-fit: KL's exact minimiser is P's moments (mean 0.8, sd 1.9),
 * reverse KL's the heavier mode; 1,500 saddle steps bring each fit within
 * 0.1 of the mean and 12% of the variance. */
START_TEST(fgan_fit_reaches_the_exact_minimisers)
{
    static const char *const members[2] = { "kl", "reverse-kl" };
    static const double mu[2] = { 0.8, 2.0 }, sd[2] = { 1.9, 0.5 };
    for (int m = 0; m < 2; m++) {
        char args[2048], out[8192], results[600];
        snprintf(results, sizeof results, "%s/fit-%s.jsonl", test_tmpdir(), members[m]);
        snprintf(args, sizeof args, "%s/tasks/divergence/mixture-fit.ini -q -o %s --threads 1 --set task.divergence=%s "
                 "--set task.seed=1 --set task.steps=1500 --set task.batch=256", test_srcdir(), results, members[m]);
        ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
        int n;
        im_record **recs = test_read_records(&ctx, results, &n);
        double fit_mu, fit_sd, exact_mu, exact_sd;
        ck_assert(n == 1 && im_record_metric(recs[0], "mu", &fit_mu) && im_record_metric(recs[0], "sd", &fit_sd) &&
                  im_record_metric(recs[0], "exact_mu", &exact_mu) && im_record_metric(recs[0], "exact_sd", &exact_sd));
        ck_assert_msg(fabs(exact_mu - mu[m]) < (m ? 0.01 : 1e-3) && fabs(exact_sd - sd[m]) < (m ? 0.01 : 1e-3),
                      "%s: exact N(%.4f, %.4f^2)", members[m], exact_mu, exact_sd);
        ck_assert_msg(fabs(fit_mu - exact_mu) < 0.1 && fabs(fit_sd * fit_sd / (exact_sd * exact_sd) - 1) < 0.12,
                      "%s: fit N(%.3f, %.3f^2)", members[m], fit_mu, fit_sd);
        test_free_records(recs, n);
    }
}
END_TEST

START_TEST(divergence_ini_tiny)
{
    static const char *const members[] = { "kl", "tv", "hellinger", "js" };
    for (int m = 0; m < 4; m++) {
        char args[2048], out[8192], results[600];
        snprintf(results, sizeof results, "%s/divergence.jsonl", test_tmpdir());
        snprintf(args, sizeof args, "%s/tasks/divergence/gaussians.ini -q -o %s --threads 1 --set task.divergence=%s "
                 "--set task.seed=1 --set task.n_train=2000 --set task.n_val=500 --set task.n_test=4000 "
                 "--set task.steps=800 --set task.eval_every=100", test_srcdir(), results, members[m]);
        ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
        int n;
        im_record **recs = test_read_records(&ctx, results, &n);
        double est, truth;
        ck_assert(n == 1 && im_record_metric(recs[0], "estimate", &est) && im_record_metric(recs[0], "true_value", &truth));
        ck_assert_msg(est > 0.75 * truth && est < 1.1 * truth, "%s: %.4f against %.4f", members[m], est, truth);
        test_free_records(recs, n);
    }
    /* KL by k-th-neighbour distances: no critic, the same test rows */
    {
        char args[2048], out[8192], results[600];
        snprintf(results, sizeof results, "%s/divergence-knn.jsonl", test_tmpdir());
        snprintf(args, sizeof args, "%s/tasks/divergence/gaussians.ini -q -o %s --threads 1 --set task.divergence=knn "
                 "--set task.seed=1 --set task.n_train=2 --set task.n_val=2 --set task.n_test=10000", test_srcdir(),
                 results);
        ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
        int n;
        im_record **recs = test_read_records(&ctx, results, &n);
        double est, truth;
        ck_assert(n == 1 && im_record_metric(recs[0], "estimate", &est) && im_record_metric(recs[0], "true_value", &truth));
        ck_assert_msg(fabs(est - truth) < 0.1 * truth, "knn: %.4f against %.4f", est, truth);
        test_free_records(recs, n);
    }
    /* the bimodal Q of mixture.ini, its truth integrated on a grid */
    char args[2048], out[8192], results[600];
    snprintf(results, sizeof results, "%s/mixture.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s/tasks/divergence/mixture.ini -q -o %s --threads 1 --set task.divergence=kl "
             "--set task.seed=1 --set task.n_train=2000 --set task.n_val=500 --set task.n_test=4000 --set task.steps=800 "
             "--set task.eval_every=100", test_srcdir(), results);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    double est, truth, error;
    ck_assert(im_record_metric(recs[0], "estimate", &est) && im_record_metric(recs[0], "true_value", &truth) &&
              im_record_metric(recs[0], "truth_error", &error));
    ck_assert_msg(est > 0.75 * truth && est < 1.1 * truth && error < 1e-6, "mixture kl: %.4f against %.4f (%.2g)", est,
                  truth, error);
    test_free_records(recs, n);
    snprintf(args, sizeof args, "%s/tasks/divergence/gaussians.ini --dry-run --set task.divergence=alpha --set task.alpha=1",
             test_srcdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "task.alpha: 0 and 1 are the limits KL and reverse KL") != NULL, "%s", out);
    snprintf(args, sizeof args, "%s/tasks/divergence/mixture.ini --dry-run --set task.dim=2", test_srcdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "task.q: the mixture is one-dimensional") != NULL, "%s", out);
}
END_TEST

/* The fdiv estimator: f-informations of a correlated Gaussian pair against
 * their exact values, which are D_f between N(0, diag(1 + ρ, 1 − ρ)) and
 * N(0, I) (the pair rotated by 45°; the product of the marginals is
 * rotation-invariant); kl is the MI itself. TV's optimal critic is a
 * step (±½): a tanh critic stalls at half of it (0.19 of 0.38 here, at
 * any step count or rate), a ReLU critic reaches it. */
START_TEST(f_informations_of_a_gaussian_pair)
{
    static const char *const members[] = { "hellinger", "tv" };   /* kl is nwj's path, tested above */
    double rho = sqrt(1 - exp(-2 * 0.5)), zero[2] = { 0, 0 }, one[2] = { 1, 1 };
    double sd[2] = { sqrt(1 + rho), sqrt(1 - rho) };
    ck_assert_double_eq_tol(im_fdiv_gaussian(IM_FDIV_KL, 0, 2, zero, sd, zero, one, NULL), 0.5, 1e-12);
    for (int m = 0; m < 2; m++) {
        im_fdiv d;
        ck_assert(im_fdiv_find(members[m], &d));
        double truth = im_fdiv_gaussian(d, 0, 2, zero, sd, zero, one, NULL);
        char args[2048], out[8192], results[600];
        snprintf(results, sizeof results, "%s/finfo.jsonl", test_tmpdir());
        snprintf(args, sizeof args, "%s/tasks/mi-estimate/quickstart.ini -q -o %s --threads 1 --set task.plot=false "
                 "--set estimator.plugin=fdiv --set estimator.divergence=%s --set dataset.dim=1 --set dataset.mi=0.5 "
                 "--set dataset.n_train=8000 --set dataset.n_test=8000 --set estimator.steps=1500%s",
                 test_srcdir(), results, members[m], d == IM_FDIV_TV ? " --set estimator.activation=relu" : "");
        ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
        int n;
        im_record **recs = test_read_records(&ctx, results, &n);
        double est;
        ck_assert(im_record_metric(recs[0], "estimate", &est));
        ck_assert_str_eq(im_record_text(recs[0], "unit"), "f-information");
        ck_assert_msg(fabs(est - truth) < 0.1 * truth, "%s: %.4f against %.4f", members[m], est, truth);
        test_free_records(recs, n);
    }
}
END_TEST

/* given = t: I(X;Y|T) through mi-estimate on the `conditional` dataset,
 * whose exact values are checked first; ksg by Frenzel & Pompe's form,
 * gaussian by the chain rule, each on all 10,000 rows; the refusals.
 * ksg's spread at k = 8 is about 0.007 nats there. */
/* One run of conditional.ini with the settings `set`: the metrics named
 * in names[0..n) into v (each must be recorded). */
static void conditional_run(const char *set, const char *const *names, int count, double *v)
{
    char args[2048], out[8192], results[600];
    snprintf(results, sizeof results, "%s/conditional.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s/tasks/mi-estimate/conditional.ini -q -o %s --threads 1 --set task.seed=1 "
             "--set dataset.n_train=4000 --set dataset.n_val=1000 --set dataset.n_test=5000 --set task.rows=auto %s",
             test_srcdir(), results, set);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    ck_assert_int_eq(n, 1);
    for (int i = 0; i < count; i++) ck_assert_msg(im_record_metric(recs[0], names[i], &v[i]), "%s: no %s", set, names[i]);
    test_free_records(recs, n);
}

START_TEST(conditional_mi_by_frenzel_pompe_and_the_chain_rule)
{
    /* ksg's own conditional form; the dataset's exact values (records keep
     * 6 digits): a collider's ½ log(4/3) given Z and 0 without, a chain's 0
     * given Z and −½ log(1 − 1/3) without */
    static const char *const names[] = { "estimate", "true_mi", "true_mi_unconditional", "mi_x_yt", "mi_x_t" };
    static const char *const with_interval[] = { "estimate", "true_mi", "true_mi_unconditional", "ci_low", "ci_high" };
    double v[5];
    conditional_run("--set dataset.structure=collider --set dataset.direct=0 --set estimator.plugin=ksg",
                    with_interval, 5, v);
    ck_assert_double_eq_tol(v[1], 0.5 * log(4.0 / 3), 1e-5);
    ck_assert_double_eq_tol(v[2], 0, 1e-5);
    ck_assert_double_eq_tol(v[0], 0.5 * log(4.0 / 3), 0.025);
    /* the half-sampling interval over (x, y, z): about ±1.65 sd (0.007) */
    ck_assert_msg(v[3] < v[0] && v[0] < v[4] && v[4] - v[3] > 0.01 && v[4] - v[3] < 0.05, "[%.4f, %.4f] around %.4f",
                  v[3], v[4], v[0]);
    conditional_run("--set dataset.structure=chain --set dataset.direct=0 --set estimator.plugin=ksg", names, 3, v);
    ck_assert_double_eq_tol(v[1], 0, 1e-5);
    ck_assert_double_eq_tol(v[2], -0.5 * log(2.0 / 3), 1e-5);
    ck_assert_double_eq_tol(v[0], 0, 0.025);
    /* the chain rule with the Gaussian formula, a fork with a direct edge */
    conditional_run("--set dataset.structure=fork --set dataset.direct=0.5 --set estimator.plugin=gaussian", names, 5,
                    v);
    ck_assert_msg(fabs(v[0] - v[1]) < 0.05 * v[1], "gaussian, chain rule: %.4f for %.4f", v[0], v[1]);
    ck_assert_double_eq_tol(v[3] - v[4], v[0], 1e-5);

    char args[2048], out[8192];
    snprintf(args, sizeof args, "%s/tasks/mi-estimate/quickstart.ini -q -o %s/q.jsonl --set task.given=t "
             "--set estimator.plugin=ksg", test_srcdir(), test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "task.given: dataset") && strstr(out, "has no T columns"), "%s", out);
    snprintf(args, sizeof args, "%s/tasks/mi-estimate/conditional.ini -q -o %s/c.jsonl --set estimator.plugin=dcor "
             "--set dataset.structure=chain --set dataset.direct=0", test_srcdir(), test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "the chain rule I(X;[Y,T]) - I(X;T) needs MI"), "%s", out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("estimators");
    TCase *closed = tcase_create("closed form");
    tcase_add_checked_fixture(closed, setup, teardown);
    tcase_set_timeout(closed, 300);
    tcase_add_test(closed, ksg_matches_gaussian_mi);
    tcase_add_test(closed, ksg_jitter_reads_integer_data);
    tcase_add_test(closed, fdiv_conjugates_activations_and_fenchel_young);
    tcase_add_test(closed, lambert_w_of_an_exponential);
    tcase_add_test(closed, fdiv_bound_terms_and_their_gradients);
    tcase_add_test(closed, fdiv_exact_values_between_gaussians);
    tcase_add_test(closed, ksg_tree_and_scan_agree_with_the_definition);
    tcase_add_test(closed, ksg_1d_counts_by_rank_agree_with_the_definition);
    tcase_add_test(closed, gaussian_estimator_is_exact_on_gaussians);
    tcase_add_test(closed, gaussian_estimator_fails_under_a_cubic_transform);
    tcase_add_test(closed, dcor_matches_the_bivariate_normal_formula);
    tcase_add_test(closed, hsic_separates_independence_from_dependence);
    tcase_add_test(closed, cca_weights_reproduce_the_top_correlation);
    tcase_add_test(closed, conditional_mi_by_frenzel_pompe_and_the_chain_rule);
    tcase_add_test(closed, slice_and_smi_follow_the_dependence);
    suite_add_tcase(s, closed);
    TCase *trained = tcase_create("trained");
    tcase_add_checked_fixture(trained, setup, teardown);
    tcase_set_timeout(trained, 1800);   /* minutes alone under the sanitizers; a busy machine takes several times that */
    tcase_add_test(trained, variational_bounds_approach_the_true_mi);
    tcase_add_test(trained, infonce_never_exceeds_log_batch);
    tcase_add_test(trained, squashed_critic_inputs_ignore_location_and_scale);
    tcase_add_test(trained, copula_critic_inputs_ignore_increasing_transforms);
    tcase_add_test(trained, weight_average_is_what_the_trainer_keeps);
    tcase_add_test(trained, club_reaches_its_analytic_value);
    tcase_add_test(trained, tc_and_renyi_estimate_their_targets);
    tcase_add_test(trained, ba_is_tight_when_q_is_the_true_conditional);
    tcase_add_test(trained, divergence_ini_tiny);
    tcase_add_test(trained, fgan_fit_reaches_the_exact_minimisers);
    tcase_add_test(trained, f_informations_of_a_gaussian_pair);
    suite_add_tcase(s, trained);
    TCase *grads = tcase_create("gradients");
    tcase_add_checked_fixture(grads, setup, teardown);
    tcase_set_timeout(grads, 300);
    tcase_add_loop_test(grads, objective_input_gradients_match_finite_differences, 0,
                        (int)(sizeof gradient_cases / sizeof gradient_cases[0]));
    suite_add_tcase(s, grads);
    return test_run_suite(s);
}
