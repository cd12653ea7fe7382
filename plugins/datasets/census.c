/* census.c — dataset `census`: US Census county table (acs2015_county_data.csv,
 * header row, 3,220 counties; the 2 rows with an empty field are dropped,
 * 3,218 remain). The Scalable Infomin paper used the census-tract file,
 * which is not available here; this is the county file.
 *   Y: Poverty (standardised regression target, or above the training
 *      median with binarize = true).
 *   T: sensitive = gender: Men / (Men + Women), or color:
 *      Black / (Black + White + Asian + 1) (standardised, or above the
 *      training median with sensitive_binary = true).
 *   X: every other numeric column, standardised with the training split's
 *      statistics, without the identifiers (CensusId, State, County), the
 *      target, and the columns T is computed from. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec census_params[] = {
    { "path", "string", "${INFOMIN_DATA}/acs2015_county_data.csv", "the county table", NULL },
    { "sensitive", "string", "gender", "T: Men/(Men+Women) or Black/(Black+White+Asian+1)", "gender|color" },
    { "binarize", "bool", "false", "Y: above the training median (classification)", NULL },
    { "sensitive_binary", "bool", "false", "T: above the training median", NULL },
    IM_SPLIT_PARAM,
    IM_PARAMS_END
};

static int row_complete(const im_table *t, int r, int n_cols)
{
    if (t->n_fields[r] != n_cols) return 0;
    for (int c = 0; c < n_cols; c++)
        if (!*t->rows[r][c]) return 0;
    return 1;
}

static const char *const t_parts[] = { "Men", "Women", "Black", "White", "Asian" };

/* Which columns are Y, the parts of T, and the inputs (all but the ids,
 * Poverty and the columns T is made of). */
typedef struct {
    int n_cols, y_col, part_col[5], in_x[256], width, gender;
} schema;

static im_status read_schema(im_ctx *ctx, const im_table *t, const char *path, schema *sc)
{
    static const char *const dropped[] = { "CensusId", "State", "County", "Poverty" };
    sc->n_cols = t->n_fields[0];
    sc->y_col = im_table_column(t, "Poverty");
    for (int k = 0; k < 5; k++)
        if ((sc->part_col[k] = im_table_column(t, t_parts[k])) < 0)
            return im_fail(ctx, IM_EIO, "%s:1: no column %s", path, t_parts[k]);
    if (sc->y_col < 0) return im_fail(ctx, IM_EIO, "%s:1: no column Poverty", path);
    if (sc->n_cols > 256) return im_fail(ctx, IM_EIO, "%s:1: %d columns (at most 256)", path, sc->n_cols);
    for (int c = 0; c < sc->n_cols; c++) {
        sc->in_x[c] = 1;
        for (int k = 0; k < 4; k++) sc->in_x[c] &= strcmp(t->rows[0][c], dropped[k]) != 0;
        for (int k = sc->gender ? 0 : 2; k < (sc->gender ? 2 : 5); k++) sc->in_x[c] &= c != sc->part_col[k];
        sc->width += sc->in_x[c];
    }
    return IM_OK;
}

/* Table row `row` into row r of a split: X, Y = Poverty, T from its parts. */
static im_status fill_row(im_ctx *ctx, const schema *sc, const im_table *t, int row, im_split *split, int r)
{
    double v, part[5];
    im_status st = IM_OK;
    im_real *x = im_mat_row(&split->x, r);
    for (int c = 0, k = 0; c < sc->n_cols && !st; c++)
        if (sc->in_x[c] && !(st = im_table_number(ctx, t, row, c, t->rows[0][c], &v))) x[k++] = (im_real)v;
    for (int k = 0; k < 5 && !st; k++) st = im_table_number(ctx, t, row, sc->part_col[k], t_parts[k], &part[k]);
    if (!st) st = im_table_number(ctx, t, row, sc->y_col, "Poverty", &v);
    if (st) return st;
    im_mat_row(&split->y, r)[0] = (im_real)v;
    double tv = sc->gender ? part[0] / (part[0] + part[1]) : part[2] / (part[2] + part[3] + part[4] + 1);
    im_mat_row(&split->t, r)[0] = (im_real)tv;
    return IM_OK;
}

/* Before any run: the split, and the county table there to read. */
static im_status census_validate(im_ctx *ctx, const im_section *sec) { return im_tabular_validate(ctx, sec, NULL, NULL); }

static im_status census_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    char path[4096];
    const char *sensitive;
    int binarize, t_binary;
    im_status st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_section_string(ctx, sec, "sensitive", &sensitive);
    if (!st) st = im_section_bool(ctx, sec, "binarize", &binarize);
    if (!st) st = im_section_bool(ctx, sec, "sensitive_binary", &t_binary);
    if (st) return st;
    schema sc = { .gender = strcmp(sensitive, "gender") == 0 };
    im_table t;
    st = im_table_read(ctx, path, ',', 0, &t);
    if (st) return st;
    st = read_schema(ctx, &t, path, &sc);
    int *keep = st ? NULL : malloc(sizeof(int) * (size_t)t.n_rows), n = 0;
    if (!st && !keep) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    for (int r = 1; !st && r < t.n_rows; r++)
        if (row_complete(&t, r, sc.n_cols)) keep[n++] = r;
    int sizes[3], *order = NULL;
    if (!st) st = im_split_sizes(ctx, sec, n, sizes);
    if (!st) st = im_dataset_alloc(ctx, ds, sizes, sc.width, 1, 1);
    if (!st && !(order = malloc(sizeof(int) * (size_t)n))) st = im_fail(ctx, IM_ENOMEM, "out of memory");
    if (!st) {
        im_rng_permutation(rng, order, n);
        im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
        for (int s = 0, next = 0; s < 3 && !st; s++)
            for (int r = 0; r < sizes[s] && !st; r++, next++) st = fill_row(ctx, &sc, &t, keep[order[next]], splits[s], r);
    }
    if (!st) {
        st = im_tabular_finish(ctx, ds, binarize, t_binary);
        fprintf(stderr, "census: %d complete counties -> train %d / val %d / test %d; X %d columns, T = %s\n", n,
                sizes[0], sizes[1], sizes[2], sc.width, sensitive);
    }
    free(order);
    free(keep);
    im_table_free(&t);
    return st;
}

static const im_dataset_vt census_vt = { IM_VT_SIZE(im_dataset_vt), .create = census_create };
static const im_plugin census = IM_PLUGIN(IM_DATASET, "census",
                                  "US Census counties (2015): Y = Poverty, T = gender or color share", census_params,
                                  &census_vt, .validate = census_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &census, NULL };
