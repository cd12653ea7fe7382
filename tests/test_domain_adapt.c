/* test_domain_adapt.c — the domain-adapt task end to end on a few hundred
 * Fashion-MNIST(-M) images (source-only, none and two penalties, the
 * table, the choices), a penalty lowering what a domain classifier reads
 * from the code, and bad settings named. The runs read Fashion-MNIST from
 * the Debian package: without it they are skipped, saying so. */
#include <math.h>
#include "registry_fixture.h"

#define FASHION "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

static int fashion_present(const char *test)
{
    if (access(FASHION, R_OK) == 0) return 1;
    fprintf(stderr, "test_domain_adapt: %s absent: %s skipped (apt-get install dataset-fashion-mnist)\n", FASHION, test);
    return 0;
}

static const im_record *find(im_record *const *recs, int n, const char *method, const char *penalty)
{
    for (int i = 0; i < n; i++) {
        const char *m = im_record_text(recs[i], "method"), *p = im_record_text(recs[i], "penalty");
        if (m && p && strcmp(m, method) == 0 && strcmp(p, penalty) == 0) return recs[i];
    }
    return NULL;
}

START_TEST(domain_adapt_runs_end_to_end)
{
    if (!fashion_present("domain adapt runs end to end")) return;
    char out[32768], args[1024], path[512];
    snprintf(args, sizeof args, "%s/tasks/domain-adapt/tiny.ini -o %s/tiny.jsonl --threads 1", test_srcdir(),
             test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "domain-adapt, test split (mean ± sd over seeds; gain: target accuracy minus "
                                      "source-only's, same seed):"));
    ck_assert_ptr_nonnull(strstr(out, "chosen beta per penalty (least domain accuracy with source accuracy >= none's"));
    ck_assert_ptr_nonnull(strstr(out, "\nslice beta=1 "));
    char dry[8192];
    snprintf(args, sizeof args, "%s/tasks/domain-adapt/tiny.ini --dry-run", test_srcdir());
    ck_assert_msg(test_run_cli(args, dry, sizeof dry) == 0, "%s", dry);
    ck_assert_ptr_nonnull(strstr(dry, "8 cells, 4 to compute"));   /* source-only reads neither beta nor [estimator] */
    snprintf(path, sizeof path, "%s/tiny.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 8);
    const char *const cases[4][2] = { { "source-only", "none" }, { "infomin", "none" }, { "infomin", "slice" },
                                      { "infomin", "club" } };
    for (int i = 0; i < 4; i++) {
        const im_record *r = find(recs, n, cases[i][0], cases[i][1]);
        ck_assert_msg(r && im_record_ok(r), "%s %s", cases[i][0], cases[i][1]);
        double src, tgt, dom, chance, rho;
        ck_assert(im_record_metric(r, "source_accuracy", &src) && src >= 0 && src <= 1);
        ck_assert(im_record_metric(r, "target_accuracy", &tgt) && tgt >= 0 && tgt <= 1);
        ck_assert(im_record_metric(r, "domain_accuracy", &dom) && dom >= 0 && dom <= 1);
        ck_assert(im_record_metric(r, "domain_chance", &chance) && chance >= 0.5 && chance <= 1);
        ck_assert(im_record_metric(r, "rho_star", &rho) && rho >= 0 && rho <= 1);
    }
    test_free_records(recs, n);
}
END_TEST

/* slice at a large beta, refitted every step, against none, all else
 * equal, over seeds 1-3: the code keeps less of the domain. One seed's
 * difference spans 0.13-0.25 (seeds 1-4: rho* 0.969/0.932/0.927/0.939
 * without, 0.749/0.798/0.791/0.688 with), so the means are compared:
 * 0.943 against 0.779. (Refitted every 10 steps the encoder outruns the
 * fixed directions and rho* stays at 0.947.) */
START_TEST(slice_lowers_domain_information)
{
    if (!fashion_present("slice lowers domain information")) return;
    char ini[512], out[16384], args[1024], path[512];
    test_write_file(ini, sizeof ini, "dom.ini",
                    "[task]\nplugin = domain-adapt\nepochs = 4\nbatch = 64\nrefit_rows = 1000\nrefit_every = 1\n"
                    "adversary_epochs = 5\nrenyi_steps = 200\n[dataset]\nplugin = fashion-mnist-m\nn_train = 2000\n"
                    "n_val = 1000\nn_test = 1000\n[encoder]\nplugin = mlp\nhidden = 64\nout = 16\n"
                    "[estimator]\nplugin = slice\nn_slice = 20\n[sweep]\ntask.beta = 0, 30\ntask.seed = 1, 2, 3\n");
    snprintf(args, sizeof args, "%s -o %s/dom.jsonl --threads 1", ini, test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    snprintf(path, sizeof path, "%s/dom.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 6);
    double rho[2] = { 0, 0 }, beta, r;
    for (int i = 0; i < n; i++) {
        ck_assert(im_record_ok(recs[i]) && im_record_metric(recs[i], "beta", &beta) &&
                  im_record_metric(recs[i], "rho_star", &r));
        rho[beta > 0] += r / 3;
    }
    ck_assert_msg(rho[1] < rho[0] - 0.1, "mean rho*(Z;domain) %.3f with slice, %.3f without", rho[1], rho[0]);
    test_free_records(recs, n);
}
END_TEST

START_TEST(domain_adapt_names_bad_settings)
{
    char ini[512], out[8192], args[1024];
    test_write_file(ini, sizeof ini, "bad.ini",
                    "[task]\nplugin = domain-adapt\nepochs = 1\n[dataset]\nplugin = dsprites\nn_train = 64\n"
                    "n_val = 32\nn_test = 32\n[encoder]\nplugin = mlp\nhidden = 8\nout = 4\n");
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "domain-adapt: dataset dsprites has no binary domain column T (e.g. "
                                      "fashion-mnist-m)"));
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl --set dataset.plugin=gaussian", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "domain-adapt: dataset gaussian has no class labels (Y classes)"));
    if (!fashion_present("domain adapt names a split without target rows")) return;
    snprintf(args, sizeof args, "%s -o %s/bad.jsonl --set dataset.plugin=fashion-mnist-m --set "
             "dataset.target_share=0", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "domain-adapt: the training split of dataset fashion-mnist-m has 0 target rows"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("domain_adapt");
    TCase *tc = tcase_create("domain_adapt");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, domain_adapt_runs_end_to_end);
    tcase_add_test(tc, slice_lowers_domain_information);
    tcase_add_test(tc, domain_adapt_names_bad_settings);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
