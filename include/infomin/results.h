/* results.h — one record per run: the resolved config, scalar metrics,
 * curves, wall time and the build's version. Records are written as JSONL
 * (one JSON object per line) to a temporary file and renamed into place, so
 * a crash never leaves half a file. JSON through jansson. */
#ifndef INFOMIN_RESULTS_H
#define INFOMIN_RESULTS_H

#include "api.h"
#include "version.h"   /* im_version(): recorded in every record */
#include <stdio.h>
#include "cfg.h"
#include "status.h"


typedef struct im_record im_record;
typedef struct im_curve im_curve;

IM_API im_record *im_record_new(const im_config *cfg, int run_index);
/* since 0.6: the same with the configuration written as the keys' plugins
 * in reg declare them (numbers as numbers, lists as lists, integers as
 * integers; strings and undeclared keys as text): what infomin-run writes.
 * im_record_config_value gives the text of either. */
struct im_registry;
IM_API im_record *im_record_new_typed(const im_config *cfg, int run_index, const struct im_registry *reg);
/* since 0.6: one entry of the record's "data_files": the path, its size
 * and SHA-256 (hex), or why it could not be read (error not NULL). */
IM_API void im_record_data_file(im_record *rec, const char *path, long long bytes, const char *sha256,
                                const char *error);
IM_API void im_record_free(im_record *rec);
/* A scalar metric. A NaN or infinity is never recorded: the record keeps
 * the first such key, and infomin-run fails the run naming it. */
IM_API void im_record_num(im_record *rec, const char *key, double value);
IM_API const char *im_record_nonfinite(const im_record *rec);   /* NULL when every metric was finite */
IM_API void im_record_str(im_record *rec, const char *key, const char *value);
/* A named table of rows, e.g. columns {"step", "train", "val"}. */
IM_API im_curve *im_record_curve(im_record *rec, const char *name, int n_cols, const char *const *cols);
IM_API void im_curve_add(im_curve *curve, const double *row);
IM_API int im_curve_rows(const im_curve *curve);
IM_API int im_curve_cols(const im_curve *curve);
IM_API const im_curve *im_record_find_curve(const im_record *rec, const char *name);   /* NULL if absent */
IM_API double im_curve_get(const im_curve *curve, int row, int col);
IM_API void im_record_finish(im_record *rec, const char *status, const char *error, double wall_seconds);
IM_API int im_record_metric(const im_record *rec, const char *key, double *out);
IM_API double im_record_value(const im_record *rec, const char *key);   /* the metric, or NaN */
IM_API const char *im_record_text(const im_record *rec, const char *key);   /* a string metric, or NULL */
IM_API int im_record_ok(const im_record *rec);                              /* finished with status ok */

IM_API int im_record_run(const im_record *rec);
/* A string at the record's top level beside run, sweep and config
 * ("config_hash", "ignored"), and reading one back (NULL if absent). */
IM_API void im_record_meta(im_record *rec, const char *key, const char *value);
IM_API const char *im_record_get_meta(const im_record *rec, const char *key);
/* An integer at the top level ("same_as": the run whose record this one
 * repeats; "threads": the threads its products were split over, since
 * 0.6), and reading one back: 1 and *out when present. */
IM_API void im_record_meta_int(im_record *rec, const char *key, long value);
IM_API int im_record_get_meta_int(const im_record *rec, const char *key, long *out);
/* rec takes a copy of from's results (metrics, curves, status, error, wall
 * time, hash) and keeps its own run, sweep and config; `how` (e.g.
 * "same_as", "resumed_from"; may be NULL) records from's run index. */
IM_API void im_record_adopt(im_record *rec, const im_record *from, const char *how);
/* The names of the record's numeric metrics, in the order written (at
 * most cap; the strings live as long as the record); the count. */
IM_API int im_record_metric_names(const im_record *rec, const char **names, int cap);
/* A value of the record's configuration as written ("estimator", "plugin"), or NULL. */
IM_API const char *im_record_config_value(const im_record *rec, const char *section, const char *key);
/* The sweep label ("estimator.plugin=club task.seed=2"), or NULL. */
IM_API const char *im_record_label(const im_record *rec);
/* One JSONL line back into a record; NULL with the reason in err. */
IM_API im_record *im_record_parse(const char *text, char *err, size_t size);
/* The record as one line of JSON (malloc'd, no newline; NULL: no memory). */
IM_API char *im_record_dump(const im_record *rec);
/* Every record of a JSONL file; errors name file:line. Free each record
 * and the array. */
IM_API im_status im_results_read(im_ctx *ctx, const char *path, im_record ***recs, int *n);

/* Write every record, one per line, atomically (tmp file + rename). */
IM_API im_status im_results_write(im_ctx *ctx, const char *path, im_record *const *recs, int n);
/* A compact table: run, swept keys, scalar metrics. */
IM_API void im_results_print_table(FILE *out, im_record *const *recs, int n);
/* since 0.6: the same table within `width` characters (0: no limit): the
 * metrics of `headline` (NULL-terminated; NULL: every metric in the order
 * recorded) as many as fit, and a line saying how many more the records
 * hold. */
IM_API void im_results_print_summary(FILE *out, im_record *const *recs, int n, const char *const *headline, int width);

#endif
