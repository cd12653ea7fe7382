/* pairwise.c — statistics over all n² pairs without storing an n×n matrix.
 *
 * Distance covariance and HSIC both reduce to five sums over pairs of two
 * pair functions a_ij (of x) and b_ij (of y): per-row sums a_i., b_i. and the
 * totals Σ a_ij b_ij, Σ a_ij², Σ b_ij². One pass, O(n) memory, split by rows
 * across the worker threads. Also the squared-distance matrix on the tape. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/tape.h"
#include "infomin/workers.h"
#include "infomin/stats.h"

typedef struct {
    const double *x, *y;
    int n, dx, dy;
    im_pair_kernel kernel;
    double gamma_x, gamma_y;   /* Gaussian: 1 / (2σ²) */
    double *row;               /* per row: a_i., b_i., Σ_j a b, Σ_j a², Σ_j b² */
} pair_job;

static double sq_dist(const double *a, const double *b, int d)
{
    double s = 0;
    for (int c = 0; c < d; c++) {
        double t = a[c] - b[c];
        s += t * t;
    }
    return s;
}

static void pair_rows(void *arg, long lo, long hi)
{
    const pair_job *j = arg;
    for (long i = lo; i < hi; i++) {
        double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
        const double *xi = j->x + i * j->dx, *yi = j->y + i * j->dy;
        for (long k = 0; k < j->n; k++) {
            if (k == i && j->kernel == IM_KERNEL_DISTANCE) continue;   /* zero diagonal */
            double dx2 = sq_dist(xi, j->x + k * j->dx, j->dx), dy2 = sq_dist(yi, j->y + k * j->dy, j->dy);
            double a, b;
            if (j->kernel == IM_KERNEL_DISTANCE) {
                a = sqrt(dx2);
                b = sqrt(dy2);
            } else {
                a = exp(-j->gamma_x * dx2);
                b = exp(-j->gamma_y * dy2);
            }
            sa += a;
            sb += b;
            sab += a * b;
            saa += a * a;
            sbb += b * b;
        }
        double *r = j->row + i * 5;
        r[0] = sa, r[1] = sb, r[2] = sab, r[3] = saa, r[4] = sbb;
    }
}

im_status im_pair_sums(im_ctx *ctx, const double *x, const double *y, int n, int dx, int dy, im_pair_kernel kernel,
                       double sigma_x, double sigma_y, im_pair_sums_result *out)
{
    memset(out, 0, sizeof *out);
    pair_job j = { x, y, n, dx, dy, kernel, 0.5 / (sigma_x * sigma_x), 0.5 / (sigma_y * sigma_y), NULL };
    j.row = malloc(sizeof(double) * 5 * (size_t)n);
    out->row_a = malloc(sizeof(double) * (size_t)n);
    out->row_b = malloc(sizeof(double) * (size_t)n);
    if (!j.row || !out->row_a || !out->row_b) {
        free(j.row);
        im_pair_sums_free(out);
        return im_fail(ctx, IM_ENOMEM, "pairwise sums: out of memory (n = %d)", n);
    }
    im_workers_for(ctx->workers, n, 64, pair_rows, &j);
    for (int i = 0; i < n; i++) {
        const double *r = j.row + (long)i * 5;
        out->row_a[i] = r[0];
        out->row_b[i] = r[1];
        out->total_a += r[0];
        out->total_b += r[1];
        out->sum_ab += r[2];
        out->sum_aa += r[3];
        out->sum_bb += r[4];
    }
    out->n = n;
    free(j.row);
    return IM_OK;
}

void im_pair_sums_free(im_pair_sums_result *r)
{
    free(r->row_a);
    free(r->row_b);
    memset(r, 0, sizeof *r);
}

/* Median of pairwise Euclidean distances among up to `max_rows` rows
 * (the first ones: callers pass shuffled or i.i.d. data). */
double im_median_distance(const double *x, int n, int d, int max_rows)
{
    int m = n < max_rows ? n : max_rows;
    long pairs = (long)m * (m - 1) / 2;
    if (pairs < 1) return 1.0;
    double *dist = malloc(sizeof(double) * (size_t)pairs);
    if (!dist) return NAN;
    long k = 0;
    for (int i = 0; i < m; i++)
        for (int j = i + 1; j < m; j++) dist[k++] = sqrt(sq_dist(x + (long)i * d, x + (long)j * d, d));
    im_sort_doubles(dist, pairs);
    double med = im_median_sorted(dist, pairs);
    free(dist);
    return med > 0 ? med : 1.0;
}

/* ||x_i − x_j||² on the tape: r_i + r_j − 2 x_i·x_j, clamped at 0 against
 * rounding. */
im_tensor *im_sq_dists(im_tape *g, im_tensor *x)
{
    if (!x) return NULL;
    im_tensor *r = im_sum(g, im_square(g, x), IM_ROWWISE);           /* n x 1 */
    im_tensor *gram = im_matmul(g, x, x, 0, 1);                      /* n x n */
    im_tensor *d2 = im_sub(g, im_add(g, r, im_transpose(g, r)), im_scale(g, gram, 2.0));
    return im_clamp(g, d2, 0.0, INFINITY);
}

im_centring im_centring_v(int n) { return (im_centring){ 1.0, n, (double)n * n }; }

im_centring im_centring_u(int n) { return (im_centring){ (double)n * (n - 3), n - 2, (double)(n - 1) * (n - 2) }; }

static double centred(double s1, double s2, double s3, im_centring c)
{
    return (s1 - 2.0 * s2 / c.d1 + s3 / c.d2) / c.d0;
}

im_status im_pair_dependence(im_ctx *ctx, const im_mat *x, const im_mat *y, im_pair_kernel kernel, double sigma_x,
                             double sigma_y, im_centring c, double *out)
{
    int n = x->rows;
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y);
    im_status st = xd && yd ? IM_OK : im_fail(ctx, IM_ENOMEM, "pair dependence: out of memory");
    im_pair_sums_result r;
    if (!st) st = im_pair_sums(ctx, xd, yd, n, x->cols, y->cols, kernel, sigma_x, sigma_y, &r);
    if (!st) {
        double s2_ab = 0, s2_aa = 0, s2_bb = 0;
        for (int i = 0; i < n; i++) {
            s2_ab += r.row_a[i] * r.row_b[i];
            s2_aa += r.row_a[i] * r.row_a[i];
            s2_bb += r.row_b[i] * r.row_b[i];
        }
        double xy = centred(r.sum_ab, s2_ab, r.total_a * r.total_b, c);
        double xx = centred(r.sum_aa, s2_aa, r.total_a * r.total_a, c);
        double yy = centred(r.sum_bb, s2_bb, r.total_b * r.total_b, c);
        *out = xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0.0;
        im_pair_sums_free(&r);
    }
    free(xd);
    free(yd);
    return st;
}

static im_tensor *centred_tape(im_tape *g, im_tensor *a, im_tensor *b, im_centring c)
{
    im_tensor *s1 = im_sum(g, im_mul(g, a, b), IM_ALL);
    im_tensor *s2 = im_sum(g, im_mul(g, im_sum(g, a, IM_ROWWISE), im_sum(g, b, IM_ROWWISE)), IM_ALL);
    im_tensor *s3 = im_mul(g, im_sum(g, a, IM_ALL), im_sum(g, b, IM_ALL));
    im_tensor *u = im_add(g, im_sub(g, s1, im_scale(g, s2, 2.0 / c.d1)), im_scale(g, s3, 1.0 / c.d2));
    return c.d0 == 1.0 ? u : im_scale(g, u, 1.0 / c.d0);
}

im_tensor *im_pair_dependence_tape(im_tape *g, im_tensor *a, im_tensor *b, im_centring c)
{
    im_tensor *var = im_mul(g, centred_tape(g, a, a, c), centred_tape(g, b, b, c));
    return im_div(g, centred_tape(g, a, b, c), im_sqrt(g, im_clamp(g, var, 1e-30, INFINITY)));
}
