/* adult.c — dataset `adult`: UCI Adult (census income), adult.data and
 * adult.test together (32,561 + 16,281 rows; fields separated by ", "; the
 * test file's first line is a comment and its labels end in "."). Rows with
 * "?" in any field are dropped (45,222 remain), then split by the run's seed.
 *   Y: income > 50K (binary).
 *   T: sensitive = sex (male = 1) | race (white = 1) | age (a number,
 *      standardised with the training split's statistics).
 *   X: the other columns — continuous ones standardised with the training
 *      split's mean and sd, categorical ones one-hot over the categories
 *      present in the files. Neither the label nor the sensitive column is
 *      an input unless include_sensitive_in_x = true (the published reference
 *      code leaks the income label into X; this loader cannot). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define N_COLS 15
#define LABEL 14
#define MAX_VOCAB 64

static const char *const column_names[N_COLS] = {
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation", "relationship",
    "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country", "income"
};
static const int continuous[N_COLS] = { 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0 };
enum { COL_AGE = 0, COL_RACE = 8, COL_SEX = 9 };

static const im_param_spec adult_params[] = {
    { "path", "string", "${INFOMIN_DATA}/adult.data", "adult.data (${VAR} expands from the environment)", NULL },
    { "test_path", "string", "", "adult.test (default: beside path)", NULL },
    { "sensitive", "string", "sex", "T: sex (male = 1), race (white = 1) or age (standardised)", "sex|race|age" },
    { "include_sensitive_in_x", "bool", "false", "also give the sensitive column to the model", NULL },
    IM_SPLIT_PARAM,
    IM_PARAMS_END
};

typedef struct {
    const char *words[MAX_VOCAB];
    int n;
} vocab;

static int vocab_index(const vocab *v, const char *w)
{
    for (int i = 0; i < v->n; i++)
        if (strcmp(v->words[i], w) == 0) return i;
    return -1;
}

static int compare_words(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* rows usable: 15 fields, no "?" */
static im_status collect(im_ctx *ctx, const im_table *t, const char ***rows, int *n)
{
    for (int r = 0; r < t->n_rows; r++) {
        if (t->n_fields[r] != N_COLS)
            return im_fail(ctx, IM_EIO, "%s:%d: %d fields, expected %d", t->path, t->line[r], t->n_fields[r], N_COLS);
        int missing = 0;
        for (int f = 0; f < N_COLS; f++) missing |= strcmp(t->rows[r][f], "?") == 0;
        if (!missing) rows[(*n)++] = (const char **)t->rows[r];
    }
    return IM_OK;
}

/* Where each source column goes in X: a continuous column one slot, a
 * categorical one a slot per category (sorted for a stable layout); the
 * sensitive column only when asked. */
typedef struct {
    vocab vocabs[N_COLS];
    int offset[N_COLS], width, t_col, include_t;
} layout;

static im_status build_layout(im_ctx *ctx, const char ***rows, int n, layout *l)
{
    for (int c = 0; c < LABEL; c++) {
        l->offset[c] = l->width;
        int in_x = c != l->t_col || l->include_t;
        if (continuous[c]) {
            l->width += in_x;
            continue;
        }
        for (int r = 0; r < n; r++)
            if (vocab_index(&l->vocabs[c], rows[r][c]) < 0) {
                if (l->vocabs[c].n == MAX_VOCAB)
                    return im_fail(ctx, IM_EIO, "adult: column %s has more than %d categories", column_names[c], MAX_VOCAB);
                l->vocabs[c].words[l->vocabs[c].n++] = rows[r][c];
            }
        qsort(l->vocabs[c].words, (size_t)l->vocabs[c].n, sizeof(char *), compare_words);
        if (in_x) l->width += l->vocabs[c].n;
    }
    return IM_OK;
}

/* One source row into row r of a split: X by the layout, Y, T. */
static void fill_row(const layout *l, const char **row, im_split *split, int r)
{
    im_real *x = im_mat_row(&split->x, r);
    for (int c = 0; c < LABEL; c++) {
        if (c == l->t_col && !l->include_t) continue;
        if (continuous[c])
            x[l->offset[c]] = (im_real)im_strtod(row[c], NULL);
        else
            x[l->offset[c] + vocab_index(&l->vocabs[c], row[c])] = 1;
    }
    im_mat_row(&split->y, r)[0] = row[LABEL][0] == '>';   /* ">50K" or ">50K." */
    double t = l->t_col == COL_AGE ? im_strtod(row[COL_AGE], NULL)
                                   : (l->t_col == COL_SEX ? strcmp(row[COL_SEX], "Male") == 0
                                                          : strcmp(row[COL_RACE], "White") == 0);
    im_mat_row(&split->t, r)[0] = (im_real)t;
}

/* The rows, shuffled by the run's seed, into the splits; X's continuous
 * columns (and an age T) standardised with the training split's statistics. */
static im_status fill_splits(im_ctx *ctx, const im_section *sec, const layout *l, const char ***rows, int n,
                             im_rng *rng, im_dataset *ds)
{
    int sizes[3], *order = NULL;
    im_status st = im_split_sizes(ctx, sec, n, sizes);
    if (!st) st = im_dataset_alloc(ctx, ds, sizes, l->width, 1, 1);
    if (!st && !(order = malloc(sizeof(int) * (size_t)n))) st = im_fail(ctx, IM_ENOMEM, "adult: out of memory");
    if (st) return st;
    im_rng_permutation(rng, order, n);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0, next = 0; s < 3; s++)
        for (int r = 0; r < sizes[s]; r++, next++) fill_row(l, rows[order[next]], splits[s], r);
    free(order);
    int cont_cols[N_COLS], n_cont = 0;
    for (int c = 0; c < LABEL; c++)
        if (continuous[c] && (c != l->t_col || l->include_t)) cont_cols[n_cont++] = l->offset[c];
    im_standardize_columns(ds, cont_cols, n_cont);
    if (l->t_col == COL_AGE) im_standardize_column(ds, IM_ROLE_T, 0);   /* a continuous T, like X */
    ds->y_kind = IM_VAR_BINARY;
    ds->y_classes = 2;
    ds->t_kind = l->t_col == COL_AGE ? IM_VAR_CONTINUOUS : IM_VAR_BINARY;
    ds->t_classes = l->t_col == COL_AGE ? 0 : 2;
    fprintf(stderr, "adult: %d rows without '?' -> train %d / val %d / test %d; X %d columns, T = %s\n", n, sizes[0],
            sizes[1], sizes[2], l->width, column_names[l->t_col]);
    return IM_OK;
}

/* adult.test in the folder of adult.data */
static void test_beside(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    snprintf(slash ? slash + 1 : out, size - (size_t)(slash ? slash + 1 - out : 0), "adult.test");
}

/* Before any run: the split, and both files there to read. */
static im_status adult_validate(im_ctx *ctx, const im_section *sec)
{
    return im_tabular_validate(ctx, sec, "test_path", test_beside);
}

static im_status adult_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    char path[4096], test_path[4096];
    const char *sensitive;
    layout l = { 0 };
    im_status st = im_section_path(ctx, sec, "path", path, sizeof path);
    if (!st) st = im_companion_path(ctx, sec, "test_path", path, test_beside, test_path, sizeof test_path);
    if (!st) st = im_section_string(ctx, sec, "sensitive", &sensitive);
    if (!st) st = im_section_bool(ctx, sec, "include_sensitive_in_x", &l.include_t);
    if (st) return st;
    l.t_col = strcmp(sensitive, "race") == 0 ? COL_RACE : (strcmp(sensitive, "age") == 0 ? COL_AGE : COL_SEX);
    im_table tables[2] = { 0 };
    st = im_table_read(ctx, path, ',', '|', &tables[0]);
    if (!st) st = im_table_read(ctx, test_path, ',', '|', &tables[1]);
    const char ***rows = NULL;
    int n = 0;
    if (!st && !(rows = malloc(sizeof *rows * (size_t)(tables[0].n_rows + tables[1].n_rows))))
        st = im_fail(ctx, IM_ENOMEM, "adult: out of memory");
    for (int k = 0; k < 2 && !st; k++) st = collect(ctx, &tables[k], rows, &n);
    if (!st) st = build_layout(ctx, rows, n, &l);
    if (!st) st = fill_splits(ctx, sec, &l, rows, n, rng, ds);
    free(rows);
    im_table_free(&tables[0]);
    im_table_free(&tables[1]);
    return st;
}

static const im_dataset_vt adult_vt = { IM_VT_SIZE(im_dataset_vt), .create = adult_create };
static const im_plugin adult = IM_PLUGIN(IM_DATASET, "adult",
                                 "UCI Adult: Y = income > 50K, T = sex | race | age; one-hot, no label leak",
                                 adult_params, &adult_vt, .validate = adult_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &adult, NULL };
