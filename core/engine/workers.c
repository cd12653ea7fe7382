/* workers.c — worker threads that spin briefly, then sleep, between jobs.
 *
 * A critic step issues ~10 products a few hundred microseconds apart, so a
 * worker first spins (no wake-up syscall on the fast path), and only after
 * ~50 µs of nothing falls asleep on a condition variable. While it spins it
 * yields its core every 256 pauses: on a busy machine another process's
 * thread waiting for that core runs instead (measured: a worker spinning
 * through the caller's serial phases beside a busy process made a W1 step
 * 1.25x slower than one thread; with the yields 1.01-1.03x). The dispatcher bumps a
 * generation counter and wakes sleepers; sequentially consistent atomics on
 * `generation` and `sleepers` make a lost wake-up impossible (each side
 * writes its own variable, then reads the other's).
 *
 * A job is n_threads parts, and a part belongs to whoever claims it first
 * (an atomic counter), the caller included: on a busy machine a worker that
 * is not running when a job arrives does not stall it — the caller claims
 * that part too and the job runs at one thread's speed instead of waiting
 * for the scheduler. The parts are the same whoever runs them, so the
 * numbers depend on the thread count only. While parts claimed by others
 * are still running the caller spins a little, then yields its core (the
 * worker may be waiting for it).
 *
 * Whether splitting pays is measured on every split job: the caller times
 * its own parts, which gives what the whole job would have cost it alone,
 * and the difference to what the job took is time gained (or lost, when a
 * worker claimed a part, then lost its core to another process, or shares
 * its core with one). The gains are kept as a credit of at most 1 ms; when
 * losses exhaust it by more than 0.1 ms, the next jobs run their parts one after another on the
 * caller, and only then is a split tried again: 16 jobs after a first
 * loss, twice as many after each further loss, up to 4096, until splits
 * have gained the full credit back (intermittent stalls, as on a core
 * shared with another process, keep the workers serial). Small jobs that gain or lose a microsecond
 * decide nothing; a stalled worker costs a scheduler slice (milliseconds)
 * and decides at once. A job whose parts the caller ran alone (no worker
 * came in time) tells little: a sleeping worker is expected to be late, so
 * only 32 of those in a row count as a loss, or 4 in a row while the
 * workers were awake (spinning but not running: another process has their
 * core), and only jobs of 20 µs or more count at all: a spinning worker
 * inside sched_yield misses a shorter job (counting those sent a quiet
 * machine's B = 64 critic serial in one run of two). The parts, and so the numbers, are the same either way. */
#include <cblas.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "infomin/clock.h"
#include "infomin/pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#include <math.h>
#include <sched.h>

#define SPIN_ITERATIONS (1 << 12)   /* worker: pauses before sleeping (~50 µs) */
#define YIELD_EVERY 256             /* worker: pauses between yields of its core while spinning */
#define WAIT_SPINS 256              /* caller: pauses before yielding its core */
#define BACKOFF_FIRST 16            /* jobs run serially after a first loss */
#define BACKOFF_MAX 4096
#define ALONE_LIMIT 32              /* no worker helped: 1 a job (8 when awake) */
#define ALONE_MIN_SECONDS 20e-6     /* a job shorter than this done alone tells nothing */
#define CREDIT_MAX 1e-3             /* seconds of gains that can absorb losses */
#define LOSS_MIN 1e-4               /* seconds lost beyond the credit that make a loss */

struct im_workers {
    int n_threads;
    pthread_t *threads;
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    atomic_uint generation;
    atomic_int sleepers;
    atomic_int next_part;   /* the next unclaimed part of the current job */
    atomic_int done_parts;  /* parts of the current job finished */
    atomic_int stop;
    im_workers_fn fn;
    void *arg;
    im_workers_policy policy;   /* the dispatcher's own */
    int blas_threads_before;    /* OpenBLAS's thread count, put back by free */
};

int im_workers_policy_serial(im_workers_policy *p)
{
    if (p->serial_left <= 0) return 0;
    p->serial_left--;
    return 1;
}

void im_workers_policy_observe(im_workers_policy *p, int n, int own, double own_seconds, double wall, int asleep)
{
    double alone_cost = own ? own_seconds / own * n : wall;
    int lost;
    if (own == n) {   /* no worker came: try again, but not forever */
        if (wall >= ALONE_MIN_SECONDS) p->alone += asleep ? 1 : 8;
        lost = p->alone >= ALONE_LIMIT;
    } else {
        p->alone = 0;
        p->credit = fmin(p->credit + alone_cost - wall, CREDIT_MAX);
        lost = p->credit < -LOSS_MIN;
    }
    if (lost) {
        p->backoff = p->backoff ? (p->backoff < BACKOFF_MAX ? 2 * p->backoff : BACKOFF_MAX) : BACKOFF_FIRST;
        p->serial_left = p->backoff;
        p->alone = 0;
        p->credit = 0;
    } else if (p->credit >= CREDIT_MAX) {   /* gains sustained: forget past losses */
        p->backoff = 0;
    }
}

/* Claim and run parts of the current job until none is left. fn and arg
 * are read after a claim succeeds: the job they belong to cannot end (nor
 * the next one begin) before that part is counted done. */
static int run_parts(im_workers *workers)
{
    int n = workers->n_threads, part, ran = 0;
    while ((part = atomic_fetch_add(&workers->next_part, 1)) < n) {
        workers->fn(workers->arg, part, n);
        atomic_fetch_add(&workers->done_parts, 1);
        ran++;
    }
    return ran;
}

static void *worker_main(void *p)
{
    im_workers *workers = p;
    unsigned seen = 0;
    for (;;) {
        for (int spin = 1; spin <= SPIN_ITERATIONS && atomic_load(&workers->generation) == seen; spin++) {
            CPU_RELAX();
            if (spin % YIELD_EVERY == 0) sched_yield();   /* a thread of another process waiting for this core runs */
        }
        if (atomic_load(&workers->generation) == seen) {
            pthread_mutex_lock(&workers->mutex);
            atomic_fetch_add(&workers->sleepers, 1);
            while (atomic_load(&workers->generation) == seen && !atomic_load(&workers->stop))
                pthread_cond_wait(&workers->wake, &workers->mutex);
            atomic_fetch_sub(&workers->sleepers, 1);
            pthread_mutex_unlock(&workers->mutex);
        }
        if (atomic_load(&workers->stop)) return NULL;
        seen = atomic_load(&workers->generation);
        run_parts(workers);
    }
}

im_status im_workers_new(im_ctx *ctx, int n_threads, im_workers **out)
{
    *out = NULL;
    if (n_threads < 1) return im_fail(ctx, IM_EINVAL, "worker threads: %d threads", n_threads);
    im_workers *workers = calloc(1, sizeof *workers);
    pthread_t *threads = calloc((size_t)n_threads, sizeof(pthread_t));
    if (!workers || !threads) {
        free(workers);
        free(threads);
        return im_fail(ctx, IM_ENOMEM, "worker threads: out of memory");
    }
    workers->n_threads = n_threads;
    workers->threads = threads;
    atomic_store(&workers->next_part, n_threads);   /* no job open */
    pthread_mutex_init(&workers->mutex, NULL);
    pthread_cond_init(&workers->wake, NULL);
    workers->blas_threads_before = openblas_get_num_threads();
    openblas_set_num_threads(1);
    for (int t = 1; t < n_threads; t++) {
        if (pthread_create(&workers->threads[t], NULL, worker_main, workers) != 0) {
            workers->n_threads = t;   /* free joins the ones that started */
            im_workers_free(workers);
            return im_fail(ctx, IM_ENOMEM, "worker threads: cannot start thread %d", t);
        }
    }
    *out = workers;
    return IM_OK;
}

void im_workers_free(im_workers *workers)
{
    if (!workers) return;
    pthread_mutex_lock(&workers->mutex);
    atomic_store(&workers->stop, 1);
    atomic_fetch_add(&workers->generation, 1);
    pthread_cond_broadcast(&workers->wake);
    pthread_mutex_unlock(&workers->mutex);
    for (int t = 1; t < workers->n_threads; t++) pthread_join(workers->threads[t], NULL);
    pthread_mutex_destroy(&workers->mutex);
    pthread_cond_destroy(&workers->wake);
    free(workers->threads);
    openblas_set_num_threads(workers->blas_threads_before);
    free(workers);
}

int im_workers_count(const im_workers *workers) { return workers ? workers->n_threads : 1; }

void im_workers_run(im_workers *workers, im_workers_fn fn, void *arg)
{
    if (!workers || workers->n_threads == 1) {
        fn(arg, 0, 1);
        return;
    }
    if (im_workers_policy_serial(&workers->policy)) {   /* backing off after a loss */
        for (int part = 0; part < workers->n_threads; part++) fn(arg, part, workers->n_threads);
        return;
    }
    workers->fn = fn;
    workers->arg = arg;
    atomic_store(&workers->done_parts, 0);
    atomic_store(&workers->next_part, 0);   /* opens the job to claims */
    atomic_fetch_add(&workers->generation, 1);
    int asleep = atomic_load(&workers->sleepers) > 0;
    if (asleep) {
        pthread_mutex_lock(&workers->mutex);
        pthread_cond_broadcast(&workers->wake);
        pthread_mutex_unlock(&workers->mutex);
    }
    double t0 = im_seconds();
    int own = run_parts(workers);
    double t1 = im_seconds();
    for (int spin = 0; atomic_load(&workers->done_parts) < workers->n_threads; spin++) {
        if (spin < WAIT_SPINS)
            CPU_RELAX();
        else
            sched_yield();
    }
    im_workers_policy_observe(&workers->policy, workers->n_threads, own, t1 - t0, im_seconds() - t0, asleep);
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

void im_workers_for(im_workers *workers, long n, long min_chunk, im_range_fn fn, void *arg)
{
    if (n <= 0) return;
    if (!workers || workers->n_threads == 1 || n < 2 * min_chunk) {
        fn(arg, 0, n);
        return;
    }
    range_job j = { n, fn, arg };
    im_workers_run(workers, range_part, &j);
}

/* The 0.5 names (pool.h). */
im_status im_pool_new(im_ctx *ctx, int n_threads, im_workers **out) { return im_workers_new(ctx, n_threads, out); }
void im_pool_free(im_workers *workers) { im_workers_free(workers); }
int im_pool_threads(const im_workers *workers) { return im_workers_count(workers); }
void im_pool_run(im_workers *workers, im_workers_fn fn, void *arg) { im_workers_run(workers, fn, arg); }
void im_pool_for(im_workers *workers, long n, long min_chunk, im_range_fn fn, void *arg)
{
    im_workers_for(workers, n, min_chunk, fn, arg);
}
