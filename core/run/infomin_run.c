/* infomin_run.c — the command line: `infomin-run task.ini`.
 * Exit codes: 0 ok, 1 a run failed, 2 usage or configuration error. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "infomin/infomin.h"

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
            "is one run and one JSON line in the output file.\n"
            "\n"
            "  --set SECTION.KEY=VALUE  override one key (repeatable); a key [sweep]\n"
            "                           varies is pinned to VALUE\n"
            "  --seed N                 same as --set task.seed=N\n"
            "  -o, --output FILE        JSONL results file (default: task.output, else\n"
            "                           results/<ini name>.jsonl)\n"
            "  --threads N              threads for matrix products (default: all online CPUs)\n"
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
                   vt->bound == IM_BOUND_ESTIMATE ? "" : " bound on I(X;Y)");
        }
        printf("keys:\n  %-16s %-7s (selects this plugin)\n", "plugin", "string");
        describe_params(p->params);
        if (p->kind == IM_TASK) describe_params(im_task_common_params);
    }
    if (!found) {
        fprintf(stderr, "infomin-run: no plugin named '%s' (see --list)\n", name);
        print_refusals(reg);
        return EXIT_USAGE;
    }
    return 0;
}

typedef struct {
    const char *ini, *output, *plugin_path, *describe;
    const char *sets[MAX_SETS];
    int n_sets, threads, list, quiet;
} cli_args;

static int parse_args(int argc, char **argv, cli_args *a)
{
    enum { OPT_SET = 256, OPT_SEED, OPT_THREADS, OPT_PLUGIN_PATH, OPT_LIST, OPT_DESCRIBE, OPT_VERSION };
    static const struct option longopts[] = {
        { "set", required_argument, 0, OPT_SET },       { "seed", required_argument, 0, OPT_SEED },
        { "output", required_argument, 0, 'o' },        { "threads", required_argument, 0, OPT_THREADS },
        { "plugin-path", required_argument, 0, OPT_PLUGIN_PATH },
        { "list", no_argument, 0, OPT_LIST },           { "describe", required_argument, 0, OPT_DESCRIBE },
        { "quiet", no_argument, 0, 'q' },               { "help", no_argument, 0, 'h' },
        { "version", no_argument, 0, OPT_VERSION },     { 0, 0, 0, 0 }
    };
    static char seed_set[64];
    memset(a, 0, sizeof *a);
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
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
        case OPT_THREADS: {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024) {
                fprintf(stderr, "infomin-run: --threads: expected a thread count from 1 to 1024, got '%s'\n", optarg);
                return EXIT_USAGE;
            }
            a->threads = (int)n;
            break;
        }
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
    if (!st && a->output) st = im_config_put(ctx, &cfg, "task", "output", a->output, "-o", 0);
    if (!st) st = im_config_expand_sweep(ctx, &cfg, runs, n_runs);
    if (!st) {
        for (int i = 0; i < *n_runs && !st; i++) st = im_config_validate(ctx, &(*runs)[i], ctx->registry);
        if (st) im_config_free_all(*runs, *n_runs);
    }
    if (cfg.path) im_config_free(&cfg);
    if (st) {
        fprintf(stderr, "infomin-run: %s\n", ctx->err);
        print_refusals(ctx->registry);
        return EXIT_USAGE;
    }
    return 0;
}

static int run_one(im_ctx *ctx, const im_config *cfg, int index, im_record *rec)
{
    im_section task;
    int seed = 1;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &task);
    if (!st) st = im_section_int(ctx, &task, "seed", &seed);
    if (st) return st;
    im_rng rng;
    im_rng_seed(&rng, (uint64_t)seed);
    const im_task_vt *vt = task.plugin->vtable;
    double t0 = im_seconds();
    st = vt->run(ctx, cfg, &rng, rec);
    if (!st && im_record_nonfinite(rec))
        st = im_fail(ctx, IM_ENUMERIC, "task %s: metric '%s' came out NaN or infinite: not reported", task.plugin->name,
                     im_record_nonfinite(rec));
    const char *status = !st ? "ok" : (st == IM_EINTERRUPTED ? "interrupted" : "failed");
    im_record_finish(rec, status, st ? ctx->err : NULL, im_seconds() - t0);
    if (st) fprintf(stderr, "infomin-run: run %d %s: %s\n", index, status, ctx->err);
    return st;
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

/* The results file: task.output (or -o), else results/<ini name>.jsonl. */
static void results_path(const im_config *first, char *buf, size_t size)
{
    const im_config_entry *oe = im_config_find(first, "task", "output");
    if (oe && *oe->value)
        snprintf(buf, size, "%s", oe->value);
    else
        im_output_path(first, -1, ".jsonl", buf, size);   /* one file for a whole sweep */
}

/* The results file can be written: its folder exists (made if needed) and
 * takes files, and the path is not a folder. Nothing is created but the
 * folders. */
static im_status output_writable(im_ctx *ctx, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return im_fail(ctx, IM_EIO, "results file %s: is a directory (give a file name, e.g. %s/results.jsonl)", path, path);
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

/* Every run in order, the results file rewritten after each (an
 * interrupted sweep keeps what it finished); *written records made.
 * Returns the number of failures. */
static int run_all(im_ctx *ctx, const cli_args *a, const im_config *runs, int n_runs, const char *output,
                   im_record **recs, int *written)
{
    int failed = 0;
    *written = 0;
    for (int i = 0; i < n_runs; i++) {
        if (n_runs > 1 && !a->quiet)
            fprintf(stderr, "infomin-run: run %d/%d %s\n", i + 1, n_runs, runs[i].sweep_label ? runs[i].sweep_label : "");
        recs[i] = im_record_new(&runs[i], i);
        if (!recs[i]) break;
        *written = i + 1;
        failed += run_one(ctx, &runs[i], i, recs[i]) != IM_OK;
        if (im_results_write(ctx, output, recs, *written)) {
            fprintf(stderr, "infomin-run: %s\n", ctx->err);
            failed++;
            break;
        }
        if (im_interrupted(ctx)) break;   /* the record of the run it stopped is written: no new run */
    }
    return failed + (*written < n_runs);
}

/* The task's cross-run summary (a trade-off plot, ...), if it has one. */
static int summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int written)
{
    im_section task;
    if (!written || im_config_section(ctx, &runs[0], ctx->registry, "task", &task)) return 0;
    const im_task_vt *vt = task.plugin->vtable;
    if (vt->summarize && vt->summarize(ctx, runs, recs, written)) {
        fprintf(stderr, "infomin-run: summary: %s\n", ctx->err);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    cli_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    im_ctx ctx;
    im_ctx_init(&ctx);
    ctx.registry = im_registry_new();
    if (!ctx.registry) return EXIT_RUN_FAILED;
    ctx.progress = !a.quiet && isatty(STDERR_FILENO);
    im_registry_load_search_path(&ctx, ctx.registry, a.plugin_path);
    if (a.list || a.describe) {
        rc = a.list ? list_plugins(ctx.registry) : describe_plugin(ctx.registry, a.describe);
        im_registry_free(ctx.registry);
        return rc;
    }
    im_config *runs = NULL;
    int n_runs = 0;
    rc = prepare_runs(&ctx, &a, &runs, &n_runs);
    if (rc) {
        im_registry_free(ctx.registry);
        return rc;
    }
    int threads = a.threads ? a.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
    im_record **recs = calloc((size_t)n_runs, sizeof *recs);
    char output[4096];
    int failed = 0, written = 0, usage_error = 0;
    if (!recs || im_pool_new(&ctx, threads > 0 ? threads : 1, &ctx.pool)) {
        fprintf(stderr, "infomin-run: %s\n", recs ? ctx.err : "out of memory");
        failed = 1;
    } else {
        results_path(&runs[0], output, sizeof output);
        usage_error = output_writable(&ctx, output) != IM_OK;   /* found now, not after a run has computed */
        if (usage_error) fprintf(stderr, "infomin-run: %s\n", ctx.err);
    }
    if (!failed && !usage_error) {
        catch_stop_signals();
        ctx.interrupt = &stop_signal;
        failed = run_all(&ctx, &a, runs, n_runs, output, recs, &written);
        if (!stop_signal) failed += summarize(&ctx, runs, recs, written);
        if (!a.quiet && written) im_results_print_table(stdout, recs, written);
        if (written) printf("results: %s\n", output);
    }
    for (int i = 0; i < written; i++) im_record_free(recs[i]);
    free(recs);
    im_config_free_all(runs, n_runs);
    im_pool_free(ctx.pool);
    im_registry_free(ctx.registry);
    if (usage_error) return EXIT_USAGE;
    if (stop_signal) {   /* the shell's convention: 128 + the signal */
        fprintf(stderr, "infomin-run: stopped by signal %d after %d of %d runs; the results file holds whole records only\n",
                (int)stop_signal, written, n_runs);
        return 128 + stop_signal;
    }
    return failed ? EXIT_RUN_FAILED : 0;
}
