/* csv.c — dataset `csv`: the user's own data. Columns are chosen by 0-based
 * index lists (ranges allowed: x = 0..9, y = 10,12) or, since 0.6, by the
 * names of the header line (x = age, hours_per_week; ranges of names
 * first..last in the header's order); rows are shuffled with
 * the run's seed and split into train / validation / test (split = 0,0,1:
 * every row is a test row, for estimators that train nothing; since 0.6),
 * or, with split_column, split by a column of 0/1/2 in the file's order.
 * Every value must
 * be a finite number: an empty field, "?", "NA" or text stops the load with
 * the file, line and column named (impute before, or use a loader that knows
 * the data set's conventions). Optional standardisation uses the training
 * split's mean and standard deviation only. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "infomin/infomin.h"

#define MAX_COLS 1024   /* columns per variable, and the highest index + 1 (the keys' range 0..1023) */

static const im_param_spec csv_params[] = {
    { "path", "string", NULL, "the CSV file (${VAR} expands from the environment)", NULL },
    { "x", "columns", NULL, "columns of X: 0-based indices or header names (ranges a..b, first..last)", "0..1023" },
    { "y", "columns", NULL, "columns of Y: indices or header names", "0..1023" },
    { "t", "columns", NULL, "columns of T (optional nuisance): indices or header names", "0..1023" },
    { "header", "bool", "true", "the first line holds column names", NULL },
    { "delimiter", "string", ",", "field separator: one character, or 'tab'", NULL },
    { "standardize", "bool", "false", "standardise X and Y with the training split's statistics", NULL },
    IM_SPLIT_PARAM,
    IM_SPLIT_COLUMN_PARAM,
    IM_PARAMS_END
};

typedef struct {
    int cols[4][MAX_COLS], n_cols[4];   /* x, y, t, the split column */
    int max_col;
    double *rows;                       /* n x (nx + ny + nt) */
    long n, cap;
} table;

/* Parse one field as a number: NULL when it is one a float holds, else
 * why not. */
static const char *parse_number(const char *s, size_t len, double *out)
{
    char buf[128];
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
    if (!len || len >= sizeof buf) return "is not a finite number";
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    *out = im_strtod(buf, &end);
    if (*end != '\0' || !isfinite(*out)) return "is not a finite number";
    if (errno == ERANGE || fabs(*out) > FLT_MAX) return "is beyond the range of a float (3.4e38)";
    return NULL;
}

/* Split a line into fields (RFC 4180: a field may be quoted, "" inside
 * quotes is a quote, a quoted field may hold the delimiter); the spans of
 * the first `max` fields go into starts/lens, quotes removed. Returns the
 * number of fields, or -1 with *why set on a malformed quote. */
static int split_fields(const char *line, char delim, const char **starts, size_t *lens, int max, const char **why)
{
    int n = 0;
    for (const char *p = line;;) {
        const char *start = p, *end;
        if (*p == '"') {
            start = ++p;
            while (*p && !(*p == '"' && p[1] != '"')) p += *p == '"' ? 2 : 1;
            if (*p != '"') return *why = "a quote is not closed on this line", -1;
            end = p++;
            if (*p && *p != delim && *p != '\r' && *p != '\n') return *why = "text after a closing quote", -1;
        } else {
            while (*p && *p != delim && *p != '\n') p++;
            end = p;
        }
        if (n < max) {
            starts[n] = start;
            lens[n] = (size_t)(end - start);
        }
        n++;
        if (*p != delim) return n;
        p++;
    }
}

/* The names of the header line: trimmed, quotes removed, in names[0..n)
 * pointing into the caller's buffer `text`. */
typedef struct {
    char text[1 << 16];
    const char *names[MAX_COLS + 1];
    int n;
} header_names;

static im_status read_header(im_ctx *ctx, const char *path, char delim, header_names *h)
{
    FILE *f = fopen(path, "r");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t got = getline(&line, &cap, f);
    fclose(f);
    h->n = 0;
    if (got < 0) {
        free(line);
        return IM_OK;   /* an empty file: read_table says so */
    }
    const char *text = strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? line + 3 : line, *why = NULL;
    const char *starts[MAX_COLS + 1];
    size_t lens[MAX_COLS + 1], used = 0;
    int n = split_fields(text, delim, starts, lens, MAX_COLS + 1, &why);
    if (n < 0) {
        free(line);
        return im_fail(ctx, IM_EIO, "%s:1: the header line: %s", path, why);
    }
    for (int i = 0; i < n && i <= MAX_COLS; i++) {
        const char *s = starts[i];
        size_t len = lens[i];
        while (len && (*s == ' ' || *s == '\t')) s++, len--;
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n')) len--;
        if (used + len + 1 > sizeof h->text) break;
        memcpy(h->text + used, s, len);
        h->text[used + len] = '\0';
        h->names[h->n++] = h->text + used;
        used += len + 1;
    }
    free(line);
    return IM_OK;
}

static im_status read_table(im_ctx *ctx, const char *path, char delim, int header, table *t)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return im_fail(ctx, IM_EIO, "%s: is a directory, not a CSV file", path);
    FILE *f = fopen(path, "r");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot open: %s", path, strerror(errno));
    im_note_data_file(ctx, path);
    int width = t->n_cols[0] + t->n_cols[1] + t->n_cols[2] + t->n_cols[3];
    char *line = NULL;
    size_t line_cap = 0;
    long line_no = 0;
    im_status st = IM_OK;
    const char *starts[MAX_COLS + 1];
    size_t lens[MAX_COLS + 1];
    while (!st && getline(&line, &line_cap, f) != -1) {
        line_no++;
        const char *text = line;
        if (line_no == 1 && strncmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3;   /* a UTF-8 byte-order mark */
        if (header && line_no == 1) continue;
        if (text[0] == '\n' || (text[0] == '\r' && text[1] == '\n') || !text[0]) continue;   /* blank line */
        const char *why = NULL;
        int n_fields = split_fields(text, delim, starts, lens, MAX_COLS + 1, &why);
        if (n_fields < 0) {
            st = im_fail(ctx, IM_EIO, "%s:%ld: %s", path, line_no, why);
            break;
        }
        if (n_fields <= t->max_col) {
            st = im_fail(ctx, IM_EIO, "%s:%ld: %d fields, but column %d is asked for", path, line_no, n_fields,
                         t->max_col);
            break;
        }
        if (t->n == t->cap) {
            long cap = t->cap ? 2 * t->cap : 1024;
            double *rows = realloc(t->rows, sizeof(double) * (size_t)cap * width);
            if (!rows) {
                st = im_fail(ctx, IM_ENOMEM, "%s: out of memory at line %ld", path, line_no);
                break;
            }
            t->rows = rows;
            t->cap = cap;
        }
        double *row = t->rows + t->n * width;
        for (int g = 0, k = 0; g < 4 && !st; g++)
            for (int c = 0; c < t->n_cols[g]; c++, k++) {
                int col = t->cols[g][c];
                const char *bad = parse_number(starts[col], lens[col], &row[k]);
                if (bad)
                    st = im_fail(ctx, IM_EIO, "%s:%ld: column %d: '%.*s' %s", path, line_no, col,
                                 (int)(lens[col] < 40 ? lens[col] : 40), starts[col], bad);
            }
        if (!st) t->n++;
    }
    free(line);
    fclose(f);
    if (!st && t->n < 4) st = im_fail(ctx, IM_EIO, "%s: %ld data rows (need at least 4)", path, t->n);
    return st;
}

/* The columns of key into group g (0 x, 1 y, 2 t, 3 the split column);
 * validated already. */
static im_status read_cols(im_ctx *ctx, const im_section *sec, const char *key, const header_names *h, table *t, int g)
{
    if (!im_section_has(sec, key)) return IM_OK;   /* only t is optional (csv_validate) */
    im_status st = im_section_columns(ctx, sec, key, h ? h->names : NULL, h ? h->n : 0, t->cols[g], MAX_COLS,
                                      &t->n_cols[g]);
    for (int c = 0; !st && c < t->n_cols[g]; c++) t->max_col = t->cols[g][c] > t->max_col ? t->cols[g][c] : t->max_col;
    return st;
}

/* The delimiter: one character or 'tab'. */
static char delimiter_of(const char *name) { return strcmp(name, "tab") == 0 ? '\t' : (name[0] && !name[1] ? name[0] : 0); }

/* The columns x, y and t name into t (names against the header line, read
 * here: a misspelt one stops the validation, not a run). */
static im_status resolve_columns(im_ctx *ctx, const im_section *sec, const char *delim_name, table *t)
{
    char path[4096];
    int header;
    header_names *h = NULL;
    im_status st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_section_bool(ctx, sec, "header", &header);
    if (!st && header && !(h = malloc(sizeof *h))) st = im_fail(ctx, IM_ENOMEM, "csv: out of memory");
    if (!st && h) st = read_header(ctx, path, delimiter_of(delim_name), h);
    if (!st) st = read_cols(ctx, sec, "x", h, t, 0);
    if (!st) st = read_cols(ctx, sec, "y", h, t, 1);
    if (!st) st = read_cols(ctx, sec, "t", h, t, 2);
    if (!st) st = read_cols(ctx, sec, "split_column", h, t, 3);
    if (!st && t->n_cols[3] > 1) st = im_section_fail(ctx, sec, "split_column", "one column, got %d", t->n_cols[3]);
    free(h);
    return st;
}

/* x and y name columns, and no column is in two of x, y, t and the split
 * column: X and Y
 * sharing a column have infinite MI, and a T inside X or Y is no nuisance
 * to remove. */
static im_status check_disjoint(im_ctx *ctx, const im_section *sec, const table *t)
{
    static const char *const keys[4] = { "x", "y", "t", "split_column" };
    im_status st = IM_OK;
    for (int g = 0; g < 2 && !st; g++)
        if (t->n_cols[g] == 0) st = im_section_fail(ctx, sec, keys[g], "no columns");
    for (int a = 0; a < 4 && !st; a++)
        for (int b = a + 1; b < 4 && !st; b++)
            for (int i = 0; i < t->n_cols[a] && !st; i++)
                for (int j = 0; j < t->n_cols[b] && !st; j++)
                    if (t->cols[a][i] == t->cols[b][j])
                        st = im_section_fail(ctx, sec, keys[b], "column %d is also in %s: %s and %s must not share columns%s",
                                             t->cols[b][j], keys[a], keys[a], keys[b],
                                             b == 1 ? " (the MI of a variable with itself is infinite)" : "");
    return st;
}

/* Rules across keys, before any run: the split, the file there to read,
 * the delimiter, x and y given, resolved into t and disjoint. */
static im_status check_rules(im_ctx *ctx, const im_section *sec, table *t)
{
    const char *delim_name;
    im_status st = im_own_rows_check(ctx, sec);
    if (!st) st = im_file_validate(ctx, sec, "path", NULL);
    if (!st) st = im_section_string(ctx, sec, "delimiter", &delim_name);
    if (!st && !delimiter_of(delim_name))
        st = im_section_fail(ctx, sec, "delimiter", "one character or 'tab', got '%s'", delim_name);
    if (!st && !im_section_has(sec, "x"))
        st = im_section_fail(ctx, sec, "x", "required: the columns of X (e.g. x = 0..3, or x = age, income)");
    if (!st && !im_section_has(sec, "y"))
        st = im_section_fail(ctx, sec, "y", "required: the columns of Y (e.g. y = 4, or y = score)");
    if (!st) st = resolve_columns(ctx, sec, delim_name, t);
    if (!st) st = check_disjoint(ctx, sec, t);
    return st;
}

static im_status csv_validate(im_ctx *ctx, const im_section *sec)
{
    table t = { 0 };
    return check_rules(ctx, sec, &t);
}

static im_status csv_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    table t = { 0 };
    char path[4096];
    const char *delim_name;
    int header;
    im_status st = check_rules(ctx, sec, &t);   /* a direct caller may have skipped validation */
    if (!st) st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_section_string(ctx, sec, "delimiter", &delim_name);
    if (!st) st = im_section_bool(ctx, sec, "header", &header);
    if (!st) st = read_table(ctx, path, delimiter_of(delim_name), header, &t);
    if (!st) st = im_own_rows_dataset(ctx, sec, rng, t.rows, t.n, t.n_cols, path, ds);
    free(t.rows);
    return st;
}

static const im_dataset_vt csv_vt = { IM_VT_SIZE(im_dataset_vt), .create = csv_create };
static const im_plugin csv = IM_PLUGIN(IM_DATASET, "csv", "your own data: X, Y (and T) columns of a CSV file",
                               csv_params, &csv_vt, .validate = csv_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &csv, NULL };
