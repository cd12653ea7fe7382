/* results.c — run records as JSON (jansson), written as JSONL atomically,
 * and the summary table. */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infomin/output.h"
#include "infomin/results.h"
#include "config.h"   /* autoconf: PACKAGE_VERSION */

struct im_curve {
    json_t *rows;   /* borrowed from the record */
    int n_cols;
};

#define MAX_CURVES 16

struct im_record {
    json_t *root, *metrics, *curves;
    im_curve curve_handles[MAX_CURVES];
    const char *curve_names[MAX_CURVES];   /* keys owned by `curves` */
    int n_curves;
    char *label;
    int run_index;
    char *nonfinite;   /* the first metric given a NaN or an infinity: never written */
};

const char *im_version(void) { return PACKAGE_VERSION; }

/* The resolved config: {section: {key: value}}; values stay strings, as
 * written, so a record can be turned back into an INI file. */
static json_t *config_json(const im_config *cfg)
{
    json_t *obj = json_object();
    for (int i = 0; i < cfg->count; i++) {
        const im_config_entry *e = &cfg->entries[i];
        json_t *sec = json_object_get(obj, e->section);
        if (!sec) {
            sec = json_object();
            json_object_set_new(obj, e->section, sec);
        }
        json_object_set_new(sec, e->key, json_string(e->value));
    }
    return obj;
}

im_record *im_record_new(const im_config *cfg, int run_index)
{
    im_record *rec = calloc(1, sizeof *rec);
    if (!rec) return NULL;
    rec->root = json_object();
    rec->metrics = json_object();
    rec->curves = json_object();
    rec->run_index = run_index;
    json_object_set_new(rec->root, "infomin_version", json_string(PACKAGE_VERSION));
    json_object_set_new(rec->root, "run", json_integer(run_index));
    json_object_set_new(rec->root, "ini", json_string(cfg->path ? cfg->path : ""));
    if (cfg->sweep_label) {
        json_object_set_new(rec->root, "sweep", json_string(cfg->sweep_label));
        rec->label = strdup(cfg->sweep_label);
    }
    json_object_set_new(rec->root, "config", config_json(cfg));
    json_object_set(rec->root, "metrics", rec->metrics);
    json_object_set(rec->root, "curves", rec->curves);
    return rec;
}

int im_record_run(const im_record *rec) { return rec ? rec->run_index : 0; }

void im_record_free(im_record *rec)
{
    if (!rec) return;
    json_decref(rec->metrics);
    json_decref(rec->curves);
    json_decref(rec->root);
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
    json_object_set_new(rec->metrics, key, json_real(value));
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
    return h;
}

void im_curve_add(im_curve *curve, const double *row)
{
    if (!curve) return;
    json_t *r = json_array();
    for (int c = 0; c < curve->n_cols; c++) json_array_append_new(r, number(row[c]));
    json_array_append_new(curve->rows, r);
}

const im_curve *im_record_find_curve(const im_record *rec, const char *name)
{
    for (int i = 0; rec && i < rec->n_curves; i++)
        if (rec->curve_names[i] && strcmp(rec->curve_names[i], name) == 0) return &rec->curve_handles[i];
    return NULL;
}

int im_curve_rows(const im_curve *curve) { return curve ? (int)json_array_size(curve->rows) : 0; }

double im_curve_get(const im_curve *curve, int row, int col)
{
    json_t *v = json_array_get(json_array_get(curve->rows, (size_t)row), (size_t)col);
    return v && json_is_number(v) ? json_number_value(v) : NAN;
}

void im_record_finish(im_record *rec, const char *status, const char *error, double wall_seconds)
{
    json_object_set_new(rec->root, "status", json_string(status));
    if (error && *error) json_object_set_new(rec->root, "error", json_string(error));
    json_object_set_new(rec->root, "wall_seconds", json_real(wall_seconds));
}

im_status im_results_write(im_ctx *ctx, const char *path, im_record *const *recs, int n)
{
    char tmp[4096];
    im_status st = im_mkdir_parents(ctx, path);
    if (st) return st;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    int bad = 0;
    for (int i = 0; i < n && !bad; i++)
        bad = json_dumpf(recs[i]->root, f, JSON_COMPACT | JSON_REAL_PRECISION(9)) != 0 || fputc('\n', f) == EOF;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int err = errno;
        unlink(tmp);
        return im_fail(ctx, IM_EIO, "%s: cannot write results: %s", path, strerror(err));
    }
    return IM_OK;
}

void im_results_print_table(FILE *out, im_record *const *recs, int n)
{
    /* columns: the union of scalar metric names, in first-seen order */
    const char *cols[32];
    int n_cols = 0;
    for (int i = 0; i < n; i++) {
        const char *key;
        json_t *v;
        json_object_foreach(recs[i]->metrics, key, v)
        {
            if (!json_is_number(v) && !json_is_null(v) && !json_is_string(v)) continue;
            int seen = 0;
            for (int c = 0; c < n_cols; c++) seen |= strcmp(cols[c], key) == 0;
            if (!seen && n_cols < 32) cols[n_cols++] = key;
        }
    }
    /* each column as wide as its name and its values need (nothing is cut:
     * a cut sweep label or header reads as another one) */
    int label_width = 0, width[32];
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
}
