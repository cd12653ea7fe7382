/* test_mpi.c — built with ./configure --with-mpi: a sweep across three MPI
 * ranks (rank 0 hands out cells, two compute) writes the same records as
 * infomin-run in one process, with the same seeds and thread count. */
#include "test_util.h"

static im_ctx ctx;

START_TEST(mpi_sweep_equals_the_single_process_run)
{
    char ini[4096], cmd[16384], out[65536], one[4096], many[4096];
    test_write_file(ini, sizeof ini, "mpi.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 3\nmi = 1\nn_train = 2000\n"
                    "n_val = 500\nn_test = 1000\n[estimator]\nplugin = gaussian\nsteps = 150\nbatch = 64\n"
                    "[sweep]\nestimator.plugin = gaussian, ksg, mine, club\ntask.seed = 1..2\n");
    snprintf(one, sizeof one, "%s/one.jsonl", test_tmpdir());
    snprintf(many, sizeof many, "%s/many.jsonl", test_tmpdir());
    snprintf(cmd, sizeof cmd, "%s/infomin-run %s -q --threads 1 -o %s 2>&1", test_builddir(), ini, one);
    ck_assert_msg(test_run_command(cmd, out, sizeof out) == 0, "%s", out);
    snprintf(cmd, sizeof cmd, "mpirun %s --oversubscribe -np 3 %s/infomin-run-mpi %s --threads 1 -o %s 2>&1",
             geteuid() == 0 ? "--allow-run-as-root" : "", test_builddir(), ini, many);
    ck_assert_msg(test_run_command(cmd, out, sizeof out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "on rank 1") && strstr(out, "on rank 2"), "both worker ranks computed: %s", out);
    ck_assert_ptr_null(strstr(out, "on rank 0"));
    int na, nb;
    im_record **a = test_read_records(&ctx, one, &na), **b = test_read_records(&ctx, many, &nb);
    ck_assert_int_eq(na, 8);
    ck_assert_int_eq(nb, 8);
    const char *metrics[] = { "estimate", "true_mi" };
    for (int i = 0; i < 8; i++) {
        ck_assert_int_eq(im_record_run(b[i]), i);
        ck_assert(im_record_ok(a[i]) && im_record_ok(b[i]));
        ck_assert_str_eq(im_record_get_meta(a[i], "config_hash"), im_record_get_meta(b[i], "config_hash"));
        for (int m = 0; m < 2; m++) {
            double x, y;
            ck_assert_msg(im_record_metric(a[i], metrics[m], &x), "run %d: no %s", i, metrics[m]);
            ck_assert(im_record_metric(b[i], metrics[m], &y));
            ck_assert_msg(x == y, "run %d %s: %.17g alone, %.17g under MPI", i, metrics[m], x, y);
        }
    }
    test_free_records(a, na);
    test_free_records(b, nb);
}
END_TEST

int main(void)
{
    im_ctx_init(&ctx);
    Suite *s = suite_create("mpi");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, mpi_sweep_equals_the_single_process_run);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
