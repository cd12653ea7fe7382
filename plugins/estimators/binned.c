/* binned.c — estimator `binned` (since 0.6): the plug-in MI of binned data
 * (core/stats/binned.c). Every column of X and of Y is cut into `bins`
 * equal-width bins (over its own range, or lo..hi), a row's bins are one
 * symbol, and I = H(X) + H(Y) − H(X,Y) of the symbols' frequencies, each
 * entropy with the Miller–Madow correction (occupied cells − 1)/(2N) unless
 * miller_madow = false.
 *
 * What it is for: discrete data (labels, bits, counts with few values) and
 * the information plane of a layer (Shwartz-Ziv & Tishby 2017); on
 * continuous data its value depends on the bins, and the cells outnumber
 * the rows fast with dimension (bins^d): the bias of the plug-in entropy
 * then dominates, which the correction lessens but does not remove. Not
 * differentiable: no objective. */
#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_field binned_fields[] = {
    IM_KEY("bins", "int", "30", "equal-width bins per column", "1..100000"),
    IM_KEY("lo", "float", "0", "lower edge of every column's range (lo = hi: each column's own min..max)", NULL),
    IM_KEY("hi", "float", "0", "upper edge of every column's range", NULL),
    IM_KEY("miller_madow", "bool", "true", "add (occupied cells - 1) / (2N) to each plug-in entropy", NULL),
    IM_FIELDS_END
};

typedef struct {
    im_bins bins;
    int miller_madow;
} binned;

static im_status binned_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    (void)dx, (void)dy, (void)rng;
    binned *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_status st = im_section_int(ctx, sec, "bins", &e->bins.bins);
    if (!st) st = im_section_float(ctx, sec, "lo", &e->bins.lo);
    if (!st) st = im_section_float(ctx, sec, "hi", &e->bins.hi);
    if (!st) st = im_section_bool(ctx, sec, "miller_madow", &e->miller_madow);
    if (st) {
        free(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static im_status binned_validate(im_ctx *ctx, const im_section *sec)
{
    double lo, hi;
    im_status st = im_section_float(ctx, sec, "lo", &lo);
    if (!st) st = im_section_float(ctx, sec, "hi", &hi);
    if (!st && lo > hi)
        st = im_section_fail(ctx, sec, "lo", "%g is above hi = %g (equal: each column's own range)", lo, hi);
    return st;
}

static void binned_destroy(void *self) { free(self); }

static im_status to_doubles(im_ctx *ctx, const im_mat *m, double **out)
{
    *out = malloc(sizeof(double) * (size_t)m->rows * (size_t)m->cols);
    if (!*out) return im_fail(ctx, IM_ENOMEM, "binned: out of memory");
    for (int i = 0; i < m->rows; i++)
        for (int c = 0; c < m->cols; c++) (*out)[(size_t)i * m->cols + c] = im_mat_row(m, i)[c];
    return IM_OK;
}

static im_status binned_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    binned *e = self;
    double *xd = NULL, *yd = NULL;
    im_status st = to_doubles(ctx, x, &xd);
    if (!st) st = to_doubles(ctx, y, &yd);
    if (!st) st = im_binned_mi(ctx, xd, yd, x->rows, x->cols, y->cols, &e->bins, &e->bins, e->miller_madow, out);
    free(xd);
    free(yd);
    return st;
}

static const im_estimator_vt binned_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = binned_create,
    .destroy = binned_destroy,
    .estimate = binned_estimate,
};
static const im_plugin binned_plugin = IM_PLUGIN(IM_ESTIMATOR, "binned",
                                         "plug-in MI of equal-width bins per column, Miller-Madow corrected", NULL,
                                         &binned_vt, .validate = binned_validate, .fields = binned_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &binned_plugin, NULL };
