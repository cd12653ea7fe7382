/* estimate.h — private to core/train: the plugin's estimate (its own hook,
 * else its objective on the whole data with the tape off), without the
 * checks im_estimator_estimate makes; the critic trainer validates with it. */
#ifndef INFOMIN_TRAIN_ESTIMATE_H
#define INFOMIN_TRAIN_ESTIMATE_H

#include "infomin/estimator.h"

im_status im_estimator_raw_estimate(im_estimator *est, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out);

#endif
