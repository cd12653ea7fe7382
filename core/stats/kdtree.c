/* kdtree.c — nearest neighbours in the max-norm (kdtree.h).
 *
 * The joint kNN is a k-d tree search pruned by box distance; a marginal of
 * one dimension is counted by two galloping searches in its sorted values,
 * one of several dimensions by a k-d tree range count that takes whole
 * subtrees inside the ball. The whole-sample passes run over the points in
 * the order of the index they read (bench/bench_ksg: a million points): at
 * a million points, the difference between cache and DRAM. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/workers.h"
#include "kdtree.h"
#include "sort.h"

#define LEAF_SIZE 16   /* against 12: up to 12% less time at d = 2-4, the same at 1 (10^3-10^6 points) */

void im_kd_free(im_kd_tree *t)
{
    free(t->pts);
    free(t->order);
    free(t->nodes);
    free(t->box);
    memset(t, 0, sizeof *t);
}

static inline __attribute__((always_inline)) void swap_rows(im_kd_tree *t, int a, int b, const int d)
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
static inline __attribute__((always_inline)) void select_median_d(im_kd_tree *t, int dim, int lo, int hi, int mid,
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
static void select_median(im_kd_tree *t, int dim, int lo, int hi, int mid)
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
static int kd_build_node(im_kd_tree *t, int start, int count, const double *loose)
{
    int id = t->n_nodes++, d = t->d;
    im_kd_node *node = &t->nodes[id];
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
    double split = t->pts[(long)(start + half) * d + dim], child[2 * IM_KD_TREE_MAX_DIM];
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

int im_kd_build(im_kd_tree *t, const double *src, int n, int d)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->d = d;
    int max_nodes = 2 * (n / LEAF_SIZE + 1) * 2 + 1;
    t->pts = malloc(sizeof(double) * (size_t)n * d);
    t->order = malloc(sizeof(int) * (size_t)n);
    t->nodes = malloc(sizeof(im_kd_node) * (size_t)max_nodes);
    t->box = malloc(sizeof(double) * 2 * (size_t)d * max_nodes);
    if (!t->pts || !t->order || !t->nodes || !t->box) return 0;
    memcpy(t->pts, src, sizeof(double) * (size_t)n * d);
    for (int i = 0; i < n; i++) t->order[i] = i;
    double root[2 * IM_KD_TREE_MAX_DIM];
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
static inline __attribute__((always_inline)) void knn_search(const im_kd_tree *t, const double *q, int self_pos,
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
        const im_kd_node *node = &t->nodes[id];
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

void im_kd_knn(const im_kd_tree *t, const double *q, int self_pos, double *best, int k)
{
    if (t->d == 2)
        knn_search(t, q, self_pos, best, k, 2);
    else
        knn_search(t, q, self_pos, best, k, t->d);
}

/* points at max-norm distance < r from q (q itself included) */
int im_kd_count(const im_kd_tree *t, int node_id, const double *q, double r)
{
    const im_kd_node *node = &t->nodes[node_id];
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
    return im_kd_count(t, node->left, q, r) + im_kd_count(t, node->right, q, r);
}

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
int im_count_sorted(const im_sorted_marginal *m, long n, long at, double r)
{
    double q = m->sorted[at];
    long above = gallop(m->sorted, n, at, q, r, 0), below = gallop(m->sorted, n, at, q, r, 1);
    return above > below ? (int)(above - below) : 0;   /* r = 0: nothing is within, q's ties neither */
}


/* A marginal's index: sorted values and ranks in 1-D, else a k-d tree. */
int im_marginal_index(im_kd_tree *t, im_sorted_marginal *m, const double *v, int n, int d)
{
    memset(t, 0, sizeof *t);
    memset(m, 0, sizeof *m);
    if (d > 1) return im_kd_build(t, v, n, d);
    m->sorted = malloc(sizeof(double) * (size_t)n);
    m->index = malloc(sizeof(int) * (size_t)n);
    if (!m->sorted || !m->index) return 0;
    for (int i = 0; i < n; i++) m->sorted[i] = v[i], m->index[i] = i;
    return im_sort_doubles_indexed(m->sorted, m->index, n);
}

void im_marginal_free(im_kd_tree *t, im_sorted_marginal *m)
{
    im_kd_free(t);
    free(m->sorted);
    free(m->index);
    memset(m, 0, sizeof *m);
}

double im_kth_distance_brute(const double *pts, int n, int d, const double *q, int self, int k, double *best)
{
    for (int m = 0; m < k; m++) best[m] = INFINITY;
    for (int other = 0; other < n; other++)
        if (other != self) keep_best(best, k, max_norm(pts + (long)other * d, q, d));
    return best[k - 1];
}

int im_count_brute(const double *pts, int n, int d, const double *q, double r)
{
    int count = 0;
    for (int other = 0; other < n; other++) count += max_norm(pts + (long)other * d, q, d) < r;
    return count;
}

/* ---------------------------------------------------------- whole samples */

typedef struct {
    const double *q, *pts;   /* queries (nq x d); the points searched (n x d) */
    int nq, n, d, k, self;   /* self: a query is the point of its own index */
    im_kd_tree tree;         /* over pts, when d <= IM_KD_TREE_MAX_DIM */
    double *eps;
} kth_job;

static void kth_range(void *arg, long lo, long hi)
{
    const kth_job *j = arg;
    double best[IM_KD_MAX_K];
    for (long p = lo; p < hi; p++) {
        if (!j->tree.pts) {
            j->eps[p] = im_kth_distance_brute(j->pts, j->n, j->d, j->q + p * j->d, j->self ? (int)p : -1, j->k, best);
            continue;
        }
        /* the sample's own queries in tree order: neighbouring queries read
         * neighbouring leaves */
        for (int m = 0; m < j->k; m++) best[m] = INFINITY;
        if (j->self) {
            im_kd_knn(&j->tree, j->tree.pts + p * j->d, (int)p, best, j->k);
            j->eps[j->tree.order[p]] = best[j->k - 1];
        } else {
            im_kd_knn(&j->tree, j->q + p * j->d, -1, best, j->k);
            j->eps[p] = best[j->k - 1];
        }
    }
}

static im_status kth_run(im_ctx *ctx, kth_job *j)
{
    if (j->k < 1 || j->k > IM_KD_MAX_K) return im_fail(ctx, IM_EINVAL, "knn: k = %d outside 1..%d", j->k, IM_KD_MAX_K);
    if (j->n < j->k + j->self)
        return im_fail(ctx, IM_EINVAL, "knn: %d samples for k = %d neighbours", j->n, j->k);
    if (j->d <= IM_KD_TREE_MAX_DIM && !im_kd_build(&j->tree, j->pts, j->n, j->d)) {
        im_kd_free(&j->tree);
        return im_fail(ctx, IM_ENOMEM, "knn: out of memory building a tree (n = %d)", j->n);
    }
    im_workers_for(ctx->workers, j->nq, 256, kth_range, j);
    im_kd_free(&j->tree);
    return IM_OK;
}

im_status im_kth_distances(im_ctx *ctx, const double *pts, int n, int d, int k, double *eps)
{
    kth_job j = { .q = pts, .pts = pts, .nq = n, .n = n, .d = d, .k = k, .self = 1, .eps = eps };
    return kth_run(ctx, &j);
}

im_status im_kth_distances_to(im_ctx *ctx, const double *q, int nq, const double *pts, int n, int d, int k,
                              double *eps)
{
    kth_job j = { .q = q, .pts = pts, .nq = nq, .n = n, .d = d, .k = k, .self = 0, .eps = eps };
    return kth_run(ctx, &j);
}

typedef struct {
    const double *pts, *eps;
    int n, d;
    im_kd_tree tree;
    im_sorted_marginal sorted;
    int *count;
} within_job;

static void within_range(void *arg, long lo, long hi)
{
    const within_job *j = arg;
    for (long p = lo; p < hi; p++) {
        if (j->sorted.sorted) {
            int i = j->sorted.index[p];
            j->count[i] = im_count_sorted(&j->sorted, j->n, p, j->eps[i]);
        } else if (j->tree.pts) {
            int i = j->tree.order[p];
            j->count[i] = im_kd_count(&j->tree, 0, j->tree.pts + p * j->d, j->eps[i]);
        } else {
            j->count[p] = im_count_brute(j->pts, j->n, j->d, j->pts + p * j->d, j->eps[p]);
        }
    }
}

im_status im_counts_within(im_ctx *ctx, const double *pts, int n, int d, const double *eps, int *count)
{
    within_job j = { .pts = pts, .eps = eps, .n = n, .d = d, .count = count };
    int ok = d > IM_KD_TREE_MAX_DIM ? 1 : im_marginal_index(&j.tree, &j.sorted, pts, n, d);
    if (ok) im_workers_for(ctx->workers, n, 256, within_range, &j);
    im_marginal_free(&j.tree, &j.sorted);
    return ok ? IM_OK : im_fail(ctx, IM_ENOMEM, "knn: out of memory building an index (n = %d)", n);
}
