/* tabular_common.h — pieces the tabular loaders share (header-only, static):
 * a column median on the training split, in-place standardisation of a
 * single-column matrix triple, binarisation at a threshold. */
#ifndef INFOMIN_TABULAR_COMMON_H
#define INFOMIN_TABULAR_COMMON_H

#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"

static int tab_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median of column 0 of m */
static double tab_median(const im_mat *m)
{
    double *v = malloc(sizeof(double) * (size_t)m->rows), med = 0;
    if (!v) return NAN;
    for (int r = 0; r < m->rows; r++) v[r] = m->data[(long)r * m->cols];
    qsort(v, (size_t)m->rows, sizeof(double), tab_compare);
    med = m->rows % 2 ? v[m->rows / 2] : 0.5 * (v[m->rows / 2 - 1] + v[m->rows / 2]);
    free(v);
    return med;
}

/* the single-column y (which = 0) or t (which = 1) of every split:
 * binarised above the training median, or standardised with train's stats */
static void tab_finish_column(im_dataset *ds, int which, int binarize)
{
    im_mat *m[3] = { which ? &ds->train.t : &ds->train.y, which ? &ds->val.t : &ds->val.y,
                     which ? &ds->test.t : &ds->test.y };
    if (binarize) {
        double med = tab_median(m[0]);
        for (int s = 0; s < 3; s++)
            for (int r = 0; r < m[s]->rows; r++) m[s]->data[r] = m[s]->data[r] > med;
        return;
    }
    double mean = 0, var = 0;
    for (int r = 0; r < m[0]->rows; r++) mean += m[0]->data[r];
    mean /= m[0]->rows;
    for (int r = 0; r < m[0]->rows; r++) var += (m[0]->data[r] - mean) * (m[0]->data[r] - mean);
    double sd = sqrt(var / m[0]->rows);
    if (sd == 0) sd = 1;
    for (int s = 0; s < 3; s++)
        for (int r = 0; r < m[s]->rows; r++) m[s]->data[r] = (im_real)((m[s]->data[r] - mean) / sd);
}

/* the end of a tabular load: every X column standardised with train's
 * statistics, Y and T binarised or standardised, their kinds recorded */
static im_status tab_finish(im_ctx *ctx, im_dataset *ds, int binarize, int t_binary)
{
    int width = ds->train.x.cols, *all = malloc(sizeof(int) * (size_t)(width > 0 ? width : 1));
    if (!all) return im_fail(ctx, IM_ENOMEM, "out of memory");
    for (int c = 0; c < width; c++) all[c] = c;
    im_standardize_columns(ds, all, width);
    free(all);
    tab_finish_column(ds, 0, binarize);
    tab_finish_column(ds, 1, t_binary);
    ds->y_kind = binarize ? IM_VAR_BINARY : IM_VAR_CONTINUOUS;
    ds->t_kind = t_binary ? IM_VAR_BINARY : IM_VAR_CONTINUOUS;
    ds->y_classes = binarize ? 2 : 0;
    ds->t_classes = t_binary ? 2 : 0;
    return IM_OK;
}

#endif
