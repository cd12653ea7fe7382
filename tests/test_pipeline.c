/* test_pipeline.c — the pipeline end to end: the quickstart against the
 * analytic MI, reproducibility, results files, and the error paths a user
 * meets (NaN in data, a diverging run, a failed run's record). */
#include "config.h"   /* autoconf: PACKAGE_VERSION */
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <sys/wait.h>
#include "test_util.h"

/* Run the task of an INI through the library; returns the status and the
 * record's metric `key` in *value. */
static im_status run_ini(const char *ini_path, const char *const *sets, int n_sets, const char *key, double *value,
                         char *err, size_t err_size)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = test_registry(&ctx);
    im_config cfg;
    im_status st = im_config_load(&ctx, ini_path, &cfg);
    for (int i = 0; !st && i < n_sets; i++) st = im_config_set(&ctx, &cfg, sets[i]);
    if (!st) st = im_config_validate(&ctx, &cfg, reg);
    im_record *rec = NULL;
    if (!st) {
        im_section task;
        int seed;
        st = im_config_section(&ctx, &cfg, reg, "task", &task);
        if (!st) st = im_section_int(&ctx, &task, "seed", &seed);
        if (!st) {
            im_rng rng;
            im_rng_seed(&rng, (uint64_t)seed);
            rec = im_record_new(&cfg, 0);
            st = ((const im_task_vt *)task.plugin->vtable)->run(&ctx, &cfg, &rng, rec);
            if (!st && !im_record_metric(rec, key, value)) st = im_fail(&ctx, IM_EINVAL, "no metric %s", key);
        }
    }
    snprintf(err, err_size, "%s", ctx.err);
    im_record_free(rec);
    if (cfg.path) im_config_free(&cfg);
    im_registry_free(reg);
    return st;
}

START_TEST(quickstart_estimate_within_15_percent_of_true_mi)
{
    char ini[4096], err[1024];
    snprintf(ini, sizeof ini, "%s/tasks/mi-estimate/quickstart.ini", test_srcdir());
    double estimate = NAN, rel = NAN;
    ck_assert_int_eq(run_ini(ini, NULL, 0, "estimate", &estimate, err, sizeof err), IM_OK);
    ck_assert_int_eq(run_ini(ini, NULL, 0, "rel_error", &rel, err, sizeof err), IM_OK);
    /* true MI 2 nats; MINE is a lower bound: expect a small negative error */
    ck_assert_msg(fabs(estimate - 2.0) <= 0.15 * 2.0, "estimate %.4f vs true 2.0", estimate);
    ck_assert_double_eq_tol(rel, (estimate - 2.0) / 2.0, 1e-6);
    /* the plot went to the suite's own folder, not to the user's results/ */
    char here[4096];
    ck_assert_ptr_nonnull(getcwd(here, sizeof here));
    ck_assert_str_eq(here, test_tmpdir());
    ck_assert_int_eq(access("results/quickstart.png", F_OK), 0);
}
END_TEST

/* What infomin-run prints fits 100 columns: the task's headline metrics
 * (mi-estimate: the estimate first), a line for the rest; a sweep's label
 * column included. */
START_TEST(summary_table_fits_100_columns)
{
    char cmd[8192], out[16384];
    const char *small = "--set estimator.steps=30 --set dataset.n_train=400 --set dataset.n_val=100 "
                        "--set dataset.n_test=400 --set task.plot=false --threads 1";
    for (int sweep = 0; sweep < 2; sweep++) {
        /* the sweep: gaussian-1d's five estimators at one seed and rho */
        snprintf(cmd, sizeof cmd, "%s/infomin-run %s/tasks/mi-estimate/%s -o %s/summary.jsonl %s %s 2>/dev/null",
                 test_builddir(), test_srcdir(), sweep ? "gaussian-1d.ini" : "quickstart.ini", test_tmpdir(), small,
                 sweep ? "--set task.seed=1 --set dataset.rho=0.5 --set task.resamples=0" : "");
        ck_assert_int_eq(test_run_command(cmd, out, sizeof out), 0);
        ck_assert_msg(strstr(out, sweep ? "run  sweep" : "run     estimate     true_mi") != NULL, "%s", out);
        ck_assert_msg(strstr(out, "more metrics in the results file: infomin-report FILE --runs") != NULL, "%s", out);
        for (const char *line = out; *line;) {
            size_t len = strcspn(line, "\n");
            ck_assert_msg(len <= 100, "a line of %zu characters: %.*s", len, (int)len, line);
            line += len + (line[len] == '\n');
        }
    }
}
END_TEST

/* Every INI the project ships validates in every run of its sweep: a key
 * renamed in a plugin must not leave a shipped file broken. */
START_TEST(shipped_ini_files_validate)
{
    static const char *const files[] = {
        "mi-estimate/quickstart.ini", "mi-estimate/gaussian-1d.ini", "mi-estimate/transform.ini",
        "mi-estimate/equitability.ini", "mi-estimate/conditional.ini", "divergence/gaussians.ini",
        "divergence/mixture.ini",
        "mi-staircase/staircase.ini", "mi-staircase/staircase-club.ini", "independence-test/independence.ini",
        "fairness/adult.ini", "fairness/adult-penalties.ini", "fairness/adult-reference.ini",
        "fairness/communities.ini", "fairness/census.ini", "fairness/census-reference.ini",
        "fairness/adult-conditional.ini",
        "dim/fashion-mnist.ini", "dim/tiny.ini", "mi-estimate/ablation.ini", "mi-benchmark/beyond-normal.ini",
        "mi-benchmark/quick.ini", "gan/25gaussians.ini", "gan/spiral.ini", "gan/bigan.ini", "gan/tiny.ini",
        "gan/bigan-tiny.ini",
    };
    /* validation checks that the data files exist: without the real ones,
     * empty stand-ins in a folder of our own (this process only) */
    static const char *const data[] = { "adult.data", "adult.test", "communities.data", "communities.names",
                                        "acs2015_county_data.csv" };
    char probe[4096];
    const char *dir = getenv("INFOMIN_DATA");
    snprintf(probe, sizeof probe, "%s/adult.data", dir ? dir : "/nonexistent");
    if (access(probe, R_OK) != 0) {
        for (size_t i = 0; i < sizeof data / sizeof data[0]; i++) test_write_file(probe, sizeof probe, data[i], "");
        setenv("INFOMIN_DATA", test_tmpdir(), 1);
    }
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_registry *reg = test_registry(&ctx);
    /* the two files whose data a user (or a run) makes first: stand-ins of
     * the same shape, given as --set would give them */
    char own[4096], codes[4096], set_own[4200], set_codes[4200];
    test_write_file(own, sizeof own, "own-data.csv", "age,hours_per_week,education_years,income,group\n"
                    "1,2,3,4,0\n2,3,4,5,1\n3,4,5,6,0\n4,5,6,7,1\n5,6,7,8,0\n");
    snprintf(codes, sizeof codes, "%s/adult-codes.npy", test_tmpdir());
    static double table[10 * 84];
    ck_assert_int_eq(im_npy_write(&ctx, codes, table, 10, 84), IM_OK);
    snprintf(set_own, sizeof set_own, "dataset.path=%s", own);
    snprintf(set_codes, sizeof set_codes, "dataset.path=%s", codes);
    const struct { const char *file, *set; } stand_ins[] = { { "mi-estimate/own-data.ini", set_own },
                                                             { "audit/embeddings.ini", set_codes } };
    for (size_t f = 0; f < sizeof files / sizeof files[0] + 2; f++) {
        int extra = f >= sizeof files / sizeof files[0];
        const char *file = extra ? stand_ins[f - sizeof files / sizeof files[0]].file : files[f];
        char path[4096];
        snprintf(path, sizeof path, "%s/tasks/%s", test_srcdir(), file);
        im_config cfg, *runs = NULL;
        int n = 0;
        ck_assert_msg(im_config_load(&ctx, path, &cfg) == IM_OK, "%s", ctx.err);
        if (extra) ck_assert_int_eq(im_config_set(&ctx, &cfg, stand_ins[f - sizeof files / sizeof files[0]].set), IM_OK);
        ck_assert_msg(im_config_expand_sweep(&ctx, &cfg, &runs, &n) == IM_OK, "%s", ctx.err);
        ck_assert_int_ge(n, 1);
        for (int r = 0; r < n; r++) ck_assert_msg(im_config_validate(&ctx, &runs[r], reg) == IM_OK, "%s", ctx.err);
        im_config_free_all(runs, n);
        /* the one-line swap: every estimator in place of the file's */
        for (int i = 0; im_config_has_section(&cfg, "estimator") && i < im_registry_count(reg); i++) {
            const char *origin;
            const im_plugin *p = im_registry_get(reg, i, &origin);
            if (p->kind != IM_ESTIMATOR) continue;
            char set[128];
            im_config swapped;
            snprintf(set, sizeof set, "estimator.plugin=%s", p->name);
            ck_assert_int_eq(im_config_clone(&ctx, &cfg, &swapped), IM_OK);
            ck_assert_int_eq(im_config_set(&ctx, &swapped, set), IM_OK);
            ck_assert_msg(im_config_expand_sweep(&ctx, &swapped, &runs, &n) == IM_OK, "%s", ctx.err);
            for (int r = 0; r < n; r++)
                ck_assert_msg(im_config_validate(&ctx, &runs[r], reg) == IM_OK, "%s --set %s: %s", file, set, ctx.err);
            im_config_free_all(runs, n);
            im_config_free(&swapped);
        }
        im_config_free(&cfg);
    }
    im_registry_free(reg);
}
END_TEST

START_TEST(same_seed_same_numbers)
{
    char ini[512], err[1024];
    test_write_file(ini, sizeof ini, "repro.ini",
                    "[task]\nplugin = mi-estimate\nseed = 5\n[dataset]\nplugin = gaussian\ndim = 2\nmi = 0.5\n"
                    "n_train = 2000\nn_val = 200\nn_test = 1000\n[estimator]\nplugin = mine\nhidden = 16\nsteps = 200\n"
                    "batch = 64\n");
    double a, b, c;
    const char *other_seed[] = { "task.seed=6" };
    ck_assert_int_eq(run_ini(ini, NULL, 0, "estimate", &a, err, sizeof err), IM_OK);
    ck_assert_int_eq(run_ini(ini, NULL, 0, "estimate", &b, err, sizeof err), IM_OK);
    ck_assert_int_eq(run_ini(ini, other_seed, 1, "estimate", &c, err, sizeof err), IM_OK);
    ck_assert_double_eq(a, b);
    ck_assert_double_ne(a, c);
}
END_TEST

START_TEST(pearson_recovers_the_correlation)
{
    /* 1-D, rho = 0.6: E|corr| = 0.6 up to sampling error ~ (1-rho²)/sqrt(n) */
    char ini[512], err[1024];
    test_write_file(ini, sizeof ini, "pearson.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\nrho = 0.6\nn_test = 20000\n"
                    "[estimator]\nplugin = pearson\n");
    double r;
    ck_assert_int_eq(run_ini(ini, NULL, 0, "estimate", &r, err, sizeof err), IM_OK);
    ck_assert_double_eq_tol(r, 0.6, 0.02);
}
END_TEST

/* lr = 1e30 diverges whatever the critic's units: bounded ones (tanh,
 * sigmoid) saturate and keep the gradient finite, so the objective's size
 * or the weights' say it (renyi's maximal correlation stays in [-1, 1]). */
START_TEST(lr_1e30_diverges_for_every_estimator_and_activation)
{
    static const char *const estimators[] = { "mine", "nwj", "infonce", "jsd", "smile", "club", "tc", "renyi" };
    static const char *const activations[] = { "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus", "sin",
                                               "none" };
    char ini[512], err[1024], text[1024], set_est[64], set_act[64];
    snprintf(text, sizeof text,
             "[task]\nplugin = mi-estimate\nplot = false\n[dataset]\nplugin = gaussian\nmi = 1\nn_train = 500\n"
             "n_val = 100\nn_test = 500\n[estimator]\nplugin = mine\nlr = 1e30\nsteps = 50\nbatch = 32\n");
    test_write_file(ini, sizeof ini, "lr1e30.ini", text);
    for (size_t e = 0; e < sizeof estimators / sizeof *estimators; e++)
        for (size_t a = 0; a < sizeof activations / sizeof *activations; a++) {
            snprintf(set_est, sizeof set_est, "estimator.plugin=%s", estimators[e]);
            snprintf(set_act, sizeof set_act, "estimator.activation=%s", activations[a]);
            const char *sets[] = { set_est, set_act };
            double v = NAN;
            im_status st = run_ini(ini, sets, 2, "estimate", &v, err, sizeof err);
            ck_assert_msg(st == IM_ENUMERIC && strstr(err, "training diverged at step") != NULL,
                          "%s with %s at lr = 1e30: %s (estimate %g)", estimators[e], activations[a],
                          st ? err : "no error", v);
        }
}
END_TEST

/* A held-out readout far below 0 is no estimate: NWJ on Beyond Normal's
 * Student-t task (df = 2) read -3.1 million nats in 0.5's table. */
START_TEST(an_estimate_below_minus_one_nat_is_an_error)
{
    char ini[512], err[1024];
    test_write_file(ini, sizeof ini, "student.ini",
                    "[task]\nplugin = mi-benchmark\nseeds = 1\n[dataset]\nplugin = beyond-normal\nn = 10000\n"
                    "task = student-3v3-df2\n[estimator]\nplugin = nwj\ncritic = separable\nhidden = 16,8\n"
                    "activation = relu\nembed = 8\nbatch = 256\nsteps = 3000\nlr = 1e-2\neval_every = 250\n"
                    "on_divergence = recover\n");
    double v = NAN;
    im_status st = run_ini(ini, NULL, 0, "estimate", &v, err, sizeof err);
    ck_assert_msg(st == IM_ENUMERIC, "estimate %g: %s", v, st ? err : "no error");
    ck_assert_msg(strstr(err, "estimator nwj: estimate ") && strstr(err, " nats on 5000 rows is below -1: MI is not "
                                                                        "negative, so the readout does not hold on "
                                                                        "these rows; not reported"),
                  "got: %s", err);
}
END_TEST

START_TEST(diverging_training_is_an_error_not_a_number)
{
    char ini[512], err[1024];
    test_write_file(ini, sizeof ini, "diverge.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\nmi = 3\nn_train = 500\n"
                    "[estimator]\nplugin = mine\nhidden = 8\nactivation = relu\nlr = 1e30\nsteps = 300\nbatch = 32\n"
                    "ema_alpha = 1\n");   /* ReLU: weights of 1e30 overflow through the layers (tanh bounds them) */
    double v;
    im_status st = run_ini(ini, NULL, 0, "estimate", &v, err, sizeof err);
    ck_assert_int_eq(st, IM_ENUMERIC);
    ck_assert_msg(strstr(err, "estimator mine: training diverged at step ") != NULL, "got: %s", err);
    ck_assert_ptr_nonnull(strstr(err, "lower lr or add grad_clip, or on_divergence = recover)"));
    /* the quickstart with a ReLU critic at lr = 10 explodes at step 2
     * (gradient norm 3.4 to 1.3e7; tanh's bounded units do not overflow);
     * recovering (the initial weights, fresh moments, half the lr, MINE's
     * moving average dropped) ends with a finite, sane estimate */
    char quick[4096];
    snprintf(quick, sizeof quick, "%s/tasks/mi-estimate/quickstart.ini", test_srcdir());
    const char *lr10[] = { "estimator.lr=10", "estimator.steps=1000", "estimator.activation=relu" },
               *recover[] = { "estimator.lr=10", "estimator.steps=1000", "estimator.activation=relu",
                              "estimator.on_divergence=recover" };
    ck_assert_int_eq(run_ini(quick, lr10, 3, "estimate", &v, err, sizeof err), IM_ENUMERIC);
    ck_assert_msg(strstr(err, "estimator mine: training diverged at step 2: ") != NULL, "got: %s", err);
    v = NAN;
    ck_assert_msg(run_ini(quick, recover, 4, "estimate", &v, err, sizeof err) == IM_OK, "%s", err);
    ck_assert_msg(v > 1.0 && v < 2.3, "estimate %g (true 2)", v);
    double recoveries = 0;
    ck_assert_int_eq(run_ini(quick, recover, 4, "divergence_recoveries", &recoveries, err, sizeof err), IM_OK);
    ck_assert_double_ge(recoveries, 1);
}
END_TEST

START_TEST(nan_in_data_is_named)
{
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_dataset ds = { 0 };
    snprintf(ds.name, sizeof ds.name, "toy");
    const int n[3] = { 4, 2, 3 };
    ck_assert_int_eq(im_dataset_alloc(&ctx, &ds, n, 2, 1, 0), IM_OK);
    ck_assert_int_eq(im_dataset_check(&ctx, &ds), IM_OK);
    ds.test.x.data[2 * 2 + 1] = NAN;
    ck_assert_int_eq(im_dataset_check(&ctx, &ds), IM_ENUMERIC);
    ck_assert_str_eq(ctx.err, "dataset toy: test split: X: row 2 column 1 is NaN");
    im_dataset_free(&ds);
}
END_TEST

static json_t *load_jsonl_line(const char *path, int line)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char buf[1 << 16];
    json_t *obj = NULL;
    for (int i = 0; i <= line && fgets(buf, sizeof buf, f); i++)
        if (i == line) obj = json_loads(buf, 0, NULL);
    fclose(f);
    return obj;
}

START_TEST(cli_sweep_writes_one_record_per_run)
{
    char ini[512], out_path[520], args[2048], out[16384];
    test_write_file(ini, sizeof ini, "sweep.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\nrho = 0.5\nn_train = 100\n"
                    "[estimator]\nplugin = pearson\n[sweep]\ntask.seed = 1..2\ndataset.rho = 0.1, 0.9\n");
    test_write_file(out_path, sizeof out_path, "sweep.jsonl", "stale contents\n");
    snprintf(args, sizeof args, "%s -o %s", ini, out_path);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "task.seed=2 dataset.rho=0.9"));   /* the summary table */
    for (int i = 0; i < 4; i++) {
        json_t *rec = load_jsonl_line(out_path, i);
        ck_assert_msg(rec != NULL, "line %d of %s", i, out_path);
        ck_assert_str_eq(json_string_value(json_object_get(rec, "status")), "ok");
        ck_assert_str_eq(json_string_value(json_object_get(rec, "infomin_version")), PACKAGE_VERSION);
        json_t *config = json_object_get(rec, "config");
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(config, "estimator"), "plugin")), "pearson");
        ck_assert_ptr_null(json_object_get(config, "sweep"));
        ck_assert(json_is_number(json_object_get(json_object_get(rec, "metrics"), "estimate")));
        ck_assert(json_is_number(json_object_get(rec, "wall_seconds")));
        json_decref(rec);
    }
    ck_assert_ptr_null(load_jsonl_line(out_path, 4));
    /* the estimate follows rho */
    json_t *low = load_jsonl_line(out_path, 0), *high = load_jsonl_line(out_path, 1);
    double r_low = json_number_value(json_object_get(json_object_get(low, "metrics"), "estimate"));
    double r_high = json_number_value(json_object_get(json_object_get(high, "metrics"), "estimate"));
    ck_assert_double_lt(r_low, 0.3);
    ck_assert_double_gt(r_high, 0.85);
    json_decref(low);
    json_decref(high);
}
END_TEST

START_TEST(cli_failed_run_exits_1_with_a_failed_record)
{
    char ini[512], out_path[520], args[2048], out[16384];
    test_write_file(ini, sizeof ini, "fail.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\nn_train = 300\n"
                    "[estimator]\nplugin = mine\nhidden = 8\nactivation = relu\nlr = 1e30\nsteps = 200\nbatch = 32\n"
                    "ema_alpha = 1\n");   /* ReLU: overflows for sure (see above) */
    snprintf(out_path, sizeof out_path, "%s.jsonl", ini);
    snprintf(args, sizeof args, "%s -q -o %s", ini, out_path);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 1);
    ck_assert_ptr_nonnull(strstr(out, "infomin-run: run 0 failed: estimator mine: training diverged at step "));
    json_t *rec = load_jsonl_line(out_path, 0);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "status")), "failed");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec, "error")), "training diverged at step"));
    ck_assert_ptr_null(json_object_get(json_object_get(rec, "metrics"), "estimate"));
    json_decref(rec);
}
END_TEST

/* A NaN or infinite metric is never recorded: the record names it, and
 * infomin-run fails the run with that name instead of writing it. */
START_TEST(non_finite_metrics_are_refused)
{
    im_config cfg;
    im_ctx ctx;
    im_ctx_init(&ctx);
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n", "m.ini", &cfg), IM_OK);
    im_record *rec = im_record_new(&cfg, 0);
    double v;
    im_record_num(rec, "fine", 1.5);
    ck_assert_ptr_null(im_record_nonfinite(rec));
    im_record_num(rec, "broken", NAN);
    im_record_num(rec, "worse", INFINITY);
    ck_assert_str_eq(im_record_nonfinite(rec), "broken");
    ck_assert(!im_record_metric(rec, "broken", &v));
    ck_assert(im_record_metric(rec, "fine", &v) && v == 1.5);
    im_record_free(rec);
    im_config_free(&cfg);
}
END_TEST

/* Without -o a sweep writes results/<ini name>.jsonl (one file for all its
 * runs), and the table shows whole sweep labels and column names. */
START_TEST(cli_sweep_default_output_and_whole_labels)
{
    char ini[512], args[1200], out[16384];
    test_write_file(ini, sizeof ini, "labels.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\nn_train = 200\nn_val = 0\n"
                    "n_test = 300\n[estimator]\nplugin = pearson\n[sweep]\ndataset.rho = 0.125, 0.25\n");
    snprintf(args, sizeof args, "%s", ini);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 0);   /* runs in the suite's folder */
    ck_assert_int_eq(access("results/labels.jsonl", F_OK), 0);
    ck_assert_int_ne(access("results/labels-run0.jsonl", F_OK), 0);
    json_t *second = load_jsonl_line("results/labels.jsonl", 1);
    ck_assert_ptr_nonnull(second);
    json_decref(second);
    ck_assert_msg(strstr(out, "dataset.rho=0.125") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "best_val_step") == NULL && strstr(out, " estimate") != NULL &&
                  strstr(out, " true_mi") != NULL && strstr(out, " ci_high") != NULL, "%s", out);
}
END_TEST

/* stream_curves: each curve in a CSV beside the results, a line per point
 * as it comes, the numbers the record keeps; the cell hash unchanged (it
 * changes no number). */
START_TEST(stream_curves_writes_the_records_curves_as_csv)
{
    char cmd[8192], out[16384], path[600];
    for (int stream = 0; stream < 2; stream++) {
        snprintf(cmd, sizeof cmd, "%s/infomin-run %s/tasks/mi-estimate/quickstart.ini -q -o %s/stream%d.jsonl "
                 "--set estimator.steps=60 --set estimator.eval_every=20 --set dataset.n_train=400 "
                 "--set dataset.n_val=100 --set dataset.n_test=400 --set task.plot=false --threads 1 %s",
                 test_builddir(), test_srcdir(), test_tmpdir(), stream, stream ? "--set task.stream_curves=true" : "");
        ck_assert_int_eq(test_run_command(cmd, out, sizeof out), 0);
    }
    snprintf(path, sizeof path, "%s/stream0-curve-train.csv", test_tmpdir());
    ck_assert_int_ne(access(path, F_OK), 0);
    json_t *plain = load_jsonl_line(strcat(strcpy(path, test_tmpdir()), "/stream0.jsonl"), 0);
    json_t *rec = load_jsonl_line(strcat(strcpy(path, test_tmpdir()), "/stream1.jsonl"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(plain, "config_hash")),
                     json_string_value(json_object_get(rec, "config_hash")));
    static const char *const curves[2] = { "train", "val" };
    for (int k = 0; k < 2; k++) {
        json_t *rows = json_object_get(json_object_get(json_object_get(rec, "curves"), curves[k]), "rows");
        snprintf(path, sizeof path, "%s/stream1-curve-%s.csv", test_tmpdir(), curves[k]);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        char line[512];
        ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
        ck_assert_str_eq(line, k ? "step,val_estimate\n" : "step,objective\n");
        size_t n = 0;
        for (; fgets(line, sizeof line, f); n++) {
            double step, value;
            ck_assert_int_eq(sscanf(line, "%lf,%lf", &step, &value), 2);
            json_t *row = json_array_get(rows, n);
            ck_assert(step == json_number_value(json_array_get(row, 0)));
            ck_assert(value == json_number_value(json_array_get(row, 1)));
        }
        fclose(f);
        ck_assert_int_eq(n, json_array_size(rows));
        ck_assert_int_gt(n, 1);
    }
    json_decref(plain);
    json_decref(rec);
}
END_TEST

/* A results path that cannot be written is found before any run. */
START_TEST(cli_unwritable_output_is_found_first)
{
    char args[1200], out[16384];
    snprintf(args, sizeof args, "%s/tasks/mi-estimate/quickstart.ini -o %s", test_srcdir(), test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, ": is a directory (give a file name") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "mine on gaussian") == NULL, "a run started: %s", out);
}
END_TEST

/* What -o names: never an input, written through when it is a device or a
 * FIFO (never renamed over), a link followed to its target (or refused
 * when it leads nowhere), an over-long path refused; and a disk that fills
 * up fails the run with the file named. */
START_TEST(cli_output_paths_are_safe)
{
    char csv[512], ini[512], text[1024], args[8192], out[16384], path[4600];
    test_write_file(csv, sizeof csv, "in.csv", "x,y\n1,2\n2,3\n3,5\n4,4\n5,6\n6,8\n7,7\n8,9\n9,11\n10,10\n");
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\n"
                                "split = 0,0,1\n[estimator]\nplugin = pearson\n", csv);
    test_write_file(ini, sizeof ini, "in.ini", text);
    struct stat before, after;
    ck_assert_int_eq(stat(ini, &before), 0);
    snprintf(args, sizeof args, "%s -q -o %s", ini, ini);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "is the INI file ") && strstr(out, "itself: give another -o"), "%s", out);
    ck_assert_int_eq(stat(ini, &after), 0);
    ck_assert(after.st_size == before.st_size && after.st_mtime == before.st_mtime);
    snprintf(args, sizeof args, "%s -q -o %s", ini, csv);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "is dataset.path = ") && strstr(out, "an input of this run"), "%s", out);
    /* /dev/null discards the records and stays a device */
    snprintf(args, sizeof args, "%s -q -o /dev/null", ini);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert(stat("/dev/null", &after) == 0 && S_ISCHR(after.st_mode));
    /* a FIFO is written through to whoever reads it */
    char fifo[600], got[600];
    snprintf(fifo, sizeof fifo, "%s/records.fifo", test_tmpdir());
    snprintf(got, sizeof got, "%s/from-fifo.jsonl", test_tmpdir());
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    snprintf(args, sizeof args, "cat %s > %s & %s/infomin-run %s -q -o %s 2>&1; wait", fifo, got, test_builddir(), ini,
             fifo);
    ck_assert_msg(test_run_command(args, out, sizeof out) == 0, "%s", out);
    ck_assert(stat(fifo, &after) == 0 && S_ISFIFO(after.st_mode));
    int n;
    im_ctx rctx;
    im_ctx_init(&rctx);
    im_record **recs = test_read_records(&rctx, got, &n);
    ck_assert_int_eq(n, 1);
    test_free_records(recs, n);
    /* a link: its target replaced, the link kept; a link to nowhere refused before the run */
    char link[600], target[600];
    snprintf(link, sizeof link, "%s/link.jsonl", test_tmpdir());
    snprintf(target, sizeof target, "%s/target.jsonl", test_tmpdir());
    ck_assert_int_eq(symlink(target, link), 0);
    snprintf(args, sizeof args, "%s -q -o %s", ini, link);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "a link that cannot be followed") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "pearson on csv") == NULL, "a run started: %s", out);
    FILE *f = fopen(target, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert(lstat(link, &after) == 0 && S_ISLNK(after.st_mode));
    recs = test_read_records(&rctx, target, &n);
    ck_assert_int_eq(n, 1);
    test_free_records(recs, n);
    /* a path longer than the system takes */
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    snprintf(args, sizeof args, "%s -q -o %s", ini, path);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "characters, longer than the system's") != NULL, "%s", out);
    /* a full disk (a file size limit of 20 kB: the plot does not fit) */
    char full[700];
    snprintf(full, sizeof full, "%s/full.jsonl", test_tmpdir());
    snprintf(args, sizeof args,
             "sh -c 'trap \"\" XFSZ; ulimit -f 40; exec %s/infomin-run %s/tasks/mi-estimate/quickstart.ini -q -o %s "
             "--set estimator.steps=20 --set dataset.n_test=500' 2>&1",
             test_builddir(), test_srcdir(), full);
    ck_assert_int_eq(test_run_command(args, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "full.png: the plot was written short (is the disk full?)") != NULL, "%s", out);
}
END_TEST

/* infomin-run on a sweep of long runs, its stderr on a pipe; returns once
 * the first run has started (its signal handlers are in place then). */
static pid_t start_long_sweep(const char *out_path, int *err_fd)
{
    char ini[512];
    test_write_file(ini, sizeof ini, "long.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 2\nn_train = 2000\nn_val = 200\n"
                    "n_test = 500\n[estimator]\nplugin = mine\nsteps = 10000000\neval_every = 100\n[sweep]\n"
                    "task.seed = 1, 2, 3\n");
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char exe[4200];
        snprintf(exe, sizeof exe, "%s/infomin-run", test_builddir());
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        execl(exe, exe, ini, "-o", out_path, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    size_t used = 0;
    while (used + 1 < sizeof buf) {   /* until "run 1/3" */
        ssize_t n = read(fds[0], buf + used, sizeof buf - 1 - used);
        ck_assert_int_gt(n, 0);
        used += (size_t)n;
        buf[used] = '\0';
        if (strstr(buf, "run 1/3")) break;
    }
    *err_fd = fds[0];
    return pid;
}

/* SIGINT during a sweep: the run it stops is recorded as interrupted, the
 * file holds whole records only, the exit status is 130; a second signal
 * ends the process at once. */
START_TEST(sigint_stops_a_sweep_cleanly)
{
    char out_path[600];
    snprintf(out_path, sizeof out_path, "%s/interrupted.jsonl", test_tmpdir());
    int err_fd, status;
    pid_t pid = start_long_sweep(out_path, &err_fd);
    usleep(300000);   /* some training steps */
    ck_assert_int_eq(kill(pid, SIGINT), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(err_fd);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 130);
    json_t *rec = load_jsonl_line(out_path, 0);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "status")), "interrupted");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec, "error")), "interrupted at step"));
    json_decref(rec);
    ck_assert_ptr_null(load_jsonl_line(out_path, 1));   /* no second run was started */
    /* two signals: the second one is not caught */
    pid = start_long_sweep(out_path, &err_fd);
    kill(pid, SIGINT);
    kill(pid, SIGINT);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(err_fd);
    ck_assert((WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) || (WIFEXITED(status) && WEXITSTATUS(status) == 130));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pipeline");
    TCase *tc = tcase_create("end to end");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, quickstart_estimate_within_15_percent_of_true_mi);
    tcase_add_test(tc, summary_table_fits_100_columns);
    tcase_add_test(tc, stream_curves_writes_the_records_curves_as_csv);
    tcase_add_test(tc, non_finite_metrics_are_refused);
    tcase_add_test(tc, same_seed_same_numbers);
    tcase_add_test(tc, shipped_ini_files_validate);
    tcase_add_test(tc, pearson_recovers_the_correlation);
    tcase_add_test(tc, diverging_training_is_an_error_not_a_number);
    tcase_add_test(tc, an_estimate_below_minus_one_nat_is_an_error);
    tcase_add_test(tc, lr_1e30_diverges_for_every_estimator_and_activation);
    tcase_add_test(tc, nan_in_data_is_named);
    tcase_add_test(tc, cli_sweep_writes_one_record_per_run);
    tcase_add_test(tc, cli_failed_run_exits_1_with_a_failed_record);
    tcase_add_test(tc, cli_sweep_default_output_and_whole_labels);
    tcase_add_test(tc, cli_unwritable_output_is_found_first);
    tcase_add_test(tc, cli_output_paths_are_safe);
    tcase_add_test(tc, sigint_stops_a_sweep_cleanly);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
