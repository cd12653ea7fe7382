/* test_util.h — shared helpers of the Check suites: the build tree's
 * plugins, temporary INI files, running the CLI. */
#ifndef INFOMIN_TEST_UTIL_H
#define INFOMIN_TEST_UTIL_H

#include <check.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <ftw.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/infomin.h"

static inline const char *test_builddir(void)
{
    const char *d = getenv("INFOMIN_TEST_BUILDDIR");
    return d ? d : ".";
}

static inline const char *test_srcdir(void)
{
    const char *d = getenv("INFOMIN_TEST_SRCDIR");
    return d ? d : ".";
}

/* A registry with every plugin of the build tree. */
static inline im_registry *test_registry(im_ctx *ctx)
{
    char dir[4096];
    im_registry *reg = im_registry_new();
    snprintf(dir, sizeof dir, "%s/plugins", test_builddir());
    im_registry_load_dir(ctx, reg, dir, 1);
    snprintf(dir, sizeof dir, "%s/tasks", test_builddir());
    im_registry_load_dir(ctx, reg, dir, 1);
    ctx->registry = reg;
    return reg;
}

/* The suite's own temporary folder (made on first use). */
static inline const char *test_tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/infomin-test-XXXXXX");
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            exit(EXIT_FAILURE);
        }
    }
    return dir;
}

/* Write text to a fresh file in the temp dir; path into buf. */
static inline void test_write_file(char *buf, size_t size, const char *name, const char *text)
{
    snprintf(buf, size, "%s/%s", test_tmpdir(), name);
    FILE *f = fopen(buf, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* Run infomin-run with args; exit code returned, stdout+stderr into out. */
/* Run a shell command; its exit code, and what it printed into out. */
static inline int test_run_command(const char *cmd, char *out, size_t size)
{
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static inline int test_run_cli(const char *args, char *out, size_t size)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd, "%s/infomin-run %s 2>&1", test_builddir(), args);
    return test_run_command(cmd, out, size);
}

/* Start the program argv[0] (its output thrown away), wait until `path`
 * exists, kill -9 it: a crash at that moment. The wait status, which the
 * caller checks says "killed" (else the run ended first). */
static inline int test_kill_when_exists(char *const argv[], const char *path)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    for (int waited = 0; access(path, F_OK) != 0 && waited < 120000; waited++) {
        struct timespec t = { 0, 1000 * 1000 };
        nanosleep(&t, NULL);
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    return status;
}

/* Every record of a results file (the suite's ctx reports); free with
 * test_free_records. */
static inline im_record **test_read_records(im_ctx *ctx, const char *path, int *n)
{
    im_record **recs;
    ck_assert_msg(im_results_read(ctx, path, &recs, n) == IM_OK, "%s", ctx->err);
    return recs;
}

static inline void test_free_records(im_record **recs, int n)
{
    for (int i = 0; i < n; i++) im_record_free(recs[i]);
    free(recs);
}

static inline int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

/* Run the suite from its temporary folder, so that whatever a task writes
 * by default (results/...) lands there and never in the user's tree; the
 * folder is removed afterwards. */
static inline int test_run_suite(Suite *s)
{
    char here[4096];
    if (!getenv("INFOMIN_TEST_BUILDDIR") && getcwd(here, sizeof here)) setenv("INFOMIN_TEST_BUILDDIR", here, 1);
    if (!getenv("INFOMIN_TEST_SRCDIR") && getcwd(here, sizeof here)) setenv("INFOMIN_TEST_SRCDIR", here, 1);
    if (chdir(test_tmpdir()) != 0) {
        perror(test_tmpdir());
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    nftw(test_tmpdir(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
