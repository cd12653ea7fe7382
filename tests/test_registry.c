/* test_registry.c — plugin loading and its refusals: ABI mismatch, missing
 * symbol, duplicate name, a file dlopen cannot load, a vtable from a newer
 * header; each message names the file and the reason, and a refused file
 * registers nothing. A vtable from an older header loads and runs. */
#include "test_util.h"

static char path_buf[4096];

static const char *test_plugin(const char *name)
{
    snprintf(path_buf, sizeof path_buf, "%s/tests/plugins/.libs/%s.so", test_builddir(), name);
    return path_buf;
}

START_TEST(builtin_plugins_load)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = test_registry(&ctx);
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_ESTIMATOR, "mine"));
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_DATASET, "gaussian"));
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_TASK, "mi-estimate"));
    ck_assert_ptr_null(im_registry_find(reg, IM_DATASET, "mine"));   /* names are per kind */
    ck_assert_str_eq(im_registry_refusals(reg), "");
    im_registry_free(reg);
}
END_TEST

START_TEST(abi_mismatch_is_refused)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = im_registry_new();
    const char *path = test_plugin("bad_abi");
    ck_assert_int_eq(im_registry_load_file(&ctx, reg, path), IM_EPLUGIN);
    char expect[4200];
    snprintf(expect, sizeof expect, "%s: plugin 0 was built for ABI version %d, this host speaks %d: rebuild it", path,
             IM_ABI_VERSION + 98, IM_ABI_VERSION);
    ck_assert_str_eq(ctx.err, expect);
    ck_assert_int_eq(im_registry_count(reg), 0);
    im_registry_free(reg);
}
END_TEST

START_TEST(missing_symbol_is_refused)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = im_registry_new();
    const char *path = test_plugin("no_symbol");
    ck_assert_int_eq(im_registry_load_file(&ctx, reg, path), IM_EPLUGIN);
    char expect[4200];
    snprintf(expect, sizeof expect, "%s: not an infomin plugin: no 'infomin_plugins' symbol", path);
    ck_assert_str_eq(ctx.err, expect);
    im_registry_free(reg);
}
END_TEST

START_TEST(duplicate_name_refuses_the_whole_file)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = test_registry(&ctx);
    int before = im_registry_count(reg);
    const char *path = test_plugin("dup_mine");
    ck_assert_int_eq(im_registry_load_file(&ctx, reg, path), IM_EPLUGIN);
    char expect[8400];
    snprintf(expect, sizeof expect, "%s: duplicate estimator plugin name 'mine' (already provided by %s/plugins/estimators/.libs/est_variational.so)",
             path, test_builddir());
    ck_assert_str_eq(ctx.err, expect);
    ck_assert_int_eq(im_registry_count(reg), before);
    ck_assert_ptr_null(im_registry_find(reg, IM_ESTIMATOR, "dup-extra"));
    im_registry_free(reg);
}
END_TEST

START_TEST(unloadable_file_reports_dlopen_message)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    char path[512];
    test_write_file(path, sizeof path, "garbage.so", "this is not an ELF file\n");
    im_registry *reg = im_registry_new();
    ck_assert_int_eq(im_registry_load_file(&ctx, reg, path), IM_EPLUGIN);
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s: cannot load: ", path);
    ck_assert_msg(strncmp(ctx.err, prefix, strlen(prefix)) == 0, "got: %s", ctx.err);
    ck_assert_ptr_nonnull(strstr(ctx.err, "garbage.so"));   /* dlerror's own text follows */
    im_registry_free(reg);
}
END_TEST

START_TEST(directory_scan_keeps_going_past_refusals)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = test_registry(&ctx);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/plugins", test_builddir());
    int loaded = im_registry_load_dir(&ctx, reg, dir, 1);
    ck_assert_int_eq(loaded, 3);   /* old_vtable, and sweep/probe_task and kit/probe_mi in the folders below */
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_ESTIMATOR, "old-gaussian"));
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_TASK, "probe"));
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_TASK, "probe-mi"));
    const char *r = im_registry_refusals(reg);
    ck_assert_ptr_nonnull(strstr(r, "bad_abi.so: plugin 0 was built for ABI version"));
    ck_assert_ptr_nonnull(strstr(r, "dup_mine.so: duplicate estimator plugin name 'mine'"));
    ck_assert_ptr_nonnull(strstr(r, "no_symbol.so: not an infomin plugin"));
    ck_assert_ptr_nonnull(strstr(r, "big_vtable.so: estimator 'from-a-newer-host': its estimator vtable has"));
    ck_assert_ptr_nonnull(im_registry_find(reg, IM_ESTIMATOR, "mine"));   /* the real one stays */
    im_registry_free(reg);
}
END_TEST

/* Built before `select`, `prepare` (vtable) and `validate` (descriptor)
 * were appended: loads, its missing hooks read as NULL, and it validates,
 * fits and estimates through the host. */
START_TEST(older_vtable_loads_and_runs)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = test_registry(&ctx);
    ck_assert_msg(im_registry_load_file(&ctx, reg, test_plugin("old_vtable")) == IM_OK, "%s", ctx.err);
    const im_plugin *p = im_registry_find(reg, IM_ESTIMATOR, "old-gaussian");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->size, sizeof(im_plugin));   /* the descriptor too, at the host's size */
    ck_assert_ptr_null(p->validate);
    const im_estimator_vt *vt = p->vtable;
    ck_assert_uint_eq(vt->size, sizeof(im_estimator_vt));   /* the host-size copy */
    ck_assert_ptr_null(vt->select);
    ck_assert_ptr_null(vt->prepare);
    ck_assert_ptr_nonnull(vt->estimate);
    /* rho = 0.8: I = -1/2 log(1 - 0.64) = 0.5108 nats */
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 1\nrho = 0.8\n"
                                                  "n_train = 4000\nn_test = 4000\n[estimator]\nplugin = old-gaussian\n",
                                            "old.ini", &cfg), IM_OK);
    ck_assert_msg(im_config_validate(&ctx, &cfg, reg) == IM_OK, "%s", ctx.err);
    im_rng rng;
    im_rng_seed(&rng, 3);
    im_dataset ds;
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK, "%s", ctx.err);
    im_estimator *est;
    ck_assert_msg(im_estimator_new(&ctx, &cfg, "estimator", 1, 1, &rng, &est) == IM_OK, "%s", ctx.err);
    double mi = 0;
    ck_assert_msg(im_estimator_fit(&ctx, est, &ds.train.x, &ds.train.y, NULL, NULL, NULL) == IM_OK, "%s", ctx.err);
    ck_assert_msg(im_estimator_estimate(&ctx, est, &ds.test.x, &ds.test.y, &mi) == IM_OK, "%s", ctx.err);
    ck_assert_double_eq_tol(mi, 0.5108, 0.03);
    im_estimator_free(est);
    im_dataset_free(&ds);
    im_config_free(&cfg);
    im_registry_free(reg);
}
END_TEST

START_TEST(newer_vtable_is_refused)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = im_registry_new();
    const char *path = test_plugin("big_vtable");
    ck_assert_int_eq(im_registry_load_file(&ctx, reg, path), IM_EPLUGIN);
    char expect[4400];
    snprintf(expect, sizeof expect,
             "%s: estimator 'from-a-newer-host': its estimator vtable has %zu bytes, this host knows %zu: it was built "
             "against a newer infomin; upgrade the host or rebuild the plugin against this one",
             path, sizeof(im_estimator_vt) + sizeof(void *), sizeof(im_estimator_vt));
    ck_assert_str_eq(ctx.err, expect);
    ck_assert_int_eq(im_registry_count(reg), 0);
    im_registry_free(reg);
}
END_TEST

START_TEST(cli_lists_and_describes)
{
    char out[16384];
    ck_assert_int_eq(test_run_cli("--list", out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "  mine "));
    ck_assert_ptr_nonnull(strstr(out, "  gaussian "));
    ck_assert_ptr_nonnull(strstr(out, "  mi-estimate "));
    ck_assert_int_eq(test_run_cli("--describe mine", out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "reports: nats, lower bound on I(X;Y)"));
    ck_assert_ptr_nonnull(strstr(out, "  ema_alpha        float   default 0.01"));
    ck_assert_ptr_nonnull(strstr(out, "  hidden           ints    default 64,64"));
    /* a misspelt name gets the nearest of any kind; two swapped letters are one edit */
    ck_assert_int_eq(test_run_cli("--describe mien", out, sizeof out), 2);
    ck_assert_str_eq(out, "infomin-run: no plugin named 'mien'; did you mean 'mine'? (see --list)\n");
    ck_assert_int_eq(im_name_distance("mien", "mine"), 1);
    ck_assert_int_eq(im_name_distance("infocne", "infonce"), 1);
    ck_assert_int_eq(im_name_distance("ksg", "ksg"), 0);
    ck_assert_int_eq(im_name_distance("ksgg", "ksg"), 1);
    ck_assert_int_eq(im_name_distance("abc", ""), 3);
    ck_assert_int_eq(im_name_distance("", "ab"), 2);
    ck_assert_int_eq(im_name_distance("abcd", "badc"), 2);
    ck_assert_int_eq(im_name_distance("gin", "mien"), 2);
    /* a broken plugin on the search path is reported, not fatal */
    char args[4200];
    snprintf(args, sizeof args, "--plugin-path %s/tests/plugins --list", test_builddir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "refused plugin files:"));
    ck_assert_ptr_nonnull(strstr(out, "bad_abi.so: plugin 0 was built for ABI version"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("registry");
    TCase *tc = tcase_create("plugins");
    tcase_add_test(tc, builtin_plugins_load);
    tcase_add_test(tc, abi_mismatch_is_refused);
    tcase_add_test(tc, missing_symbol_is_refused);
    tcase_add_test(tc, duplicate_name_refuses_the_whole_file);
    tcase_add_test(tc, unloadable_file_reports_dlopen_message);
    tcase_add_test(tc, directory_scan_keeps_going_past_refusals);
    tcase_add_test(tc, older_vtable_loads_and_runs);
    tcase_add_test(tc, newer_vtable_is_refused);
    tcase_add_test(tc, cli_lists_and_describes);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
