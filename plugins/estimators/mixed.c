/* mixed.c — estimator `mixed`: MI of discrete, continuous or mixed columns
 * (Gao, Kannan, Oh & Viswanath 2017; core/stats/knn_info.c). Where a row's
 * k-th neighbour in the joint space is at a distance, KSG's counts; where it
 * is at 0 (a discrete atom: at least k exact copies of the row), the copies
 * themselves. Discrete columns need no declaring: the ties are the
 * detection. Continuous data give KSG's estimate (log N for ψ(N)). Trains
 * nothing, differentiates nothing. */
#include <stdlib.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_field mixed_fields[] = {
    IM_KEY("k", "int", "5", "neighbours (the paper's experiments use 5)", "1..64"),
    IM_KEY("max_samples", "int", "0", "estimate on a random subset of this many rows (0: all)", ">=0"),
    IM_FIELDS_END
};

typedef struct {
    int k, max_samples;
    im_rng rng;
} mixed;

static im_status mixed_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    (void)dx, (void)dy;
    mixed *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &e->rng);
    im_status st = im_section_int(ctx, sec, "k", &e->k);
    if (!st) st = im_section_int(ctx, sec, "max_samples", &e->max_samples);
    if (st) {
        free(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static void mixed_destroy(void *self) { free(self); }

/* rows[i] of m, as doubles, for i < n */
static double *gather(const im_mat *m, const int *rows, int n)
{
    double *out = malloc(sizeof(double) * (size_t)n * (size_t)m->cols);
    if (out)
        for (int i = 0; i < n; i++)
            for (int c = 0; c < m->cols; c++) out[(long)i * m->cols + c] = im_mat_row(m, rows[i])[c];
    return out;
}

static im_status mixed_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    mixed *e = self;
    int n = e->max_samples > 0 && e->max_samples < x->rows ? e->max_samples : x->rows;
    int *rows = malloc(sizeof(int) * (size_t)x->rows);
    if (rows && n < x->rows)
        im_rng_permutation(&e->rng, rows, x->rows);
    else if (rows)
        for (int i = 0; i < n; i++) rows[i] = i;
    double *xd = rows ? gather(x, rows, n) : NULL, *yd = rows ? gather(y, rows, n) : NULL;
    im_status st = xd && yd ? im_mixed_mi(ctx, xd, yd, n, x->cols, y->cols, e->k, out)
                            : im_fail(ctx, IM_ENOMEM, "mixed: out of memory");
    free(rows);
    free(xd);
    free(yd);
    return st;
}

static const im_estimator_vt mixed_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = mixed_create,
    .destroy = mixed_destroy,
    .estimate = mixed_estimate,
};
static const im_plugin mixed_plugin = IM_PLUGIN(IM_ESTIMATOR, "mixed",
                                        "kNN MI of discrete-continuous mixtures (Gao et al. 2017)", NULL, &mixed_vt,
                                        .fields = mixed_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &mixed_plugin, NULL };
