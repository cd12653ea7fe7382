/* colmap.c — per-column monotone maps of a critic's inputs (colmap.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/colmap.h"
#include "infomin/stats.h"

int im_colmap_kind_from_name(const char *name)
{
    if (strcmp(name, "raw") == 0) return IM_COLMAP_RAW;
    if (strcmp(name, "squash") == 0) return IM_COLMAP_SQUASH;
    if (strcmp(name, "quantile") == 0) return IM_COLMAP_QUANTILE;
    return -1;
}

void im_colmap_init(im_colmap *m, im_colmap_kind kind, int cols)
{
    memset(m, 0, sizeof *m);
    m->kind = kind;
    m->cols = cols;
}

/* The statistics' buffers, made at the first fit of each kind. */
static int alloc_stats(im_colmap *m)
{
    if (m->kind == IM_COLMAP_SQUASH && !m->center) {
        m->center = calloc((size_t)m->cols, sizeof(im_real));
        m->inv_scale = calloc((size_t)m->cols, sizeof(im_real));
        return m->center && m->inv_scale;
    }
    if (m->kind == IM_COLMAP_QUANTILE && !m->knots) {
        m->knots = calloc((size_t)m->cols, sizeof(int));
        m->v = calloc((size_t)m->cols * IM_COLMAP_KNOTS, sizeof(double));
        m->q = calloc((size_t)m->cols * IM_COLMAP_KNOTS, sizeof(double));
        return m->knots && m->v && m->q;
    }
    return 1;
}

void im_colmap_free(im_colmap *m)
{
    free(m->center);
    free(m->inv_scale);
    free(m->knots);
    free(m->v);
    free(m->q);
    m->center = m->inv_scale = NULL;
    m->knots = NULL;
    m->v = m->q = NULL;
    m->fitted = 0;
}

/* Median and 1 / (1.4826·MAD) of a sorted column, the MAD scaled to σ for
 * Gaussian data. MAD 0 (mostly one value) falls back to the standard
 * deviation, a constant column to 1. buf is scratch of n values. */
static void fit_squash(const double *sorted, int n, double *buf, im_real *center, im_real *inv_scale)
{
    double med = im_median_sorted(sorted, n), sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        buf[i] = fabs(sorted[i] - med);
        sum += sorted[i];
        sum2 += sorted[i] * sorted[i];
    }
    im_sort_doubles(buf, n);
    double scale = 1.4826 * im_median_sorted(buf, n);
    if (!(scale > 0)) scale = sqrt(fmax(sum2 / n - (sum / n) * (sum / n), 0));
    if (!(scale > 0) || !isfinite(scale)) scale = 1;
    *center = (im_real)med;
    *inv_scale = (im_real)(1 / scale);
}

/* Knots of a sorted column: up to IM_COLMAP_KNOTS sample quantiles at
 * evenly spaced ranks r, each paired with Φ⁻¹((r + ½) / n). Knots that share
 * a value (ties, discrete columns) merge into one at their mean q, so the
 * map stays strictly increasing. */
static int fit_quantile(const double *sorted, int n, double *v, double *q)
{
    int want = n < IM_COLMAP_KNOTS ? n : IM_COLMAP_KNOTS, k = 0, merged = 1;
    for (int j = 0; j < want; j++) {
        long r = want == 1 ? 0 : lround((double)j * (n - 1) / (want - 1));
        double qj = im_normal_quantile((r + 0.5) / n);
        if (k > 0 && sorted[r] == v[k - 1]) {
            q[k - 1] = (q[k - 1] * merged + qj) / (merged + 1);
            merged++;
            continue;
        }
        v[k] = sorted[r];
        q[k] = qj;
        k++;
        merged = 1;
    }
    return k;
}

im_status im_colmap_fit(im_ctx *ctx, im_colmap *m, const im_real *data, int n)
{
    if (m->kind == IM_COLMAP_RAW) {
        m->fitted = 1;   /* nothing to fit */
        return IM_OK;
    }
    if (n < 1) return im_fail(ctx, IM_EINVAL, "input map: no rows to fit on");
    if (!alloc_stats(m)) return im_fail(ctx, IM_ENOMEM, "input map: out of memory");
    double *col = malloc(sizeof(double) * (size_t)n), *buf = malloc(sizeof(double) * (size_t)n);
    if (!col || !buf) {
        free(col);
        free(buf);
        return im_fail(ctx, IM_ENOMEM, "input map: out of memory");
    }
    for (int j = 0; j < m->cols; j++) {
        for (int i = 0; i < n; i++) col[i] = data[(long)i * m->cols + j];
        im_sort_doubles(col, n);
        if (m->kind == IM_COLMAP_SQUASH)
            fit_squash(col, n, buf, &m->center[j], &m->inv_scale[j]);
        else
            m->knots[j] = fit_quantile(col, n, m->v + (long)j * IM_COLMAP_KNOTS, m->q + (long)j * IM_COLMAP_KNOTS);
    }
    free(col);
    free(buf);
    m->fitted = 1;
    return IM_OK;
}

/* The quantile map of one value and its slope. One knot (a constant
 * column): a shift. Past the ends: asinh continuation of the end segment. */
static double quantile_map(const double *v, const double *q, int k, double x, double *slope)
{
    if (k == 1) {
        *slope = 1;
        return x - v[0];
    }
    if (x < v[0] || x > v[k - 1]) {
        int lo = x < v[0] ? 0 : k - 2, end = x < v[0] ? 0 : k - 1;
        double s = (q[lo + 1] - q[lo]) / (v[lo + 1] - v[lo]), u = s * (x - v[end]);
        *slope = s / sqrt(1 + u * u);
        return q[end] + asinh(u);
    }
    int lo = 0, hi = k - 1;   /* v[lo] <= x <= v[hi] */
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (v[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double s = (q[hi] - q[lo]) / (v[hi] - v[lo]);
    *slope = s;
    return q[lo] + s * (x - v[lo]);
}

static void quantile_backward(im_tape *g, im_node *node)
{
    im_tensor *x = node->in[0], *y = node->out;
    im_real *dx = im_grad_of(g, x);
    if (!dx) return;
    const im_real *slope = node->saved;
    for (long i = 0; i < (long)x->rows * x->cols; i++) dx[i] += y->grad[i] * slope[i];
}

static im_tensor *apply_quantile(im_tape *g, const im_colmap *m, im_tensor *x)
{
    long n = (long)x->rows * x->cols;
    im_tensor *y = im_tensor_new(g, x->rows, x->cols);
    im_real *slope = y ? im_tape_alloc(g, sizeof(im_real) * (size_t)n) : NULL;
    if (!slope) return NULL;
    for (long i = 0; i < n; i++) {
        int j = (int)(i % x->cols);
        double s;
        y->val[i] = (im_real)quantile_map(m->v + (long)j * IM_COLMAP_KNOTS, m->q + (long)j * IM_COLMAP_KNOTS,
                                          m->knots[j], x->val[i], &s);
        slope[i] = (im_real)s;
    }
    im_node *node = im_tape_record(g, "quantile_map", y, quantile_backward, x, NULL, NULL);
    if (node) node->saved = slope;
    return y;
}

im_tensor *im_colmap_apply(im_tape *g, const im_colmap *m, im_tensor *v)
{
    if (!v || m->kind == IM_COLMAP_RAW) return v;
    if (v->cols != m->cols) return im_op_fail(g, "input map: %d columns, fitted on %d", v->cols, m->cols);
    if (!m->fitted) return im_op_fail(g, "input map: used before it was fitted");
    if (m->kind == IM_COLMAP_QUANTILE) return apply_quantile(g, m, v);
    /* constants, so gradients reach v only */
    im_tensor *center = im_leaf(g, 1, v->cols, m->center, 0);
    im_tensor *inv_scale = im_leaf(g, 1, v->cols, m->inv_scale, 0);
    return im_asinh(g, im_mul(g, im_sub(g, v, center), inv_scale));
}
