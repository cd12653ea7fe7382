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

/* quickselect on idx[lo..hi) by coordinate dim: the median lands at mid */
static void select_median(const double *src, int d, int dim, int *idx, int lo, int hi, int mid)
{
    while (hi - lo > 1) {
        double pivot = src[(long)idx[lo + (hi - lo) / 2] * d + dim];
        int i = lo, j = hi - 1;
        while (i <= j) {
            while (src[(long)idx[i] * d + dim] < pivot) i++;
            while (src[(long)idx[j] * d + dim] > pivot) j--;
            if (i <= j) {
                int tmp = idx[i];
                idx[i] = idx[j];
                idx[j] = tmp;
                i++;
                j--;
            }
        }
        if (mid <= j)
            hi = j + 1;
        else if (mid >= i)
            lo = i;
        else
            return;
    }
}

static int kd_build_node(kd_tree *t, const double *src, int *idx, int start, int count)
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
            double v = src[(long)idx[i] * d + c];
            lo[c] = v < lo[c] ? v : lo[c];
            hi[c] = v > hi[c] ? v : hi[c];
        }
    if (count <= LEAF_SIZE) return id;
    int dim = 0;
    for (int c = 1; c < d; c++)
        if (hi[c] - lo[c] > hi[dim] - lo[dim]) dim = c;
    int half = count / 2;
    select_median(src, d, dim, idx, start, start + count, start + half);
    int left = kd_build_node(t, src, idx, start, half);
    int right = kd_build_node(t, src, idx, start + half, count - half);
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
    for (int i = 0; i < n; i++) t->order[i] = i;
    kd_build_node(t, src, t->order, 0, n);
    for (int i = 0; i < n; i++) memcpy(t->pts + (long)i * d, src + (long)t->order[i] * d, sizeof(double) * d);
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

static void kd_knn(const kd_tree *t, int node_id, const double *q, int self_pos, double *best, int k)
{
    const kd_node *node = &t->nodes[node_id];
    const double *lo = t->box + (long)node_id * 2 * t->d;
    if (box_distance(lo, lo + t->d, q, t->d) >= best[k - 1]) return;
    if (node->left < 0) {
        for (int i = node->start; i < node->start + node->count; i++)
            if (i != self_pos) keep_best(best, k, max_norm(t->pts + (long)i * t->d, q, t->d));
        return;
    }
    /* nearer child first: its points tighten the bound sooner */
    const double *llo = t->box + (long)node->left * 2 * t->d, *rlo = t->box + (long)node->right * 2 * t->d;
    double dl = box_distance(llo, llo + t->d, q, t->d), dr = box_distance(rlo, rlo + t->d, q, t->d);
    int first = dl <= dr ? node->left : node->right, second = dl <= dr ? node->right : node->left;
    kd_knn(t, first, q, self_pos, best, k);
    kd_knn(t, second, q, self_pos, best, k);
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

typedef struct {
    const double *joint, *x, *y;
    int n, dx, dy, k;
    kd_tree tj, tx, ty;
    int *pos_j;          /* original index -> joint-tree position (self exclusion) */
    int use_tree;
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

static void ksg_range(void *arg, long lo, long hi)
{
    const ksg_job *j = arg;
    int dz = j->dx + j->dy;
    double best[KSG_MAX_K];
    for (long i = lo; i < hi; i++) {
        double eps;
        int nx, ny;
        if (j->use_tree) {
            for (int m = 0; m < j->k; m++) best[m] = INFINITY;
            kd_knn(&j->tj, 0, j->joint + i * dz, j->pos_j[i], best, j->k);
            eps = best[j->k - 1];
            nx = kd_count(&j->tx, 0, j->x + i * j->dx, eps);
            ny = kd_count(&j->ty, 0, j->y + i * j->dy, eps);
        } else {
            eps = kth_distance_brute(j, (int)i, best);
            nx = count_brute(j->x, j->n, j->dx, j->x + i * j->dx, eps);
            ny = count_brute(j->y, j->n, j->dy, j->y + i * j->dy, eps);
        }
        /* the counts include the point itself, unless ε = 0 (tied points:
         * nothing is strictly closer than 0, the point included) */
        if (eps > 0) nx--, ny--;
        j->psi_sum[i] = im_digamma(nx + 1.0) + im_digamma(ny + 1.0);
    }
}

im_status im_ksg(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, int k, double *out)
{
    if (k < 1 || k > KSG_MAX_K) return im_fail(ctx, IM_EINVAL, "ksg: k = %d outside 1..%d", k, KSG_MAX_K);
    if (n <= k) return im_fail(ctx, IM_EINVAL, "ksg: %d samples for k = %d neighbours", n, k);
    int dz = dx + dy;
    ksg_job j = { .x = x, .y = y, .n = n, .dx = dx, .dy = dy, .k = k, .use_tree = dz <= TREE_MAX_DIM };
    double *joint = malloc(sizeof(double) * (size_t)n * dz);
    j.psi_sum = malloc(sizeof(double) * (size_t)n);
    j.pos_j = malloc(sizeof(int) * (size_t)n);
    im_status st = joint && j.psi_sum && j.pos_j ? IM_OK : im_fail(ctx, IM_ENOMEM, "ksg: out of memory (n = %d)", n);
    if (!st) {
        for (long i = 0; i < n; i++) {
            memcpy(joint + i * dz, x + i * dx, sizeof(double) * dx);
            memcpy(joint + i * dz + dx, y + i * dy, sizeof(double) * dy);
        }
        j.joint = joint;
        if (j.use_tree &&
            (!kd_build(&j.tj, joint, n, dz) || !kd_build(&j.tx, x, n, dx) || !kd_build(&j.ty, y, n, dy)))
            st = im_fail(ctx, IM_ENOMEM, "ksg: out of memory building trees (n = %d)", n);
    }
    if (!st) {
        if (j.use_tree)
            for (int p = 0; p < n; p++) j.pos_j[j.tj.order[p]] = p;
        im_pool_for(ctx->pool, n, 256, ksg_range, &j);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += j.psi_sum[i];
        *out = im_digamma(k) + im_digamma(n) - mean / n;
    }
    kd_free(&j.tj);
    kd_free(&j.tx);
    kd_free(&j.ty);
    free(joint);
    free(j.psi_sum);
    free(j.pos_j);
    return st;
}
