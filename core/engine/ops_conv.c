/* ops_conv.c — convolution, pooling, upsampling and the channels-last view,
 * on tensors holding one NCHW image per row.
 *
 * The convolution is im2col + sgemm. Samples are split across the workers in
 * contiguous chunks, each chunk on one thread with its own column buffer and
 * single-threaded sgemm (the products are small: splitting each product
 * instead would wake the workers three times per group). Within a chunk, a few
 * samples share one product so that its width (samples × output pixels)
 * stays above ~256 columns, where sgemm runs near its peak. The weight
 * gradient is summed per thread, then the partial sums in thread order:
 * the result depends on the thread count, never on timing. */
#include <string.h>
#include "blas.h"
#include "infomin/tape.h"

im_shape im_conv_shape(im_shape in, int out_c, int k, int stride, int pad)
{
    im_shape o = { out_c, 0, 0 };
    if (k < 1 || stride < 1 || pad < 0) return o;
    int h = in.h + 2 * pad - k, w = in.w + 2 * pad - k;
    if (h < 0 || w < 0) return o;
    o.h = h / stride + 1;
    o.w = w / stride + 1;
    return o;
}

typedef struct {
    im_shape in, out;
    int k, stride, pad;
    long ck;     /* C·k·k: rows of the column matrix, columns of the weight */
    long p;      /* Ho·Wo: output pixels per image                          */
    int group;   /* samples per product                                     */
} conv_geom;

/* col[ck][j·P + p] for one image, j·P = its column offset in a group. */
static void im2col(const conv_geom *gm, const im_real *x, im_real *col, long ld)
{
    int k = gm->k, s = gm->stride, pad = gm->pad, H = gm->in.h, W = gm->in.w, Ho = gm->out.h, Wo = gm->out.w;
    for (int c = 0; c < gm->in.c; c++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                im_real *row = col + ((long)(c * k + ky) * k + kx) * ld;
                const im_real *plane = x + (long)c * H * W;
                for (int oy = 0; oy < Ho; oy++) {
                    int iy = oy * s - pad + ky;
                    im_real *dst = row + (long)oy * Wo;
                    if (iy < 0 || iy >= H) {
                        memset(dst, 0, sizeof(im_real) * (size_t)Wo);
                        continue;
                    }
                    const im_real *src = plane + (long)iy * W;
                    for (int ox = 0; ox < Wo; ox++) {
                        int ix = ox * s - pad + kx;
                        dst[ox] = ix >= 0 && ix < W ? src[ix] : 0;
                    }
                }
            }
}

/* The adjoint of im2col: dx += the column gradient, summed where windows
 * overlap. */
static void col2im(const conv_geom *gm, const im_real *col, long ld, im_real *dx)
{
    int k = gm->k, s = gm->stride, pad = gm->pad, H = gm->in.h, W = gm->in.w, Ho = gm->out.h, Wo = gm->out.w;
    for (int c = 0; c < gm->in.c; c++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++) {
                const im_real *row = col + ((long)(c * k + ky) * k + kx) * ld;
                im_real *plane = dx + (long)c * H * W;
                for (int oy = 0; oy < Ho; oy++) {
                    int iy = oy * s - pad + ky;
                    if (iy < 0 || iy >= H) continue;
                    const im_real *src = row + (long)oy * Wo;
                    im_real *dst = plane + (long)iy * W;
                    for (int ox = 0; ox < Wo; ox++) {
                        int ix = ox * s - pad + kx;
                        if (ix >= 0 && ix < W) dst[ix] += src[ox];
                    }
                }
            }
}

/* Work of one thread: samples [lo, hi) with buffers of its own. */
typedef struct {
    const conv_geom *gm;
    const im_real *x, *w, *b, *dy;
    im_real *y, *dx;
    im_real *col, *tmp;        /* per part: ck·group·P and O·group·P          */
    im_real *dw, *db;          /* per part partial sums (NULL: not wanted)    */
    int rows;
} conv_job;

static void part_range(int rows, int part, int n_parts, int *lo, int *hi)
{
    *lo = (int)((long)rows * part / n_parts);
    *hi = (int)((long)rows * (part + 1) / n_parts);
}

static void conv_forward_part(void *arg, int part, int n_parts)
{
    const conv_job *j = arg;
    const conv_geom *gm = j->gm;
    long P = gm->p, O = gm->out.c, in_size = im_shape_size(gm->in);
    im_real *col = j->col + (long)part * gm->ck * gm->group * P;
    im_real *tmp = j->tmp + (long)part * O * gm->group * P;
    int lo, hi;
    part_range(j->rows, part, n_parts, &lo, &hi);
    for (int s0 = lo; s0 < hi; s0 += gm->group) {
        int ns = hi - s0 < gm->group ? hi - s0 : gm->group;
        long ld = ns * P;
        for (int i = 0; i < ns; i++) im2col(gm, j->x + (s0 + i) * in_size, col + i * P, ld);
        im_gemm(NULL, 0, 0, (int)O, (int)ld, (int)gm->ck, 1.0, j->w, (int)gm->ck, col, (int)ld, 0.0, tmp, (int)ld);
        for (int i = 0; i < ns; i++) {
            im_real *yi = j->y + (s0 + i) * O * P;
            for (long o = 0; o < O; o++) {
                const im_real *src = tmp + o * ld + i * P;
                im_real bias = j->b ? j->b[o] : 0;
                for (long p = 0; p < P; p++) yi[o * P + p] = src[p] + bias;
            }
        }
    }
}

static void conv_backward_part(void *arg, int part, int n_parts)
{
    const conv_job *j = arg;
    const conv_geom *gm = j->gm;
    long P = gm->p, O = gm->out.c, in_size = im_shape_size(gm->in);
    im_real *col = j->col + (long)part * gm->ck * gm->group * P;
    im_real *tmp = j->tmp + (long)part * O * gm->group * P;
    im_real *dw = j->dw ? j->dw + (long)part * O * gm->ck : NULL;
    im_real *db = j->db ? j->db + (long)part * O : NULL;
    int lo, hi;
    part_range(j->rows, part, n_parts, &lo, &hi);
    for (int s0 = lo; s0 < hi; s0 += gm->group) {
        int ns = hi - s0 < gm->group ? hi - s0 : gm->group;
        long ld = ns * P;
        for (int i = 0; i < ns; i++)   /* dY of the group as one O × ns·P matrix */
            for (long o = 0; o < O; o++)
                memcpy(tmp + o * ld + i * P, j->dy + (s0 + i) * O * P + o * P, sizeof(im_real) * (size_t)P);
        if (db)
            for (long o = 0; o < O; o++)
                for (long q = 0; q < ld; q++) db[o] += tmp[o * ld + q];
        if (dw) {   /* dW[O, ck] += dY · colᵀ */
            for (int i = 0; i < ns; i++) im2col(gm, j->x + (s0 + i) * in_size, col + i * P, ld);
            im_gemm(NULL, 0, 1, (int)O, (int)gm->ck, (int)ld, 1.0, tmp, (int)ld, col, (int)ld, 1.0, dw, (int)gm->ck);
        }
        if (j->dx) {   /* dcol[ck, ns·P] = Wᵀ · dY, folded back into dx */
            im_gemm(NULL, 1, 0, (int)gm->ck, (int)ld, (int)O, 1.0, j->w, (int)gm->ck, tmp, (int)ld, 0.0, col, (int)ld);
            for (int i = 0; i < ns; i++) col2im(gm, col + i * P, ld, j->dx + (s0 + i) * in_size);
        }
    }
}

/* Per-part buffers, from the arena before the workers start (the arena is
 * not thread-safe). */
static int conv_buffers(im_tape *g, const conv_geom *gm, int n_parts, conv_job *j)
{
    long P = gm->p;
    j->col = im_tape_alloc(g, sizeof(im_real) * (size_t)(n_parts * gm->ck * gm->group * P));
    j->tmp = im_tape_alloc(g, sizeof(im_real) * (size_t)(n_parts * gm->out.c * gm->group * P));
    return j->col && j->tmp;
}

static void conv_backward(im_tape *g, im_node *n)
{
    im_tensor *x = n->in[0], *w = n->in[1], *b = n->in[2], *y = n->out;
    const conv_geom *gm = n->saved;
    im_workers *workers = im_tape_ctx(g)->workers;
    int parts = im_workers_count(workers);
    long wsize = (long)gm->out.c * gm->ck;
    conv_job j = { gm, x->val, w->val, NULL, y->grad, NULL, im_grad_of(g, x), NULL, NULL, NULL, NULL, x->rows };
    im_real *dw = im_grad_of(g, w), *db = im_grad_of(g, b);
    if (!conv_buffers(g, gm, parts, &j)) return;
    if (dw) j.dw = im_tape_alloc(g, sizeof(im_real) * (size_t)(parts * wsize));
    if (db) j.db = im_tape_alloc(g, sizeof(im_real) * (size_t)(parts * gm->out.c));
    if ((dw && !j.dw) || (db && !j.db)) return;
    if (j.dw) memset(j.dw, 0, sizeof(im_real) * (size_t)(parts * wsize));
    if (j.db) memset(j.db, 0, sizeof(im_real) * (size_t)(parts * gm->out.c));
    im_workers_run(workers, conv_backward_part, &j);
    for (int p = 0; p < parts; p++) {
        if (dw)
            for (long i = 0; i < wsize; i++) dw[i] += j.dw[p * wsize + i];
        if (db)
            for (long i = 0; i < gm->out.c; i++) db[i] += j.db[p * gm->out.c + i];
    }
}

im_tensor *im_conv2d(im_tape *g, im_tensor *x, im_shape in, im_tensor *w, im_tensor *b, int k, int stride, int pad)
{
    if (!x || !w) return NULL;
    im_shape out = im_conv_shape(in, w->rows, k, stride, pad);
    if (in.c < 1 || im_shape_size(in) != x->cols)
        return im_op_fail(g, "im_conv2d: input rows have %d values, shape %dx%dx%d has %ld", x->cols, in.c, in.h,
                          in.w, im_shape_size(in));
    if (out.h < 1 || out.w < 1)
        return im_op_fail(g, "im_conv2d: kernel %d, stride %d, padding %d do not fit a %dx%d image", k, stride, pad,
                          in.h, in.w);
    if (w->cols != in.c * k * k)
        return im_op_fail(g, "im_conv2d: weight is %dx%d, expected %dx%d (out x C·k·k)", w->rows, w->cols, w->rows,
                          in.c * k * k);
    if (b && (b->rows != 1 || b->cols != w->rows))
        return im_op_fail(g, "im_conv2d: bias is %dx%d, expected 1x%d", b->rows, b->cols, w->rows);
    conv_geom *gm = im_tape_alloc(g, sizeof *gm);
    if (!gm) return NULL;
    *gm = (conv_geom){ in, out, k, stride, pad, (long)in.c * k * k, (long)out.h * out.w, 1 };
    while (gm->group < 64 && gm->group * gm->p < 256) gm->group++;
    im_tensor *y = im_tensor_new(g, x->rows, (int)im_shape_size(out));
    if (!y) return NULL;
    im_workers *workers = im_tape_ctx(g)->workers;
    conv_job j = { gm, x->val, w->val, b ? b->val : NULL, NULL, y->val, NULL, NULL, NULL, NULL, NULL, x->rows };
    if (!conv_buffers(g, gm, im_workers_count(workers), &j)) return NULL;
    im_workers_run(workers, conv_forward_part, &j);
    im_node *node = im_tape_record(g, "conv2d", y, conv_backward, x, w, b);
    if (node) node->saved = gm;
    return y;
}

/* ---- pooling: windows without padding, geometry in the node's saved ---- */

typedef struct {
    im_shape in, out;
    int k, stride;
    int *argmax;   /* max pool: the input index of every output value */
} pool_geom;

static im_tensor *pool_check(im_tape *g, const char *op, im_tensor *x, im_shape in, int k, int stride,
                             pool_geom **out)
{
    if (!x) return NULL;
    if (in.c < 1 || im_shape_size(in) != x->cols)
        return im_op_fail(g, "%s: input rows have %d values, shape %dx%dx%d has %ld", op, x->cols, in.c, in.h, in.w,
                          im_shape_size(in));
    im_shape o = im_conv_shape(in, in.c, k, stride, 0);
    if (o.h < 1 || o.w < 1)
        return im_op_fail(g, "%s: window %d, stride %d do not fit a %dx%d image", op, k, stride, in.h, in.w);
    pool_geom *gm = im_tape_alloc(g, sizeof *gm);
    if (!gm) return NULL;
    *gm = (pool_geom){ in, o, k, stride, NULL };
    *out = gm;
    return im_tensor_new(g, x->rows, (int)im_shape_size(o));
}

static void max_pool_backward(im_tape *g, im_node *n)
{
    const pool_geom *gm = n->saved;
    im_real *dx = im_grad_of(g, n->in[0]);
    if (!dx) return;
    long m = (long)n->out->rows * n->out->cols;
    for (long i = 0; i < m; i++) dx[gm->argmax[i]] += n->out->grad[i];
}

im_tensor *im_max_pool(im_tape *g, im_tensor *x, im_shape in, int k, int stride)
{
    pool_geom *gm = NULL;
    im_tensor *y = pool_check(g, "im_max_pool", x, in, k, stride, &gm);
    if (!y) return NULL;
    long m = (long)y->rows * y->cols, in_size = x->cols, out_size = y->cols;
    gm->argmax = im_tape_alloc(g, sizeof(int) * (size_t)m);
    if (!gm->argmax) return NULL;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < in.c; c++)
            for (int oy = 0; oy < gm->out.h; oy++)
                for (int ox = 0; ox < gm->out.w; ox++) {
                    long base = r * in_size + (long)c * in.h * in.w, best = -1;
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            long i = base + (long)(oy * stride + ky) * in.w + ox * stride + kx;
                            if (best < 0 || x->val[i] > x->val[best]) best = i;
                        }
                    long o = r * out_size + ((long)c * gm->out.h + oy) * gm->out.w + ox;
                    y->val[o] = x->val[best];
                    gm->argmax[o] = (int)best;
                }
    im_node *node = im_tape_record(g, "max_pool", y, max_pool_backward, x, NULL, NULL);
    if (node) node->saved = gm;
    return y;
}

/* The window sum of every output (dir 0: x -> y), or its adjoint (dir 1:
 * dy spread evenly into dx). */
static void avg_pool_pass(const pool_geom *gm, int rows, const im_real *src, im_real *dst, int dir)
{
    long in_size = im_shape_size(gm->in), out_size = im_shape_size(gm->out);
    im_real scale = (im_real)1 / (im_real)(gm->k * gm->k);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < gm->in.c; c++)
            for (int oy = 0; oy < gm->out.h; oy++)
                for (int ox = 0; ox < gm->out.w; ox++) {
                    long base = r * in_size + (long)c * gm->in.h * gm->in.w;
                    long o = r * out_size + ((long)c * gm->out.h + oy) * gm->out.w + ox;
                    im_real acc = 0;
                    for (int ky = 0; ky < gm->k; ky++)
                        for (int kx = 0; kx < gm->k; kx++) {
                            long i = base + (long)(oy * gm->stride + ky) * gm->in.w + ox * gm->stride + kx;
                            if (dir == 0)
                                acc += src[i];
                            else
                                dst[i] += scale * src[o];
                        }
                    if (dir == 0) dst[o] = scale * acc;
                }
}

static void avg_pool_backward(im_tape *g, im_node *n)
{
    im_real *dx = im_grad_of(g, n->in[0]);
    if (dx) avg_pool_pass(n->saved, n->out->rows, n->out->grad, dx, 1);
}

im_tensor *im_avg_pool(im_tape *g, im_tensor *x, im_shape in, int k, int stride)
{
    pool_geom *gm = NULL;
    im_tensor *y = pool_check(g, "im_avg_pool", x, in, k, stride, &gm);
    if (!y) return NULL;
    avg_pool_pass(gm, x->rows, x->val, y->val, 0);
    im_node *node = im_tape_record(g, "avg_pool", y, avg_pool_backward, x, NULL, NULL);
    if (node) node->saved = gm;
    return y;
}

/* ---- global average pool, upsampling and channels-last: iarg = c, h, w ---- */

static int shape_ok(im_tape *g, const char *op, im_tensor *x, im_shape in)
{
    if (in.c >= 1 && in.h >= 1 && in.w >= 1 && im_shape_size(in) == x->cols) return 1;
    im_op_fail(g, "%s: input rows have %d values, shape %dx%dx%d has %ld", op, x->cols, in.c, in.h, in.w,
               im_shape_size(in));
    return 0;
}

static void set_shape(im_node *n, im_shape s, int extra)
{
    if (!n) return;
    n->iarg[0] = s.c;
    n->iarg[1] = s.h;
    n->iarg[2] = s.w;
    n->iarg[3] = extra;
}

static void gap_backward(im_tape *g, im_node *n)
{
    im_real *dx = im_grad_of(g, n->in[0]);
    if (!dx) return;
    int C = n->iarg[0];
    long hw = (long)n->iarg[1] * n->iarg[2];
    im_real scale = (im_real)1 / (im_real)hw;
    for (int r = 0; r < n->out->rows; r++)
        for (int c = 0; c < C; c++) {
            im_real d = scale * n->out->grad[(long)r * C + c];
            im_real *p = dx + ((long)r * C + c) * hw;
            for (long i = 0; i < hw; i++) p[i] += d;
        }
}

im_tensor *im_global_avg_pool(im_tape *g, im_tensor *x, im_shape in)
{
    if (!x || !shape_ok(g, "im_global_avg_pool", x, in)) return NULL;
    im_tensor *y = im_tensor_new(g, x->rows, in.c);
    if (!y) return NULL;
    long hw = (long)in.h * in.w;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < in.c; c++) {
            const im_real *p = x->val + ((long)r * in.c + c) * hw;
            double acc = 0;
            for (long i = 0; i < hw; i++) acc += p[i];
            y->val[(long)r * in.c + c] = (im_real)(acc / (double)hw);
        }
    set_shape(im_tape_record(g, "global_avg_pool", y, gap_backward, x, NULL, NULL), in, 0);
    return y;
}

/* out pixel (y, x) of channel c reads input (y/f, x/f). */
static void upsample_backward(im_tape *g, im_node *n)
{
    im_real *dx = im_grad_of(g, n->in[0]);
    if (!dx) return;
    int C = n->iarg[0], H = n->iarg[1], W = n->iarg[2], f = n->iarg[3];
    long in_size = (long)C * H * W, out_size = in_size * f * f;
    for (int r = 0; r < n->out->rows; r++)
        for (int c = 0; c < C; c++)
            for (int oy = 0; oy < H * f; oy++) {
                const im_real *src = n->out->grad + r * out_size + ((long)c * H * f + oy) * W * f;
                im_real *dst = dx + r * in_size + ((long)c * H + oy / f) * W;
                for (int ox = 0; ox < W * f; ox++) dst[ox / f] += src[ox];
            }
}

im_tensor *im_upsample(im_tape *g, im_tensor *x, im_shape in, int factor)
{
    if (!x || !shape_ok(g, "im_upsample", x, in)) return NULL;
    if (factor < 1) return im_op_fail(g, "im_upsample: factor %d < 1", factor);
    long in_size = x->cols, out_size = in_size * factor * factor;
    im_tensor *y = im_tensor_new(g, x->rows, (int)out_size);
    if (!y) return NULL;
    int Wo = in.w * factor;
    for (int r = 0; r < x->rows; r++)
        for (int c = 0; c < in.c; c++)
            for (int oy = 0; oy < in.h * factor; oy++) {
                const im_real *src = x->val + r * in_size + ((long)c * in.h + oy / factor) * in.w;
                im_real *dst = y->val + r * out_size + ((long)c * in.h * factor + oy) * Wo;
                for (int ox = 0; ox < Wo; ox++) dst[ox] = src[ox / factor];
            }
    set_shape(im_tape_record(g, "upsample", y, upsample_backward, x, NULL, NULL), in, factor);
    return y;
}

/* out[n·HW + p, c] = x[n, c·HW + p]; dir 1 is the adjoint (accumulating). */
static void channels_last_pass(int rows, int C, long hw, const im_real *src, im_real *dst, int dir)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < C; c++) {
            long a = ((long)r * C + c) * hw;
            for (long p = 0; p < hw; p++) {
                long b = ((long)r * hw + p) * C + c;
                if (dir == 0)
                    dst[b] = src[a + p];
                else
                    dst[a + p] += src[b];
            }
        }
}

static void channels_last_backward(im_tape *g, im_node *n)
{
    im_real *dx = im_grad_of(g, n->in[0]);
    if (dx) channels_last_pass(n->in[0]->rows, n->iarg[0], (long)n->iarg[1] * n->iarg[2], n->out->grad, dx, 1);
}

im_tensor *im_channels_last(im_tape *g, im_tensor *x, im_shape in)
{
    if (!x || !shape_ok(g, "im_channels_last", x, in)) return NULL;
    long hw = (long)in.h * in.w;
    im_tensor *y = im_tensor_new(g, (int)(x->rows * hw), in.c);
    if (!y) return NULL;
    channels_last_pass(x->rows, in.c, hw, x->val, y->val, 0);
    set_shape(im_tape_record(g, "channels_last", y, channels_last_backward, x, NULL, NULL), in, 0);
    return y;
}
