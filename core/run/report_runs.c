/* report_runs.c — `infomin-report --runs`: one flat row per record (run,
 * status, the value of every swept key, the metrics), the table a notebook
 * or a spreadsheet reads without regrouping. Numbers are written in the
 * shortest form that reads back to the same double, so the CSV reads back
 * into the values the records hold. */
#include <string.h>
#include "report.h"
#include "infomin/numtext.h"

#define RUNS_MAX_COLS (MAX_KEYS + MAX_METRICS + 2)

/* A CSV field: quoted when it holds a comma, a quote or a line end. */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* The text of column `name` of a record into buf ("" when it has none). */
static void cell(const im_record *rec, const char *name, int is_metric, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!strcmp(name, "run")) {
        snprintf(buf, size, "%d", im_record_run(rec));
    } else if (!strcmp(name, "status")) {
        const char *status = im_record_get_meta(rec, "status");
        snprintf(buf, size, "%s", status ? status : "");
    } else if (!is_metric) {
        const char *v = report_config_value(rec, name);
        if (v) snprintf(buf, size, "%s", v);
    } else {
        double v;
        const char *text = im_record_text(rec, name);
        if (im_record_metric(rec, name, &v))
            im_number_text(v, buf, size);
        else if (text)
            snprintf(buf, size, "%s", text);
    }
}

int report_runs(FILE *out, const report_args *a, im_record **recs, int n)
{
    const char *cols[RUNS_MAX_COLS];
    char keys[MAX_KEYS][128];
    int n_cols = 0, n_keys = 0, first_metric;
    cols[n_cols++] = "run";
    cols[n_cols++] = "status";
    for (int i = 0; i < n; i++) {   /* the swept keys, the seeds' included, first-seen order */
        char these[MAX_KEYS][128];
        int k = report_swept_keys(recs[i], these, MAX_KEYS);
        for (int j = 0; j < k; j++) {
            int seen = 0;
            for (int q = 0; q < n_keys; q++) seen |= !strcmp(keys[q], these[j]);
            if (!seen && n_keys < MAX_KEYS) memcpy(keys[n_keys++], these[j], sizeof keys[0]);
        }
    }
    for (int q = 0; q < n_keys; q++) cols[n_cols++] = keys[q];
    first_metric = n_cols;
    if (a->n_metrics) {
        for (int m = 0; m < a->n_metrics; m++) cols[n_cols++] = a->metrics[m];
    } else {
        for (int i = 0; i < n; i++) {
            const char *names[MAX_METRICS];
            int nm = im_record_metric_names(recs[i], names, MAX_METRICS);
            for (int m = 0; m < nm; m++) {
                int seen = 0;
                for (int c = first_metric; c < n_cols; c++) seen |= !strcmp(cols[c], names[m]);
                if (!seen && n_cols < RUNS_MAX_COLS) cols[n_cols++] = names[m];
            }
        }
    }
    int csv = !strcmp(a->format, "csv"), md = !strcmp(a->format, "md");
    int width[RUNS_MAX_COLS];
    char text[512];
    for (int c = 0; c < n_cols; c++) {   /* text: each column as wide as it needs */
        width[c] = (int)strlen(cols[c]);
        for (int i = 0; i < n && !csv && !md; i++) {
            cell(recs[i], cols[c], c >= first_metric, text, sizeof text);
            if ((int)strlen(text) > width[c]) width[c] = (int)strlen(text);
        }
    }
    for (int c = 0; c < n_cols; c++) {
        if (csv) {
            if (c) fputc(',', out);
            csv_field(out, cols[c]);
        } else if (md) {
            fprintf(out, "%s %s", c ? " |" : "|", cols[c]);
        } else {
            fprintf(out, "%s%*s", c ? "  " : "", c >= first_metric ? width[c] : -width[c], cols[c]);
        }
    }
    fputs(md ? " |\n|" : "\n", out);
    for (int c = 0; md && c < n_cols; c++) fputs(c >= first_metric ? "---:|" : "---|", out);
    if (md) fputc('\n', out);
    for (int i = 0; i < n; i++) {
        for (int c = 0; c < n_cols; c++) {
            cell(recs[i], cols[c], c >= first_metric, text, sizeof text);
            if (csv) {
                if (c) fputc(',', out);
                csv_field(out, text);
            } else if (md) {
                fprintf(out, "%s %s", c ? " |" : "|", *text ? text : "-");
            } else {   /* metrics right-aligned, keys left */
                fprintf(out, "%s%*s", c ? "  " : "", c >= first_metric ? width[c] : -width[c], *text ? text : "-");
            }
        }
        fputs(md ? " |\n" : "\n", out);
    }
    return 0;
}
