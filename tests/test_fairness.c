/* test_fairness.c — the fairness loop on a problem where T is planted in X
 * and must be removed from Z, and the task's refusals (generated data only;
 * the loaders of the real tables are tested in test_tabular.c). */
#include <math.h>
#include "registry_fixture.h"


/* The task of INI text "f.ini", validated, seed 3; the caller frees *cfg
 * and *rec. */
static im_status run_task(const char *text, im_config *cfg, im_record **rec)
{
    ck_assert_msg(im_config_parse_string(&ctx, text, "f.ini", cfg) == IM_OK, "%s", ctx.err);
    ck_assert_msg(im_config_validate(&ctx, cfg, reg) == IM_OK, "%s", ctx.err);
    im_section task;
    ck_assert_int_eq(im_config_section(&ctx, cfg, reg, "task", &task), IM_OK);
    im_rng rng;
    im_rng_seed(&rng, 3);
    *rec = im_record_new(cfg, 0);
    return ((const im_task_vt *)task.plugin->vtable)->run(&ctx, cfg, &rng, *rec);
}

/* the whole task on the planted problem: record metric `key` */
static double fairness_metric(const char *penalty, double beta, const char *key)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[task]\nplugin = fairness\nepochs = 10\nbeta = %g\nrenyi_steps = 500\n[dataset]\nplugin = planted\n"
             "[encoder]\nplugin = mlp\nhidden = 32,32\nout = 8\n[estimator]\n%s\n",
             beta, penalty);
    im_config cfg;
    im_record *rec;
    ck_assert_msg(run_task(text, &cfg, &rec) == IM_OK, "%s", ctx.err);
    double v = NAN;
    ck_assert(im_record_metric(rec, key, &v));
    im_record_free(rec);
    im_config_free(&cfg);
    return v;
}

START_TEST(penalty_removes_a_planted_sensitive_attribute)
{
    double auc_none = fairness_metric("plugin = slice\nn_slice = 20", 0, "adversary_auc");
    double auc_slice = fairness_metric("plugin = slice\nn_slice = 20", 3, "adversary_auc");
    double auc_pearson = fairness_metric("plugin = pearson", 3, "adversary_auc");
    double acc_slice = fairness_metric("plugin = slice\nn_slice = 20", 3, "accuracy");
    ck_assert_double_gt(auc_none, 0.85);   /* unpenalised, Z carries T */
    ck_assert_double_lt(auc_slice, auc_none - 0.1);
    ck_assert_double_lt(auc_pearson, auc_none - 0.1);
    ck_assert_double_gt(acc_slice, 0.75);   /* Y does not need T */
}
END_TEST

START_TEST(malformed_reference_rho_is_refused_before_training)
{
    /* refused by the task's validate hook, with the configuration */
    const char *text = "[task]\nplugin = fairness\nreference_rho = none:0.9, slice0.1\n[dataset]\nplugin = planted\n"
                       "[encoder]\nplugin = mlp\n";
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "f.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "f.ini:3: task.reference_rho: 'slice0.1' is not penalty:value");
    im_config_free(&cfg);
}
END_TEST

/* A dataset without exactly one Y and one T column: an error naming the
 * dataset, never a crash (the model used to be freed uninitialised). */
START_TEST(dataset_without_sensitive_column_is_refused)
{
    const char *text = "[task]\nplugin = fairness\n[dataset]\nplugin = gaussian\ndim = 1\n[encoder]\nplugin = mlp\n"
                       "[estimator]\nplugin = pearson\n";
    im_config cfg;
    im_record *rec;
    ck_assert_int_eq(run_task(text, &cfg, &rec), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "fairness: dataset gaussian needs one target column and one sensitive column T");
    im_record_free(rec);
    im_config_free(&cfg);
    char ini[512], out[4096];
    test_write_file(ini, sizeof ini, "no-t.ini", text);
    char args[600];
    snprintf(args, sizeof args, "%s -q", ini);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "needs one target column and one sensitive column T") != NULL, "%s", out);
}
END_TEST

/* A constant T is no nuisance: refused, not audited as removed. */
START_TEST(constant_sensitive_column_is_refused)
{
    char csv[512], text[1024];
    char data[4096] = "";
    for (int i = 0; i < 200; i++) {
        char line[64];
        snprintf(line, sizeof line, "%d,%d,%d,1\n", i % 7, (i * 3) % 11, i % 2);
        strcat(data, line);
    }
    test_write_file(csv, sizeof csv, "const-t.csv", data);
    snprintf(text, sizeof text, "[task]\nplugin = fairness\nepochs = 1\n[dataset]\nplugin = csv\npath = %s\nx = 0..1\n"
             "y = 2\nt = 3\n[encoder]\nplugin = mlp\n", csv);
    im_config cfg;
    im_record *rec;
    ck_assert_int_eq(run_task(text, &cfg, &rec), IM_EINVAL);
    ck_assert_msg(strstr(ctx.err, "T of dataset csv is constant (1) in the training split") != NULL, "%s", ctx.err);
    im_record_free(rec);
    im_config_free(&cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fairness");
    TCase *tc = tcase_create("fairness");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, penalty_removes_a_planted_sensitive_attribute);
    tcase_add_test(tc, malformed_reference_rho_is_refused_before_training);
    tcase_add_test(tc, dataset_without_sensitive_column_is_refused);
    tcase_add_test(tc, constant_sensitive_column_is_refused);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
