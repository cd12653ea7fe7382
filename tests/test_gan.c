/* test_gan.c — the GAN task's pieces: mode coverage on a hand-made sample
 * set, the two toy datasets, the MI term's gradient with respect to the
 * generator's weights against finite differences, and short runs end to
 * end (records, the table, the picture). */
#include <math.h>
#include "registry_fixture.h"
#include "infomin/stats.h"

START_TEST(mode_coverage_counts_a_hand_made_sample)
{
    const double centres[8] = { 0, 0, 1, 0, 0, 1, 1, 1 };
    double s[200];
    int n = 0, counts[4];
    for (int i = 0; i < 50; i++, n++) s[2 * n] = 0.01 * (i % 5), s[2 * n + 1] = -0.01 * (i % 3);   /* mode 0 */
    for (int i = 0; i < 30; i++, n++) s[2 * n] = 1 + 0.02 * (i % 4), s[2 * n + 1] = 0.01;           /* mode 1 */
    for (int i = 0; i < 5; i++, n++) s[2 * n] = 0.05, s[2 * n + 1] = 0.95;                          /* mode 2 */
    for (int i = 0; i < 15; i++, n++) s[2 * n] = 0.5, s[2 * n + 1] = 0.5 + 0.01 * i;               /* between */
    im_mode_stats ms;
    ck_assert_int_eq(im_mode_coverage(&ctx, centres, 4, 2, 0.15, s, n, 0.1, counts, &ms), IM_OK);
    ck_assert_int_eq(counts[0], 50);
    ck_assert_int_eq(counts[1], 30);
    ck_assert_int_eq(counts[2], 5);
    ck_assert_int_eq(counts[3], 0);
    ck_assert_int_eq(ms.captured, 2);   /* mode 2 has 5 of 100 < 10% */
    ck_assert_int_eq(ms.high_quality, 85);
    ck_assert_double_eq_tol(ms.quality, 0.85, 1e-12);
    double q[3] = { 50 / 85.0, 30 / 85.0, 5 / 85.0 }, kl = 0;
    for (int i = 0; i < 3; i++) kl += q[i] * log(4 * q[i]);
    ck_assert_double_eq_tol(ms.reverse_kl, kl, 1e-12);
    /* every mode its share: KL 0; one mode: log 4 */
    const double even[8] = { 0, 0, 1, 0, 0, 1, 1, 1 };
    ck_assert_int_eq(im_mode_coverage(&ctx, centres, 4, 2, 0.15, even, 4, 0.1, counts, &ms), IM_OK);
    ck_assert_int_eq(ms.captured, 4);
    ck_assert_double_eq_tol(ms.reverse_kl, 0, 1e-12);
    ck_assert_int_eq(im_mode_coverage(&ctx, centres, 4, 2, 0.15, s, 50, 0.1, counts, &ms), IM_OK);
    ck_assert_double_eq_tol(ms.reverse_kl, log(4.0), 1e-12);
    ck_assert_int_eq(im_mode_coverage(&ctx, centres, 4, 2, 0, s, 50, 0.1, counts, &ms), IM_EINVAL);
}
END_TEST

static void load(const char *dataset, im_dataset *ds)
{
    char text[512];
    snprintf(text, sizeof text, "[task]\nplugin = gan\n[dataset]\n%s\n[encoder:generator]\nplugin = mlp\nout = 2\n"
                                "[encoder:discriminator]\nplugin = mlp\nout = 1\n", dataset);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, 5);
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, ds) == IM_OK, "%s", ctx.err);
    im_config_free(&cfg);
}

START_TEST(toy_datasets_have_their_modes)
{
    im_dataset ds;
    load("plugin = gaussian-grid\nn_train = 5000\nn_test = 10", &ds);
    ck_assert_int_eq(ds.y_classes, 25);
    ck_assert_double_eq_tol(ds.true_mi, log(25.0), 1e-12);
    for (int r = 0; r < ds.train.x.rows; r++) {   /* each point within 5 sd of its mode's grid point */
        int c = (int)im_mat_row(&ds.train.y, r)[0];
        double cx = (c % 5) * 2.0 - 4, cy = (c / 5) * 2.0 - 4;
        ck_assert_double_lt(hypot(im_mat_row(&ds.train.x, r)[0] - cx, im_mat_row(&ds.train.x, r)[1] - cy), 0.25);
    }
    im_dataset_free(&ds);
    load("plugin = spiral\nbins = 4\nnoise = 0\nn_train = 2000\nn_test = 10", &ds);
    ck_assert_int_eq(ds.y_classes, 4);
    double r_min[4] = { 1e9, 1e9, 1e9, 1e9 }, r_max[4] = { 0 };
    for (int r = 0; r < ds.train.x.rows; r++) {   /* the radius grows along the curve: bins are rings */
        int c = (int)im_mat_row(&ds.train.y, r)[0];
        double rad = hypot(im_mat_row(&ds.train.x, r)[0], im_mat_row(&ds.train.x, r)[1]);
        r_min[c] = fmin(r_min[c], rad), r_max[c] = fmax(r_max[c], rad);
    }
    for (int c = 0; c < 3; c++) ck_assert_double_le(r_max[c], r_min[c + 1] + 1e-5);
    ck_assert_double_eq_tol(r_max[3], 3.0, 0.01);   /* scale: the outer end's radius */
    im_dataset_free(&ds);
}
END_TEST

/* d Î(G(z); c) / d(generator weights) on the tape against central
 * differences (float32: h = 1e-2, 3% in norm). MINE with ema_alpha = 1 so
 * that its gradient is the bound's own. */
START_TEST(mi_term_gradient_reaches_the_generator)
{
    im_config cfg;
    parse("[task]\nplugin = gan\n[dataset]\nplugin = gaussian-grid\n[encoder:generator]\nplugin = mlp\nhidden = 5\n"
          "activation = tanh\nout = 2\n[encoder:discriminator]\nplugin = mlp\nout = 1\n"
          "[estimator]\nplugin = mine\nhidden = 6\nactivation = tanh\nnegatives = all\nema_alpha = 1\ninput = raw\n",
          &cfg);
    im_rng rng;
    im_rng_seed(&rng, 9);
    const int n = 12, noise = 2, codes = 3;
    im_encoder gen;
    ck_assert_msg(im_encoder_new(&ctx, &cfg, "encoder:generator", noise + codes, (im_shape){ 0 }, &rng, &gen) == IM_OK,
                  "%s", ctx.err);
    im_estimator *est;
    ck_assert_msg(im_estimator_new(&ctx, &cfg, "estimator", 2, codes, &rng, &est) == IM_OK, "%s", ctx.err);
    im_mat z, c;
    im_mat_alloc(&ctx, &z, n, noise + codes);
    im_mat_alloc(&ctx, &c, n, codes);
    for (int r = 0; r < n; r++) {
        for (int j = 0; j < noise; j++) im_mat_row(&z, r)[j] = (float)im_rng_normal(&rng);
        for (int j = 0; j < codes; j++) im_mat_row(&z, r)[noise + j] = im_mat_row(&c, r)[j] = j == r % codes;
    }
    im_tape *g = im_tape_new(&ctx);
    im_params *gp = im_encoder_params(&gen);
    im_params_zero_grad(gp);
    im_tensor *obj = est->vt->objective(est->self, g, im_encoder_forward(g, &gen, im_input(g, &z)), im_input(g, &c));
    ck_assert_ptr_nonnull(obj);
    ck_assert_int_eq(im_backward(g, obj), IM_OK);
    double diff = 0, norm = 0;
    im_tape_set_grad(g, 0);
    for (int p = 0; p < gp->count; p++)
        for (int i = 0; i < gp->items[p]->rows * gp->items[p]->cols; i++) {
            float *w = &gp->items[p]->value[i], saved = *w, h = 1e-2f;
            double f[2], analytic = gp->items[p]->grad[i];
            for (int s = 0; s < 2; s++) {
                *w = saved + (s ? -h : h);
                im_tape_reset(g);
                f[s] = im_item(est->vt->objective(est->self, g, im_encoder_forward(g, &gen, im_input(g, &z)),
                                                  im_input(g, &c)));
            }
            *w = saved;
            double numeric = (f[0] - f[1]) / (2 * h);
            diff += (numeric - analytic) * (numeric - analytic);
            norm += numeric * numeric;
        }
    ck_assert_double_gt(norm, 1e-6);
    ck_assert_msg(sqrt(diff) <= 0.03 * sqrt(norm), "|analytic - numeric| = %.3g, |numeric| = %.3g", sqrt(diff),
                  sqrt(norm));
    im_tape_free(g);
    im_estimator_free(est);
    im_encoder_free(&gen);
    im_mat_free(&z);
    im_mat_free(&c);
    im_config_free(&cfg);
}
END_TEST

/* tasks/gan/tiny.ini, infogan-tiny.ini and bigan-tiny.ini through
 * infomin-run: records, the table, the picture; gan's runs say how well
 * the code names the mode (at most log 25 nats). */
START_TEST(gan_runs_end_to_end)
{
    char out[16384], args[1024], path[512];
    const char *const inis[3] = { "tiny", "infogan-tiny", "bigan-tiny" };
    for (int t = 0; t < 3; t++) {
        snprintf(args, sizeof args, "%s/tasks/gan/%s.ini -o %s/%s.jsonl --threads 1", test_srcdir(), inis[t],
                 test_tmpdir(), inis[t]);
        ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
        ck_assert_ptr_nonnull(strstr(out, "per method, mean ± sd over seeds (25 modes):"));
        snprintf(path, sizeof path, "%s/%s-samples.png", test_tmpdir(), inis[t]);
        ck_assert_int_eq(access(path, R_OK), 0);
        snprintf(path, sizeof path, "%s/%s.jsonl", test_tmpdir(), inis[t]);
        int n;
        im_record **recs = test_read_records(&ctx, path, &n);
        ck_assert_int_eq(n, 2);
        for (int i = 0; i < 2; i++) {
            double modes, q, kl, recon;
            ck_assert(im_record_ok(recs[i]));
            ck_assert(im_record_metric(recs[i], "modes_captured", &modes) && modes >= 0 && modes <= 25);
            ck_assert(im_record_metric(recs[i], "high_quality", &q) && q >= 0 && q <= 1);
            ck_assert(im_record_metric(recs[i], "reverse_kl", &kl) && kl >= 0 && kl <= log(25.0) + 1e-9);
            ck_assert_int_eq(im_record_metric(recs[i], "reconstruction", &recon), t == 2);
            double mi, purity;
            if (t < 2 && im_record_metric(recs[i], "code_mode_mi", &mi)) {   /* absent: no sample on a mode */
                ck_assert(mi >= -1e-12 && mi <= log(25.0) + 1e-9);
                ck_assert(im_record_metric(recs[i], "code_purity", &purity) && purity > 0 && purity <= 1);
            }
            const im_curve *train = im_record_find_curve(recs[i], "train");
            const im_curve *samples = im_record_find_curve(recs[i], "samples");
            ck_assert(train && im_curve_rows(train) == 3);
            ck_assert(samples && im_curve_rows(samples) == 200);
            ck_assert_int_eq(isnan(im_curve_get(train, 2, 3)), i == 0);   /* the MI term only with beta > 0 */
        }
        test_free_records(recs, n);
    }
    /* f-GAN's losses: tiny.ini trained by KL with two D updates a step */
    snprintf(args, sizeof args, "%s/tasks/gan/tiny.ini -o %s/fgan.jsonl --threads 1 --set task.divergence=kl "
             "--set task.d_steps=2", test_srcdir(), test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "\nf-GAN kl  ") && strstr(out, "\nf-GAN kl + MINE beta=1 "), "%s", out);
    snprintf(args, sizeof args, "%s/tasks/gan/tiny.ini --dry-run --set task.divergence=alpha --set task.alpha=0",
             test_srcdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "task.alpha: 0 and 1 are the limits") != NULL, "%s", out);
    snprintf(args, sizeof args, "%s/tasks/gan/bigan-tiny.ini --dry-run --set task.d_steps=2", test_srcdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "bigan takes one discriminator update per step") != NULL, "%s", out);
    char ini[512];
    /* a generator of the wrong width, an estimator without an objective */
    test_write_file(ini, sizeof ini, "bad.ini",
                    "[task]\nplugin = gan\nsteps = 2\nmine_beta = 1\n[dataset]\nplugin = spiral\n"
                    "[encoder:generator]\nplugin = mlp\nout = 3\n[encoder:discriminator]\nplugin = mlp\nout = 1\n"
                    "[estimator]\nplugin = ksg\n");
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "gan: [encoder:generator] makes 3 columns, the data have 2: set out = 2"));
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl --set encoder:generator.out=2", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "gan: estimator ksg has no differentiable objective"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gan");
    TCase *tc = tcase_create("gan");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, mode_coverage_counts_a_hand_made_sample);
    tcase_add_test(tc, toy_datasets_have_their_modes);
    tcase_add_test(tc, mi_term_gradient_reaches_the_generator);
    tcase_add_test(tc, gan_runs_end_to_end);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
