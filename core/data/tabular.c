/* tabular.c — reading text tables and splitting data sets. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "infomin/datafiles.h"
#include "infomin/rng.h"
#include "infomin/tabular.h"
#include "infomin/numtext.h"

void im_table_free(im_table *t)
{
    if (t->rows)
        for (int r = 0; r < t->n_rows; r++) free(t->rows[r]);
    free(t->rows);
    free(t->n_fields);
    free(t->line);
    free(t->text);
    memset(t, 0, sizeof *t);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) *--end = '\0';
    return s;
}

im_status im_table_read(im_ctx *ctx, const char *path, char sep, char comment, im_table *t)
{
    memset(t, 0, sizeof *t);
    t->path = path;
    FILE *f = fopen(path, "rb");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot open: %s", path, strerror(errno));
    im_note_data_file(ctx, path);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    t->text = malloc((size_t)size + 1);
    if (!t->text || fread(t->text, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        im_table_free(t);
        return im_fail(ctx, IM_EIO, "%s: cannot read", path);
    }
    fclose(f);
    t->text[size] = '\0';
    long lines = 1;
    for (long i = 0; i < size; i++) lines += t->text[i] == '\n';
    t->rows = calloc((size_t)lines, sizeof *t->rows);
    t->n_fields = calloc((size_t)lines, sizeof *t->n_fields);
    t->line = calloc((size_t)lines, sizeof *t->line);
    if (!t->rows || !t->n_fields || !t->line) {
        im_table_free(t);
        return im_fail(ctx, IM_ENOMEM, "%s: out of memory", path);
    }
    int line_no = 0;
    for (char *p = t->text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = '\0';
        line_no++;
        char *line = trim(p);
        p = nl ? nl + 1 : NULL;
        if (!*line || (comment && *line == comment)) continue;
        int fields = 1;
        for (char *c = line; *c; c++) fields += *c == sep;
        char **row = malloc(sizeof(char *) * (size_t)fields);
        if (!row) {
            im_table_free(t);
            return im_fail(ctx, IM_ENOMEM, "%s: out of memory", path);
        }
        int k = 0;
        for (char *field = line;; k++) {
            char *s = strchr(field, sep);
            if (s) *s = '\0';
            row[k] = trim(field);
            if (!s) break;
            field = s + 1;
        }
        t->rows[t->n_rows] = row;
        t->n_fields[t->n_rows] = fields;
        t->line[t->n_rows] = line_no;
        t->n_rows++;
    }
    return IM_OK;
}

int im_table_column(const im_table *t, const char *name)
{
    if (t->n_rows == 0) return -1;
    for (int f = 0; f < t->n_fields[0]; f++)
        if (strcmp(t->rows[0][f], name) == 0) return f;
    return -1;
}

im_status im_table_number(im_ctx *ctx, const im_table *t, int row, int col, const char *col_name, double *out)
{
    if (col >= t->n_fields[row])
        return im_fail(ctx, IM_EIO, "%s:%d: %d fields, column %d (%s) missing", t->path, t->line[row], t->n_fields[row],
                       col, col_name);
    const char *s = t->rows[row][col];
    char *end;
    errno = 0;
    double v = im_strtod(s, &end);
    if (!*s || *end || errno == ERANGE || !isfinite(v))
        return im_fail(ctx, IM_EIO, "%s:%d: column %d (%s): '%s' is not a finite number", t->path, t->line[row], col,
                       col_name, s);
    *out = v;
    return IM_OK;
}

im_status im_file_validate(im_ctx *ctx, const im_section *sec, const char *key, const char *path)
{
    char buf[4096];
    im_status st = path ? IM_OK : im_section_path(ctx, sec, key, buf, sizeof buf);
    if (st) return st;
    if (!path) path = buf;
    struct stat sb;
    if (stat(path, &sb) != 0) return im_section_fail(ctx, sec, key, "%s: %s", path, strerror(errno));
    if (S_ISDIR(sb.st_mode)) return im_section_fail(ctx, sec, key, "%s: is a directory, not a data file", path);
    if (access(path, R_OK) != 0) return im_section_fail(ctx, sec, key, "%s: cannot read: %s", path, strerror(errno));
    return IM_OK;
}

im_status im_companion_path(im_ctx *ctx, const im_section *sec, const char *key, const char *data_path,
                            im_companion_fn derive, char *out, size_t size)
{
    im_status st = im_section_path(ctx, sec, key, out, size);
    if (!st && !*out) derive(data_path, out, size);
    return st;
}

im_status im_tabular_validate(im_ctx *ctx, const im_section *sec, const char *companion_key, im_companion_fn derive)
{
    char path[4096], companion[4096];
    im_status st = im_split_validate(ctx, sec);
    if (!st) st = im_file_validate(ctx, sec, "path", NULL);
    if (st || !companion_key) return st;
    st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_companion_path(ctx, sec, companion_key, path, derive, companion, sizeof companion);
    if (!st) st = im_file_validate(ctx, sec, im_section_has(sec, companion_key) ? companion_key : "path", companion);
    return st;
}

im_status im_split_validate(im_ctx *ctx, const im_section *sec) { return im_split_check(ctx, sec, 0); }

im_status im_split_check(im_ctx *ctx, const im_section *sec, int training_optional)
{
    double split[3];
    int count;
    im_status st = im_section_floats(ctx, sec, "split", split, 3, &count);
    if (st) return st;
    if (count != 3)
        return im_section_fail(ctx, sec, "split", "three fractions (train, validation, test), got %d", count);
    if (fabs(split[0] + split[1] + split[2] - 1) > 1e-6)
        return im_section_fail(ctx, sec, "split", "the fractions %g,%g,%g sum to %g, not 1", split[0], split[1],
                               split[2], split[0] + split[1] + split[2]);
    if (split[2] == 0) return im_section_fail(ctx, sec, "split", "the test split is empty (the estimate reads it)");
    if (split[0] == 0 && !training_optional)
        return im_section_fail(ctx, sec, "split", "the training split is empty (this dataset's columns are scaled "
                                                  "with training statistics)");
    return IM_OK;
}

im_status im_split_sizes(im_ctx *ctx, const im_section *sec, int n_rows, int n[3])
{
    double split[3];
    int count;
    im_status st = im_section_floats(ctx, sec, "split", split, 3, &count);
    if (st) return st;
    if (count != 3 || fabs(split[0] + split[1] + split[2] - 1) > 1e-6)
        return im_fail(ctx, IM_ECONFIG, "%s: [%s] split: three fractions summing to 1, please", sec->cfg->path, sec->name);
    n[0] = (int)(n_rows * split[0]);
    n[1] = (int)(n_rows * split[1]);
    n[2] = n_rows - n[0] - n[1];
    if ((n[0] < 2 && split[0] > 0) || n[2] < 2)
        return im_fail(ctx, IM_EINVAL, "%s: [%s] split %g,%g,%g of %d rows leaves %d training and %d test rows (each needs 2)",
                       sec->cfg->path, sec->name, split[0], split[1], split[2], n_rows, n[0], n[2]);
    return IM_OK;
}

void im_standardize_columns(im_dataset *ds, const int *cols, int n_cols)
{
    for (int k = 0; k < n_cols; k++) im_standardize_column(ds, IM_ROLE_X, cols[k]);
}

im_status im_tabular_finish(im_ctx *ctx, im_dataset *ds, int binarize, int t_binary)
{
    for (int c = 0; c < ds->train.x.cols; c++) im_standardize_column(ds, IM_ROLE_X, c);
    if (binarize)
        im_binarize_column(ds, IM_ROLE_Y, 0);
    else
        im_standardize_column(ds, IM_ROLE_Y, 0);
    if (t_binary)
        im_binarize_column(ds, IM_ROLE_T, 0);
    else
        im_standardize_column(ds, IM_ROLE_T, 0);
    ds->y_kind = binarize ? IM_VAR_BINARY : IM_VAR_CONTINUOUS;
    ds->t_kind = t_binary ? IM_VAR_BINARY : IM_VAR_CONTINUOUS;
    ds->y_classes = binarize ? 2 : 0;
    ds->t_classes = t_binary ? 2 : 0;
    return IM_OK;
}

im_status im_own_rows_check(im_ctx *ctx, const im_section *sec)
{
    double split[3];
    int count, standardize, by_column = im_section_has(sec, "split_column");
    if (by_column && im_section_has(sec, "split"))
        return im_section_fail(ctx, sec, "split", "split_column gives the split: one or the other");
    im_status st = by_column ? IM_OK : im_split_check(ctx, sec, 1);
    if (!st) st = im_section_floats(ctx, sec, "split", split, 3, &count);
    if (!st) st = im_section_bool(ctx, sec, "standardize", &standardize);
    if (!st && !by_column && split[0] == 0 && standardize)
        st = im_section_fail(ctx, sec, "standardize", "needs training rows to take the mean and sd from (split = %g,%g,%g)",
                             split[0], split[1], split[2]);
    return st;
}

/* The rows of each split: by the split column (file order), else a seeded
 * permutation cut by the `split` fractions. order[] lists the rows of
 * train, then validation, then test. */
static im_status split_order(im_ctx *ctx, const im_section *sec, im_rng *rng, const double *rows, long n, int width,
                             int has_column, const char *what, int *order, int parts[3])
{
    if (!has_column) {
        im_status st = im_split_sizes(ctx, sec, (int)n, parts);
        if (!st) im_rng_permutation(rng, order, (int)n);
        return st;
    }
    parts[0] = parts[1] = parts[2] = 0;
    for (long r = 0; r < n; r++) {
        double v = rows[r * width + width - 1];
        if (v != 0 && v != 1 && v != 2)
            return im_fail(ctx, IM_EIO, "%s: row %ld: split column value %g (0 train, 1 validation, 2 test)", what, r, v);
        parts[(int)v]++;
    }
    if (parts[2] < 2 || parts[0] == 1)
        return im_fail(ctx, IM_EINVAL, "%s: the split column gives %d training and %d test rows (test needs 2; "
                       "training none or at least 2)", what, parts[0], parts[2]);
    int next[3] = { 0, parts[0], parts[0] + parts[1] };
    for (long r = 0; r < n; r++) order[next[(int)rows[r * width + width - 1]]++] = (int)r;
    return IM_OK;
}

im_status im_own_rows_dataset(im_ctx *ctx, const im_section *sec, im_rng *rng, const double *rows, long n,
                              const int n_cols[4], const char *what, im_dataset *ds)
{
    int parts[3], standardize;
    if (n > INT_MAX) return im_fail(ctx, IM_EINVAL, "%s: %ld rows (at most %d)", what, n, INT_MAX);
    int width = n_cols[0] + n_cols[1] + n_cols[2] + n_cols[3];
    int *order = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!order) return im_fail(ctx, IM_ENOMEM, "%s: out of memory", what);
    im_status st = im_section_bool(ctx, sec, "standardize", &standardize);
    if (!st) st = split_order(ctx, sec, rng, rows, n, width, n_cols[3], what, order, parts);
    if (!st && standardize && parts[0] < 2)
        st = im_section_fail(ctx, sec, "standardize", "needs training rows to take the mean and sd from (the split "
                             "column gives %d)", parts[0]);
    if (!st) st = im_dataset_alloc(ctx, ds, parts, n_cols[0], n_cols[1], n_cols[2]);
    if (st) {
        free(order);
        return st;
    }
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    long next = 0;
    for (int s = 0; s < 3; s++)
        for (int r = 0; r < parts[s]; r++, next++) {
            const double *row = rows + (long)order[next] * width;
            im_mat *mats[3] = { &splits[s]->x, &splits[s]->y, &splits[s]->t };
            for (int g = 0, k = 0; g < 3; g++)
                for (int c = 0; c < n_cols[g]; c++, k++) im_mat_row(mats[g], r)[c] = (im_real)row[k];
        }
    for (int c = 0; standardize && c < n_cols[0]; c++) im_standardize_column(ds, IM_ROLE_X, c);
    for (int c = 0; standardize && c < n_cols[1]; c++) im_standardize_column(ds, IM_ROLE_Y, c);
    ds->y_kind = IM_VAR_CONTINUOUS;
    ds->t_kind = n_cols[2] ? IM_VAR_CONTINUOUS : IM_VAR_NONE;
    if (ctx->verbose) fprintf(stderr, "%s: %ld rows -> %d / %d / %d\n", what, n, parts[0], parts[1], parts[2]);
    free(order);
    return IM_OK;
}
