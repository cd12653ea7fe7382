/* test_kit.c — the task kit: settings from a field table (every type, a
 * choice's index, defaults, a table that disagrees with its struct, keys
 * declared twice), the keys a table keeps out of a cell's hash, the
 * training loop (steps and epochs, batch rows, warm-up, the divergence and
 * interrupt messages, early stopping with the best weights back), and
 * ARCHITECTURE.md's worked example, which must be the file the build runs. */
#include <math.h>
#include "registry_fixture.h"

typedef struct {
    int n, flag, mode, count;
    double rate;
    const char *name;
    int widths[4];
} kit_settings;

static const im_field kit_fields[] = {
    IM_INT(kit_settings, n, "3", "an int", ">=1"),
    IM_FLOAT(kit_settings, rate, "0.5", "a float", ">=0", .gates = "estimator"),
    IM_BOOL(kit_settings, flag, "false", "a bool"),
    IM_CHOICE(kit_settings, mode, "fast", "a choice", "slow|fast|exact"),
    IM_STRING(kit_settings, name, "x", "a string", NULL),
    IM_INTS(kit_settings, widths, count, "8,4", "a list", ">=1"),
    IM_KEY("summary_only", "float", "1", "read by a summary", NULL, .unhashed = 1),
    IM_KEY("added_later", "float", "0", "a key with a neutral value", NULL, .neutral = "0"),
    IM_FIELDS_END,
};

static im_status kit_run(im_ctx *c, const im_config *cfg, im_rng *rng, im_record *rec) { return IM_OK; }
static const im_task_vt kit_vt = { IM_VT_SIZE(im_task_vt), .run = kit_run };
static const im_plugin kit_task = IM_PLUGIN(IM_TASK, "kit-task", "field table test", NULL, &kit_vt,
                                            .fields = kit_fields);

/* A struct member of the wrong size: the reader names the field. */
typedef struct {
    double n;
} bad_settings;
static const im_field bad_fields[] = {
    { .spec = { "n", "int", "1", "an int read into a double", NULL }, .offset = 0, .size = sizeof(double) },
    IM_FIELDS_END,
};
static const im_plugin bad_task = IM_PLUGIN(IM_TASK, "kit-bad", "a table that disagrees with its struct", NULL,
                                            &kit_vt, .fields = bad_fields);
static const im_param_spec twice_params[] = { { "n", "int", "1", "", NULL }, IM_PARAMS_END };
static const im_plugin twice_task = IM_PLUGIN(IM_TASK, "kit-twice", "keys declared twice", twice_params, &kit_vt,
                                              .fields = kit_fields);

static void add_test_tasks(void)
{
    static const im_plugin *const list[] = { &kit_task, &bad_task, NULL };
    ck_assert_msg(im_registry_add(&ctx, reg, list, "test_kit.c") == IM_OK, "%s", ctx.err);
}

static void bind(const char *text, im_config *cfg, im_section *sec)
{
    parse(text, cfg);
    ck_assert_msg(im_config_section(&ctx, cfg, reg, "task", sec) == IM_OK, "%s", ctx.err);
}

START_TEST(fields_fill_every_type_and_defaults)
{
    add_test_tasks();
    im_config cfg;
    im_section sec;
    bind("[task]\nplugin = kit-task\nrate = 2.5\nflag = true\nmode = exact\nname = hello\nwidths = 1..3\n", &cfg, &sec);
    kit_settings s;
    memset(&s, 0xff, sizeof s);
    ck_assert_msg(im_fields_read(&ctx, &sec, &s) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(s.n, 3);   /* the default */
    ck_assert_double_eq(s.rate, 2.5);
    ck_assert_int_eq(s.flag, 1);
    ck_assert_int_eq(s.mode, 2);   /* exact: the third choice */
    ck_assert_str_eq(s.name, "hello");
    ck_assert_int_eq(s.count, 3);
    ck_assert_int_eq(s.widths[0], 1);
    ck_assert_int_eq(s.widths[2], 3);
    /* the registry made the key table from the fields: --describe and validation see them */
    const im_plugin *p = im_registry_find(reg, IM_TASK, "kit-task");
    int keys = 0;
    for (const im_param_spec *k = p->params; k && k->key; k++) keys++;
    ck_assert_int_eq(keys, 8);
    im_config_free(&cfg);
}
END_TEST

START_TEST(a_bad_value_is_refused_by_the_key_table)
{
    add_test_tasks();
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = kit-task\nmode = fastest\n", "t.ini", &cfg), IM_OK);
    ck_assert_int_ne(im_config_validate(&ctx, &cfg, reg), IM_OK);
    ck_assert_msg(strstr(ctx.err, "task.mode") && strstr(ctx.err, "slow|fast|exact"), "%s", ctx.err);
    im_config_free(&cfg);
}
END_TEST

START_TEST(a_table_that_disagrees_with_its_struct_is_named)
{
    add_test_tasks();
    im_config cfg;
    im_section sec;
    bind("[task]\nplugin = kit-bad\n", &cfg, &sec);
    bad_settings s;
    ck_assert_int_eq(im_fields_read(&ctx, &sec, &s), IM_EINVAL);
    ck_assert_msg(strstr(ctx.err, "task 'kit-bad': field 'n' is 8 bytes, but a int key is read into 4"), "%s", ctx.err);
    im_config_free(&cfg);
}
END_TEST

START_TEST(keys_declared_twice_are_refused)
{
    static const im_plugin *const list[] = { &twice_task, NULL };
    ck_assert_int_eq(im_registry_add(&ctx, reg, list, "test_kit.c"), IM_EPLUGIN);
    ck_assert_msg(strstr(ctx.err, "task 'kit-twice' declares its keys twice (params and fields)"), "%s", ctx.err);
    ck_assert_ptr_null(im_registry_find(reg, IM_TASK, "kit-twice"));
}
END_TEST

START_TEST(hash_flags_and_gates)
{
    add_test_tasks();
    ck_assert_int_eq(im_field_hashed(kit_fields, "summary_only", "3"), 0);
    ck_assert_int_eq(im_field_hashed(kit_fields, "added_later", "0"), 0);
    ck_assert_int_eq(im_field_hashed(kit_fields, "added_later", "0.0"), 0);   /* equal as numbers */
    ck_assert_int_eq(im_field_hashed(kit_fields, "added_later", "1e-3"), 1);
    ck_assert_int_eq(im_field_hashed(kit_fields, "n", "3"), 1);
    ck_assert_int_eq(im_field_hashed(kit_fields, "not_a_field", "3"), 1);
    im_config on, off;
    im_section s_on, s_off;
    bind("[task]\nplugin = kit-task\n", &on, &s_on);
    bind("[task]\nplugin = kit-task\nrate = 0\n", &off, &s_off);
    ck_assert_int_eq(im_fields_use_section(&s_on, "estimator"), 1);    /* rate 0.5 by default */
    ck_assert_int_eq(im_fields_use_section(&s_off, "estimator"), 0);
    ck_assert_int_eq(im_fields_use_section(&s_off, "encoder"), 1);     /* it gates estimator only */
    im_config_free(&on);
    im_config_free(&off);
}
END_TEST

/* A task without a configuration: enough for loops without checkpoints. */
static im_task bare_task(im_rng *rng)
{
    im_rng_seed(rng, 7);
    return (im_task){ .ctx = &ctx, .rng = rng };
}

START_TEST(loop_counts_steps_epochs_and_rows)
{
    im_rng rng;
    im_task t = bare_task(&rng);
    im_loop l;
    /* 10 rows, batches of 4: 3 steps an epoch (the last short of rows: the
     * next permutation fills it), 2 epochs */
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "t", .epochs = 2, .rows = 10, .batch = 4 }), IM_OK);
    ck_assert_int_eq(l.per_epoch, 3);
    ck_assert_int_eq(l.total, 6);
    int steps = 0, starts = 0, ends = 0, seen[10] = { 0 };
    while (im_loop_next(&l)) {
        ck_assert_int_eq(l.step, steps);
        ck_assert_int_eq(l.epoch, steps / 3 + 1);
        starts += im_loop_epoch_start(&l);
        ends += im_loop_epoch_done(&l);
        for (int k = 0; k < l.batch && steps < 2; k++) seen[l.rows[k]]++;   /* the first 8 rows of the epoch */
        steps++;
    }
    ck_assert_int_eq(im_loop_end(&l, IM_OK), IM_OK);
    ck_assert_int_eq(steps, 6);
    ck_assert_int_eq(starts, 2);
    ck_assert_int_eq(ends, 2);
    for (int r = 0, total = 0; r < 10; r++) {
        ck_assert_int_le(seen[r], 1);   /* without replacement within an epoch */
        total += seen[r];
        if (r == 9) ck_assert_int_eq(total, 8);
    }
    /* whole batches: 10 / 4 = 2 steps an epoch; a batch larger than the rows is capped */
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "t", .epochs = 1, .rows = 10, .batch = 4,
                                                            .whole_batches = 1 }), IM_OK);
    ck_assert_int_eq(l.total, 2);
    im_loop_end(&l, IM_OK);
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "t", .epochs = 1, .rows = 10, .batch = 50 }), IM_OK);
    ck_assert_int_eq(l.batch, 10);
    im_loop_end(&l, IM_OK);
}
END_TEST

START_TEST(loop_draws_two_sets_of_rows_and_ramps_the_warm_up)
{
    im_rng rng;
    im_task t = bare_task(&rng);
    im_loop l;
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "t", .epochs = 3, .rows = 8, .batch = 4,
                                                            .extra_rows = 3, .extra_batch = 2, .warmup = 1.5 }),
                     IM_OK);
    double ramp[6];
    int n = 0;
    while (im_loop_next(&l)) {
        ck_assert_int_eq(l.batch + l.extra_batch, 6);
        for (int k = 0; k < l.batch; k++) ck_assert(l.rows[k] >= 0 && l.rows[k] < 8);
        for (int k = l.batch; k < 6; k++) ck_assert(l.rows[k] >= 0 && l.rows[k] < 3);
        ramp[n++] = l.ramp;
    }
    im_loop_end(&l, IM_OK);
    ck_assert_int_eq(n, 6);
    /* 2 steps an epoch, warm-up over 1.5 epochs = 3 steps: 1/3, 2/3, 1, 1, ... */
    ck_assert_double_eq_tol(ramp[0], 1.0 / 3, 1e-12);
    ck_assert_double_eq_tol(ramp[1], 2.0 / 3, 1e-12);
    ck_assert_double_eq(ramp[2], 1);
    ck_assert_double_eq(ramp[5], 1);
}
END_TEST

START_TEST(loop_names_a_divergence_and_an_interrupt)
{
    im_rng rng;
    im_task t = bare_task(&rng);
    im_loop l;
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "kit", .steps = 5, .hint = "lower the rate" }),
                     IM_OK);
    im_status st = IM_OK;
    while (!st && im_loop_next(&l)) {
        im_tensor *loss = im_const(l.g, 1, 1, l.step == 2 ? NAN : 1.0f);
        st = im_loop_update(&l, loss, NULL);
    }
    ck_assert_int_eq(im_loop_end(&l, st), IM_ENUMERIC);
    ck_assert_str_eq(ctx.err, "kit: the loss is nan at step 2 of 5 (lower the rate)");

    volatile int stop = 0;
    ctx.interrupt = &stop;
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "kit", .steps = 5 }), IM_OK);
    int steps = 0;
    while (im_loop_next(&l))
        if (++steps == 3) stop = 1;
    ck_assert_int_eq(im_loop_end(&l, IM_OK), IM_EINTERRUPTED);
    ck_assert_str_eq(ctx.err, "kit: interrupted at step 3 of 5");
    ctx.interrupt = NULL;
}
END_TEST

/* Early stopping: scores 1, 3, 2, 2, 2 with patience 3 stop after the
 * fifth step, and the weights of the second come back. */
START_TEST(loop_keeps_the_best_weights)
{
    im_rng rng;
    im_task t = bare_task(&rng);
    im_params params = { 0 };
    im_param *w = im_params_add(&ctx, &params, "w", 1, 1);
    ck_assert_ptr_nonnull(w);
    im_loop l;
    ck_assert_int_eq(im_loop_begin(&l, &t, &(im_loop_opts){ .name = "t", .epochs = 100 }), IM_OK);
    ck_assert_int_eq(im_loop_keep_best(&l, &params, 3), IM_OK);
    const double scores[] = { 1, 3, 2, 2, 2, 5, 5 };
    int steps = 0;
    while (im_loop_next(&l)) {
        w->value[0] = (im_real)(10 + steps);   /* the weights of this step */
        im_loop_score(&l, scores[steps++]);
    }
    ck_assert_int_eq(im_loop_end(&l, IM_OK), IM_OK);
    ck_assert_int_eq(steps, 5);
    ck_assert_double_eq(w->value[0], 11);
    im_params_free(&params);
}
END_TEST

/* ARCHITECTURE.md's worked example is the file the build makes a plugin of. */
START_TEST(the_architecture_example_is_the_built_task)
{
    char path[4096], doc[4096];
    snprintf(doc, sizeof doc, "%s/ARCHITECTURE.md", test_srcdir());
    snprintf(path, sizeof path, "%s/tests/plugins/kit/probe_mi.c", test_srcdir());
    FILE *a = fopen(doc, "r"), *b = fopen(path, "r");
    ck_assert_msg(a && b, "%s or %s missing", doc, path);
    static char text[1 << 16], code[1 << 16];
    size_t na = fread(text, 1, sizeof text - 1, a), nb = fread(code, 1, sizeof code - 1, b);
    text[na] = code[nb] = 0;
    fclose(a);
    fclose(b);
    const char *start = strstr(text, "<!-- kit-example: tests/plugins/kit/probe_mi.c -->\n```c\n");
    ck_assert_ptr_nonnull(start);
    start = strchr(strchr(start, '\n') + 1, '\n') + 1;
    const char *end = strstr(start, "\n```\n");
    ck_assert_ptr_nonnull(end);
    ck_assert_int_eq((int)(end - start + 1), (int)nb);
    ck_assert_msg(strncmp(start, code, nb) == 0, "ARCHITECTURE.md's example and %s differ", path);
}
END_TEST

START_TEST(the_architecture_example_runs)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/plugins/kit", test_builddir());
    im_registry_load_dir(&ctx, reg, dir, 1);
    ck_assert_msg(im_registry_find(reg, IM_TASK, "probe-mi"), "no probe-mi under %s", dir);
    im_config cfg;
    parse("[task]\nplugin = probe-mi\nepochs = 2\n[dataset]\nplugin = gaussian-grid\nn_train = 2000\nn_test = 1000\n"
          "[encoder]\nplugin = mlp\nhidden = 32\nout = 4\n[estimator]\nplugin = gaussian\n", &cfg);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_record *rec = im_record_new(&cfg, 0);
    const im_task_vt *vt = im_registry_find(reg, IM_TASK, "probe-mi")->vtable;
    ck_assert_msg(vt->run(&ctx, &cfg, &rng, rec) == IM_OK, "%s", ctx.err);
    double mi;
    ck_assert(im_record_metric(rec, "mi_code_label", &mi));
    ck_assert_msg(mi > 0.5, "I(Z; mode) = %g: the code should carry the mode", mi);
    im_record_free(rec);
    im_config_free(&cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kit");
    TCase *tc = tcase_create("kit");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fields_fill_every_type_and_defaults);
    tcase_add_test(tc, a_bad_value_is_refused_by_the_key_table);
    tcase_add_test(tc, a_table_that_disagrees_with_its_struct_is_named);
    tcase_add_test(tc, keys_declared_twice_are_refused);
    tcase_add_test(tc, hash_flags_and_gates);
    tcase_add_test(tc, loop_counts_steps_epochs_and_rows);
    tcase_add_test(tc, loop_draws_two_sets_of_rows_and_ramps_the_warm_up);
    tcase_add_test(tc, loop_names_a_divergence_and_an_interrupt);
    tcase_add_test(tc, loop_keeps_the_best_weights);
    tcase_add_test(tc, the_architecture_example_is_the_built_task);
    tcase_add_test(tc, the_architecture_example_runs);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
