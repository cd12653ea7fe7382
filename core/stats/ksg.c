/* ksg.c — the KSG estimator 1 on a k-d tree (max-norm; kdtree.c).
 *
 * Per point: the distance ε_i to its k-th neighbour in the joint space
 * (x, y), then the numbers of points strictly within ε_i in x alone and in y
 * alone. The phases run over the points in the order of the index they read
 * (bench/bench_ksg: a million points). In high dimension a k-d tree visits
 * nearly every leaf, so above IM_KD_TREE_MAX_DIM the same queries run as a
 * brute-force scan (bench_estimators).
 * Queries are independent and split across the context's thread pool; the
 * terms are summed in point order, so the estimate does not depend on the
 * thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/workers.h"
#include "infomin/stats.h"
#include "kdtree.h"

typedef struct {
    const double *joint, *x, *y;
    int n, dx, dy, k;
    im_kd_tree tj, tx, ty;
    im_sorted_marginal sx, sy;   /* 1-D marginals: sorted values instead of trees */
    int use_tree;
    double *eps;         /* per point: the distance to its k-th joint neighbour */
    int *nx, *ny;        /* per point: the marginal counts within it */
    double *psi_table;   /* ψ(m + 1) for every count m that occurs */
    double *psi_sum;     /* per point: ψ(n_x + 1) + ψ(n_y + 1) */
} ksg_job;

/* ψ(n_x + 1) + ψ(n_y + 1) of point i. The counts include the point itself,
 * unless ε = 0 (tied points: nothing is strictly closer than 0, the point
 * included). */
static double psi_of(double eps, int nx, int ny)
{
    if (eps > 0) nx--, ny--;
    return im_digamma(nx + 1.0) + im_digamma(ny + 1.0);
}

/* Above IM_KD_TREE_MAX_DIM: every query a scan. */
static void brute_range(void *arg, long lo, long hi)
{
    const ksg_job *j = arg;
    double best[IM_KD_MAX_K];
    for (long i = lo; i < hi; i++) {
        double eps = im_kth_distance_brute(j->joint, j->n, j->dx + j->dy, j->joint + i * (j->dx + j->dy), (int)i, j->k, best);
        int nx = im_count_brute(j->x, j->n, j->dx, j->x + i * j->dx, eps);
        int ny = im_count_brute(j->y, j->n, j->dy, j->y + i * j->dy, eps);
        j->psi_sum[i] = psi_of(eps, nx, ny);
    }
}

/* The tree path runs in phases, each over the points in the order of the
 * index it reads, so that consecutive queries touch neighbouring memory (at
 * a million points, the difference between cache and DRAM): ε of every
 * point in joint-tree order, then each marginal's counts in its own order
 * (sorted values: the search starts at the point's place; a tree: its
 * order). */
static void knn_range(void *arg, long lo, long hi)
{
    const ksg_job *j = arg;
    int dz = j->dx + j->dy;
    double best[IM_KD_MAX_K];
    for (long p = lo; p < hi; p++) {
        for (int m = 0; m < j->k; m++) best[m] = INFINITY;
        im_kd_knn(&j->tj, j->tj.pts + p * dz, (int)p, best, j->k);
        j->eps[j->tj.order[p]] = best[j->k - 1];
    }
}

typedef struct {
    const ksg_job *j;
    const im_kd_tree *tree;           /* a marginal of several dimensions */
    const im_sorted_marginal *sorted; /* or of one */
    int *count;
} count_job;

#define PREFETCH_AHEAD 16

static void count_range(void *arg, long lo, long hi)
{
    const count_job *c = arg;
    const double *eps = c->j->eps;
    for (long p = lo; p < hi; p++) {
        if (c->sorted->sorted) {
            /* ε of a point some places on: a scattered load, asked for early
             * so that it is in cache when the search needs it */
            if (p + PREFETCH_AHEAD < hi) {
                int ahead = c->sorted->index[p + PREFETCH_AHEAD];
                __builtin_prefetch(&eps[ahead]);
                __builtin_prefetch(&c->count[ahead], 1);
            }
            int i = c->sorted->index[p];
            c->count[i] = im_count_sorted(c->sorted, c->j->n, p, eps[i]);
        } else {
            int i = c->tree->order[p];
            c->count[i] = im_kd_count(c->tree, 0, c->tree->pts + p * c->tree->d, eps[i]);
        }
    }
}

/* ψ of the counts from a table of ψ(1 .. max + 1): the counts are small
 * and repeat, and the table holds the same values im_digamma gives. */
static void psi_range(void *arg, long lo, long hi)
{
    const ksg_job *j = arg;
    for (long i = lo; i < hi; i++) {
        int drop = j->eps[i] > 0;   /* the point itself, counted unless ε = 0 */
        j->psi_sum[i] = j->psi_table[j->nx[i] - drop] + j->psi_table[j->ny[i] - drop];
    }
}

/* psi_table[m] = ψ(m + 1) for m up to the largest count. */
static int make_psi_table(ksg_job *j)
{
    int most = 0;
    for (int i = 0; i < j->n; i++) most = j->nx[i] > most ? j->nx[i] : most, most = j->ny[i] > most ? j->ny[i] : most;
    if (!(j->psi_table = malloc(sizeof(double) * ((size_t)most + 1)))) return 0;
    for (int m = 0; m <= most; m++) j->psi_table[m] = im_digamma(m + 1.0);
    return 1;
}

im_status im_ksg(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, int k, double *out)
{
    if (k < 1 || k > IM_KD_MAX_K) return im_fail(ctx, IM_EINVAL, "ksg: k = %d outside 1..%d", k, IM_KD_MAX_K);
    if (n <= k) return im_fail(ctx, IM_EINVAL, "ksg: %d samples for k = %d neighbours", n, k);
    int dz = dx + dy;
    ksg_job j = { .x = x, .y = y, .n = n, .dx = dx, .dy = dy, .k = k, .use_tree = dz <= IM_KD_TREE_MAX_DIM };
    double *joint = malloc(sizeof(double) * (size_t)n * dz);
    j.psi_sum = malloc(sizeof(double) * (size_t)n);
    if (j.use_tree) {
        j.eps = malloc(sizeof(double) * (size_t)n);
        j.nx = malloc(sizeof(int) * (size_t)n);
        j.ny = malloc(sizeof(int) * (size_t)n);
    }
    im_status st = joint && j.psi_sum && (!j.use_tree || (j.eps && j.nx && j.ny))
                       ? IM_OK
                       : im_fail(ctx, IM_ENOMEM, "ksg: out of memory (n = %d)", n);
    if (!st) {
        for (long i = 0; i < n; i++) {
            memcpy(joint + i * dz, x + i * dx, sizeof(double) * dx);
            memcpy(joint + i * dz + dx, y + i * dy, sizeof(double) * dy);
        }
        j.joint = joint;
        if (j.use_tree && (!im_kd_build(&j.tj, joint, n, dz) || !im_marginal_index(&j.tx, &j.sx, x, n, dx) ||
                           !im_marginal_index(&j.ty, &j.sy, y, n, dy)))
            st = im_fail(ctx, IM_ENOMEM, "ksg: out of memory building trees (n = %d)", n);
    }
    if (!st && j.use_tree) {
        count_job cx = { &j, &j.tx, &j.sx, j.nx }, cy = { &j, &j.ty, &j.sy, j.ny };
        im_workers_for(ctx->workers, n, 256, knn_range, &j);
        im_workers_for(ctx->workers, n, 256, count_range, &cx);
        im_workers_for(ctx->workers, n, 256, count_range, &cy);
        if (make_psi_table(&j))
            im_workers_for(ctx->workers, n, 4096, psi_range, &j);
        else
            st = im_fail(ctx, IM_ENOMEM, "ksg: out of memory (n = %d)", n);
    } else if (!st) {
        im_workers_for(ctx->workers, n, 256, brute_range, &j);
    }
    if (!st) {   /* summed in point order: the same number whatever the phases and threads */
        double mean = 0;
        for (int i = 0; i < n; i++) mean += j.psi_sum[i];
        *out = im_digamma(k) + im_digamma(n) - mean / n;
    }
    im_kd_free(&j.tj);
    im_marginal_free(&j.tx, &j.sx);
    im_marginal_free(&j.ty, &j.sy);
    free(joint);
    free(j.psi_sum);
    free(j.eps);
    free(j.nx);
    free(j.ny);
    free(j.psi_table);
    return st;
}
