/* report.h — infomin-report's table (internal to core/run): records
 * grouped by their swept keys, each metric's values per group, and the
 * statistics and labels the printers and the plot read (report_table.c). */
#ifndef INFOMIN_REPORT_H
#define INFOMIN_REPORT_H

#include <stddef.h>
#include <stdio.h>
#include "infomin/infomin.h"

#define MAX_KEYS 16
#define MAX_METRICS 64
#define MAX_FILES 64

typedef struct {
    const char *over, *format, *plot, *x, *y, *reference, *reference_label, *title, *x_label, *y_label;
    const char *metrics[MAX_METRICS];
    int n_metrics;
    int runs;   /* --runs: one flat row per run */
    const char *files[MAX_FILES];
    int n_files;
} report_args;

/* Values of one metric over the records of one group. */
typedef struct {
    double *v;
    int n, cap;
} sample;

typedef struct {
    char *values[MAX_KEYS];   /* of the grouping keys */
    sample m[MAX_METRICS];
} group;

typedef struct {
    char *keys[MAX_KEYS];     /* swept keys but `over`, first-seen order */
    int n_keys;
    const char *metrics[MAX_METRICS];
    int n_metrics, n_shown;   /* metrics collected; the first n_shown are printed */
    group *groups;
    int n_groups, cap_groups;
    char unit[32];            /* the records' "unit" when they agree */
    int skipped;              /* records not ok */
} table;

/* Swept keys (but a->over) and metrics (a->metrics, else every numeric one,
 * plus the plotted y and reference) over every record, then each record
 * that finished ok into its group. 0, or −1 without memory. */
int report_build(table *t, const report_args *a, im_record **recs, int n);
/* The keys of a record's sweep label ("estimator.plugin", "task.seed"), at
 * most cap; the count. */
int report_swept_keys(const im_record *rec, char keys[][128], int cap);
/* The configuration value of "section.key" as the record holds it, or NULL. */
const char *report_config_value(const im_record *rec, const char *dotted);
/* --runs: one row per record (run, status, every swept key, the metrics:
 * a->metrics, else every numeric one) in a->format (report_runs.c). */
int report_runs(FILE *out, const report_args *a, im_record **recs, int n);
void report_free(table *t);
void sample_stats(const sample *s, double *mean, double *sd);
int find_index(char *const *list, int n, const char *s);
/* The column key: a->x, else the last grouping key whose values are all
 * numbers; −1 if none. */
int column_key(const table *t, const report_args *a);
/* The row label of a group: its values of every key but the column key. */
void row_label(const table *t, const group *g, int col_key, char *buf, size_t size);

#endif
