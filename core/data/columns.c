/* columns.c — column transforms of a dataset fitted on its training split
 * and applied to every split, so that no statistic of the test data leaks
 * into its inputs. */
#include <math.h>
#include <stdlib.h>
#include "infomin/data.h"
#include "infomin/stats.h"

static im_mat *role_of(im_split *s, im_role role) { return role == IM_ROLE_X ? &s->x : role == IM_ROLE_Y ? &s->y : &s->t; }

void im_standardize_column(im_dataset *ds, im_role role, int col)
{
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    const im_mat *train = role_of(&ds->train, role);
    double mean = 0, var = 0;
    for (int r = 0; r < train->rows; r++) mean += im_mat_row(train, r)[col];
    mean /= train->rows;
    for (int r = 0; r < train->rows; r++) {
        double d = im_mat_row(train, r)[col] - mean;
        var += d * d;
    }
    double sd = sqrt(var / train->rows);
    if (sd == 0) sd = 1;   /* a constant column stays constant (0) */
    for (int s = 0; s < 3; s++) {
        im_mat *m = role_of(splits[s], role);
        for (int r = 0; r < m->rows; r++) im_mat_row(m, r)[col] = (im_real)((im_mat_row(m, r)[col] - mean) / sd);
    }
}

void im_binarize_column(im_dataset *ds, im_role role, int col)
{
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    const im_mat *train = role_of(&ds->train, role);
    double *v = malloc(sizeof(double) * (size_t)(train->rows > 0 ? train->rows : 1)), median = NAN;
    if (v && train->rows > 0) {
        for (int r = 0; r < train->rows; r++) v[r] = im_mat_row(train, r)[col];
        im_sort_doubles(v, train->rows);
        median = im_median_sorted(v, train->rows);
    }
    free(v);
    for (int s = 0; s < 3; s++) {
        im_mat *m = role_of(splits[s], role);
        for (int r = 0; r < m->rows; r++) im_mat_row(m, r)[col] = im_mat_row(m, r)[col] > median;
    }
}
