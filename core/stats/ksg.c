/* ksg.c — the KSG estimator 1 on a k-d tree (max-norm).
 *
 * Per point: the distance ε_i to its k-th neighbour in the joint space
 * (x, y), then the numbers of points strictly within ε_i in x alone and in y
 * alone. Joint kNN and both marginal counts are k-d tree queries: a kNN
 * search pruned by box distance, and a range count that takes whole
 * subtrees whose box lies inside the ball. In high dimension a k-d tree
 * visits nearly every leaf, so above TREE_MAX_DIM the same queries run as a
 * blocked brute-force scan (bench/bench_ksg measures both). Queries are
 * independent and split across the context's thread pool. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/pool.h"
#include "infomin/stats.h"

#define LEAF_SIZE 12
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

static void swap_rows(kd_tree *t, int a, int b)
{
    double *pa = t->pts + (long)a * t->d, *pb = t->pts + (long)b * t->d;
    for (int c = 0; c < t->d; c++) {
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
static void select_median(kd_tree *t, int dim, int lo, int hi, int mid)
{
    const int d = t->d;
    while (hi - lo > 1) {
        double pivot = t->pts[(long)(lo + (hi - lo) / 2) * d + dim];
        int i = lo, j = hi - 1;
        while (i <= j) {
            while (t->pts[(long)i * d + dim] < pivot) i++;
            while (t->pts[(long)j * d + dim] > pivot) j--;
            if (i <= j) swap_rows(t, i++, j--);
        }
        if (mid <= j)
            hi = j + 1;
        else if (mid >= i)
            lo = i;
        else
            return;
    }
}

static int kd_build_node(kd_tree *t, int start, int count)
{
    int id = t->n_nodes++, d = t->d;
    kd_node *node = &t->nodes[id];
    node->start = start;
    node->count = count;
    node->left = node->right = -1;
    double *lo = t->box + (long)id * 2 * d, *hi = lo + d;
    for (int c = 0; c < d; c++) lo[c] = INFINITY, hi[c] = -INFINITY;
    for (int i = start; i < start + count; i++)
        for (int c = 0; c < d; c++) {
            double v = t->pts[(long)i * d + c];
            lo[c] = v < lo[c] ? v : lo[c];
            hi[c] = v > hi[c] ? v : hi[c];
        }
    if (count <= LEAF_SIZE) return id;
    int dim = 0;
    for (int c = 1; c < d; c++)
        if (hi[c] - lo[c] > hi[dim] - lo[dim]) dim = c;
    int half = count / 2;
    select_median(t, dim, start, start + count, start + half);
    int left = kd_build_node(t, start, half);
    int right = kd_build_node(t, start + half, count - half);
    t->nodes[id].left = left;   /* t->nodes does not move: sized up front */
    t->nodes[id].right = right;
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
    kd_build_node(t, 0, n);
    return 1;
}

static double box_distance(const double *lo, const double *hi, const double *q, int d)
{
    double dist = 0;
    for (int c = 0; c < d; c++) {
        double gap = q[c] < lo[c] ? lo[c] - q[c] : (q[c] > hi[c] ? q[c] - hi[c] : 0);
        dist = gap > dist ? gap : dist;
    }
    return dist;
}

static double max_norm(const double *a, const double *b, int d)
{
    double dist = 0;
    for (int c = 0; c < d; c++) {
        double gap = fabs(a[c] - b[c]);
        dist = gap > dist ? gap : dist;
    }
    return dist;
}

/* best[0..k) sorted ascending; insert dist if it beats best[k-1] */
static void keep_best(double *best, int k, double dist)
{
    if (dist >= best[k - 1]) return;
    int i = k - 1;
    while (i > 0 && best[i - 1] > dist) {
        best[i] = best[i - 1];
        i--;
    }
    best[i] = dist;
}

/* The k nearest of q in the subtree node_id, whose box lies at `dist` from
 * q (computed once, by the parent, which orders its children by it). */
static void kd_knn(const kd_tree *t, int node_id, double dist, const double *q, int self_pos, double *best, int k)
{
    if (dist >= best[k - 1]) return;
    const kd_node *node = &t->nodes[node_id];
    if (node->left < 0) {
        for (int i = node->start; i < node->start + node->count; i++)
            if (i != self_pos) keep_best(best, k, max_norm(t->pts + (long)i * t->d, q, t->d));
        return;
    }
    /* nearer child first: its points tighten the bound sooner */
    const double *llo = t->box + (long)node->left * 2 * t->d, *rlo = t->box + (long)node->right * 2 * t->d;
    double dl = box_distance(llo, llo + t->d, q, t->d), dr = box_distance(rlo, rlo + t->d, q, t->d);
    if (dl <= dr) {
        kd_knn(t, node->left, dl, q, self_pos, best, k);
        kd_knn(t, node->right, dr, q, self_pos, best, k);
    } else {
        kd_knn(t, node->right, dr, q, self_pos, best, k);
        kd_knn(t, node->left, dl, q, self_pos, best, k);
    }
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
 * that start at its rank and widen (galloping): O(log count), in cache. */
typedef struct {
    double v;
    int i;
} ranked;

static int ranked_less(const ranked *a, const ranked *b) { return a->v < b->v || (a->v == b->v && a->i < b->i); }

/* Sort by value (ties by index): quicksort, median of three, insertion
 * sort below 16, the smaller side first (a stack of log n). No comparator
 * calls: qsort's took a third of a million-point estimate. */
static void sort_ranked(ranked *a, long n)
{
    while (n > 16) {
        long mid = n / 2, last = n - 1;
        if (ranked_less(&a[mid], &a[0])) { ranked t = a[mid]; a[mid] = a[0]; a[0] = t; }
        if (ranked_less(&a[last], &a[0])) { ranked t = a[last]; a[last] = a[0]; a[0] = t; }
        if (ranked_less(&a[last], &a[mid])) { ranked t = a[last]; a[last] = a[mid]; a[mid] = t; }
        ranked pivot = a[mid];
        long i = 0, j = last;
        while (i <= j) {
            while (ranked_less(&a[i], &pivot)) i++;
            while (ranked_less(&pivot, &a[j])) j--;
            if (i <= j) {
                ranked t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j + 1 < n - i) {   /* recurse on the smaller part, loop on the larger */
            sort_ranked(a, j + 1);
            a += i;
            n -= i;
        } else {
            sort_ranked(a + i, n - i);
            n = j + 1;
        }
    }
    for (long i = 1; i < n; i++) {
        ranked t = a[i];
        long j = i;
        while (j > 0 && ranked_less(&t, &a[j - 1])) a[j] = a[j - 1], j--;
        a[j] = t;
    }
}

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
        kd_knn(&j->tj, 0, 0, j->tj.pts + p * dz, (int)p, best, j->k);   /* q lies in the root's box */
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

static void psi_range(void *arg, long lo, long hi)
{
    const ksg_job *j = arg;
    for (long i = lo; i < hi; i++) j->psi_sum[i] = psi_of(j->eps[i], j->nx[i], j->ny[i]);
}

/* A marginal's index: sorted values and ranks in 1-D, else a k-d tree. */
static int marginal_index(kd_tree *t, sorted_marginal *m, const double *v, int n, int d)
{
    memset(t, 0, sizeof *t);
    memset(m, 0, sizeof *m);
    if (d > 1) return kd_build(t, v, n, d);
    ranked *r = malloc(sizeof *r * (size_t)n);
    m->sorted = malloc(sizeof(double) * (size_t)n);
    m->index = malloc(sizeof(int) * (size_t)n);
    if (!r || !m->sorted || !m->index) {
        free(r);
        return 0;
    }
    for (int i = 0; i < n; i++) r[i] = (ranked){ v[i], i };
    sort_ranked(r, n);
    for (int k = 0; k < n; k++) m->sorted[k] = r[k].v, m->index[k] = r[k].i;
    free(r);
    return 1;
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
        im_pool_for(ctx->pool, n, 256, knn_range, &j);
        im_pool_for(ctx->pool, n, 256, count_range, &cx);
        im_pool_for(ctx->pool, n, 256, count_range, &cy);
        im_pool_for(ctx->pool, n, 4096, psi_range, &j);
    } else if (!st) {
        im_pool_for(ctx->pool, n, 256, brute_range, &j);
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
    return st;
}
