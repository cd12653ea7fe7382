/* pool.h — the worker threads' names before 0.6, kept for plugins written
 * or built against them: `im_pool` is `im_workers` (workers.h), each
 * im_pool_* function is its im_workers_* twin (im_pool_threads is
 * im_workers_count; same arguments, same result, exported under both
 * names), and the `pool` member of im_ctx and im_optim is the same pointer
 * as `workers`. New code uses workers.h: "pool" means the pooling ops
 * (im_max_pool, im_avg_pool, im_global_avg_pool in tape.h). */
#ifndef INFOMIN_POOL_H
#define INFOMIN_POOL_H

#include "workers.h"

typedef im_workers im_pool;
typedef im_workers_fn im_pool_fn;

IM_API im_status im_pool_new(im_ctx *ctx, int n_threads, im_workers **out);
IM_API void im_pool_free(im_workers *workers);
IM_API int im_pool_threads(const im_workers *workers);
IM_API void im_pool_run(im_workers *workers, im_workers_fn fn, void *arg);
IM_API void im_pool_for(im_workers *workers, long n, long min_chunk, im_range_fn fn, void *arg);

#endif
