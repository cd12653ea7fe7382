/* results.c — run records as JSON (jansson), written as JSONL atomically,
 * and the summary table. */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "infomin/kernels.h"
#include "infomin/output.h"
#include "infomin/results.h"
#include "config.h"   /* autoconf: PACKAGE_VERSION */
#include "record_config.h"
#include "../config/config_value.h"   /* im_parse_bool: the INI's spelling of a bool */

struct im_curve {
    json_t *rows;   /* borrowed from the record */
    int n_cols;
    FILE *stream;   /* with stream_curves: the curve's CSV, a line per row as it comes */
};

#define MAX_CURVES 16

struct im_record {
    json_t *root, *metrics, *curves;
    im_curve curve_handles[MAX_CURVES];
    const char *curve_names[MAX_CURVES];   /* keys owned by `curves` */
    int n_curves;
    json_t *config_text;   /* the configuration's values as text (record_config.h) */
    char *label;
    int run_index;
    char *nonfinite;   /* the first metric given a NaN or an infinity: never written */
    char *stream_base;   /* with stream_curves: <output>[-run<k>-<hash>], the curves' CSVs beside it */
};


im_record *im_record_new(const im_config *cfg, int run_index) { return im_record_new_typed(cfg, run_index, NULL); }

im_record *im_record_new_typed(const im_config *cfg, int run_index, const struct im_registry *reg)
{
    im_record *rec = calloc(1, sizeof *rec);
    if (!rec) return NULL;
    rec->root = json_object();
    rec->metrics = json_object();
    rec->curves = json_object();
    rec->run_index = run_index;
    json_object_set_new(rec->root, "infomin_version", json_string(PACKAGE_VERSION));
    char blas[96];
    json_object_set_new(rec->root, "blas", json_string(im_blas_kernels(blas, sizeof blas)));
    json_object_set_new(rec->root, "run", json_integer(run_index));
    json_object_set_new(rec->root, "ini", json_string(cfg->path ? cfg->path : ""));
    if (cfg->sweep_label) {
        json_object_set_new(rec->root, "sweep", json_string(cfg->sweep_label));
        rec->label = strdup(cfg->sweep_label);
    }
    json_object_set_new(rec->root, "config", record_config_json(cfg, reg));
    const im_config_entry *stream = im_config_find(cfg, "task", "stream_curves");
    int streaming = 0;
    if (stream && im_parse_bool(stream->value, &streaming) && streaming) {
        char base[4096];
        im_output_path(cfg, run_index, "", base, sizeof base);
        rec->stream_base = strdup(base);
    }
    rec->config_text = record_config_text(json_object_get(rec->root, "config"));
    json_object_set(rec->root, "metrics", rec->metrics);
    json_object_set(rec->root, "curves", rec->curves);
    return rec;
}

int im_record_run(const im_record *rec) { return rec ? rec->run_index : 0; }

void im_record_data_file(im_record *rec, const char *path, long long bytes, const char *sha256, const char *error)
{
    if (!rec) return;
    json_t *files = json_object_get(rec->root, "data_files");
    if (!files) json_object_set_new(rec->root, "data_files", files = json_array());
    json_t *entry = json_object();
    json_object_set_new(entry, "path", json_string(path));
    if (error) {
        json_object_set_new(entry, "error", json_string(error));
    } else {
        json_object_set_new(entry, "bytes", json_integer(bytes));
        json_object_set_new(entry, "sha256", json_string(sha256));
    }
    json_array_append_new(files, entry);
}

void im_record_free(im_record *rec)
{
    if (!rec) return;
    json_decref(rec->metrics);
    json_decref(rec->curves);
    json_decref(rec->root);
    json_decref(rec->config_text);
    for (int i = 0; i < rec->n_curves; i++)
        if (rec->curve_handles[i].stream) fclose(rec->curve_handles[i].stream);
    free(rec->stream_base);
    free(rec->label);
    free(rec->nonfinite);
    free(rec);
}

/* JSON has no NaN: a non-finite point of a curve is written as null
 * (metrics never are: im_record_num refuses them). */
static json_t *number(double v) { return isfinite(v) ? json_real(v) : json_null(); }

void im_record_num(im_record *rec, const char *key, double value)
{
    if (!rec) return;
    if (!isfinite(value)) {   /* refused: the run fails naming it (im_record_nonfinite) */
        if (!rec->nonfinite) rec->nonfinite = strdup(key);
        return;
    }
    /* a whole number as an integer (since 0.6: "n_test": 600, not 600.0;
     * a notebook reads a count as a count) */
    int whole = value == (double)(long long)value && fabs(value) < 9007199254740992.0;
    json_object_set_new(rec->metrics, key, whole ? json_integer((json_int_t)value) : json_real(value));
}

const char *im_record_nonfinite(const im_record *rec) { return rec ? rec->nonfinite : NULL; }

void im_record_str(im_record *rec, const char *key, const char *value)
{
    if (rec) json_object_set_new(rec->metrics, key, json_string(value));
}

const char *im_record_text(const im_record *rec, const char *key)
{
    json_t *v = json_object_get(rec->metrics, key);
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

int im_record_ok(const im_record *rec)
{
    json_t *v = json_object_get(rec->root, "status");
    return v && json_is_string(v) && strcmp(json_string_value(v), "ok") == 0;
}

int im_record_metric(const im_record *rec, const char *key, double *out)
{
    json_t *v = json_object_get(rec->metrics, key);
    if (!v || !json_is_number(v)) return 0;
    *out = json_number_value(v);
    return 1;
}

double im_record_value(const im_record *rec, const char *key)
{
    double v = NAN;
    return im_record_metric(rec, key, &v) ? v : NAN;
}

im_curve *im_record_curve(im_record *rec, const char *name, int n_cols, const char *const *cols)
{
    if (!rec || rec->n_curves == MAX_CURVES) return NULL;
    json_t *curve = json_object(), *columns = json_array(), *rows = json_array();
    for (int c = 0; c < n_cols; c++) json_array_append_new(columns, json_string(cols[c]));
    json_object_set_new(curve, "columns", columns);
    json_object_set_new(curve, "rows", rows);
    json_object_set_new(rec->curves, name, curve);
    const char *key;
    json_t *value;
    json_object_foreach(rec->curves, key, value)
    {
        if (value == curve) rec->curve_names[rec->n_curves] = key;
    }
    im_curve *h = &rec->curve_handles[rec->n_curves++];
    h->rows = rows;
    h->n_cols = n_cols;
    h->stream = NULL;
    if (rec->stream_base) {   /* a header now, a line per row: a long run can be plotted as it trains */
        char path[4200];
        snprintf(path, sizeof path, "%s-curve-%s.csv", rec->stream_base, name);
        if ((h->stream = fopen(path, "w")) != NULL) {
            for (int c = 0; c < n_cols; c++) fprintf(h->stream, "%s%s", c ? "," : "", cols[c]);
            fputc('\n', h->stream);
            fflush(h->stream);
        }
    }
    return h;
}

void im_curve_add(im_curve *curve, const double *row)
{
    if (!curve) return;
    json_t *r = json_array();
    for (int c = 0; c < curve->n_cols; c++) json_array_append_new(r, number(row[c]));
    json_array_append_new(curve->rows, r);
    if (curve->stream) {
        char line[2048], item[64];
        size_t used = 0;
        for (int c = 0; c < curve->n_cols && used < sizeof line - 70; c++) {
            snprintf(item, sizeof item, "%.9g", row[c]);   /* the digits the record keeps */
            used += (size_t)snprintf(line + used, sizeof line - used, "%s%s", c ? "," : "", item);
        }
        fprintf(curve->stream, "%s\n", line);   /* one write of a whole line, flushed */
        fflush(curve->stream);
    }
}

const im_curve *im_record_find_curve(const im_record *rec, const char *name)
{
    for (int i = 0; rec && i < rec->n_curves; i++)
        if (rec->curve_names[i] && strcmp(rec->curve_names[i], name) == 0) return &rec->curve_handles[i];
    return NULL;
}

int im_curve_rows(const im_curve *curve) { return curve ? (int)json_array_size(curve->rows) : 0; }
int im_curve_cols(const im_curve *curve) { return curve ? curve->n_cols : 0; }

double im_curve_get(const im_curve *curve, int row, int col)
{
    json_t *v = json_array_get(json_array_get(curve->rows, (size_t)row), (size_t)col);
    return v && json_is_number(v) ? json_number_value(v) : NAN;
}

/* The curve handles for a record whose curves came from JSON. */
static void attach_curves(im_record *rec)
{
    const char *key;
    json_t *value;
    rec->n_curves = 0;
    json_object_foreach(rec->curves, key, value)
    {
        json_t *rows = json_object_get(value, "rows"), *cols = json_object_get(value, "columns");
        if (rec->n_curves == MAX_CURVES || !json_is_array(rows) || !json_is_array(cols)) continue;
        rec->curve_names[rec->n_curves] = key;
        rec->curve_handles[rec->n_curves].rows = rows;
        rec->curve_handles[rec->n_curves].n_cols = (int)json_array_size(cols);
        rec->n_curves++;
    }
}

/* Replace a record's metrics and curves with (copies of) another's. */
static void take_results(im_record *rec, json_t *metrics, json_t *curves)
{
    json_decref(rec->metrics);
    json_decref(rec->curves);
    rec->metrics = metrics;
    rec->curves = curves;
    json_object_set(rec->root, "metrics", metrics);
    json_object_set(rec->root, "curves", curves);
    attach_curves(rec);
}

int im_record_metric_names(const im_record *rec, const char **names, int cap)
{
    const char *key;
    json_t *v;
    int n = 0;
    json_object_foreach(rec->metrics, key, v)
    {
        if (json_is_number(v) && n < cap) names[n++] = key;
    }
    return n;
}

const char *im_record_config_value(const im_record *rec, const char *section, const char *key)
{
    json_t *v = json_object_get(json_object_get(rec->config_text, section), key);
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

const char *im_record_label(const im_record *rec) { return rec ? rec->label : NULL; }

void im_record_meta(im_record *rec, const char *key, const char *value)
{
    if (rec) json_object_set_new(rec->root, key, json_string(value));
}

const char *im_record_get_meta(const im_record *rec, const char *key)
{
    json_t *v = rec ? json_object_get(rec->root, key) : NULL;
    return v && json_is_string(v) ? json_string_value(v) : NULL;
}

int im_record_get_meta_int(const im_record *rec, const char *key, long *out)
{
    json_t *v = rec ? json_object_get(rec->root, key) : NULL;
    if (!v || !json_is_integer(v)) return 0;
    *out = (long)json_integer_value(v);
    return 1;
}

void im_record_meta_int(im_record *rec, const char *key, long value)
{
    if (rec) json_object_set_new(rec->root, key, json_integer(value));
}

void im_record_adopt(im_record *rec, const im_record *from, const char *how)
{
    take_results(rec, json_deep_copy(from->metrics), json_deep_copy(from->curves));
    static const char *const copied[] = { "status", "error", "wall_seconds", "config_hash", "threads" };
    for (size_t i = 0; i < sizeof copied / sizeof *copied; i++) {
        json_t *v = json_object_get(from->root, copied[i]);
        if (v) json_object_set_new(rec->root, copied[i], json_deep_copy(v));
    }
    if (how) json_object_set_new(rec->root, how, json_integer(from->run_index));
}

im_record *im_record_parse(const char *text, char *err, size_t size)
{
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    json_t *run = root ? json_object_get(root, "run") : NULL;
    json_t *metrics = root ? json_object_get(root, "metrics") : NULL, *curves = root ? json_object_get(root, "curves") : NULL;
    const char *why = !root                                            ? jerr.text
                      : !json_is_object(root)                          ? "not a JSON object"
                      : !json_is_integer(run)                          ? "no integer 'run'"
                      : !json_is_object(metrics) || !json_is_object(curves) ? "no 'metrics' and 'curves' objects"
                                                                       : NULL;
    im_record *rec = why ? NULL : calloc(1, sizeof *rec);
    if (!rec) {
        snprintf(err, size, "%s", why ? why : "out of memory");
        json_decref(root);
        return NULL;
    }
    rec->root = root;
    rec->run_index = (int)json_integer_value(run);
    rec->metrics = json_incref(metrics);
    rec->curves = json_incref(curves);
    attach_curves(rec);
    rec->config_text = record_config_text(json_object_get(root, "config"));
    json_t *sweep = json_object_get(root, "sweep");
    if (json_is_string(sweep)) rec->label = strdup(json_string_value(sweep));
    return rec;
}

char *im_record_dump(const im_record *rec)
{
    return json_dumps(rec->root, JSON_COMPACT | JSON_REAL_PRECISION(9));
}

im_status im_results_read(im_ctx *ctx, const char *path, im_record ***out, int *n)
{
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL, err[256];
    size_t cap = 0;
    int line_no = 0, have = 0;
    im_status st = IM_OK;
    im_record **recs = NULL;
    while (!st && getline(&line, &cap, f) > 0) {
        line_no++;
        if (line[strspn(line, " \t\r\n")] == '\0') continue;
        if (*n == have) {
            have = have ? 2 * have : 64;
            im_record **grown = realloc(recs, sizeof *grown * (size_t)have);
            if (!grown) {
                st = im_fail(ctx, IM_ENOMEM, "%s: out of memory", path);
                break;
            }
            recs = grown;
        }
        recs[*n] = im_record_parse(line, err, sizeof err);
        if (!recs[*n])
            st = im_fail(ctx, IM_EIO, "%s:%d: not an infomin record: %s", path, line_no, err);
        else
            (*n)++;
    }
    free(line);
    fclose(f);
    if (st) {
        for (int i = 0; i < *n; i++) im_record_free(recs[i]);
        free(recs);
        *n = 0;
        return st;
    }
    *out = recs;
    return IM_OK;
}

void im_record_finish(im_record *rec, const char *status, const char *error, double wall_seconds)
{
    json_object_set_new(rec->root, "status", json_string(status));
    if (error && *error) json_object_set_new(rec->root, "error", json_string(error));
    json_object_set_new(rec->root, "wall_seconds", json_real(wall_seconds));
}

static int write_records(FILE *f, im_record *const *recs, int n)
{
    int bad = 0;
    for (int i = 0; i < n && !bad; i++)
        bad = json_dumpf(recs[i]->root, f, JSON_COMPACT | JSON_REAL_PRECISION(9)) != 0 || fputc('\n', f) == EOF;
    return bad || fflush(f) != 0;
}

/* The records into path. A regular file (or a new one) is replaced whole:
 * written to a temporary file beside it, synced, renamed over it, so a
 * crash or a full disk never leaves half a file. A symbolic link is
 * followed (its target is replaced, the link kept). Anything else that
 * exists (a device such as /dev/null, a FIFO) is written through: renaming
 * over it would replace /dev/null with a regular file. */
im_status im_results_write(im_ctx *ctx, const char *path, im_record *const *recs, int n)
{
    char tmp[PATH_MAX + 64], target[PATH_MAX];
    struct stat sb;
    if (strlen(path) >= PATH_MAX)
        return im_fail(ctx, IM_EIO, "%.200s...: a path of %zu characters, longer than the system's %d", path,
                       strlen(path), PATH_MAX - 1);
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode)) return im_fail(ctx, IM_EIO, "%s: is a directory, not a results file", path);
        FILE *f = fopen(path, "w");
        if (!f) return im_fail(ctx, IM_EIO, "%s: cannot write results: %s", path, strerror(errno));
        int bad = write_records(f, recs, n);
        bad |= fclose(f) != 0;
        return bad ? im_fail(ctx, IM_EIO, "%s: cannot write results: %s", path, strerror(errno)) : IM_OK;
    }
    struct stat lb;
    if (lstat(path, &lb) == 0 && S_ISLNK(lb.st_mode)) {   /* replace the target, keep the link */
        if (!realpath(path, target))
            return im_fail(ctx, IM_EIO, "%s: a link that cannot be followed: %s", path, strerror(errno));
        path = target;
    }
    im_status st = im_mkdir_parents(ctx, path);
    if (st) return st;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot write results: %s", path, strerror(errno));
    int bad = write_records(f, recs, n);
    bad |= fsync(fileno(f)) != 0;
    int err = errno;
    bad |= fclose(f) != 0;
    if (!bad) err = 0;
    if (bad || rename(tmp, path) != 0) {
        err = err ? err : errno;
        unlink(tmp);
        return im_fail(ctx, IM_EIO, "%s: cannot write results: %s", path, strerror(err));
    }
    return IM_OK;
}

void im_results_print_table(FILE *out, im_record *const *recs, int n) { im_results_print_summary(out, recs, n, NULL, 0); }

static int has_column(const char *const *cols, int n, const char *key)
{
    for (int c = 0; c < n; c++)
        if (strcmp(cols[c], key) == 0) return 1;
    return 0;
}

void im_results_print_summary(FILE *out, im_record *const *recs, int n, const char *const *headline, int limit)
{
    /* every scalar metric, in first-seen order; the shown ones first the
     * headline's (in its order, those some record has), else all of them */
    enum { MAX_COLS = 64 };
    const char *all[MAX_COLS], *cols[MAX_COLS];
    int n_all = 0, n_cols = 0;
    for (int i = 0; i < n; i++) {
        const char *key;
        json_t *v;
        json_object_foreach(recs[i]->metrics, key, v)
        {
            if (!json_is_number(v) && !json_is_null(v) && !json_is_string(v)) continue;
            if (!has_column(all, n_all, key) && n_all < MAX_COLS) all[n_all++] = key;
        }
    }
    for (const char *const *h = headline; h && *h && n_cols < MAX_COLS; h++)
        if (has_column(all, n_all, *h) && !has_column(cols, n_cols, *h)) cols[n_cols++] = *h;
    if (!headline)
        for (int c = 0; c < n_all; c++) cols[n_cols++] = all[c];
    /* each column as wide as its name and its values need (nothing is cut:
     * a cut sweep label or header reads as another one) */
    int label_width = 0, width[MAX_COLS];
    for (int i = 0; i < n; i++)
        if (recs[i]->label && (int)strlen(recs[i]->label) > label_width) label_width = (int)strlen(recs[i]->label);
    for (int c = 0; c < n_cols; c++) {
        width[c] = strlen(cols[c]) > 11 ? (int)strlen(cols[c]) : 11;
        for (int i = 0; i < n; i++) {
            json_t *v = json_object_get(recs[i]->metrics, cols[c]);
            if (v && json_is_string(v) && (int)strlen(json_string_value(v)) > width[c])
                width[c] = (int)strlen(json_string_value(v));
        }
    }
    /* as many columns as fit the width (one at least) */
    int used = 4 + (label_width ? 1 + label_width : 0), shown = 0;
    while (shown < n_cols && (limit <= 0 || shown == 0 || used + 1 + width[shown] <= limit)) used += 1 + width[shown++];
    int hidden = n_all - shown;
    n_cols = shown;
    fprintf(out, "%-4s", "run");
    if (label_width) fprintf(out, " %-*s", label_width, "sweep");
    for (int c = 0; c < n_cols; c++) fprintf(out, " %*s", width[c], cols[c]);
    fprintf(out, "\n");
    for (int i = 0; i < n; i++) {
        fprintf(out, "%-4d", recs[i]->run_index);
        if (label_width) fprintf(out, " %-*s", label_width, recs[i]->label ? recs[i]->label : "");
        for (int c = 0; c < n_cols; c++) {
            json_t *v = json_object_get(recs[i]->metrics, cols[c]);
            if (v && json_is_number(v))
                fprintf(out, " %*.5g", width[c], json_number_value(v));
            else if (v && json_is_string(v))
                fprintf(out, " %*s", width[c], json_string_value(v));
            else
                fprintf(out, " %*s", width[c], "-");
        }
        json_t *status = json_object_get(recs[i]->root, "status");
        if (status && strcmp(json_string_value(status), "ok") != 0) fprintf(out, "  (%s)", json_string_value(status));
        fprintf(out, "\n");
    }
    if (hidden > 0)
        fprintf(out, "(%d more metric%s in the results file: infomin-report FILE --runs)\n", hidden, hidden == 1 ? "" : "s");
}
