/* infomin_run.c — the command line: `infomin-run task.ini`.
 * Exit codes: 0 ok, 1 a run failed, 2 usage or configuration error. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "run.h"
#ifdef IM_WITH_MPI
#include <mpi.h>
#endif

#define EXIT_RUN_FAILED 1
#define EXIT_USAGE 2
#define MAX_SETS 64

static void usage(FILE *out)
{
    fprintf(out,
            "usage: infomin-run [options] TASK.ini\n"
            "       infomin-run --list | --describe NAME\n"
            "\n"
            "Runs the task named in TASK.ini ([task] plugin = NAME) with the dataset,\n"
            "encoder and estimator plugins its sections name; every [sweep] combination\n"
            "is one run and one JSON line in the output file. Cells whose resolved\n"
            "configuration is the same run once and share the record.\n"
            "\n"
            "  --set SECTION.KEY=VALUE  override one key (repeatable); a key [sweep]\n"
            "                           varies is pinned to VALUE\n"
            "  --seed N                 same as --set task.seed=N\n"
            "  -o, --output FILE        JSONL results file (default: task.output, else\n"
            "                           results/<ini name>.jsonl)\n"
            "  --threads N              threads for matrix products (default: all online CPUs;\n"
            "                           with --jobs, split among the jobs)\n"
            "  -j, --jobs N             run N sweep cells at once, each in its own process\n"
            "                           (default 1); records are written in cell order\n"
            "  --dry-run                print every cell (index, hash, swept values, cells that\n"
            "                           repeat another) and run nothing\n"
            "  --resume                 keep the records of the results file whose configuration\n"
            "                           hash matches a cell and that finished ok; run the rest\n"
            "  --plugin-path DIRS       extra plugin directories, ':'-separated, searched first\n"
            "  --list                   list every plugin found, by kind\n"
            "  --describe NAME          the INI keys of plugin NAME, with types and defaults\n"
            "  -q, --quiet              no progress bar and no summary table\n"
            "  -h, --help               this text\n"
            "  --version                print the version\n"
            "\n"
            "Plugin search path: --plugin-path, $INFOMIN_PLUGIN_PATH, the build tree (when run\n"
            "from it), %s.\n"
            "Exit status: 0 ok, 1 a run failed, 2 usage or configuration error.\n",
            IM_PLUGINDIR);
}

static void print_refusals(const im_registry *reg)
{
    const char *r = im_registry_refusals(reg);
    if (*r) fprintf(stderr, "infomin-run: refused plugin files:\n%s", r);
}

static int list_plugins(const im_registry *reg)
{
    for (int k = 0; k < IM_KIND_COUNT; k++) {
        printf("%ss:\n", im_kind_name((im_kind)k));
        for (int i = 0; i < im_registry_count(reg); i++) {
            const char *origin;
            const im_plugin *p = im_registry_get(reg, i, &origin);
            if ((int)p->kind == k) printf("  %-16s %s\n", p->name, p->summary ? p->summary : "");
        }
    }
    print_refusals(reg);
    return 0;
}

static void describe_params(const im_param_spec *table)
{
    for (const im_param_spec *p = table; p && p->key; p++) {
        printf("  %-16s %-7s default %-10s %s", p->key, p->type, p->default_value ? p->default_value : "(none)",
               p->doc ? p->doc : "");
        if (p->range) printf(" [%s]", p->range);
        printf("\n");
    }
}

static int describe_plugin(const im_registry *reg, const char *name)
{
    int found = 0;
    for (int i = 0; i < im_registry_count(reg); i++) {
        const char *origin;
        const im_plugin *p = im_registry_get(reg, i, &origin);
        if (strcmp(p->name, name) != 0) continue;
        if (found++) printf("\n");
        printf("%s %s — %s\n  from %s\n", im_kind_name(p->kind), p->name, p->summary ? p->summary : "", origin);
        if (p->kind == IM_ESTIMATOR) {
            const im_estimator_vt *vt = p->vtable;
            printf("  reports: %s, %s%s\n", im_unit_name(vt->unit),
                   vt->bound == IM_BOUND_ESTIMATE ? "an estimate (no bound)" : im_bound_name(vt->bound),
                   vt->bound == IM_BOUND_ESTIMATE ? ""
                   : vt->unit == IM_UNIT_F_INFORMATION ? " bound on I_f(X;Y)" : " bound on I(X;Y)");
        }
        printf("keys:\n  %-16s %-7s (selects this plugin)\n", "plugin", "string");
        describe_params(p->params);
        if (p->kind == IM_TASK) describe_params(im_task_common_params);
    }
    if (!found) {
        const char *near = NULL;   /* the nearest name of any kind */
        int best = 3;
        for (int i = 0; i < im_registry_count(reg); i++) {
            const im_plugin *p = im_registry_get(reg, i, NULL);
            int d = im_name_distance(name, p->name);
            if (d < best) best = d, near = p->name;
        }
        if (near)
            fprintf(stderr, "infomin-run: no plugin named '%s'; did you mean '%s'? (see --list)\n", name, near);
        else
            fprintf(stderr, "infomin-run: no plugin named '%s' (see --list)\n", name);
        print_refusals(reg);
        return EXIT_USAGE;
    }
    return 0;
}

typedef struct {
    const char *ini, *output, *plugin_path, *describe;
    const char *sets[MAX_SETS];
    int n_sets, threads, jobs, list, quiet, dry_run, resume;
    int rank, ranks;   /* MPI: this process's rank and the world's size (else 0 and 1) */
    int *released;     /* MPI rank 0: the worker ranks told to stop */
    char command[4096];   /* the command line as a shell reads it back, for the records */
} cli_args;

/* argv joined, each argument single-quoted unless it is plain: what the
 * records keep as "command" (cut with "..." past the buffer). */
static void command_line(int argc, char **argv, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < argc && used + 4 < size; i++) {
        const char *arg = argv[i];
        int plain = *arg && strspn(arg, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./=,:@%+-") ==
                                 strlen(arg);
        char piece[1024];
        size_t n = 0;
        if (plain) {
            n = (size_t)snprintf(piece, sizeof piece, "%s", arg);
        } else {
            piece[n++] = '\'';
            for (const char *c = arg; *c && n + 5 < sizeof piece; c++) {
                if (*c == '\'') memcpy(piece + n, "'\\''", 4), n += 4;
                else piece[n++] = *c;
            }
            piece[n++] = '\'';
            piece[n] = '\0';
        }
        if (n >= sizeof piece) n = sizeof piece - 1;
        if (used + n + 1 + (i > 0) >= size) {
            snprintf(buf + used, size - used, "%s...", used ? " " : "");
            return;
        }
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? " " : "", piece);
    }
}

static int parse_args(int argc, char **argv, cli_args *a)
{
    enum { OPT_SET = 256, OPT_SEED, OPT_THREADS, OPT_PLUGIN_PATH, OPT_LIST, OPT_DESCRIBE, OPT_VERSION, OPT_DRY_RUN,
           OPT_RESUME };
    static const struct option longopts[] = {
        { "set", required_argument, 0, OPT_SET },       { "seed", required_argument, 0, OPT_SEED },
        { "output", required_argument, 0, 'o' },        { "threads", required_argument, 0, OPT_THREADS },
        { "plugin-path", required_argument, 0, OPT_PLUGIN_PATH },
        { "list", no_argument, 0, OPT_LIST },           { "describe", required_argument, 0, OPT_DESCRIBE },
        { "quiet", no_argument, 0, 'q' },               { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, OPT_VERSION },     { "jobs", required_argument, 0, 'j' },
        { "dry-run", no_argument, 0, OPT_DRY_RUN },     { "resume", no_argument, 0, OPT_RESUME },
        { 0, 0, 0, 0 }
    };
    static char seed_set[64];
    memset(a, 0, sizeof *a);
    int c;
    opterr = 0;
    a->jobs = 1;
    while ((c = getopt_long(argc, argv, "o:qhj:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_SET:
        case OPT_SEED:
            if (a->n_sets == MAX_SETS) {
                fprintf(stderr, "infomin-run: more than %d --set options\n", MAX_SETS);
                return EXIT_USAGE;
            }
            if (c == OPT_SEED) {
                snprintf(seed_set, sizeof seed_set, "task.seed=%s", optarg);
                a->sets[a->n_sets++] = seed_set;
            } else {
                a->sets[a->n_sets++] = optarg;
            }
            break;
        case 'o': a->output = optarg; break;
        case OPT_THREADS:
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024) {
                fprintf(stderr, "infomin-run: %s: expected a %s count from 1 to 1024, got '%s'\n",
                        c == 'j' ? "--jobs" : "--threads", c == 'j' ? "process" : "thread", optarg);
                return EXIT_USAGE;
            }
            *(c == 'j' ? &a->jobs : &a->threads) = (int)n;
            break;
        }
        case OPT_DRY_RUN: a->dry_run = 1; break;
        case OPT_RESUME: a->resume = 1; break;
        case OPT_PLUGIN_PATH: a->plugin_path = optarg; break;
        case OPT_LIST: a->list = 1; break;
        case OPT_DESCRIBE: a->describe = optarg; break;
        case 'q': a->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        case OPT_VERSION: printf("infomin-run %s\n", im_version()); return -1;
        default:   /* named here: getopt would name the libtool wrapper's .libs/ path */
            fprintf(stderr, "infomin-run: unknown option or missing value: '%s'\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (!a->list && !a->describe) {
        if (optind != argc - 1) {
            fprintf(stderr, optind < argc ? "infomin-run: exactly one INI file, please\n"
                                          : "infomin-run: no INI file given\n");
            usage(stderr);
            return EXIT_USAGE;
        }
        a->ini = argv[optind];
    }
    return 0;
}

/* Load, override, expand and validate: every run's config is checked before
 * any run starts. */
static int prepare_runs(im_ctx *ctx, const cli_args *a, im_config **runs, int *n_runs)
{
    im_config cfg;
    im_status st = im_config_load(ctx, a->ini, &cfg);
    for (int i = 0; !st && i < a->n_sets; i++) st = im_config_set(ctx, &cfg, a->sets[i]);
    /* without a [task] the file's own error, not the option's ("-o: [task]:
     * no 'plugin = NAME' line" blamed -o for a section the file lacks) */
    if (!st && a->output && im_config_has_section(&cfg, "task"))
        st = im_config_put(ctx, &cfg, "task", "output", a->output, "-o", 0);
    if (!st) st = im_config_expand_sweep(ctx, &cfg, runs, n_runs);
    if (!st) {
        for (int i = 0; i < *n_runs && !st; i++) st = im_config_validate(ctx, &(*runs)[i], ctx->registry);
        if (st) im_config_free_all(*runs, *n_runs);
    }
    if (cfg.path) im_config_free(&cfg);
    if (st) {
        if (a->rank == 0) {   /* every rank finds the same error: one says it */
            fprintf(stderr, "infomin-run: %s\n", ctx->err);
            print_refusals(ctx->registry);
        }
        return EXIT_USAGE;
    }
    return 0;
}

/* The signal that asked infomin-run to stop (0: none). The one global of
 * the command: a signal handler has no context to write to. The handler is
 * one-shot (SA_RESETHAND): a second signal ends the process at once. */
static volatile sig_atomic_t stop_signal;
_Static_assert(_Generic((sig_atomic_t)0, int: 1, default: 0), "im_ctx.interrupt points to an int: sig_atomic_t is one");

static void on_stop_signal(int sig) { stop_signal = sig; }

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The results file: task.output (or -o), else results/<ini name>.jsonl;
 * IM_EIO when it does not fit the system's paths (it was cut silently). */
static im_status results_path(im_ctx *ctx, const im_config *first, char *buf, size_t size)
{
    const im_config_entry *oe = im_config_find(first, "task", "output");
    size_t len = oe && *oe->value ? strlen(oe->value) : strlen(first->path ? first->path : "") + 16;
    if (len >= PATH_MAX || len >= size)
        return im_fail(ctx, IM_EIO, "results file %.100s...: a path of %zu characters, longer than the system's %d",
                       oe && *oe->value ? oe->value : first->path, len, PATH_MAX - 1);
    if (oe && *oe->value)
        snprintf(buf, size, "%s", oe->value);
    else
        im_output_path(first, -1, ".jsonl", buf, size);   /* one file for a whole sweep */
    return IM_OK;
}

/* The results file can be written: its folder exists (made if needed) and
 * takes files, and the path is not a folder. Nothing is created but the
 * folders. */
/* The results file is none of the run's inputs: the INI file, or a file a
 * key of some cell names (a dataset's path). Compared as files (device and
 * inode), so a link or another spelling of the path is seen through. */
static im_status output_not_an_input(im_ctx *ctx, const sweep_plan *plan)
{
    struct stat out, in;
    if (stat(plan->output, &out) != 0 || !S_ISREG(out.st_mode)) return IM_OK;   /* new, or a device written through */
    for (int c = 0; c < plan->n; c++) {
        const im_config *cfg = &plan->cells[c];
        if (cfg->path && stat(cfg->path, &in) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino)
            return im_fail(ctx, IM_EIO, "results file %s: is the INI file %s itself: give another -o", plan->output,
                           cfg->path);
        for (int i = 0; i < cfg->count; i++) {
            const im_config_entry *e = &cfg->entries[i];
            if (strcmp(e->key, "output") != 0 && stat(e->value, &in) == 0 && in.st_dev == out.st_dev &&
                in.st_ino == out.st_ino)
                return im_fail(ctx, IM_EIO, "results file %s: is %s.%s = %s, an input of this run: give another -o",
                               plan->output, e->section, e->key, e->value);
        }
    }
    return IM_OK;
}

static im_status output_writable(im_ctx *ctx, const char *path)
{
    struct stat sb;
    if (strlen(path) >= PATH_MAX)
        return im_fail(ctx, IM_EIO, "results file %.100s...: a path of %zu characters, longer than the system's %d",
                       path, strlen(path), PATH_MAX - 1);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return im_fail(ctx, IM_EIO, "results file %s: is a directory (give a file name, e.g. %s/results.jsonl)", path, path);
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) return IM_OK;   /* a device or a FIFO: written through */
    if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) && stat(path, &sb) != 0)
        return im_fail(ctx, IM_EIO, "results file %s: a link that cannot be followed: %s", path, strerror(errno));
    im_status st = im_mkdir_parents(ctx, path);
    if (st) return st;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir) slash[1] = '\0';
    else if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    if (access(dir, W_OK) != 0)
        return im_fail(ctx, IM_EIO, "results file %s: cannot write in %s: %s", path, dir, strerror(errno));
    return IM_OK;
}

/* The task's cross-run summary (a trade-off plot, ...), if it has one. */
static int summarize(im_ctx *ctx, const sweep_plan *plan)
{
    im_section task;
    int written = plan_written(plan);
    if (!written || im_config_section(ctx, &plan->cells[0], ctx->registry, "task", &task)) return 0;
    const im_task_vt *vt = task.plugin->vtable;
    if (!vt->summarize) return 0;
    /* the cells that have a record, in order, with their configs */
    im_config *cfgs = malloc(sizeof *cfgs * (size_t)written);
    im_record **recs = malloc(sizeof *recs * (size_t)written);
    int n = 0, bad = !cfgs || !recs;
    for (int i = 0; !bad && i < plan->n; i++)
        if (plan->recs[i]) cfgs[n] = plan->cells[i], recs[n++] = plan->recs[i];
    if (bad || vt->summarize(ctx, cfgs, recs, n)) {
        fprintf(stderr, "infomin-run: summary: %s\n", bad ? "out of memory" : ctx->err);
        bad = 1;
    }
    free(cfgs);
    free(recs);
    return bad;
}

/* The runs' metrics, the task's headline first, within 100 columns. */
static void print_table(im_ctx *ctx, const sweep_plan *plan)
{
    im_section task;
    const char *const *headline = NULL;
    if (!im_config_section(ctx, &plan->cells[0], ctx->registry, "task", &task))
        headline = ((const im_task_vt *)task.plugin->vtable)->headline;
    im_record **recs = malloc(sizeof *recs * (size_t)plan->n);
    int n = 0;
    for (int i = 0; recs && i < plan->n; i++)
        if (plan->recs[i]) recs[n++] = plan->recs[i];
    if (recs && n) im_results_print_summary(stdout, recs, n, headline, 100);
    free(recs);
}

/* Threads for each of `jobs` processes: --threads (else every online CPU)
 * split among them, at least one each. */
static int threads_per_job(const cli_args *a, int jobs)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int total = a->threads ? a->threads : (cpus > 0 ? (int)cpus : 1);
    return total / jobs > 0 ? total / jobs : 1;
}

/* Dry run, resume, then the cells still to run by the chosen scheduler;
 * the summary and the table. Returns the exit status. */
static int run_plan(im_ctx *ctx, const cli_args *a, sweep_plan *plan)
{
    if (a->dry_run) {
        plan_print(stdout, plan);
        return 0;
    }
    plan_warn_shadowed(stderr, plan);
    if (output_writable(ctx, plan->output) || output_not_an_input(ctx, plan)) {   /* now, not after a run */
        fprintf(stderr, "infomin-run: %s\n", ctx->err);
        return EXIT_USAGE;
    }
    if (a->resume) {
        int taken = plan_resume(ctx, plan);
        if (taken < 0) {
            fprintf(stderr, "infomin-run: --resume: %s\n", ctx->err);
            return EXIT_USAGE;
        }
        if (!a->quiet) fprintf(stderr, "infomin-run: resume: %d of %d cells already in %s\n", plan_written(plan), plan->n, plan->output);
    }
    int *todo = malloc(sizeof *todo * (size_t)plan->n);
    if (!todo) return EXIT_RUN_FAILED;
    int n_todo = plan_todo(plan, todo), jobs = a->jobs < n_todo ? a->jobs : (n_todo ? n_todo : 1);
    /* threads per cell as the whole sweep would have them: cells left to a
     * --resume run with the thread count of the run that was killed (a
     * resumed --jobs 2 cell on 2 threads differed in the 7th digit) */
    int bad = 0, threads = threads_per_job(a, a->jobs < plan->n ? a->jobs : plan->n);
    if (a->ranks > 1) jobs = 1, threads = 1;   /* rank 0 hands out cells and computes nothing */
    /* the cells of a sweep run in forked workers even one at a time: a cell
     * that crashes is recorded as failed and the sweep goes on; a single
     * cell runs here (its crash is the command's) */
    int isolate = jobs > 1 || n_todo > 1;
    if (im_workers_new(ctx, isolate ? 1 : threads, &ctx->workers)) {
        fprintf(stderr, "infomin-run: %s\n", ctx->err);
        free(todo);
        return EXIT_RUN_FAILED;
    }
    if (jobs > 1 && !a->quiet)
        fprintf(stderr, "infomin-run: %d cells in %d processes of %d thread%s\n", n_todo, jobs, threads,
                threads == 1 ? "" : "s");
    catch_stop_signals();
    ctx->interrupt = &stop_signal;
    if (n_todo == 0 && plan_written(plan))
        bad = plan_write(ctx, plan) != IM_OK;
#ifdef IM_WITH_MPI
    else if (a->ranks > 1)
        bad = run_mpi_root(ctx, plan, todo, n_todo, a->released);
#endif
    else
        bad = isolate ? run_jobs(ctx, plan, todo, n_todo, jobs, threads) : run_here(ctx, plan, todo, n_todo);
    free(todo);
    if (!stop_signal) bad += summarize(ctx, plan);
    if (!a->quiet) print_table(ctx, plan);
    if (plan_written(plan)) printf("results: %s\n", plan->output);
    if (stop_signal) {   /* the shell's convention: 128 + the signal */
        fprintf(stderr, "infomin-run: stopped by signal %d after %d of %d runs; the results file holds whole records only\n",
                (int)stop_signal, plan_written(plan), plan->n);
        return 128 + stop_signal;
    }
    return bad || plan_failed(plan) || plan_written(plan) < plan->n ? EXIT_RUN_FAILED : 0;
}

#ifdef IM_WITH_MPI
/* A worker rank: the same plan as rank 0, then cells until told to stop. */
static int serve_cells(im_ctx *ctx, const cli_args *a, sweep_plan *plan)
{
    ctx->progress = 0;
    if (im_workers_new(ctx, a->threads ? a->threads : 1, &ctx->workers)) {
        fprintf(stderr, "infomin-run: rank %d: %s\n", a->rank, ctx->err);
        MPI_Abort(MPI_COMM_WORLD, EXIT_RUN_FAILED);   /* rank 0 would wait for it forever */
    }
    catch_stop_signals();
    ctx->interrupt = &stop_signal;
    return run_mpi_worker(ctx, plan);
}
#endif

/* The plan, then this process's part of it: everything (infomin-run, or
 * rank 0 of an MPI run handing out cells), or serving cells (other ranks). */
static int plan_and_run(im_ctx *ctx, cli_args *a)
{
    im_config *runs = NULL;
    int n_runs = 0;
    int rc = prepare_runs(ctx, a, &runs, &n_runs);
    if (rc) return rc;
    sweep_plan plan;
    if (plan_make(ctx, runs, n_runs, &plan)) {
        if (a->rank == 0) fprintf(stderr, "infomin-run: %s\n", ctx->err);
        rc = EXIT_USAGE;
    } else {
        plan.quiet = a->quiet;
        plan.command = a->command;
        if (results_path(ctx, &runs[0], plan.output, sizeof plan.output)) {
            fprintf(stderr, "infomin-run: %s\n", ctx->err);
            rc = EXIT_USAGE;
        }
#ifdef IM_WITH_MPI
        else if (a->rank > 0)
            rc = serve_cells(ctx, a, &plan);
#endif
        else
            rc = run_plan(ctx, a, &plan);
    }
    plan_free(&plan);
    return rc;
}

int main(int argc, char **argv)
{
    cli_args a;
    char command[4096];
    command_line(argc, argv, command, sizeof command);   /* before getopt reorders argv */
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    memcpy(a.command, command, sizeof command);
    a.ranks = 1;
#ifdef IM_WITH_MPI
    MPI_Init(&argc, &argv);
    a.rank = mpi_rank();
    a.ranks = mpi_size();
    a.released = calloc((size_t)a.ranks, sizeof *a.released);
    if (a.jobs > 1 && a.rank == 0)
        fprintf(stderr, "infomin-run: --jobs is ignored under MPI: each rank runs one cell at a time\n");
    a.jobs = 1;
#endif
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.registry = im_registry_new();
    if (!ctx.registry) return EXIT_RUN_FAILED;
    ctx.progress = !a.quiet && isatty(STDERR_FILENO);
    ctx.resume = a.resume;   /* tasks that checkpoint continue a killed cell */
    ctx.files = im_file_log_new();   /* the data files each run reads: their digests in its record */
    im_registry_load_search_path(&ctx, ctx.registry, a.plugin_path);
    if (a.list || a.describe)
        rc = a.rank ? 0 : a.list ? list_plugins(ctx.registry) : describe_plugin(ctx.registry, a.describe);
    else
        rc = plan_and_run(&ctx, &a);
    im_workers_free(ctx.workers);
    im_registry_free(ctx.registry);
    im_file_log_free(ctx.files);
#ifdef IM_WITH_MPI
    if (a.rank == 0 && a.released) mpi_release(a.released);   /* whatever ended rank 0's part */
    free(a.released);
    MPI_Finalize();
#endif
    return rc;
}
