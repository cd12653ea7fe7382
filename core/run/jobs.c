/* jobs.c — `--jobs N`: cells in N forked worker processes on this machine
 * (N = 1 for a sweep run without --jobs: one cell at a time, each in a
 * process of its own, so that a crash fails one cell, not the sweep).
 *
 * A worker runs one cell with its own worker threads and writes the record to
 * a file of its own beside the results file; the parent reads it back when
 * the worker exits and stores it in cell order. A worker that dies (a
 * crash, the OOM killer) leaves a failed record naming the signal, and the
 * other cells go on. Workers run in their own process groups: a Ctrl-C
 * reaches the parent only, which passes one SIGTERM to each running worker
 * (a second signal would end a worker before it writes its record). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "run.h"

typedef struct {
    pid_t pid;   /* 0: a free slot */
    int cell;
    double t0;
    char path[4200];
} worker;

static void worker_main(im_ctx *ctx, sweep_plan *plan, int cell, int threads, int alone, pid_t parent,
                        const char *path)
{
    /* the parent killed (kill -9 cannot be caught): its workers go with it,
     * instead of rewriting the checkpoints a --resume reads */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);   /* it died before prctl */
    setpgid(0, 0);
    setvbuf(stdout, NULL, _IOLBF, 0);   /* whole lines: workers share the terminal */
    if (!alone) ctx->progress = 0;      /* one worker at a time keeps the terminal's progress bar */
    int code = 1;
    im_record *rec = NULL;
    /* the parent's pool, copied by fork: one thread (run_plan isolates
     * cells on one), so no thread of it to join here; freed, not lost */
    im_workers *inherited = ctx->workers;
    ctx->workers = NULL;
    im_workers_free(inherited);
    if (im_workers_new(ctx, threads, &ctx->workers) == IM_OK && (rec = cell_run(ctx, plan, cell)) != NULL)
        code = im_results_write(ctx, path, &rec, 1) == IM_OK ? 0 : 1;
    if (code) fprintf(stderr, "infomin-run: worker for run %d: %s\n", cell, rec ? ctx->err : "out of memory");
    fflush(stdout);
    fflush(stderr);
    _exit(code);   /* no atexit handlers of the parent's libraries in a forked copy */
}

static int spawn(im_ctx *ctx, sweep_plan *plan, worker *w, int cell, int threads, int alone)
{
    snprintf(w->path, sizeof w->path, "%s.run%d.%ld.part", plan->output, cell, (long)getpid());
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) worker_main(ctx, plan, cell, threads, alone, parent, w->path);
    setpgid(pid, pid);   /* both sides set it: whichever runs first */
    w->pid = pid;
    w->cell = cell;
    w->t0 = im_seconds();
    const char *label = plan->cells[cell].sweep_label ? plan->cells[cell].sweep_label : "";
    if (!plan->quiet && alone)   /* one at a time: the lines of a run in this process */
        fprintf(stderr, "infomin-run: run %d/%d %s\n", cell + 1, plan->n, label);
    else if (!plan->quiet)
        fprintf(stderr, "infomin-run: run %d/%d started (pid %ld) %s\n", cell + 1, plan->n, (long)pid, label);
    return 0;
}

/* The record a finished worker left, or a failed one saying why not. */
static im_record *collect(im_ctx *ctx, sweep_plan *plan, const worker *w, int status)
{
    im_record **got = NULL;
    int n = 0;
    im_record *rec = NULL;
    char why[1200] = "";
    if (WIFSIGNALED(status))
        snprintf(why, sizeof why, "worker process %ld died of signal %d (%s)", (long)w->pid, WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else if (access(w->path, R_OK) != 0)
        snprintf(why, sizeof why, "worker process %ld exited with status %d and left no record", (long)w->pid,
                 WEXITSTATUS(status));
    else if (im_results_read(ctx, w->path, &got, &n))
        snprintf(why, sizeof why, "worker process %ld left an unreadable record: %s", (long)w->pid, ctx->err);
    else if (n != 1)
        snprintf(why, sizeof why, "worker process %ld left %d records, not one", (long)w->pid, n);
    if (!*why) {
        rec = got[0];
        got[0] = NULL;
    }
    for (int i = 0; i < n; i++) im_record_free(got[i]);
    free(got);
    unlink(w->path);
    if (rec) return rec;
    rec = im_record_new_typed(&plan->cells[w->cell], w->cell, ctx->registry);
    if (rec) im_record_finish(rec, "failed", why, im_seconds() - w->t0);
    fprintf(stderr, "infomin-run: run %d failed: %s\n", w->cell, why);
    return rec;
}

int run_jobs(im_ctx *ctx, sweep_plan *plan, const int *todo, int n_todo, int jobs, int threads_per_job)
{
    worker *w = calloc((size_t)jobs, sizeof *w);
    if (!w) {
        fprintf(stderr, "infomin-run: out of memory\n");
        return 1;
    }
    int next = 0, active = 0, forwarded = 0, bad = 0, finished = 0;
    double started = im_seconds();
    while ((next < n_todo && !im_interrupted(ctx)) || active) {
        for (int s = 0; s < jobs && next < n_todo && !im_interrupted(ctx); s++) {
            if (w[s].pid) continue;
            if (spawn(ctx, plan, &w[s], todo[next], threads_per_job, jobs == 1)) {
                fprintf(stderr, "infomin-run: cannot start a worker: %s\n", strerror(errno));
                bad = 1;
                break;
            }
            next++;
            active++;
        }
        if (!active) break;
        if (im_interrupted(ctx) && !forwarded) {   /* stop the workers: they write what they have */
            for (int s = 0; s < jobs; s++)
                if (w[s].pid) kill(w[s].pid, SIGTERM);
            forwarded = 1;
        }
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int s = 0; s < jobs; s++) {
            if (w[s].pid != pid) continue;
            im_record *rec = collect(ctx, plan, &w[s], status);
            w[s].pid = 0;
            active--;
            if (!rec || plan_store(ctx, plan, w[s].cell, rec)) {
                fprintf(stderr, "infomin-run: %s\n", rec ? ctx->err : "out of memory");
                bad = 1;
            } else if (!plan->quiet) {
                /* the sweep's ETA from its own pace: the runs still to do at
                 * the mean time a finished one took, jobs at a time */
                char left[32] = "";
                double now = im_seconds();
                if (++finished < n_todo)
                    im_duration_text(left, sizeof left, (now - started) / finished * (n_todo - finished));
                if (jobs > 1)
                    fprintf(stderr, "infomin-run: run %d/%d %s in %.1f s; %d of %d finished%s%s\n", w[s].cell + 1,
                            plan->n, im_record_ok(rec) ? "done" : "failed", now - w[s].t0, finished, n_todo,
                            *left ? ", ETA " : "", left);
                else if (*left)
                    fprintf(stderr, "infomin-run: %d of %d runs finished, ETA %s\n", finished, n_todo, left);
            }
        }
        if (bad) next = n_todo;   /* the file cannot be written: start nothing new */
    }
    free(w);
    return bad;
}
