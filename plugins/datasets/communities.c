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

static im_status communities_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    char path[4096], names_path[4096], names[MAX_ATTRS][64];
    int binarize, t_binary, n_names = 0;
    im_status st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_section_path(ctx, sec, "names_path", names_path, sizeof names_path);
    if (!st) st = im_section_bool(ctx, sec, "binarize", &binarize);
    if (!st) st = im_section_bool(ctx, sec, "sensitive_binary", &t_binary);
    if (st) return st;
    if (!*names_path) {
        snprintf(names_path, sizeof names_path, "%s", path);
        size_t len = strlen(names_path);
        if (len > 5 && strcmp(names_path + len - 5, ".data") == 0) snprintf(names_path + len - 5, 7, ".names");
    }
    st = read_names(ctx, names_path, names, &n_names);
    int y_col = st ? -1 : name_index(names, n_names, "ViolentCrimesPerPop");
    int t_col = st ? -1 : name_index(names, n_names, "racepctblack");
    if (!st && (y_col < 0 || t_col < 0))
        st = im_fail(ctx, IM_EIO, "%s: ViolentCrimesPerPop or racepctblack not among the attributes", names_path);
    int in_x[MAX_ATTRS], width = 0;
    for (int c = 0; !st && c < n_names; c++) {
        in_x[c] = c != y_col && c != t_col;
        for (int k = 0; k < 5; k++) in_x[c] &= strcmp(names[c], identifiers[k]) != 0;
        width += in_x[c];
    }
    im_table t = { 0 };
    if (!st) st = im_table_read(ctx, path, ',', 0, &t);
    for (int r = 0; !st && r < t.n_rows; r++) {
        if (t.n_fields[r] != n_names)
            st = im_fail(ctx, IM_EIO, "%s:%d: %d fields, expected %d", path, t.line[r], t.n_fields[r], n_names);
        else if (!strcmp(t.rows[r][y_col], "?") || !strcmp(t.rows[r][t_col], "?"))
            st = im_fail(ctx, IM_EIO, "%s:%d: the target or the sensitive column is missing", path, t.line[r]);
    }
    int sizes[3], *order = NULL;
    if (!st) st = im_split_sizes(ctx, sec, t.n_rows, sizes);
    if (!st) st = im_dataset_alloc(ctx, ds, sizes, width, 1, 1);
    if (!st && !(order = malloc(sizeof(int) * (size_t)t.n_rows))) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    long imputed = 0;
    if (!st) {
        im_rng_permutation(rng, order, t.n_rows);
        im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
        /* pass 1: values, NaN for missing; pass 2: training means fill them */
        for (int s = 0, next = 0; s < 3 && !st; s++)
            for (int r = 0; r < sizes[s] && !st; r++, next++) {
                int row = order[next];
                im_real *x = im_mat_row(&splits[s]->x, r);
                double v;
                for (int c = 0, k = 0; c < n_names && !st; c++) {
                    if (!in_x[c]) continue;
                    if (strcmp(t.rows[row][c], "?") == 0)
                        x[k++] = NAN;
                    else if (!(st = im_table_number(ctx, &t, row, c, names[c], &v)))
                        x[k++] = (im_real)v;
                }
                if (!st) st = im_table_number(ctx, &t, row, y_col, names[y_col], &v);
                if (!st) im_mat_row(&splits[s]->y, r)[0] = (im_real)v;
                if (!st) st = im_table_number(ctx, &t, row, t_col, names[t_col], &v);
                if (!st) im_mat_row(&splits[s]->t, r)[0] = (im_real)v;
            }
        for (int c = 0; c < width && !st; c++) {
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
    }
    if (!st) {
        st = im_tabular_finish(ctx, ds, binarize, t_binary);
        fprintf(stderr, "communities: %d rows -> train %d / val %d / test %d; X %d columns; %ld missing values imputed "
                        "with training means\n", t.n_rows, sizes[0], sizes[1], sizes[2], width, imputed);
    }
    free(order);
    im_table_free(&t);
    return st;
}

static const im_dataset_vt communities_vt = { IM_VT_SIZE(im_dataset_vt), .create = communities_create };
static const im_plugin communities = IM_PLUGIN(IM_DATASET, "communities",
                                       "UCI Communities and Crime: Y = violent crime rate, T = racepctblack",
                                       communities_params, &communities_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &communities, NULL };
