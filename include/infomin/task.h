/* task.h — an application: reads its sections, instantiates the other
 * plugins through the registry (never by linking to them), runs, and puts
 * its metrics and curves into the run's record. */
#ifndef INFOMIN_TASK_H
#define INFOMIN_TASK_H

#include "cfg.h"
#include "results.h"
#include "rng.h"

/* Appended fields only (plugin.h); required: run. */
typedef struct im_task_vt {
    uint32_t size;   /* IM_VT_SIZE(im_task_vt) */
    im_status (*run)(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec);
    /* Optional: after every run of a sweep, with all their configs and
     * records (failed runs included, status in the record): cross-run
     * outputs such as a trade-off plot. */
    im_status (*summarize)(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);
    /* Optional (since 0.4): 0 when this configuration leaves section `name`
     * unused (fairness with beta = 0 creates no estimator). The section then
     * drops out of the resolved configuration, so sweep cells that differ
     * only there run once. NULL: every section is used. */
    int (*uses_section)(im_ctx *ctx, const im_config *cfg, const char *name);
    /* Optional (since 0.5): the same for one key of a used section: 0 when
     * this configuration leaves it unused (bottleneck's beta with
     * regularizer = none); the key then drops out of the resolved
     * configuration. NULL: every key of a used section counts. */
    int (*uses_key)(im_ctx *ctx, const im_config *cfg, const char *section, const char *key);
    /* Optional (since 0.6): the labelled sections ([KIND:LABEL]) the task
     * reads, NULL-terminated ({ NULL }: none). Validation then refuses any
     * other labelled section of a file naming this task, and names the
     * nearest it reads: a misspelt [encoder:discriminatr] is caught by
     * --dry-run, not by every run. NULL: not declared, not checked. */
    const char *const *labelled_sections;
    /* Optional (since 0.6): the metrics infomin-run's summary table shows,
     * in this order, NULL-terminated (those a record lacks are skipped).
     * The table keeps to 100 columns: what does not fit is in the records
     * (infomin-report FILE --runs). NULL: the metrics in the order runs
     * recorded them, as many as fit. */
    const char *const *headline;
} im_task_vt;

/* A task that reads no labelled section: .labelled_sections = IM_NO_LABELLED_SECTIONS */
#define IM_NO_LABELLED_SECTIONS ((const char *const[]){ NULL })

#endif
