/* npy.c — dataset `npy` (since 0.6): the user's own arrays as np.save
 * writes them. Either one file of rows × columns with X, Y (and T) chosen
 * by column (`path`, `x`, `y`, `t`), or a file per variable (`x_path`,
 * `y_path`, optional `t_path`; every column of each, or those `x`, `y`,
 * `t` pick). float32/float64, integers and bool, either byte order, C or
 * Fortran order (npy.h); an N-D array is rows × the rest flattened. Rows
 * are shuffled with the run's seed and split as the csv dataset's are (or
 * by a split column of the one file, in its order);
 * every value must be a finite number a float holds (the file, row and
 * column of the first that is not are named). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_PICK 65536   /* columns a key may list */

static const im_param_spec npy_params[] = {
    { "path", "string", "", "one .npy file of rows x columns holding X, Y and T (chosen by x, y, t)", NULL },
    { "x_path", "string", "", "X in a .npy file of its own (with y_path, and t_path for T)", NULL },
    { "y_path", "string", "", "Y in a .npy file of its own", NULL },
    { "t_path", "string", "", "T (optional nuisance) in a .npy file of its own", NULL },
    { "x", "columns", "", "columns of X: 0-based indices, ranges a..b (with x_path: all when empty)", NULL },
    { "y", "columns", "", "columns of Y (with y_path: all when empty)", NULL },
    { "t", "columns", "", "columns of T (with t_path: all when empty)", NULL },
    { "standardize", "bool", "false", "standardise X and Y with the training split's statistics", NULL },
    IM_SPLIT_PARAM,
    IM_SPLIT_COLUMN_PARAM,
    IM_PARAMS_END
};

static const char *const path_keys[4] = { "x_path", "y_path", "t_path", "path" };
static const char *const col_keys[4] = { "x", "y", "t", "split_column" };

/* Where each variable comes from: a file (its header) and its columns. */
typedef struct {
    char path[4][4096];   /* the file of x, y, t and the split column ("" when absent) */
    im_npy head[4];       /* their headers (one file: the same in all) */
    int *cols[4], n_cols[4];
} sources;

static void sources_free(sources *s)
{
    for (int g = 0; g < 4; g++) free(s->cols[g]);
}

/* A path key given and not empty (--set dataset.t_path= clears one). */
static int has_value(const im_section *sec, const char *key)
{
    const char *v;
    im_ctx quiet;
    im_ctx_init(&quiet);
    return im_section_has(sec, key) && im_section_string(&quiet, sec, key, &v) == IM_OK && v[0];
}

/* A file's header, a fault in it named at the key that gave the file. */
static im_status read_header(im_ctx *ctx, const im_section *sec, const char *key, const char *path, im_npy *head)
{
    im_status st = im_npy_read_header(ctx, path, head);
    if (!st) return IM_OK;
    char why[sizeof ctx->err];
    snprintf(why, sizeof why, "%s", ctx->err);
    return im_section_fail(ctx, sec, key, "%s", why);
}

/* The columns key picks from a file of `width` columns: all of them when
 * the key is empty and `all_by_default`. */
static im_status pick_columns(im_ctx *ctx, const im_section *sec, int g, long width, int all_by_default, sources *s)
{
    int cap = width < MAX_PICK ? (int)width : MAX_PICK;
    s->cols[g] = malloc(sizeof(int) * (size_t)(cap > 0 ? cap : 1));
    if (!s->cols[g]) return im_fail(ctx, IM_ENOMEM, "npy: out of memory");
    if (!im_section_has(sec, col_keys[g])) {
        if (!all_by_default) return IM_OK;
        if (width > MAX_PICK)
            return im_section_fail(ctx, sec, path_keys[g], "%s has %ld columns (at most %d)", s->path[g], width, MAX_PICK);
        for (int c = 0; c < width; c++) s->cols[g][c] = c;
        s->n_cols[g] = (int)width;
        return IM_OK;
    }
    int *list = malloc(sizeof(int) * MAX_PICK), n = 0;
    if (!list) return im_fail(ctx, IM_ENOMEM, "npy: out of memory");
    im_status st = im_section_columns(ctx, sec, col_keys[g], NULL, 0, list, MAX_PICK, &n);
    for (int i = 0; !st && i < n; i++)
        if (list[i] >= width)
            st = im_section_fail(ctx, sec, col_keys[g], "column %d, but %s has %ld column%s (0..%ld)", list[i],
                                 s->path[g], width, width == 1 ? "" : "s", width - 1);
    if (!st && n > cap) st = im_section_fail(ctx, sec, col_keys[g], "%d columns of a file of %ld", n, width);
    if (!st) memcpy(s->cols[g], list, sizeof(int) * (size_t)n), s->n_cols[g] = n;
    free(list);
    return st;
}

/* One file for all three, or one per variable; not both. */
static im_status resolve_one_file(im_ctx *ctx, const im_section *sec, sources *s)
{
    im_status st = im_section_path(ctx, sec, "path", s->path[0], sizeof s->path[0]);
    if (!st) st = im_file_validate(ctx, sec, "path", NULL);
    if (!st) st = read_header(ctx, sec, "path", s->path[0], &s->head[0]);
    for (int g = 0; g < 2 && !st; g++)
        if (!im_section_has(sec, col_keys[g]))
            st = im_section_fail(ctx, sec, col_keys[g], "required with path: the columns of %s (e.g. %s = %s)",
                                 g ? "Y" : "X", col_keys[g], g ? "8" : "0..7");
    for (int g = 0; g < 4 && !st; g++) {
        if (g) memcpy(s->path[g], s->path[0], sizeof s->path[0]), s->head[g] = s->head[0];
        st = pick_columns(ctx, sec, g, s->head[0].cols, 0, s);
    }
    if (!st && s->n_cols[3] > 1) st = im_section_fail(ctx, sec, "split_column", "one column, got %d", s->n_cols[3]);
    /* X and Y sharing a column have infinite MI; a T inside them is no
     * nuisance; the split column is none of them */
    for (int a = 0; a < 4 && !st; a++)
        for (int b = a + 1; b < 4 && !st; b++)
            for (int i = 0; i < s->n_cols[a] && !st; i++)
                for (int j = 0; j < s->n_cols[b] && !st; j++)
                    if (s->cols[a][i] == s->cols[b][j])
                        st = im_section_fail(ctx, sec, col_keys[b], "column %d is also in %s: %s and %s must not share "
                                             "columns", s->cols[b][j], col_keys[a], col_keys[a], col_keys[b]);
    return st;
}

static im_status resolve_files(im_ctx *ctx, const im_section *sec, sources *s)
{
    im_status st = IM_OK;
    if (im_section_has(sec, "split_column"))
        return im_section_fail(ctx, sec, "split_column", "picks a column of path (one file for all); with a file per "
                               "variable use split");
    for (int g = 0; g < 2 && !st; g++)
        if (!has_value(sec, path_keys[g]))
            st = im_section_fail(ctx, sec, path_keys[g], "required: a .npy file for %s (or path = one file with x, y "
                                 "and t columns)", g ? "Y" : "X");
    for (int g = 0; g < 3 && !st; g++) {
        if (g == 2 && !has_value(sec, "t_path")) {
            if (im_section_has(sec, "t")) st = im_section_fail(ctx, sec, "t", "columns of T, but no t_path to take them from");
            break;
        }
        st = im_section_path(ctx, sec, path_keys[g], s->path[g], sizeof s->path[g]);
        if (!st) st = im_file_validate(ctx, sec, path_keys[g], NULL);
        if (!st) st = read_header(ctx, sec, path_keys[g], s->path[g], &s->head[g]);
        if (!st) st = pick_columns(ctx, sec, g, s->head[g].cols, 1, s);
        if (!st && s->head[g].rows != s->head[0].rows)
            st = im_section_fail(ctx, sec, path_keys[g], "%s has %ld rows, %s has %ld: one row per sample in each",
                                 s->path[g], s->head[g].rows, s->path[0], s->head[0].rows);
    }
    return st;
}

/* Rules across keys, before any run: where each variable comes from, the
 * files' headers and lengths, the columns within them, the split. */
static im_status resolve(im_ctx *ctx, const im_section *sec, sources *s)
{
    memset(s, 0, sizeof *s);
    int one = has_value(sec, "path"), separate = has_value(sec, "x_path") || has_value(sec, "y_path");
    im_status st = im_own_rows_check(ctx, sec);
    if (!st && one && (separate || has_value(sec, "t_path")))
        st = im_section_fail(ctx, sec, "path", "one file for all (path) or a file per variable (x_path, y_path, t_path), "
                             "not both");
    if (!st && !one && !separate)
        st = im_section_fail(ctx, sec, "path", "required: a .npy file (path, with x and y columns) or x_path and y_path");
    if (!st) st = one ? resolve_one_file(ctx, sec, s) : resolve_files(ctx, sec, s);
    return st;
}

static im_status npy_validate(im_ctx *ctx, const im_section *sec)
{
    sources s;
    im_status st = resolve(ctx, sec, &s);
    sources_free(&s);
    return st;
}

/* The picked columns of every variable side by side, row by row; the
 * first value that is not a finite float named. */
static im_status gather(im_ctx *ctx, const sources *s, double *rows, long n, int width)
{
    im_npy file[4] = { { 0 } };
    im_status st = IM_OK;
    for (int g = 0, at = 0; g < 4 && !st; at += s->n_cols[g], g++) {
        if (!s->n_cols[g]) continue;
        int reuse = g > 0 && strcmp(s->path[g], s->path[0]) == 0;
        const im_npy *a = reuse ? &file[0] : &file[g];
        if (!reuse) st = im_npy_read(ctx, s->path[g], &file[g]);
        for (long r = 0; r < n && !st; r++)
            for (int c = 0; c < s->n_cols[g] && !st; c++) {
                double v = a->data[r * a->cols + s->cols[g][c]];
                if (!isfinite(v) || fabs(v) > FLT_MAX)
                    st = im_fail(ctx, IM_EIO, "%s: row %ld, column %d: %g is not a finite number a float holds", s->path[g],
                                 r, s->cols[g][c], v);
                rows[r * width + at + c] = v;
            }
    }
    for (int g = 0; g < 4; g++) im_npy_free(&file[g]);
    return st;
}

static im_status npy_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    sources s;
    im_status st = resolve(ctx, sec, &s);   /* a direct caller may have skipped validation */
    long n = s.head[0].rows;
    int width = s.n_cols[0] + s.n_cols[1] + s.n_cols[2] + s.n_cols[3];
    double *rows = st ? NULL : malloc(sizeof(double) * (size_t)n * (size_t)width);
    if (!st && !rows) st = im_fail(ctx, IM_ENOMEM, "npy: out of memory for %ld rows of %d values", n, width);
    if (!st) st = gather(ctx, &s, rows, n, width);
    if (!st) st = im_own_rows_dataset(ctx, sec, rng, rows, n, s.n_cols, s.path[0], ds);
    free(rows);
    sources_free(&s);
    return st;
}

static const im_dataset_vt npy_vt = { IM_VT_SIZE(im_dataset_vt), .create = npy_create };
static const im_plugin npy = IM_PLUGIN(IM_DATASET, "npy", "your own arrays: X, Y (and T) from .npy files (np.save)",
                               npy_params, &npy_vt, .validate = npy_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &npy, NULL };
