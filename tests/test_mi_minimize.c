/* test_mi_minimize.c — the mi-minimize task end to end: the sampler's
 * closed-form MI at the start, slice's descent through the bijection, the
 * summary's picture, and its refusals (an odd dim under exp-tanh, an
 * estimator without an objective). */
#include <math.h>
#include "registry_fixture.h"

START_TEST(mi_minimize_descends_and_refuses)
{
    char out[16384], args[1024], path[512], ini[512];
    snprintf(args, sizeof args, "%s/tasks/mi-minimize/tiny.ini -o %s/tiny.jsonl --threads 1", test_srcdir(),
             test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "slice, g = exp-tanh"));
    snprintf(path, sizeof path, "%s/tiny-true-mi.png", test_tmpdir());
    ck_assert_int_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/tiny.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 2);
    double exact = -2 * log(cos(1.1));   /* theta0 = 0.55 on both coordinates, in float32 */
    for (int i = 0; i < n; i++) {
        ck_assert(im_record_ok(recs[i]));
        double start, end;
        ck_assert(im_record_metric(recs[i], "true_mi_start", &start));
        ck_assert_double_eq_tol(start, exact, 1e-5);
        ck_assert(im_record_metric(recs[i], "true_mi_end", &end) && end >= 0);
        const im_curve *c = im_record_find_curve(recs[i], "steps");
        ck_assert(c && im_curve_rows(c) == 16);   /* the start and every 10th of 150 steps */
        ck_assert_double_eq_tol(im_curve_get(c, 15, 1), end, 1e-9);
        if (strcmp(im_record_text(recs[i], "estimator"), "slice") == 0)
            ck_assert_double_lt(end, 0.6 * start);   /* 1.58 -> 0.69 nats */
    }
    test_free_records(recs, n);
    test_write_file(ini, sizeof ini, "odd.ini", "[task]\nplugin = mi-minimize\ndim = 3\n[estimator]\nplugin = slice\n");
    snprintf(args, sizeof args, "%s -o %s/odd.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "exp-tanh maps pairs of coordinates: dim = 3 is odd") != NULL, "%s", out);
    test_write_file(ini, sizeof ini, "ksg.ini", "[task]\nplugin = mi-minimize\nsteps = 2\n[estimator]\nplugin = ksg\n");
    snprintf(args, sizeof args, "%s -o %s/ksg.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "estimator ksg is not differentiable") != NULL, "%s", out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mi-minimize");
    TCase *tc = tcase_create("mi-minimize");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mi_minimize_descends_and_refuses);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
