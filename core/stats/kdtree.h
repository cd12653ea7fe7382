/* kdtree.h — nearest neighbours in the max-norm for the kNN estimators
 * (core/stats/kdtree.c): a k-d tree with k-th-neighbour searches and range
 * counts, sorted values for one dimension, a brute-force scan above
 * IM_KD_TREE_MAX_DIM, and whole-sample passes split over the context's
 * workers. Library-internal: not installed. */
#ifndef IM_KDTREE_H
#define IM_KDTREE_H
#include "infomin/status.h"

#define IM_KD_TREE_MAX_DIM 8   /* above it a k-d tree visits nearly every leaf: scan instead */
#define IM_KD_MAX_K 64

typedef struct {
    int start, count;   /* range of the tree-ordered points */
    int left, right;    /* children, -1 for a leaf */
} im_kd_node;

typedef struct {
    int n, d;
    double *pts;        /* n x d, in tree order */
    int *order;         /* tree position -> original index */
    im_kd_node *nodes;
    double *box;        /* per node: d minima then d maxima */
    int n_nodes;
} im_kd_tree;

/* A 1-D marginal: its values sorted, with every point's rank in them, so
 * that the count of points strictly within r of point i is two searches
 * that start at its rank and widen (galloping): O(log count), in cache.
 * The sort is sort.c's stable radix sort (qsort's comparator calls took a
 * third of a million-point estimate), ties in index order. */
typedef struct {
    double *sorted;   /* the values in order */
    int *index;       /* place in sorted -> point */
} im_sorted_marginal;

/* A tree over a copy of src (n x d, d <= IM_KD_TREE_MAX_DIM); 0 when out
 * of memory (free it all the same). */
int im_kd_build(im_kd_tree *t, const double *src, int n, int d);
void im_kd_free(im_kd_tree *t);
/* The k nearest of q into best[0..k) ascending (filled with INFINITY by
 * the caller); the point at tree position self_pos is left out (-1: none). */
void im_kd_knn(const im_kd_tree *t, const double *q, int self_pos, double *best, int k);
/* Points at distance < r from q (q itself included if it is one). */
int im_kd_count(const im_kd_tree *t, int node_id, const double *q, double r);

/* Sorted values of one column (d = 1) or else a tree; 0 when out of memory. */
int im_marginal_index(im_kd_tree *t, im_sorted_marginal *m, const double *v, int n, int d);
void im_marginal_free(im_kd_tree *t, im_sorted_marginal *m);
/* Points strictly within r of the one at place `at` of m (itself included). */
int im_count_sorted(const im_sorted_marginal *m, long n, long at, double r);

/* The scans of the brute-force path: the k-th smallest distance from q to
 * the n points (point self left out, -1: none; best holds k doubles), and
 * the number strictly within r. */
double im_kth_distance_brute(const double *pts, int n, int d, const double *q, int self, int k, double *best);
int im_count_brute(const double *pts, int n, int d, const double *q, double r);

/* Whole samples, each query on the context's workers:
 * - eps[i]: distance from row i of pts (n x d) to its k-th nearest other row;
 * - eps[i]: distance from row i of q (nq x d) to its k-th nearest row of pts;
 * - count[i]: rows of pts strictly within eps[i] of row i, itself included. */
im_status im_kth_distances(im_ctx *ctx, const double *pts, int n, int d, int k, double *eps);
im_status im_kth_distances_to(im_ctx *ctx, const double *q, int nq, const double *pts, int n, int d, int k,
                              double *eps);
im_status im_counts_within(im_ctx *ctx, const double *pts, int n, int d, const double *eps, int *count);

#endif
