/* cell.c — one cell of a sweep, run in this process, and the sequential
 * scheduler. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "run.h"

im_record *cell_run(im_ctx *ctx, const sweep_plan *plan, int cell)
{
    const im_config *cfg = &plan->cells[cell];
    im_record *rec = im_record_new_typed(cfg, cell, ctx->registry);
    if (!rec) return NULL;
    /* the numbers depend on it (products split differently): recorded */
    im_record_meta_int(rec, "threads", im_workers_count(ctx->workers));
    /* when and where (ISO 8601, UTC; the host a --jobs worker or MPI rank
     * ran on) */
    char when[32], host[256] = "";
    time_t now = time(NULL);
    struct tm utc;
    if (gmtime_r(&now, &utc) && strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &utc))
        im_record_meta(rec, "started", when);
    if (gethostname(host, sizeof host - 1) == 0 && host[0]) im_record_meta(rec, "host", host);
    im_section task;
    int seed = 1;
    double t0 = im_seconds();
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &task);
    if (!st) st = im_section_int(ctx, &task, "seed", &seed);
    if (!st) {
        im_rng rng;
        im_rng_seed(&rng, (uint64_t)seed);
        const im_task_vt *vt = task.plugin->vtable;
        st = vt->run(ctx, cfg, &rng, rec);
        if (!st && im_record_nonfinite(rec))
            st = im_fail(ctx, IM_ENUMERIC, "task %s: metric '%s' came out NaN or infinite: not reported",
                         task.plugin->name, im_record_nonfinite(rec));
    }
    im_record_data_files(ctx, rec);   /* what it read, whatever became of it */
    const char *status = !st ? "ok" : (st == IM_EINTERRUPTED ? "interrupted" : "failed");
    im_record_finish(rec, status, st ? ctx->err : NULL, im_seconds() - t0);
    if (st) fprintf(stderr, "infomin-run: run %d %s: %s\n", cell, status, ctx->err);
    return rec;
}

int run_here(im_ctx *ctx, sweep_plan *plan, const int *todo, int n_todo)
{
    for (int k = 0; k < n_todo; k++) {
        int i = todo[k];
        if (plan->n > 1 && !plan->quiet)
            fprintf(stderr, "infomin-run: run %d/%d %s\n", i + 1, plan->n,
                    plan->cells[i].sweep_label ? plan->cells[i].sweep_label : "");
        im_record *rec = cell_run(ctx, plan, i);
        if (!rec || plan_store(ctx, plan, i, rec)) {
            fprintf(stderr, "infomin-run: %s\n", rec ? ctx->err : "out of memory");
            return 1;
        }
        if (im_interrupted(ctx)) break;   /* the record of the run it stopped is written: no new run */
    }
    return 0;
}
