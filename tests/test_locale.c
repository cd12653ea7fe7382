/* test_locale.c — numbers as text under a comma-decimal locale (de_DE):
 * INI values, data files, records and the handle API read "0.5" as one
 * half and write it so. The process switches its whole locale to de_DE, as
 * a host program might; the locale is built into a temporary folder with
 * localedef when the system has none (skipped, saying why, when neither
 * works: Debian's `locales` package holds the sources). */
#include <locale.h>
#include <math.h>
#include "registry_fixture.h"

START_TEST(the_locale_is_comma_decimal)
{
    /* what the test is about: strtod and printf follow it */
    ck_assert_double_eq(strtod("0,5", NULL), 0.5);
    char buf[16];
    snprintf(buf, sizeof buf, "%g", 0.5);
    ck_assert_str_eq(buf, "0,5");
}
END_TEST

START_TEST(library_reads_numbers_with_a_point)
{
    char *end;
    ck_assert_double_eq(im_strtod("0.5", &end), 0.5);
    ck_assert_int_eq(*end, '\0');
    ck_assert_double_eq(im_strtod("5e-4", NULL), 5e-4);
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx,
                                            "[task]\nplugin = mi-estimate\nci = 0.25\n[dataset]\nplugin = gaussian\n"
                                            "rho = 0.75\n[estimator]\nplugin = mine\nlr = 5e-4\n",
                                            "l.ini", &cfg),
                     IM_OK);
    ck_assert_msg(im_config_validate(&ctx, &cfg, reg) == IM_OK, "%s", ctx.err);
    im_section sec;
    double v;
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "dataset", &sec), IM_OK);
    ck_assert_int_eq(im_section_float(&ctx, &sec, "rho", &v), IM_OK);
    ck_assert_double_eq(v, 0.75);
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "estimator", &sec), IM_OK);
    ck_assert_int_eq(im_section_float(&ctx, &sec, "lr", &v), IM_OK);
    ck_assert_double_eq(v, 5e-4);
    im_config_free(&cfg);
}
END_TEST

START_TEST(a_csv_file_reads_as_written)
{
    char csv[512], text[1024];
    test_write_file(csv, sizeof csv, "points.csv", "a,b\n1.5,2.25\n-0.125,3e-2\n4.5,1\n2,0.5\n");
    snprintf(text, sizeof text,
             "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\nsplit = 0,0,1\n", csv);
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "c.ini", &cfg), IM_OK);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_dataset ds;
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK, "%s", ctx.err);
    double sum_x = 0, sum_y = 0;
    for (int r = 0; r < ds.test.x.rows; r++) {
        sum_x += im_mat_row(&ds.test.x, r)[0];
        sum_y += im_mat_row(&ds.test.y, r)[0];
    }
    ck_assert_double_eq_tol(sum_x, 1.5 - 0.125 + 4.5 + 2, 1e-6);
    ck_assert_double_eq_tol(sum_y, 2.25 + 0.03 + 1 + 0.5, 1e-6);
    im_dataset_free(&ds);
    im_config_free(&cfg);
}
END_TEST

START_TEST(the_handle_reads_options_and_prints_messages_with_a_point)
{
    im_mi_handle *m;
    const char *opts[] = { "ridge=0.001" };
    ck_assert_msg(im_mi_open(&m, "gaussian", opts, 1, 0) == IM_OK, "%s", im_mi_message(m));
    ck_assert_int_ne(im_mi_set_split(m, 0.5, 0.25, 0.5), IM_OK);
    ck_assert_msg(strstr(im_mi_message(m), "split 0.5, 0.25, 0.5") != NULL, "%s", im_mi_message(m));
    double x[6] = { 0.1, 0.4, 0.2, 0.9, 0.5, 0.3 }, y[6] = { 0.2, 0.5, 0.1, 1.0, 0.4, 0.4 }, v;
    ck_assert_msg(im_mi_run(m, x, 6, 1, y, 6, 1, &v) == IM_OK, "%s", im_mi_message(m));
    ck_assert(isfinite(v) && v > 0);
    /* the host's locale is untouched after the call */
    char buf[16];
    snprintf(buf, sizeof buf, "%g", 0.5);
    ck_assert_str_eq(buf, "0,5");
    im_mi_close(m);
}
END_TEST

START_TEST(records_write_and_read_numbers_with_a_point)
{
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n", "r.ini", &cfg), IM_OK);
    im_record *rec = im_record_new(&cfg, 0);
    im_record_num(rec, "estimate", 0.5);
    char *text = im_record_dump(rec);
    ck_assert_ptr_nonnull(strstr(text, "\"estimate\":0.5"));
    free(text);
    im_record_free(rec);
    im_config_free(&cfg);
}
END_TEST

/* de_DE.UTF-8 from the system, else built into a temporary folder. */
static int comma_locale(void)
{
    if (setlocale(LC_ALL, "de_DE.UTF-8")) return 1;
    char dir[300], cmd[700];
    snprintf(dir, sizeof dir, "%s/locales", test_tmpdir());
    snprintf(cmd, sizeof cmd, "mkdir -p %s && localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir, dir);
    if (system(cmd) != 0) return 0;
    setenv("LOCPATH", dir, 1);
    return setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
}

int main(void)
{
    if (!comma_locale()) {
        printf("test_locale: skipped: no de_DE.UTF-8 locale and localedef could not build one "
               "(Debian: apt-get install locales)\n");
        return 77;
    }
    Suite *s = suite_create("locale");
    TCase *tc = tcase_create("de_DE");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, the_locale_is_comma_decimal);
    tcase_add_test(tc, library_reads_numbers_with_a_point);
    tcase_add_test(tc, a_csv_file_reads_as_written);
    tcase_add_test(tc, the_handle_reads_options_and_prints_messages_with_a_point);
    tcase_add_test(tc, records_write_and_read_numbers_with_a_point);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
