/* ksg.c — the KSG estimator 1 on a k-d tree (max-norm).
 *
 * Per point: the distance ε_i to its k-th neighbour in the joint space
 * (x, y), then the numbers of points strictly within ε_i in x alone and in y
 * alone. The joint kNN is a k-d tree search pruned by box distance; a
 * marginal of one dimension is counted by two galloping searches in its
 * sorted values, one of several dimensions by a k-d tree range count that
 * takes whole subtrees inside the ball. The phases run over the points in
 * the order of the index they read (bench/bench_ksg: a million points). In
 * high dimension a k-d tree visits nearly every leaf, so above TREE_MAX_DIM
 * the same queries run as a blocked brute-force scan (bench_estimators).
 * Queries are independent and split across the context's thread pool; the
 * terms are summed in point order, so the estimate does not depend on the
 * thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/workers.h"
#include "infomin/stats.h"
#include "sort.h"

#define LEAF_SIZE 16   /* against 12: up to 12% less time at d = 2-4, the same at 1 (10^3-10^6 points) */
#define TREE_MAX_DIM 8
#define KSG_MAX_K 64

typedef struct {
    int start, count;   /* range of the tree-ordered points */
    int left, right;    /* children, -1 for a leaf */
} kd_node;

typedef struct {
    int n, d;
    double *pts;        /* n x d, in tree order */
    int *order;         /* tree position -> original index */
    kd_node *nodes;
    double *box;        /* per node: d minima then d maxima */
    int n_nodes;
} kd_tree;

static void kd_free(kd_tree *t)
{
    free(t->pts);
    free(t->order);
    free(t->nodes);
    free(t->box);
    memset(t, 0, sizeof *t);
}

static inline __attribute__((always_inline)) void swap_rows(kd_tree *t, int a, int b, const int d)
{
    double *pa = t->pts + (long)a * d, *pb = t->pts + (long)b * d;
    for (int c = 0; c < d; c++) {
        double v = pa[c];
        pa[c] = pb[c];
        pb[c] = v;
    }
    int o = t->order[a];
    t->order[a] = t->order[b];
    t->order[b] = o;
}

/* Quickselect on the rows [lo, hi) of the tree's own copy of the points by
 * coordinate dim: the median lands at mid. The rows move, not indices into
 * the caller's array: a million-point build then reads memory in order. */
static inline __attribute__((always_inline)) void select_median_d(kd_tree *t, int dim, int lo, int hi, int mid,
                                                                   const int d)
{
    while (hi - lo > 1) {
        double pivot = t->pts[(long)(lo + (hi - lo) / 2) * d + dim];
        int i = lo, j = hi - 1;
        while (i <= j) {
            while (t->pts[(long)i * d + dim] < pivot) i++;
            while (t->pts[(long)j * d + dim] > pivot) j--;
            if (i <= j) swap_rows(t, i++, j--, d);
        }
        if (mid <= j)
            hi = j + 1;
        else if (mid >= i)
            lo = i;
        else
            return;
    }
}

/* With a constant d for the 2-D joint space of two 1-D variables (the
 * row swaps unroll): a sixth of a 100,000-point estimate is the build. */
static void select_median(kd_tree *t, int dim, int lo, int hi, int mid)
{
    if (t->d == 2)
        select_median_d(t, dim, lo, hi, mid, 2);
    else
        select_median_d(t, dim, lo, hi, mid, t->d);
}

/* The node over rows [start, start + count): split at the median of the
 * widest side of `loose` (a box that holds the rows: the parent's, cut at
 * its split), children first; its own, tight box is then its leaf's rows
 * or its children's boxes merged. Every level but the leaves reads no
 * points: O(n) for the boxes, not O(n log n). */
static int kd_build_node(kd_tree *t, int start, int count, const double *loose)
{
    int id = t->n_nodes++, d = t->d;
    kd_node *node = &t->nodes[id];
    node->start = start;
    node->count = count;
    node->left = node->right = -1;
    double *lo = t->box + (long)id * 2 * d, *hi = lo + d;
    if (count <= LEAF_SIZE) {
        for (int c = 0; c < d; c++) lo[c] = INFINITY, hi[c] = -INFINITY;
        for (int i = start; i < start + count; i++)
            for (int c = 0; c < d; c++) {
                double v = t->pts[(long)i * d + c];
                lo[c] = v < lo[c] ? v : lo[c];
                hi[c] = v > hi[c] ? v : hi[c];
            }
        return id;
    }
    int dim = 0;
    for (int c = 1; c < d; c++)
        if (loose[d + c] - loose[c] > loose[d + dim] - loose[dim]) dim = c;
    int half = count / 2;
    select_median(t, dim, start, start + count, start + half);
    double split = t->pts[(long)(start + half) * d + dim], child[2 * TREE_MAX_DIM];
    memcpy(child, loose, sizeof(double) * 2 * d);
    child[d + dim] = split;   /* the left rows are at most the median */
    int left = kd_build_node(t, start, half, child);
    child[d + dim] = loose[d + dim];
    child[dim] = split;       /* the right rows at least */
    int right = kd_build_node(t, start + half, count - half, child);
    node->left = left;
    node->right = right;
    const double *l = t->box + (long)left * 2 * d, *r = t->box + (long)right * 2 * d;
    for (int c = 0; c < d; c++) {
        lo[c] = l[c] < r[c] ? l[c] : r[c];
        hi[c] = l[d + c] > r[d + c] ? l[d + c] : r[d + c];
    }
    return id;
}

static int kd_build(kd_tree *t, const double *src, int n, int d)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->d = d;
    int max_nodes = 2 * (n / LEAF_SIZE + 1) * 2 + 1;
    t->pts = malloc(sizeof(double) * (size_t)n * d);
    t->order = malloc(sizeof(int) * (size_t)n);
    t->nodes = malloc(sizeof(kd_node) * (size_t)max_nodes);
    t->box = malloc(sizeof(double) * 2 * (size_t)d * max_nodes);
    if (!t->pts || !t->order || !t->nodes || !t->box) return 0;
    memcpy(t->pts, src, sizeof(double) * (size_t)n * d);
    for (int i = 0; i < n; i++) t->order[i] = i;
    double root[2 * TREE_MAX_DIM];
    for (int c = 0; c < d; c++) root[c] = INFINITY, root[d + c] = -INFINITY;
    for (long i = 0; i < n; i++)
        for (int c = 0; c < d; c++) {
            double v = t->pts[i * d + c];
            root[c] = v < root[c] ? v : root[c];
            root[d + c] = v > root[d + c] ? v : root[d + c];
        }
    kd_build_node(t, 0, n, root);
    return 1;
}

static inline double box_distance(const double *lo, const double *hi, const double *q, int d)
{
    double dist = 0;
    for (int c = 0; c < d; c++) {
        double gap = q[c] < lo[c] ? lo[c] - q[c] : (q[c] > hi[c] ? q[c] - hi[c] : 0);
        dist = gap > dist ? gap : dist;
    }
    return dist;
}

static inline double max_norm(const double *a, const double *b, int d)
{
    double dist = 0;
    for (int c = 0; c < d; c++) {
        double gap = fabs(a[c] - b[c]);
        dist = gap > dist ? gap : dist;
    }
    return dist;
}

/* best[0..k) sorted ascending; insert dist if it beats best[k-1] */
static inline void keep_best(double *best, int k, double dist)
{
    if (dist >= best[k - 1]) return;
    int i = k - 1;
    while (i > 0 && best[i - 1] > dist) {
        best[i] = best[i - 1];
        i--;
    }
    best[i] = dist;
}

/* The k nearest of q (best[0..k) ascending, self_pos left out): a
 * depth-first search with an explicit stack, the nearer child first, a
 * node skipped when its box is no nearer than the k-th best. Each box
 * distance is computed once, by the parent. Inlined with a constant d for
 * the 2-D joint space (the loops over coordinates unroll). */
static inline __attribute__((always_inline)) void knn_search(const kd_tree *t, const double *q, int self_pos,
                                                             double *best, int k, const int d)
{
    int stack[128];   /* one pushed net per level: depth + 1 */
    double near[128];
    int top = 0;
    stack[top] = 0, near[top++] = 0;   /* q lies in the root's box */
    while (top) {
        top--;
        int id = stack[top];
        if (near[top] >= best[k - 1]) continue;
        const kd_node *node = &t->nodes[id];
        if (node->left < 0) {
            for (int i = node->start; i < node->start + node->count; i++)
                if (i != self_pos) keep_best(best, k, max_norm(t->pts + (long)i * d, q, d));
            continue;
        }
        const double *llo = t->box + (long)node->left * 2 * d, *rlo = t->box + (long)node->right * 2 * d;
        double dl = box_distance(llo, llo + d, q, d), dr = box_distance(rlo, rlo + d, q, d);
        int left_first = dl <= dr;   /* pushed last, popped first */
        stack[top] = left_first ? node->right : node->left, near[top++] = left_first ? dr : dl;
        stack[top] = left_first ? node->left : node->right, near[top++] = left_first ? dl : dr;
    }
}

static void kd_knn(const kd_tree *t, const double *q, int self_pos, double *best, int k)
{
    if (t->d == 2)
        knn_search(t, q, self_pos, best, k, 2);
    else
        knn_search(t, q, self_pos, best, k, t->d);
}

/* points at max-norm distance < r from q (q itself included) */
static int kd_count(const kd_tree *t, int node_id, const double *q, double r)
{
    const kd_node *node = &t->nodes[node_id];
    const double *lo = t->box + (long)node_id * 2 * t->d, *hi = lo + t->d;
    if (box_distance(lo, hi, q, t->d) >= r) return 0;
    double far = 0;
    for (int c = 0; c < t->d; c++) {
        double a = fabs(q[c] - lo[c]), b = fabs(q[c] - hi[c]);
        far = a > far ? a : far;
        far = b > far ? b : far;
    }
    if (far < r) return node->count;
    if (node->left < 0) {
        int count = 0;
        for (int i = node->start; i < node->start + node->count; i++)
            count += max_norm(t->pts + (long)i * t->d, q, t->d) < r;
        return count;
    }
    return kd_count(t, node->left, q, r) + kd_count(t, node->right, q, r);
}

/* A 1-D marginal: its values sorted, with every point's rank in them, so
 * that the count of points strictly within r of point i is two searches
 * that start at its rank and widen (galloping): O(log count), in cache.
 * The sort is sort.c's stable radix sort (qsort's comparator calls took a
 * third of a million-point estimate), ties in index order. */
typedef struct {
    double *sorted;   /* the values in order */
    int *index;       /* place in sorted -> point */
} sorted_marginal;

/* The first place in [0, n] past the points within r of q below it
 * (lower: the first with q − s[k] < r) or within r above it (else: the
 * first with s[k] − q ≥ r), searched from `from` outwards: exponential
 * steps, then bisection. The tests are the differences the joint search
 * measured ε with, not q ± r: a neighbour at exactly ε must fall on the
 * same side whatever q + r rounds to. */
static long gallop(const double *s, long n, long from, double q, double r, int lower)
{
#define ABOVE(k) (lower ? q - s[k] < r : s[k] - q >= r)
    long lo, hi;
    if (from < n && ABOVE(from)) {   /* the answer is at or before from */
        long step = 1;
        hi = from;
        lo = from - 1;
        while (lo >= 0 && ABOVE(lo)) hi = lo, lo -= step, step *= 2;
        lo = lo < 0 ? 0 : lo + 1;   /* s[lo - 1] is below (or lo is 0) */
    } else {
        long step = 1;
        lo = from + 1;
        hi = from + 1;
        while (hi < n && !ABOVE(hi)) lo = hi + 1, hi += step, step *= 2;
        if (hi > n) hi = n;
    }
    while (lo < hi) {   /* the first ABOVE in [lo, hi], hi known ABOVE or n */
        long mid = lo + (hi - lo) / 2;
        if (ABOVE(mid))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
#undef ABOVE
}

/* Points strictly within r of the one at place `at` (itself included). */
static int count_sorted(const sorted_marginal *m, long n, long at, double r)
{
    double q = m->sorted[at];
    long above = gallop(m->sorted, n, at, q, r, 0), below = gallop(m->sorted, n, at, q, r, 1);
    return above > below ? (int)(above - below) : 0;   /* r = 0: nothing is within, q's ties neither */
}

typedef struct {
    const double *joint, *x, *y;
    int n, dx, dy, k;
    kd_tree tj, tx, ty;
    sorted_marginal sx, sy;   /* 1-D marginals: sorted values instead of trees */
    int use_tree;
    double *eps;         /* per point: the distance to its k-th joint neighbour */
    int *nx, *ny;        /* per point: the marginal counts within it */
    double *psi_table;   /* ψ(m + 1) for every count m that occurs */
    double *psi_sum;     /* per point: ψ(n_x + 1) + ψ(n_y + 1) */
} ksg_job;

static double kth_distance_brute(const ksg_job *j, int i, double *best)
{
    int dz = j->dx + j->dy;
    for (int m = 0; m < j->k; m++) best[m] = INFINITY;
    for (int other = 0; other < j->n; other++)
        if (other != i) keep_best(best, j->k, max_norm(j->joint + (long)other * dz, j->joint + (long)i * dz, dz));
    return best[j->k - 1];
}

static int count_brute(const double *pts, int n, int d, const double *q, double r)
{
    int count = 0;
    for (int other = 0; other < n; other++) count += max_norm(pts + (long)other * d, q, d) < r;
    return count;
}

/* ψ(n_x + 1) + ψ(n_y + 1) of point i. The counts include the point itself,
 * unless ε = 0 (tied points: nothing is strictly closer than 0, the point
 * included). */
static double psi_of(double eps, int nx, int ny)
{
    if (eps > 0) nx--, ny--;
    return im_digamma(nx + 1.0) + im_digamma(ny + 1.0);
}

/* Above TREE_MAX_DIM: every query a scan. */
static void brute_range(void *arg, long lo, long hi)
{
    const ksg_job *j = arg;
    double best[KSG_MAX_K];
    for (long i = lo; i < hi; i++) {
        double eps = kth_distance_brute(j, (int)i, best);
        int nx = count_brute(j->x, j->n, j->dx, j->x + i * j->dx, eps);
        int ny = count_brute(j->y, j->n, j->dy, j->y + i * j->dy, eps);
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
    double best[KSG_MAX_K];
    for (long p = lo; p < hi; p++) {
        for (int m = 0; m < j->k; m++) best[m] = INFINITY;
        kd_knn(&j->tj, j->tj.pts + p * dz, (int)p, best, j->k);
        j->eps[j->tj.order[p]] = best[j->k - 1];
    }
}

typedef struct {
    const ksg_job *j;
    const kd_tree *tree;           /* a marginal of several dimensions */
    const sorted_marginal *sorted; /* or of one */
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
            c->count[i] = count_sorted(c->sorted, c->j->n, p, eps[i]);
        } else {
            int i = c->tree->order[p];
            c->count[i] = kd_count(c->tree, 0, c->tree->pts + p * c->tree->d, eps[i]);
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

/* A marginal's index: sorted values and ranks in 1-D, else a k-d tree. */
static int marginal_index(kd_tree *t, sorted_marginal *m, const double *v, int n, int d)
{
    memset(t, 0, sizeof *t);
    memset(m, 0, sizeof *m);
    if (d > 1) return kd_build(t, v, n, d);
    m->sorted = malloc(sizeof(double) * (size_t)n);
    m->index = malloc(sizeof(int) * (size_t)n);
    if (!m->sorted || !m->index) return 0;
    for (int i = 0; i < n; i++) m->sorted[i] = v[i], m->index[i] = i;
    return im_sort_doubles_indexed(m->sorted, m->index, n);
}

im_status im_ksg(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, int k, double *out)
{
    if (k < 1 || k > KSG_MAX_K) return im_fail(ctx, IM_EINVAL, "ksg: k = %d outside 1..%d", k, KSG_MAX_K);
    if (n <= k) return im_fail(ctx, IM_EINVAL, "ksg: %d samples for k = %d neighbours", n, k);
    int dz = dx + dy;
    ksg_job j = { .x = x, .y = y, .n = n, .dx = dx, .dy = dy, .k = k, .use_tree = dz <= TREE_MAX_DIM };
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
        if (j.use_tree && (!kd_build(&j.tj, joint, n, dz) || !marginal_index(&j.tx, &j.sx, x, n, dx) ||
                           !marginal_index(&j.ty, &j.sy, y, n, dy)))
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
    kd_free(&j.tj);
    kd_free(&j.tx);
    kd_free(&j.ty);
    free(j.sx.sorted);
    free(j.sx.index);
    free(j.sy.sorted);
    free(j.sy.index);
    free(joint);
    free(j.psi_sum);
    free(j.eps);
    free(j.nx);
    free(j.ny);
    free(j.psi_table);
    return st;
}
