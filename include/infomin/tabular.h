/* tabular.h — helpers for the loaders of tabular data sets (UCI Adult,
 * Communities and Crime, US Census counties): a text table read whole,
 * split into fields; seeded train/validation/test splits; standardisation
 * with the training split's statistics; one-hot columns. */
#ifndef INFOMIN_TABULAR_H
#define INFOMIN_TABULAR_H

#include "api.h"
#include "data.h"

typedef struct im_table {
    char *text;          /* the file, fields NUL-terminated in place */
    char ***rows;        /* rows[r][f] */
    int *n_fields;
    int n_rows;
    int *line;           /* source line of each row, for messages */
    const char *path;
} im_table;

/* Read `path`; lines that are empty or start with `comment` (0: none) are
 * skipped; fields are split on `sep` and trimmed of spaces. */
IM_API im_status im_table_read(im_ctx *ctx, const char *path, char sep, char comment, im_table *t);
IM_API void im_table_free(im_table *t);
/* Column index of a header name in row 0, -1 if absent. */
IM_API int im_table_column(const im_table *t, const char *name);
/* Parse a field as a finite number; IM_EIO naming path:line and column. */
IM_API im_status im_table_number(im_ctx *ctx, const im_table *t, int row, int col, const char *col_name, double *out);

/* Split fractions from the section's `split` key (three values summing to 1)
 * into sizes n[3] for n_rows rows, and a seeded permutation of the rows. */
#define IM_SPLIT_PARAM { "split", "floats", "0.7,0.1,0.2", "train, validation, test fractions (seeded)", "0..1" }
IM_API im_status im_split_sizes(im_ctx *ctx, const im_section *sec, int n_rows, int n[3]);
/* The data file a key names (after ${VAR} expansion; or `path` when not
 * NULL, a file derived from it) exists, is a file and can be read: for a
 * validate hook, so that a missing file stops a sweep before its first run. */
IM_API im_status im_file_validate(im_ctx *ctx, const im_section *sec, const char *key, const char *path);
/* A loader's second file (adult.test, communities.names): the key's value
 * after ${VAR} expansion, or, when empty, derive(data_path) — its name
 * beside the data file. */
typedef void (*im_companion_fn)(const char *data_path, char *out, size_t size);
IM_API im_status im_companion_path(im_ctx *ctx, const im_section *sec, const char *key, const char *data_path,
                                   im_companion_fn derive, char *out, size_t size);
/* The validate hook of a tabular loader: the split, the data file `path`,
 * and (companion_key not NULL) its companion file. */
IM_API im_status im_tabular_validate(im_ctx *ctx, const im_section *sec, const char *companion_key,
                                     im_companion_fn derive);
/* The split key's rules (three fractions, summing to 1, train and test not
 * empty) at validation time: a validate hook for loaders that use it. */
IM_API im_status im_split_validate(im_ctx *ctx, const im_section *sec);
/* since 0.6: the same with the training fraction allowed to be 0 (no
 * training rows: for estimators that train nothing, `split = 0,0,1`) when
 * training_optional; im_split_sizes then gives 0 training rows. */
IM_API im_status im_split_check(im_ctx *ctx, const im_section *sec, int training_optional);
/* since 0.6: the user's own rows (the csv and npy datasets). The rules
 * across keys of `split`, `split_column` and `standardize` (the training
 * fraction may be 0 for estimators that train nothing; standardising then
 * has no training rows to take its statistics from). */
#define IM_SPLIT_COLUMN_PARAM                                                                                 \
    { "split_column", "columns", "", "a column of 0 (train), 1 (validation) and 2 (test) that gives the split "  \
      "instead of `split`: rows keep the file's order", NULL }
IM_API im_status im_own_rows_check(im_ctx *ctx, const im_section *sec);
/* n rows of nx + ny + nt (+ 1) values (row-major: X's columns, then Y's,
 * then T's, then the split column if n_cols[3] = 1; n_cols = {nx, ny, nt,
 * 0 or 1}) into ds: shuffled with rng and split by `split`, or in the
 * file's order by the split column; X and Y standardised with the
 * training split's statistics when the section says standardize; Y and T
 * continuous. `what` names the source in messages. */
IM_API im_status im_own_rows_dataset(im_ctx *ctx, const im_section *sec, im_rng *rng, const double *rows, long n,
                                     const int n_cols[4], const char *what, im_dataset *ds);
/* Standardise the given columns of x in every split with train's mean and sd. */
IM_API void im_standardize_columns(im_dataset *ds, const int *cols, int n_cols);
/* The end of a tabular load: every X column standardised, the one Y and
 * the one T column binarised at the training median or standardised, their
 * kinds recorded. */
IM_API im_status im_tabular_finish(im_ctx *ctx, im_dataset *ds, int binarize, int t_binary);

#endif
