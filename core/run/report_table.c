/* report_table.c — infomin-report's grouping: the swept keys of each
 * record (from its label, values from its configuration), a group per
 * combination of their values but the one averaged over, and each metric's
 * values per group. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "infomin/numtext.h"

/* The swept keys of a record, from its label "a.b=v c.d=w": each key is
 * the text before an '=' that starts the label or follows a space (values
 * are read from the record's configuration, not from the label). */
int report_swept_keys(const im_record *rec, char keys[][128], int cap)
{
    const char *label = im_record_label(rec);
    int n = 0;
    for (const char *p = label; p && *p && n < cap;) {
        const char *eq = strchr(p, '='), *space = strchr(p, ' ');
        if (!eq) break;
        if (!space || eq < space) {
            size_t len = (size_t)(eq - p) < 127 ? (size_t)(eq - p) : 127;
            memcpy(keys[n], p, len);
            keys[n++][len] = '\0';
        }
        /* the next key starts after a space that precedes a "word=" */
        const char *next = eq + 1;
        for (;;) {
            next = strchr(next, ' ');
            if (!next) break;
            const char *e2 = strchr(next + 1, '='), *s2 = strchr(next + 1, ' ');
            if (e2 && (!s2 || e2 < s2)) break;
            next++;
        }
        p = next ? next + 1 : NULL;
    }
    return n;
}

const char *report_config_value(const im_record *rec, const char *dotted)
{
    char section[128];
    const char *dot = strrchr(dotted, '.');
    if (!dot || (size_t)(dot - dotted) >= sizeof section) return NULL;
    memcpy(section, dotted, (size_t)(dot - dotted));
    section[dot - dotted] = '\0';
    return im_record_config_value(rec, section, dot + 1);
}

static int sample_add(sample *s, double v)
{
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 8;
        double *grown = realloc(s->v, sizeof *grown * (size_t)cap);
        if (!grown) return -1;
        s->v = grown;
        s->cap = cap;
    }
    s->v[s->n++] = v;
    return 0;
}

void sample_stats(const sample *s, double *mean, double *sd)
{
    double sum = 0, ss = 0;
    for (int i = 0; i < s->n; i++) sum += s->v[i];
    *mean = s->n ? sum / s->n : NAN;
    for (int i = 0; i < s->n; i++) ss += (s->v[i] - *mean) * (s->v[i] - *mean);
    *sd = s->n > 1 ? sqrt(ss / (s->n - 1)) : NAN;
}

int find_index(char *const *list, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0) return i;
    return -1;
}

static group *group_of(table *t, const im_record *rec)
{
    const char *vals[MAX_KEYS];
    for (int k = 0; k < t->n_keys; k++) {
        vals[k] = report_config_value(rec, t->keys[k]);
        if (!vals[k]) vals[k] = "-";   /* a key this file's sweep did not have */
    }
    for (int g = 0; g < t->n_groups; g++) {
        int same = 1;
        for (int k = 0; k < t->n_keys && same; k++) same = strcmp(t->groups[g].values[k], vals[k]) == 0;
        if (same) return &t->groups[g];
    }
    if (t->n_groups == t->cap_groups) {
        int cap = t->cap_groups ? 2 * t->cap_groups : 16;
        group *grown = realloc(t->groups, sizeof *grown * (size_t)cap);
        if (!grown) return NULL;
        t->groups = grown;
        t->cap_groups = cap;
    }
    group *g = &t->groups[t->n_groups++];
    memset(g, 0, sizeof *g);
    for (int k = 0; k < t->n_keys; k++) g->values[k] = strdup(vals[k]);
    return g;
}

int report_build(table *t, const report_args *a, im_record **recs, int n)
{
    for (int i = 0; i < n; i++) {
        char keys[MAX_KEYS][128];
        int nk = report_swept_keys(recs[i], keys, MAX_KEYS);
        for (int k = 0; k < nk; k++)
            if (strcmp(keys[k], a->over) != 0 && find_index(t->keys, t->n_keys, keys[k]) < 0 && t->n_keys < MAX_KEYS)
                t->keys[t->n_keys++] = strdup(keys[k]);
        if (a->n_metrics) continue;
        const char *names[MAX_METRICS];
        int nm = im_record_metric_names(recs[i], names, MAX_METRICS);
        for (int m = 0; m < nm; m++)
            if (find_index((char *const *)t->metrics, t->n_metrics, names[m]) < 0 && t->n_metrics < MAX_METRICS)
                t->metrics[t->n_metrics++] = names[m];
    }
    for (int m = 0; m < a->n_metrics; m++) t->metrics[t->n_metrics++] = a->metrics[m];
    t->n_shown = t->n_metrics;
    const char *plotted[2] = { a->y, a->reference };   /* collected for the plot even when not printed */
    for (int p = 0; p < 2; p++)
        if (plotted[p] && find_index((char *const *)t->metrics, t->n_metrics, plotted[p]) < 0 && t->n_metrics < MAX_METRICS)
            t->metrics[t->n_metrics++] = plotted[p];
    int units = 0;
    for (int i = 0; i < n; i++) {
        if (!im_record_ok(recs[i])) {
            t->skipped++;
            continue;
        }
        const char *unit = im_record_text(recs[i], "unit");
        if (unit && !units++) snprintf(t->unit, sizeof t->unit, "%s", unit);
        else if (unit && strcmp(unit, t->unit) != 0) t->unit[0] = '\0', units = -1000000;
        group *g = group_of(t, recs[i]);
        if (!g) return -1;
        for (int m = 0; m < t->n_metrics; m++) {
            double v;
            if (im_record_metric(recs[i], t->metrics[m], &v) && sample_add(&g->m[m], v)) return -1;
        }
    }
    return 0;
}

void report_free(table *t)
{
    for (int g = 0; g < t->n_groups; g++) {
        for (int k = 0; k < t->n_keys; k++) free(t->groups[g].values[k]);
        for (int m = 0; m < t->n_metrics; m++) free(t->groups[g].m[m].v);
    }
    for (int k = 0; k < t->n_keys; k++) free(t->keys[k]);
    free(t->groups);
}

static int is_number(const char *s)
{
    char *end;
    if (!s || !*s) return 0;
    im_strtod(s, &end);
    return *end == '\0';
}

/* The column key: --x, else the last grouping key whose values are all numbers. */
int column_key(const table *t, const report_args *a)
{
    if (a->x) return find_index(t->keys, t->n_keys, a->x);
    for (int k = t->n_keys - 1; k >= 0; k--) {
        int numeric = t->n_groups > 0;
        for (int g = 0; g < t->n_groups && numeric; g++) numeric = is_number(t->groups[g].values[k]);
        if (numeric) return k;
    }
    return -1;
}

/* The row label of a group: its values of every key but the column key. */
void row_label(const table *t, const group *g, int col_key, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < t->n_keys; k++) {
        if (k == col_key) continue;
        int w = snprintf(buf + used, size - used, "%s%s", used ? " " : "", g->values[k]);
        if (w > 0 && used + (size_t)w < size) used += (size_t)w;
    }
    if (!used) snprintf(buf, size, "all");
}
