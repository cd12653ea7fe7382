/* communities.c — dataset `communities`: UCI Communities and Crime
 * (communities.data, 1,994 rows x 128 columns, "?" = missing; column names
 * from the @attribute lines of communities.names).
 *   Y: ViolentCrimesPerPop (standardised regression target, or above the
 *      training median with binarize = true).
 *   T: racepctblack (standardised, or above the training median with
 *      sensitive_binary = true).
 *   X: the other columns minus the non-predictive identifiers (state, county,
 *      community, communityname, fold); a missing value is replaced by its
 *      column's training-split mean (the count is printed and recorded), then
 *      every column is standardised with the training statistics.
 * A row with Y or T missing cannot be imputed and is an error. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_ATTRS 256

static const im_param_spec communities_params[] = {
    { "path", "string", "${INFOMIN_DATA}/communities.data", "communities.data", NULL },
    { "names_path", "string", "", "communities.names (default: beside path)", NULL },
    { "binarize", "bool", "false", "Y: above the training median (classification)", NULL },
    { "sensitive_binary", "bool", "false", "T: above the training median", NULL },
    IM_SPLIT_PARAM,
    IM_PARAMS_END
};

static const char *const identifiers[] = { "state", "county", "community", "communityname", "fold" };

/* attribute names, in column order, from the @attribute lines */
static im_status read_names(im_ctx *ctx, const char *path, char names[][64], int *n)
{
    FILE *f = fopen(path, "r");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot open (the column names of communities.data)", path);
    char line[1024];
    *n = 0;
    while (fgets(line, sizeof line, f) && *n < MAX_ATTRS)
        if (sscanf(line, "@attribute %63s", names[*n]) == 1) (*n)++;
    fclose(f);
    return *n ? IM_OK : im_fail(ctx, IM_EIO, "%s: no @attribute lines", path);
}

static int name_index(char names[][64], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

/* Which attributes are Y, T and the inputs (all but the identifiers). */
typedef struct {
    char names[MAX_ATTRS][64];
    int n_names, y_col, t_col, in_x[MAX_ATTRS], width;
} schema;

static im_status read_schema(im_ctx *ctx, const char *names_path, schema *sc)
{
    im_status st = read_names(ctx, names_path, sc->names, &sc->n_names);
    if (st) return st;
    sc->y_col = name_index(sc->names, sc->n_names, "ViolentCrimesPerPop");
    sc->t_col = name_index(sc->names, sc->n_names, "racepctblack");
    if (sc->y_col < 0 || sc->t_col < 0)
        return im_fail(ctx, IM_EIO, "%s: ViolentCrimesPerPop or racepctblack not among the attributes", names_path);
    for (int c = 0; c < sc->n_names; c++) {
        sc->in_x[c] = c != sc->y_col && c != sc->t_col;
        for (int k = 0; k < 5; k++) sc->in_x[c] &= strcmp(sc->names[c], identifiers[k]) != 0;
        sc->width += sc->in_x[c];
    }
    return IM_OK;
}

/* Row `row` of the table into row r of a split; a missing input is NaN. */
static im_status fill_row(im_ctx *ctx, const schema *sc, const im_table *t, int row, im_split *split, int r)
{
    im_real *x = im_mat_row(&split->x, r);
    double v;
    im_status st = IM_OK;
    for (int c = 0, k = 0; c < sc->n_names && !st; c++) {
        if (!sc->in_x[c]) continue;
        if (strcmp(t->rows[row][c], "?") == 0)
            x[k++] = NAN;
        else if (!(st = im_table_number(ctx, t, row, c, sc->names[c], &v)))
            x[k++] = (im_real)v;
    }
    if (!st) st = im_table_number(ctx, t, row, sc->y_col, sc->names[sc->y_col], &v);
    if (!st) im_mat_row(&split->y, r)[0] = (im_real)v;
    if (!st) st = im_table_number(ctx, t, row, sc->t_col, sc->names[sc->t_col], &v);
    if (!st) im_mat_row(&split->t, r)[0] = (im_real)v;
    return st;
}

/* Missing inputs (NaN) of every split get the training split's column
 * mean; returns how many. */
static long impute_train_means(im_dataset *ds)
{
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    long imputed = 0;
    for (int c = 0; c < ds->train.x.cols; c++) {
        double mean = 0;
        int count = 0;
        for (int r = 0; r < ds->train.x.rows; r++) {
            double v = im_mat_row(&ds->train.x, r)[c];
            if (!isnan(v)) mean += v, count++;
        }
        mean = count ? mean / count : 0;
        for (int s = 0; s < 3; s++)
            for (int r = 0; r < splits[s]->x.rows; r++)
                if (isnan(im_mat_row(&splits[s]->x, r)[c])) im_mat_row(&splits[s]->x, r)[c] = (im_real)mean, imputed++;
    }
    return imputed;
}

static im_status check_rows(im_ctx *ctx, const schema *sc, const im_table *t, const char *path)
{
    for (int r = 0; r < t->n_rows; r++) {
        if (t->n_fields[r] != sc->n_names)
            return im_fail(ctx, IM_EIO, "%s:%d: %d fields, expected %d", path, t->line[r], t->n_fields[r], sc->n_names);
        if (!strcmp(t->rows[r][sc->y_col], "?") || !strcmp(t->rows[r][sc->t_col], "?"))
            return im_fail(ctx, IM_EIO, "%s:%d: the target or the sensitive column is missing", path, t->line[r]);
    }
    return IM_OK;
}

/* communities.names beside communities.data */
static void names_beside(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    size_t len = strlen(out);
    if (len > 5 && strcmp(out + len - 5, ".data") == 0 && len + 1 < size) snprintf(out + len - 5, 7, ".names");
}

/* Before any run: the split, and both files there to read. */
static im_status communities_validate(im_ctx *ctx, const im_section *sec)
{
    return im_tabular_validate(ctx, sec, "names_path", names_beside);
}

static im_status communities_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    char path[4096], names_path[4096];
    int binarize, t_binary;
    im_status st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_companion_path(ctx, sec, "names_path", path, names_beside, names_path, sizeof names_path);
    if (!st) st = im_section_bool(ctx, sec, "binarize", &binarize);
    if (!st) st = im_section_bool(ctx, sec, "sensitive_binary", &t_binary);
    if (st) return st;
    schema *sc = calloc(1, sizeof *sc);
    im_table t = { 0 };
    int sizes[3], *order = NULL;
    st = sc ? read_schema(ctx, names_path, sc) : im_fail(ctx, IM_ENOMEM, "communities: out of memory");
    if (!st) st = im_table_read(ctx, path, ',', 0, &t);
    if (!st) st = check_rows(ctx, sc, &t, path);
    if (!st) st = im_split_sizes(ctx, sec, t.n_rows, sizes);
    if (!st) st = im_dataset_alloc(ctx, ds, sizes, sc->width, 1, 1);
    if (!st && !(order = malloc(sizeof(int) * (size_t)t.n_rows))) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    if (!st) {
        im_rng_permutation(rng, order, t.n_rows);
        im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
        for (int s = 0, next = 0; s < 3 && !st; s++)
            for (int r = 0; r < sizes[s] && !st; r++, next++) st = fill_row(ctx, sc, &t, order[next], splits[s], r);
    }
    if (!st) {
        long imputed = impute_train_means(ds);
        st = im_tabular_finish(ctx, ds, binarize, t_binary);
        fprintf(stderr, "communities: %d rows -> train %d / val %d / test %d; X %d columns; %ld missing values imputed "
                        "with training means\n", t.n_rows, sizes[0], sizes[1], sizes[2], sc->width, imputed);
    }
    free(order);
    free(sc);
    im_table_free(&t);
    return st;
}

static const im_dataset_vt communities_vt = { IM_VT_SIZE(im_dataset_vt), .create = communities_create };
static const im_plugin communities = IM_PLUGIN(IM_DATASET, "communities",
                                       "UCI Communities and Crime: Y = violent crime rate, T = racepctblack",
                                       communities_params, &communities_vt, .validate = communities_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &communities, NULL };
