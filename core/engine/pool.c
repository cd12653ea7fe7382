/* pool.c — worker threads that spin briefly, then sleep, between jobs.
 *
 * A critic step issues ~10 products a few hundred microseconds apart, so a
 * worker first spins (no syscall on the fast path), and only after ~100 µs
 * of nothing falls asleep on a condition variable. The dispatcher bumps a
 * generation counter and wakes sleepers; sequentially consistent atomics on
 * `generation` and `sleepers` make a lost wake-up impossible (each side
 * writes its own variable, then reads the other's). */
#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "infomin/pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define SPIN_ITERATIONS (1 << 14)

struct im_pool {
    int n_threads;
    pthread_t *threads;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    atomic_uint generation;
    atomic_int sleepers;
    atomic_int pending;     /* workers still running the current job */
    atomic_int stop;
    im_pool_fn fn;
    void *arg;
};

typedef struct {
    im_pool *pool;
    int part;
} worker_arg;

static worker_arg *worker_args(im_pool *pool) { return (worker_arg *)(pool->threads + pool->n_threads); }

static void *worker_main(void *p)
{
    worker_arg *wa = p;
    im_pool *pool = wa->pool;
    unsigned seen = 0;
    for (;;) {
        for (int spin = 0; spin < SPIN_ITERATIONS && atomic_load(&pool->generation) == seen; spin++) CPU_RELAX();
        if (atomic_load(&pool->generation) == seen) {
            pthread_mutex_lock(&pool->mutex);
            atomic_fetch_add(&pool->sleepers, 1);
            while (atomic_load(&pool->generation) == seen && !atomic_load(&pool->stop))
                pthread_cond_wait(&pool->wake, &pool->mutex);
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->mutex);
        }
        if (atomic_load(&pool->stop)) return NULL;
        seen = atomic_load(&pool->generation);
        pool->fn(pool->arg, wa->part, pool->n_threads);
        atomic_fetch_sub(&pool->pending, 1);
    }
}

im_status im_pool_new(im_ctx *ctx, int n_threads, im_pool **out)
{
    *out = NULL;
    if (n_threads < 1) return im_fail(ctx, IM_EINVAL, "thread pool: %d threads", n_threads);
    im_pool *pool = calloc(1, sizeof *pool);
    /* one block: thread handles, then their arguments */
    void *block = calloc((size_t)n_threads, sizeof(pthread_t) + sizeof(worker_arg));
    if (!pool || !block) {
        free(pool);
        free(block);
        return im_fail(ctx, IM_ENOMEM, "thread pool: out of memory");
    }
    pool->n_threads = n_threads;
    pool->threads = block;
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    openblas_set_num_threads(1);
    for (int t = 1; t < n_threads; t++) {
        worker_arg *wa = &worker_args(pool)[t];
        wa->pool = pool;
        wa->part = t;
        if (pthread_create(&pool->threads[t], NULL, worker_main, wa) != 0) {
            pool->n_threads = t;   /* free joins the ones that started */
            im_pool_free(pool);
            return im_fail(ctx, IM_ENOMEM, "thread pool: cannot start thread %d", t);
        }
    }
    *out = pool;
    return IM_OK;
}

void im_pool_free(im_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->mutex);
    atomic_store(&pool->stop, 1);
    atomic_fetch_add(&pool->generation, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->mutex);
    for (int t = 1; t < pool->n_threads; t++) pthread_join(pool->threads[t], NULL);
    pthread_mutex_destroy(&pool->mutex);
    pthread_cond_destroy(&pool->wake);
    free(pool->threads);
    free(pool);
}

int im_pool_threads(const im_pool *pool) { return pool ? pool->n_threads : 1; }

void im_pool_run(im_pool *pool, im_pool_fn fn, void *arg)
{
    if (!pool || pool->n_threads == 1) {
        fn(arg, 0, 1);
        return;
    }
    pool->fn = fn;
    pool->arg = arg;
    atomic_store(&pool->pending, pool->n_threads - 1);
    atomic_fetch_add(&pool->generation, 1);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    fn(arg, 0, pool->n_threads);
    while (atomic_load(&pool->pending) > 0) CPU_RELAX();
}

typedef struct {
    long n;
    im_range_fn fn;
    void *arg;
} range_job;

static void range_part(void *p, int part, int n_parts)
{
    const range_job *j = p;
    long lo = j->n * part / n_parts, hi = j->n * (part + 1) / n_parts;
    if (hi > lo) j->fn(j->arg, lo, hi);
}

void im_pool_for(im_pool *pool, long n, long min_chunk, im_range_fn fn, void *arg)
{
    if (n <= 0) return;
    if (!pool || pool->n_threads == 1 || n < 2 * min_chunk) {
        fn(arg, 0, n);
        return;
    }
    range_job j = { n, fn, arg };
    im_pool_run(pool, range_part, &j);
}
