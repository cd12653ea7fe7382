/* workers.h — a fixed set of worker threads for splitting one matrix product
 * (or one elementwise pass) across cores.
 *
 * Why not OpenBLAS's own threads: for the products of a critic step
 * (512x256x256 and smaller) its 2-thread sgemm ran at 40-114 GFLOP/s on a
 * 2-core machine, below its 1-thread speed; splitting the product in two
 * blocks computed by single-threaded OpenBLAS on our threads ran at 150-190
 * (bench/bench_critic measures the whole step). Owned by im_ctx; NULL means
 * "no workers": OpenBLAS is called directly with its own threading. Called
 * im_pool before 0.6 (pool.h keeps those names). */
#ifndef INFOMIN_WORKERS_H
#define INFOMIN_WORKERS_H

#include "api.h"
#include "status.h"

typedef struct im_workers im_workers;

/* fn(arg, part, n_parts) runs once for each of the n_threads parts, on
 * whichever thread claims the part first (the caller takes the parts no
 * worker is there to take); the call returns when all parts are done. */
typedef void (*im_workers_fn)(void *arg, int part, int n_parts);

/* n_threads >= 1 (1: no workers, everything on the caller). Also sets
 * OpenBLAS to one thread, since the workers do the splitting; free puts
 * back the thread count it found (since 0.6). */
IM_API im_status im_workers_new(im_ctx *ctx, int n_threads, im_workers **out);
IM_API void im_workers_free(im_workers *workers);
IM_API int im_workers_count(const im_workers *workers);
IM_API void im_workers_run(im_workers *workers, im_workers_fn fn, void *arg);

/* fn(arg, lo, hi) over [0, n) in contiguous chunks, one per thread; on the
 * caller alone when n < min_chunk·2 (a wake-up costs a few microseconds). */
typedef void (*im_range_fn)(void *arg, long lo, long hi);
IM_API void im_workers_for(im_workers *workers, long n, long min_chunk, im_range_fn fn, void *arg);

/* The workers' choice between splitting a job and running it on the caller
 * alone (workers.c says why), as a pure function of what the jobs before
 * observed: the workers' own state, and what tests drive with made-up
 * observations instead of a busy machine. */
typedef struct im_workers_policy {
    int serial_left;   /* jobs still to run serially after a loss */
    int backoff;       /* serial jobs after the next loss (0: none in a row) */
    int alone;         /* split jobs in a row whose parts the caller ran alone, weighted */
    double credit;     /* seconds gained by recent splits, at most 1 ms */
} im_workers_policy;
/* 1 when the next job runs on the caller alone (one serial job used up). */
IM_API int im_workers_policy_serial(im_workers_policy *p);
/* After a split job of n parts: the caller ran `own` of them in own_seconds,
 * the job took wall seconds, and the workers were asleep when it came. */
IM_API void im_workers_policy_observe(im_workers_policy *p, int n, int own, double own_seconds, double wall, int asleep);

#endif
