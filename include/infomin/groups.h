/* groups.h — a sweep's runs pooled over seeds for its summary: runs whose
 * settings differ only in task.seed (and in keys the caller names, whose
 * meaning its name for the run already carries) form one group, and the
 * summary prints each metric's mean ± sd over the group's seeds. A run
 * repeated under another cell (same_as: e.g. β = 0 under each penalty)
 * counts once. */
#ifndef INFOMIN_GROUPS_H
#define INFOMIN_GROUPS_H

#include "api.h"
#include "results.h"
#include "stats.h"

#define IM_GROUP_MAX_RUNS 64

typedef struct im_run_group {
    char key[384];          /* the caller's name, then the other swept keys */
    int n;                  /* runs, one per seed */
    const im_record *run[IM_GROUP_MAX_RUNS];
} im_run_group;

/* The finished runs of recs, grouped; name(rec) writes the run's name
 * (e.g. "slice beta=10"); skip lists sweep-label prefixes it stands for
 * (e.g. "task.beta="), NULL-terminated. Returns the number of groups (at
 * most max_groups; later groups are dropped). */
IM_API int im_group_runs(im_record *const *recs, int n, void (*name)(const im_record *rec, char *buf, size_t size),
                         const char *const *skip, im_run_group *groups, int max_groups);
/* The group of one run, as im_group_runs forms them: name(rec), then the
 * run's swept keys but task.seed and those that skip lists. For summaries
 * that pool runs of their own kind. */
IM_API void im_group_key(const im_record *rec, void (*name)(const im_record *rec, char *buf, size_t size),
                         const char *const *skip, char *buf, size_t size);
/* Mean and sample sd of a metric over the group's runs with a finite value
 * of it; returns how many had one (0: *mean NaN). */
IM_API int im_group_stat(const im_run_group *g, const char *metric, double *mean, double *sd);

/* The metric as "0.123 ± 0.004" (mean ± sd; one run: "0.123") with the
 * printf format fmt for each number, in buf; "-" when no run has it.
 * Returns the text. */
IM_API const char *im_group_format(const im_run_group *g, const char *metric, const char *fmt, char *buf, size_t size);

/* The sweep's choice among some of its settings: of the groups
 * members[0..n), the one with the least mean `least` among those whose
 * mean `bounded` lies in [lo, hi] (±INFINITY: no bound; a group without
 * either metric does not qualify); -1 when none does. */
IM_API int im_group_least(const im_run_group *groups, const int *members, int n, const char *least, const char *bounded,
                          double lo, double hi);

/* A metric of group a minus group b on the same seeds (im_paired_difference). */
IM_API void im_group_paired(const im_run_group *a, const im_run_group *b, const char *metric, im_paired *out);

#endif
