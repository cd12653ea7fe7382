/* binned.c — information of binned data: each column cut into equal-width
 * bins, a row's bins one discrete symbol, and the plug-in entropies of the
 * symbols' frequencies, optionally with the Miller–Madow correction
 * (Miller 1955: the plug-in entropy of m occupied cells in n draws reads
 * (m − 1)/(2n) nats low, to first order). What the information-plane
 * literature (Shwartz-Ziv & Tishby 2017; Saxe et al. 2018) computes on a
 * layer's activations, and torch-mist's and bmi's histogram estimator.
 *
 * Symbols are numbered column by column: after column c every row holds
 * the rank of its bins over columns 0..c among the distinct such tuples;
 * the key rank·bins + bin of column c+1, sorted, gives the next ranks. The
 * keys stay below n·bins, so any number of columns numbers exactly, in
 * O(cols · n log n), and the final ranks follow the tuples' lexicographic
 * order. */
#include <math.h>
#include <stdlib.h>
#include "infomin/stats.h"
#include "sort.h"

/* The bin of v in [lo, hi) cut into `bins`: the edges' left side holds
 * them; values outside go to the end bins (hi itself to the last). */
static int bin_of(double v, double lo, double hi, int bins)
{
    if (!(hi > lo)) return 0;   /* a constant column: one bin */
    double k = floor((v - lo) / (hi - lo) * bins);
    return k < 0 ? 0 : (k >= bins ? bins - 1 : (int)k);
}

/* Ranks of keys[0..n) among their distinct values, into rank; returns
 * their count, or -1 when out of memory. */
static int rank_keys(double *keys, int n, int *rank)
{
    int *order = malloc(sizeof(int) * (size_t)n);
    if (!order) return -1;
    for (int i = 0; i < n; i++) order[i] = i;
    if (!im_sort_doubles_indexed(keys, order, n)) {
        free(order);
        return -1;
    }
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && keys[i] != keys[i - 1]) m++;
        rank[order[i]] = m;
    }
    free(order);
    return n ? m + 1 : 0;
}

im_status im_bin_rows(im_ctx *ctx, const double *v, int n, int cols, const im_bins *b, int *symbol, int *m)
{
    if (n < 1 || cols < 1 || b->bins < 1)
        return im_fail(ctx, IM_EINVAL, "binned: %d rows of %d columns in %d bins (need at least one of each)", n, cols,
                       b->bins);
    if ((double)n * b->bins > 9e15)
        return im_fail(ctx, IM_EINVAL, "binned: %d rows in %d bins is past what the symbols can number", n, b->bins);
    double *keys = malloc(sizeof(double) * (size_t)n);
    if (!keys) return im_fail(ctx, IM_ENOMEM, "binned: out of memory");
    for (int i = 0; i < n; i++) symbol[i] = 0;
    int distinct = 1;
    for (int c = 0; c < cols; c++) {
        double lo = b->lo, hi = b->hi;
        if (!(b->hi > b->lo)) {   /* the column's own range */
            lo = INFINITY, hi = -INFINITY;
            for (int i = 0; i < n; i++) {
                double x = v[(size_t)i * cols + c];
                lo = x < lo ? x : lo;
                hi = x > hi ? x : hi;
            }
        }
        for (int i = 0; i < n; i++) {
            double x = v[(size_t)i * cols + c];
            if (!isfinite(x)) {
                free(keys);
                return im_fail(ctx, IM_EINVAL, "binned: row %d, column %d is %g (binning needs finite values)", i,
                               c, x);
            }
            keys[i] = (double)symbol[i] * b->bins + bin_of(x, lo, hi, b->bins);
        }
        distinct = rank_keys(keys, n, symbol);
        if (distinct < 0) {
            free(keys);
            return im_fail(ctx, IM_ENOMEM, "binned: out of memory");
        }
    }
    free(keys);
    *m = distinct;
    return IM_OK;
}

double im_symbol_entropy(const int *symbol, int n, int m, int miller_madow, int *count)
{
    for (int k = 0; k < m; k++) count[k] = 0;
    for (int i = 0; i < n; i++) count[symbol[i]]++;
    double h = 0;
    int occupied = 0;
    for (int k = 0; k < m; k++)
        if (count[k]) {
            double p = (double)count[k] / n;
            h -= p * log(p);
            occupied++;
        }
    return miller_madow ? h + (occupied - 1) / (2.0 * n) : h;
}

im_status im_symbol_mi(im_ctx *ctx, const int *sx, int mx, const int *sy, int my, int n, int miller_madow,
                       double *out)
{
    double *keys = malloc(sizeof(double) * (size_t)n);
    int *joint = malloc(sizeof(int) * (size_t)n);
    int size = mx > my ? mx : my, *count = malloc(sizeof(int) * (size_t)(size > n ? size : n));
    im_status st = keys && joint && count ? IM_OK : im_fail(ctx, IM_ENOMEM, "binned: out of memory");
    if (!st) {
        for (int i = 0; i < n; i++) keys[i] = (double)sx[i] * my + sy[i];
        int mxy = rank_keys(keys, n, joint);
        if (mxy < 0) {
            st = im_fail(ctx, IM_ENOMEM, "binned: out of memory");
        } else {
            double hx = im_symbol_entropy(sx, n, mx, miller_madow, count);
            double hy = im_symbol_entropy(sy, n, my, miller_madow, count);
            *out = hx + hy - im_symbol_entropy(joint, n, mxy, miller_madow, count);
        }
    }
    free(keys);
    free(joint);
    free(count);
    return st;
}

im_status im_binned_mi(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, const im_bins *bx,
                       const im_bins *by, int miller_madow, double *out)
{
    int *sx = malloc(sizeof(int) * (size_t)n), *sy = malloc(sizeof(int) * (size_t)n), mx = 0, my = 0;
    im_status st = sx && sy ? IM_OK : im_fail(ctx, IM_ENOMEM, "binned: out of memory");
    if (!st) st = im_bin_rows(ctx, x, n, dx, bx, sx, &mx);
    if (!st) st = im_bin_rows(ctx, y, n, dy, by, sy, &my);
    if (!st) st = im_symbol_mi(ctx, sx, mx, sy, my, n, miller_madow, out);
    free(sx);
    free(sy);
    return st;
}
