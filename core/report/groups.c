/* groups.c — a sweep's runs pooled over seeds (groups.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/groups.h"

static int skipped(const char *item, const char *const *skip)
{
    if (strncmp(item, "task.seed=", 10) == 0) return 1;
    for (int i = 0; skip && skip[i]; i++)
        if (strncmp(item, skip[i], strlen(skip[i])) == 0) return 1;
    return 0;
}

void im_group_key(const im_record *rec, void (*name)(const im_record *, char *, size_t), const char *const *skip,
                  char *buf, size_t size)
{
    name(rec, buf, size);
    const char *p = im_record_label(rec);
    size_t used = strlen(buf);
    if (!p) return;   /* not part of a sweep */
    while (*p && used < size) {
        size_t len = strcspn(p, " ");
        if (!skipped(p, skip) && used + len + 2 < size)
            used += (size_t)snprintf(buf + used, size - used, " %.*s", (int)len, p);
        p += len;
        while (*p == ' ') p++;
    }
}

static const char *seed_of(const im_record *rec)
{
    const char *seed = im_record_config_value(rec, "task", "seed");
    return seed ? seed : "1";   /* the default */
}

int im_group_runs(im_record *const *recs, int n, void (*name)(const im_record *rec, char *buf, size_t size),
                  const char *const *skip, im_run_group *groups, int max_groups)
{
    int n_groups = 0;
    for (int i = 0; i < n; i++) {
        if (!im_record_ok(recs[i])) continue;
        char key[sizeof groups[0].key];
        im_group_key(recs[i], name, skip, key, sizeof key);
        int g = 0;
        while (g < n_groups && strcmp(groups[g].key, key) != 0) g++;
        if (g == n_groups) {
            if (n_groups == max_groups) continue;
            memset(&groups[g], 0, sizeof groups[g]);
            snprintf(groups[g].key, sizeof groups[g].key, "%s", key);
            n_groups++;
        }
        im_run_group *grp = &groups[g];
        int repeat = 0;
        for (int k = 0; k < grp->n; k++) repeat |= strcmp(seed_of(grp->run[k]), seed_of(recs[i])) == 0;
        if (!repeat && grp->n < IM_GROUP_MAX_RUNS) grp->run[grp->n++] = recs[i];
    }
    return n_groups;
}

int im_group_stat(const im_run_group *g, const char *metric, double *mean, double *sd)
{
    double sum = 0, sq = 0, v;
    int count = 0;
    for (int k = 0; k < g->n; k++)
        if (im_record_metric(g->run[k], metric, &v) && isfinite(v)) sum += v, sq += v * v, count++;
    *mean = count ? sum / count : NAN;
    *sd = count > 1 ? sqrt(fmax(0, (sq - count * *mean * *mean) / (count - 1))) : 0;
    return count;
}

const char *im_group_format(const im_run_group *g, const char *metric, const char *fmt, char *buf, size_t size)
{
    double mean, sd;
    int n = im_group_stat(g, metric, &mean, &sd);
    if (!n) return "-";
    char f[64];
    snprintf(f, sizeof f, n > 1 ? "%s ± %s" : "%s", fmt, fmt);
    snprintf(buf, size, f, mean, sd);
    return buf;
}

/* the group's seeds and values of a metric (NaN where absent) */
static int seeds_and_values(const im_run_group *g, const char *metric, long *seed, double *value)
{
    for (int k = 0; k < g->n; k++) {
        seed[k] = atol(seed_of(g->run[k]));
        if (!im_record_metric(g->run[k], metric, &value[k])) value[k] = NAN;
    }
    return g->n;
}

void im_group_paired(const im_run_group *a, const im_run_group *b, const char *metric, im_paired *out)
{
    long ka[IM_GROUP_MAX_RUNS], kb[IM_GROUP_MAX_RUNS];
    double va[IM_GROUP_MAX_RUNS], vb[IM_GROUP_MAX_RUNS];
    int na = seeds_and_values(a, metric, ka, va), nb = seeds_and_values(b, metric, kb, vb);
    im_paired_difference(ka, va, na, kb, vb, nb, out);
}

int im_group_least(const im_run_group *groups, const int *members, int n, const char *least, const char *bounded,
                   double lo, double hi)
{
    int best = -1;
    double best_v = INFINITY, v, b, sd;
    for (int k = 0; k < n; k++) {
        const im_run_group *g = &groups[members[k]];
        if (!im_group_stat(g, least, &v, &sd) || !im_group_stat(g, bounded, &b, &sd) || !(b >= lo && b <= hi)) continue;
        if (v < best_v) best = members[k], best_v = v;
    }
    return best;
}
