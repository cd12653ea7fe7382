/* test_tabular.c — the loaders of the real tables (UCI Adult, Communities
 * and Crime, US Census counties) from $INFOMIN_DATA: row counts, one-hot
 * widths, no label or sensitive column among the inputs, seeded splits.
 * The files are not part of the project: without them this suite is
 * skipped (exit 77) with a message saying what to set. */
#include <math.h>
#include <sys/stat.h>
#include "registry_fixture.h"


static im_status load(const char *dataset, uint64_t seed, im_dataset *ds)
{
    char text[1024];
    snprintf(text, sizeof text, "[task]\nplugin = fairness\n[dataset]\n%s\n", dataset);
    im_config cfg;
    ck_assert_msg(im_config_parse_string(&ctx, text, "t.ini", &cfg) == IM_OK, "%s", ctx.err);
    ck_assert_msg(im_config_validate(&ctx, &cfg, reg) == IM_OK, "%s", ctx.err);
    im_rng rng;
    im_rng_seed(&rng, seed);
    im_status st = im_dataset_load(&ctx, &cfg, "dataset", &rng, ds);
    im_config_free(&cfg);
    return st;
}

static int total_rows(const im_dataset *ds) { return ds->train.x.rows + ds->val.x.rows + ds->test.x.rows; }

/* no input column equals the given single-column matrix on every row */
static void assert_not_among_inputs(const im_split *s, const im_mat *v, const char *what)
{
    for (int c = 0; c < s->x.cols; c++) {
        int same = 1;
        for (int r = 0; r < s->x.rows && same; r++) same = im_mat_row(&s->x, r)[c] == v->data[r];
        ck_assert_msg(!same, "%s found as input column %d", what, c);
    }
}

START_TEST(adult_loader)
{
    im_dataset ds;
    ck_assert_msg(load("plugin = adult", 1, &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(total_rows(&ds), 45222);   /* 30,162 + 15,060 rows without "?" */
    ck_assert_int_eq(ds.train.x.rows, 31655);
    /* 6 continuous + one-hot: workclass 7, education 16, marital 7,
     * occupation 14, relationship 6, race 5, native-country 41 (sex excluded) */
    ck_assert_int_eq(ds.train.x.cols, 102);
    ck_assert_int_eq(ds.y_kind, IM_VAR_BINARY);
    ck_assert_int_eq(ds.t_kind, IM_VAR_BINARY);
    assert_not_among_inputs(&ds.train, &ds.train.y, "the income label");
    assert_not_among_inputs(&ds.train, &ds.train.t, "the sensitive column");
    double positives = 0;
    for (int r = 0; r < ds.train.y.rows; r++) positives += ds.train.y.data[r];
    ck_assert_double_eq_tol(positives / ds.train.y.rows, 0.248, 0.01);   /* 24.8% earn > 50K */
    im_dataset again;
    ck_assert_int_eq(load("plugin = adult", 1, &again), IM_OK);   /* same seed, same split */
    ck_assert_mem_eq(ds.test.x.data, again.test.x.data, sizeof(float) * (size_t)ds.test.x.rows * ds.test.x.cols);
    im_dataset_free(&again);
    ck_assert_int_eq(load("plugin = adult", 2, &again), IM_OK);
    ck_assert(memcmp(ds.test.x.data, again.test.x.data, sizeof(float) * (size_t)ds.test.x.cols) != 0);
    im_dataset_free(&again);
    im_dataset_free(&ds);
    ck_assert_int_eq(load("plugin = adult\nsensitive = race", 1, &ds), IM_OK);
    ck_assert_int_eq(ds.train.x.cols, 99);   /* race's 5 out, sex's 2 in */
    im_dataset_free(&ds);
    ck_assert_int_eq(load("plugin = adult\nsensitive = age", 1, &ds), IM_OK);
    ck_assert_int_eq(ds.train.x.cols, 103);
    ck_assert_int_eq(ds.t_kind, IM_VAR_CONTINUOUS);
    im_dataset_free(&ds);
    /* a missing file is named with the configuration, before any run */
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = fairness\n[dataset]\nplugin = adult\n"
                                                  "path = /nonexistent/adult.data\n", "t.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:5: dataset.path: /nonexistent/adult.data: No such file or directory");
    im_config_free(&cfg);
}
END_TEST

START_TEST(communities_and_census_loaders)
{
    im_dataset ds;
    ck_assert_msg(load("plugin = communities", 1, &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(total_rows(&ds), 1994);
    ck_assert_int_eq(ds.train.x.cols, 128 - 5 - 2);   /* identifiers, target, T */
    assert_not_among_inputs(&ds.train, &ds.train.t, "racepctblack");
    for (long i = 0; i < (long)ds.train.x.rows * ds.train.x.cols; i++) ck_assert(isfinite(ds.train.x.data[i]));
    im_dataset_free(&ds);
    ck_assert_int_eq(load("plugin = communities\nbinarize = true\nsensitive_binary = true", 1, &ds), IM_OK);
    ck_assert_int_eq(ds.y_kind, IM_VAR_BINARY);
    im_dataset_free(&ds);
    ck_assert_msg(load("plugin = census", 1, &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(total_rows(&ds), 3218);   /* 2 counties with an empty field dropped */
    ck_assert_int_eq(ds.train.x.cols, 37 - 3 - 1 - 2);   /* ids, Poverty, Men and Women */
    im_dataset_free(&ds);
    ck_assert_int_eq(load("plugin = census\nsensitive = color", 1, &ds), IM_OK);
    ck_assert_int_eq(ds.train.x.cols, 37 - 3 - 1 - 3);   /* ids, Poverty, Black, White and Asian */
    im_dataset_free(&ds);
}
END_TEST

/* Every file the loaders read, in $INFOMIN_DATA. */
static int data_present(void)
{
    static const char *const files[] = { "adult.data", "adult.test", "communities.data", "communities.names",
                                         "acs2015_county_data.csv" };
    const char *dir = getenv("INFOMIN_DATA");
    if (!dir || !*dir) return 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (stat(path, &sb) != 0) return 0;
    }
    return 1;
}

int main(void)
{
    if (!data_present()) {
        printf("SKIP: test_tabular needs the UCI Adult, Communities and Crime and US Census county files: set "
               "INFOMIN_DATA to their folder (adult.data, adult.test, communities.data, communities.names, "
               "acs2015_county_data.csv)\n");
        return 77;   /* automake: skipped */
    }
    Suite *s = suite_create("tabular");
    TCase *tc = tcase_create("loaders");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, adult_loader);
    tcase_add_test(tc, communities_and_census_loaders);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
