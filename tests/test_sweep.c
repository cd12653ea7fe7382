/* test_sweep.c — infomin-run's sweep machinery end to end: --dry-run,
 * cells that repeat another, --jobs (cell order, failures and crashes
 * recorded), --resume after a kill -9. The test task `probe`
 * (tests/plugins/sweep) draws a number from the seed, pauses, fails or
 * aborts on request. */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "test_util.h"

static im_ctx ctx;

static const char *probe_ini =
    "[task]\n"
    "plugin = probe\n"
    "%s\n"
    "[sweep]\n"
    "%s\n";

/* infomin-run with the probe plugin's folder on the path. */
static int probe_cli(const char *args, char *out, size_t size)
{
    char all[8192];
    snprintf(all, sizeof all, "--plugin-path %s/tests/plugins/sweep %s", test_builddir(), args);
    return test_run_cli(all, out, size);
}

static void write_probe(char *path, size_t size, const char *name, const char *task_keys, const char *sweep)
{
    char text[2048];
    snprintf(text, sizeof text, probe_ini, task_keys, sweep);
    test_write_file(path, size, name, text);
}

static double value_of(const im_record *rec)
{
    double v = -1;
    ck_assert(im_record_metric(rec, "value", &v));
    return v;
}

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

START_TEST(dry_run_lists_cells_and_runs_nothing)
{
    char ini[1024], out[16384], args[8192];
    /* the estimator keys for mine change nothing when gaussian is selected */
    test_write_file(ini, sizeof ini, "dry.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 2\n"
                    "[estimator]\nplugin = gaussian\n[estimator.mine]\nsteps = 10\n"
                    "[sweep]\nestimator.plugin = gaussian, mine\nestimator.mine.steps = 10, 20\n");
    snprintf(args, sizeof args, "%s --dry-run -o %s/dry.jsonl", ini, test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "4 cells, 3 to compute") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "cell 1 "));
    ck_assert_ptr_nonnull(strstr(out, "estimator.plugin=gaussian estimator.mine.steps=20  = cell 0"));
    ck_assert_int_eq(count(out, "= cell"), 1);
    snprintf(args, sizeof args, "%s/dry.jsonl", test_tmpdir());
    ck_assert_int_ne(access(args, F_OK), 0);   /* nothing written */
}
END_TEST

START_TEST(duplicate_cells_share_one_record)
{
    char ini[1024], out[16384], args[8192], res[1024];
    test_write_file(ini, sizeof ini, "dup.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 2\nn_train = 500\n"
                    "n_val = 100\nn_test = 300\n[estimator]\nplugin = gaussian\n"
                    "[sweep]\nestimator.mine.steps = 10, 20\n");
    snprintf(res, sizeof res, "%s/dup.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s", ini, res);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    int n;
    im_record **recs = test_read_records(&ctx, res, &n);
    ck_assert_int_eq(n, 2);
    double a, b;
    ck_assert(im_record_metric(recs[0], "estimate", &a) && im_record_metric(recs[1], "estimate", &b));
    ck_assert(a == b);
    ck_assert_int_eq(im_record_run(recs[1]), 1);
    ck_assert_str_eq(im_record_get_meta(recs[1], "config_hash"), im_record_get_meta(recs[0], "config_hash"));
    test_free_records(recs, n);
}
END_TEST

/* A number is one cell however it is written (since 0.6): 5e-4 and 0.0005,
 * 64 and +064, lists with or without spaces, yes and true; a different
 * number is another cell. */
START_TEST(one_number_in_any_spelling_is_one_cell)
{
    char ini[1024], out[16384], args[8192];
    test_write_file(ini, sizeof ini, "spellings.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n[estimator]\nplugin = mine\n"
                    "[sweep]\nestimator.lr = 5e-4, 0.0005, 5.0E-4, 0.0006\nestimator.batch = 64, +064\n"
                    "estimator.hidden = 16,8; 16, 08\nestimator.patience = 0, 00\n");
    snprintf(args, sizeof args, "%s --dry-run", ini);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    /* 4 x 2 x 2 x 2 = 32 cells: 0.0006 is the only other number */
    ck_assert_msg(strstr(out, "32 cells, 2 to compute") != NULL, "%s", out);
}
END_TEST

START_TEST(jobs_write_cells_in_order_with_the_same_numbers)
{
    char ini[1024], out[16384], args[8192], seq[1024], par[1024];
    /* cell 0 pauses longest: it finishes last with two jobs */
    write_probe(ini, sizeof ini, "jobs.ini", "", "task.seed = 1..2\ntask.pause_ms = 600, 0, 50\n");
    snprintf(seq, sizeof seq, "%s/seq.jsonl", test_tmpdir());
    snprintf(par, sizeof par, "%s/par.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s", ini, seq);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    snprintf(args, sizeof args, "%s -o %s --jobs 2", ini, par);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "6 cells in 2 processes"));
    int ns, np;
    im_record **s = test_read_records(&ctx, seq, &ns), **p = test_read_records(&ctx, par, &np);
    ck_assert_int_eq(ns, 6);
    ck_assert_int_eq(np, 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(im_record_run(p[i]), i);
        ck_assert(value_of(s[i]) == value_of(p[i]));
    }
    ck_assert(value_of(s[0]) != value_of(s[3]));   /* the seed matters */
    test_free_records(s, ns);
    test_free_records(p, np);
}
END_TEST

/* with --jobs 2, and one cell at a time (no --jobs: each cell of a sweep
 * in a process of its own all the same) */
START_TEST(failed_and_crashed_cells_are_recorded_and_the_rest_go_on)
{
    char ini[1024], out[16384], args[8192], res[1024];
    write_probe(ini, sizeof ini, "fail.ini", "", "task.outcome = ok, fail, crash, ok\n");
    snprintf(res, sizeof res, "%s/fail-%d.jsonl", test_tmpdir(), _i);
    snprintf(args, sizeof args, "%s -q -o %s%s", ini, res, _i ? "" : " --jobs 2");
    ck_assert_int_eq(probe_cli(args, out, sizeof out), 1);   /* some failed */
    int n;
    im_record **recs = test_read_records(&ctx, res, &n);
    ck_assert_int_eq(n, 4);
    ck_assert(im_record_ok(recs[0]) && im_record_ok(recs[3]));
    ck_assert(!im_record_ok(recs[1]) && !im_record_ok(recs[2]));
    ck_assert_str_eq(im_record_get_meta(recs[1], "error"), "probe: failing as asked");
    ck_assert_msg(strstr(im_record_get_meta(recs[2], "error"), "died of signal 6") != NULL, "%s",
                  im_record_get_meta(recs[2], "error"));
    test_free_records(recs, n);
}
END_TEST

static int lines_in(const char *path)
{
    FILE *f = fopen(path, "r");
    int n = 0, c;
    if (!f) return 0;
    while ((c = fgetc(f)) != EOF) n += c == '\n';
    fclose(f);
    return n;
}

START_TEST(resume_after_kill_runs_only_the_missing_cells)
{
    char ini[1024], out[16384], args[8192], res[1024], ref[1024], exe[1024], plugins[1024];
    write_probe(ini, sizeof ini, "resume.ini", "pause_ms = 300\n", "task.seed = 1..6\n");
    snprintf(res, sizeof res, "%s/resume.jsonl", test_tmpdir());
    snprintf(ref, sizeof ref, "%s/ref.jsonl", test_tmpdir());
    snprintf(exe, sizeof exe, "%s/infomin-run", test_builddir());
    snprintf(plugins, sizeof plugins, "%s/tests/plugins/sweep", test_builddir());
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(exe, exe, "--plugin-path", plugins, "-q", "-o", res, ini, (char *)NULL);
        _exit(127);
    }
    for (int waited = 0; lines_in(res) < 2 && waited < 20000; waited += 20) {
        struct timespec t = { 0, 20 * 1000 * 1000 };
        nanosleep(&t, NULL);
    }
    kill(pid, SIGKILL);   /* no chance to tidy up */
    int status;
    waitpid(pid, &status, 0);
    ck_assert(WIFSIGNALED(status));
    int kept = lines_in(res);
    ck_assert_int_ge(kept, 2);
    ck_assert_int_lt(kept, 6);
    snprintf(args, sizeof args, "%s -o %s --resume", ini, res);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    char expect[128];
    snprintf(expect, sizeof expect, "resume: %d of 6 cells already in", kept);
    ck_assert_msg(strstr(out, expect) != NULL, "%s", out);
    ck_assert_int_eq(count(out, "infomin-run: run "), 6 - kept);
    for (int i = 0; i < kept; i++) {   /* the kept cells are not run again */
        snprintf(expect, sizeof expect, "run %d/6 ", i + 1);
        ck_assert_ptr_null(strstr(out, expect));
    }
    /* the same numbers as a run never killed (the pause changes nothing) */
    snprintf(args, sizeof args, "%s -q -o %s --set task.pause_ms=0", ini, ref);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    int n, nr;
    im_record **recs = test_read_records(&ctx, res, &n), **refs = test_read_records(&ctx, ref, &nr);
    ck_assert_int_eq(n, 6);
    for (int i = 0; i < 6; i++) ck_assert(value_of(recs[i]) == value_of(refs[i]));
    test_free_records(recs, n);
    test_free_records(refs, nr);
    /* everything there: nothing runs; another configuration: everything runs */
    snprintf(args, sizeof args, "%s -o %s --resume", ini, res);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "resume: 6 of 6 cells"));
    ck_assert_int_eq(count(out, "infomin-run: run "), 0);
    snprintf(args, sizeof args, "%s -o %s --resume --set task.value=2 --set task.pause_ms=0", ini, res);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "resume: 0 of 6 cells"));
}
END_TEST

/* infomin-report on records written by hand: groups, means, sds, formats. */
static int report_cli(const char *args, char *out, size_t size)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "%s/infomin-report %s 2>&1", test_builddir(), args);
    return test_run_command(cmd, out, size);
}

#define RECORD(run, est, level, seed, value, status)                                                         \
    "{\"run\":" #run ",\"sweep\":\"estimator.plugin=" est " dataset.mi=" level " task.seed=" seed "\","        \
    "\"config\":{\"estimator\":{\"plugin\":\"" est "\"},\"dataset\":{\"mi\":\"" level "\"},\"task\":{\"seed\":\"" \
    seed "\"}},\"metrics\":{\"estimate\":" value ",\"true_mi\":" level ",\"unit\":\"nats\"},\"curves\":{},"    \
    "\"status\":\"" status "\"}\n"

/* The child processes of pid (Linux: /proc/PID/task/PID/children). */
static int children_of(pid_t pid, pid_t *out, int cap)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
    FILE *f = fopen(path, "r");
    int n = 0;
    long c;
    while (f && n < cap && fscanf(f, "%ld", &c) == 1) out[n++] = (pid_t)c;
    if (f) fclose(f);
    return n;
}

/* Gone or a zombie (a container's init may not reap it). */
static int process_ended(pid_t pid)
{
    char path[64], state = 'Z';
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    if (fscanf(f, "%*d %*s %c", &state) != 1) state = 'Z';
    fclose(f);
    return state == 'Z' || state == 'X';
}

/* kill -9 of a --jobs parent ends its workers at once: they would run on
 * for the rest of their cells (5 s here), rewriting what a --resume reads. */
START_TEST(workers_end_with_a_killed_parent)
{
    char ini[1024], exe[1024], plugins[1024], res[1024];
    write_probe(ini, sizeof ini, "orphans.ini", "pause_ms = 5000\n", "task.seed = 1, 2\n");
    snprintf(res, sizeof res, "%s/orphans.jsonl", test_tmpdir());
    snprintf(exe, sizeof exe, "%s/infomin-run", test_builddir());
    snprintf(plugins, sizeof plugins, "%s/tests/plugins/sweep", test_builddir());
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        execl(exe, exe, "--plugin-path", plugins, "-q", "--jobs", "2", "-o", res, ini, (char *)NULL);
        _exit(127);
    }
    pid_t workers[8];
    int n = 0;
    for (int waited = 0; n < 2 && waited < 20000; waited += 20) {
        struct timespec t = { 0, 20 * 1000 * 1000 };
        nanosleep(&t, NULL);
        n = children_of(pid, workers, 8);
    }
    ck_assert_int_eq(n, 2);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    int alive = 2;
    for (int waited = 0; alive && waited < 2000; waited += 20) {   /* 2 s of the workers' 5 */
        struct timespec t = { 0, 20 * 1000 * 1000 };
        nanosleep(&t, NULL);
        alive = !process_ended(workers[0]) + !process_ended(workers[1]);
    }
    ck_assert_msg(alive == 0, "%d worker(s) still running after their parent was killed", alive);
}
END_TEST

/* Records say how many threads split their products, and a cell left to
 * --resume runs with the killed run's thread count; they say when, on
 * which host and by which command line they ran. */
START_TEST(records_keep_their_thread_count_across_resume)
{
    char ini[1024], out[16384], args[8192], res[1024];
    write_probe(ini, sizeof ini, "threads.ini", "", "task.seed = 1, 2\n");
    snprintf(res, sizeof res, "%s/threads.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s --jobs 2 --threads 2", ini, res);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    int n;
    im_record **recs = test_read_records(&ctx, res, &n);
    long threads;
    ck_assert(im_record_get_meta_int(recs[1], "threads", &threads) && threads == 1);
    /* and when, where and by which command (the --jobs worker's run) */
    const char *started = im_record_get_meta(recs[1], "started"), *command = im_record_get_meta(recs[1], "command");
    ck_assert_msg(started && strlen(started) == 20 && started[4] == '-' && started[10] == 'T' && started[19] == 'Z',
                  "started: %s", started ? started : "(none)");
    ck_assert_ptr_nonnull(im_record_get_meta(recs[1], "host"));
    ck_assert_msg(command && strstr(command, "infomin-run ") && strstr(command, " -q -o ") &&
                      strstr(command, "--jobs 2 --threads 2"),
                  "command: %s", command ? command : "(none)");
    ck_assert(im_results_write(&ctx, res, recs, 1) == IM_OK);   /* the second cell lost */
    test_free_records(recs, n);
    snprintf(args, sizeof args, "%s -q -o %s --jobs 2 --threads 2 --resume", ini, res);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    recs = test_read_records(&ctx, res, &n);
    ck_assert_int_eq(n, 2);
    ck_assert(im_record_get_meta_int(recs[1], "threads", &threads));
    ck_assert_int_eq(threads, 1);
    test_free_records(recs, n);
}
END_TEST

/* --resume on the results file of another INI refuses, the file intact
 * (it was rewritten without those records); infomin-report reads a file
 * named twice once. */
START_TEST(resume_refuses_another_ini_files_records_and_report_reads_a_file_once)
{
    char a[1024], b[1024], out[16384], args[8192], res[1024];
    write_probe(a, sizeof a, "first.ini", "", "task.seed = 1, 2, 3\n");
    write_probe(b, sizeof b, "second.ini", "", "task.seed = 1, 2\n");
    snprintf(res, sizeof res, "%s/shared.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s", a, res);
    ck_assert_msg(probe_cli(args, out, sizeof out) == 0, "%s", out);
    snprintf(args, sizeof args, "%s -q -o %s --resume", b, res);
    ck_assert_int_eq(probe_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "holds records of ") && strstr(out, "first.ini (run 0), not of ") &&
                      strstr(out, "give this run another -o"),
                  "%s", out);
    int n;
    im_record **recs = test_read_records(&ctx, res, &n);
    ck_assert_int_eq(n, 3);
    test_free_records(recs, n);
    char cmd[9000];
    snprintf(cmd, sizeof cmd, "%s/infomin-report %s %s --format csv 2>&1", test_builddir(), res, res);
    ck_assert_int_eq(test_run_command(cmd, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "is ") && strstr(out, "again: read once"), "%s", out);
    ck_assert_int_eq(count(out, "\n"), 1 + 1 + 1);   /* the note, the header, one group of 3 seeds */
}
END_TEST

/* --runs: one flat row per record (failed ones too), swept keys and the
 * numeric metrics; the csv reads back into the records' values exactly
 * (0.1 + 0.2 and 1/3 included), a name with a comma is quoted. */
START_TEST(report_runs_is_one_row_per_run_that_reads_back)
{
    char res[1024], out[16384], args[8192];
    test_write_file(res, sizeof res, "runs.jsonl",
                    RECORD(0, "a", "2", "1", "0.30000000000000004", "ok") RECORD(1, "a", "2", "2", "0.3333333333333333", "ok")
                    RECORD(2, "b,c", "4", "1", "4.0", "failed"));
    snprintf(args, sizeof args, "%s --runs --format csv", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 0);
    ck_assert_str_eq(out, "run,status,estimator.plugin,dataset.mi,task.seed,estimate,true_mi\n"
                          "0,ok,a,2,1,0.30000000000000004,2\n"
                          "1,ok,a,2,2,0.3333333333333333,2\n"
                          "2,failed,\"b,c\",4,1,4,4\n");
    /* every number back to the record's double */
    im_record **recs;
    int n;
    ck_assert_int_eq(im_results_read(&ctx, res, &recs, &n), IM_OK);
    const char *line = strchr(out, '\n') + 1;
    for (int i = 0; i < 2; i++, line = strchr(line, '\n') + 1) {
        const char *field = line;
        for (int c = 0; c < 5; c++) field = strchr(field, ',') + 1;   /* the estimate */
        ck_assert(im_strtod(field, NULL) == im_record_value(recs[i], "estimate"));
    }
    test_free_records(recs, n);
    snprintf(args, sizeof args, "%s --runs --metric estimate", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 0);
    ck_assert_str_eq(out, "run  status  estimator.plugin  dataset.mi  task.seed             estimate\n"
                          "0    ok      a                 2           1          0.30000000000000004\n"
                          "1    ok      a                 2           2           0.3333333333333333\n"
                          "2    failed  b,c               4           1                            4\n");
    snprintf(args, sizeof args, "%s --runs --plot x.png", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "--runs prints every run; --plot and --x group runs") != NULL, "%s", out);
}
END_TEST

START_TEST(report_averages_over_seeds_in_every_format)
{
    char res[1024], out[16384], args[8192], png[1024];
    test_write_file(res, sizeof res, "rep.jsonl",
                    RECORD(0, "a", "2", "1", "1.0", "ok") RECORD(1, "a", "2", "2", "3.0", "ok")
                    RECORD(2, "a", "4", "1", "4.0", "ok") RECORD(3, "a", "4", "2", "9.0", "failed")
                    RECORD(4, "b", "2", "1", "2.0", "ok") RECORD(5, "b", "2", "2", "2.0", "ok")
                    RECORD(6, "b", "4", "1", "5.0", "ok") RECORD(7, "b", "4", "2", "7.0", "ok"));
    snprintf(args, sizeof args, "%s --metric estimate", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 0);
    ck_assert_msg(strstr(out, "estimate by dataset.mi") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "1 record not ok, left out"));
    /* a: mean 2, sd sqrt(2) at 2; 4 alone at 4 (the failed record left out,
     * which the cell says); columns as wide as their widest cell, right-aligned */
    ck_assert_msg(strstr(out, "estimator.plugin        2        4\n"
                              "a                 2 ± 1.4  4 (n=1)\n"
                              "b                   2 ± 0  6 ± 1.4\n") != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "mean ± sample sd over 1 to 2 records per cell (task.seed); (n=k): a cell of only k"));
    snprintf(args, sizeof args, "%s --metric estimate --format csv", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "estimator.plugin,dataset.mi,metric,mean,sd,n\n"));
    ck_assert_ptr_nonnull(strstr(out, "\"b\",\"4\",estimate,6,1.41421356,2\n"));
    ck_assert_ptr_nonnull(strstr(out, "\"a\",\"4\",estimate,4,,1\n"));
    snprintf(args, sizeof args, "%s --metric estimate --format md", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "| estimator.plugin | 2 | 4 |\n|---|---:|---:|\n| a | 2 ± 1.4 | 4 (n=1) |\n"));
    snprintf(png, sizeof png, "%s/rep.png", test_tmpdir());
    snprintf(args, sizeof args, "%s --plot %s --y estimate --reference true_mi", res, png);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 0);
    ck_assert_int_eq(access(png, R_OK), 0);
    /* mistakes are named */
    snprintf(args, sizeof args, "%s --plot %s --y nothing", res, png);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 2);
    ck_assert_ptr_nonnull(strstr(out, "no metric 'nothing' in the records"));
    snprintf(args, sizeof args, "%s --x task.nothing", res);
    ck_assert_int_eq(report_cli(args, out, sizeof out), 2);
    ck_assert_ptr_nonnull(strstr(out, "--x task.nothing: not a swept key of these records"));
    char bad[1024];
    test_write_file(bad, sizeof bad, "bad.jsonl", RECORD(0, "a", "2", "1", "1.0", "ok") "{\"run\": 1, \"metr\n");
    ck_assert_int_eq(report_cli(bad, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "bad.jsonl:2: not an infomin record") != NULL, "%s", out);
    ck_assert_int_eq(report_cli("/nonexistent/x.jsonl", out, sizeof out), 1);
    ck_assert_ptr_nonnull(strstr(out, "/nonexistent/x.jsonl: cannot open"));
}
END_TEST

int main(void)
{
    im_ctx_init(&ctx);
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, dry_run_lists_cells_and_runs_nothing);
    tcase_add_test(tc, duplicate_cells_share_one_record);
    tcase_add_test(tc, one_number_in_any_spelling_is_one_cell);
    tcase_add_test(tc, workers_end_with_a_killed_parent);
    tcase_add_test(tc, records_keep_their_thread_count_across_resume);
    tcase_add_test(tc, resume_refuses_another_ini_files_records_and_report_reads_a_file_once);
    tcase_add_test(tc, jobs_write_cells_in_order_with_the_same_numbers);
    tcase_add_loop_test(tc, failed_and_crashed_cells_are_recorded_and_the_rest_go_on, 0, 2);
    tcase_add_test(tc, resume_after_kill_runs_only_the_missing_cells);
    tcase_add_test(tc, report_averages_over_seeds_in_every_format);
    tcase_add_test(tc, report_runs_is_one_row_per_run_that_reads_back);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
