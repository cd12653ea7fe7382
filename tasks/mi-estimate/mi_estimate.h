/* mi_estimate.h — the parts of task `mi-estimate` in other files. */
#ifndef MI_ESTIMATE_H
#define MI_ESTIMATE_H
#include "infomin/infomin.h"

/* given = t (given.c): I(X;Y|T) on the rows `rows_key` picks, into rec and
 * one line on stdout, with a half-sampling interval (`resamples` cuts,
 * coverage ci; 0: none) for an estimator that trains nothing. */
im_status mi_estimate_given(im_task *t, int rows_key, int resamples, double ci, im_record *rec);

#endif
