/* mi_benchmark.h — the task `mi-benchmark`, shared by its two files:
 * mi_benchmark.c (one estimator on one task, over seeds) and summary.c
 * (after a sweep: the table, the solved matrix, the heatmap). */
#ifndef MI_BENCHMARK_H
#define MI_BENCHMARK_H

#include "infomin/infomin.h"

im_status mi_benchmark_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
