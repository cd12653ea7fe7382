/* colmap.h — per-column monotone maps of a critic's inputs.
 *
 * Each map is a strictly increasing function of one column, so I(X;Y) is
 * unchanged; what changes is how hard the critic's job is.
 *
 *   raw       v as it is.
 *   squash    asinh((v − median) / (1.4826·MAD)): heavy tails (x³,
 *             Student-t) compressed, the bulk nearly linear.
 *   quantile  the empirical copula on a Gaussian scale: v ↦ Φ⁻¹(F̂(v)),
 *             F̂ interpolated linearly between up to IM_COLMAP_KNOTS sample
 *             quantiles, and continued past the extreme knots by
 *             q_end ± asinh(slope_end·|v − v_end|) (still a bijection, no
 *             jump in the slope). An increasing transform of a column
 *             changes the mapped values only between knots (not at all
 *             with at most IM_COLMAP_KNOTS rows): a critic behind the map
 *             is nearly invariant to such transforms by construction.
 *
 * The statistics are fitted once (im_colmap_fit) and then fixed: gradients
 * reach v through the map's slope, never the statistics. */
#ifndef INFOMIN_COLMAP_H
#define INFOMIN_COLMAP_H

#include "api.h"
#include "tape.h"

#define IM_COLMAP_KNOTS 1024
/* the `input` key's values; auto is the critic's (critic.h) */
#define IM_COLMAP_CHOICES "auto|squash|quantile|raw"

typedef enum { IM_COLMAP_RAW, IM_COLMAP_SQUASH, IM_COLMAP_QUANTILE } im_colmap_kind;

typedef struct im_colmap {
    im_colmap_kind kind;
    int cols;
    int fitted;
    im_real *center, *inv_scale;   /* squash: one per column */
    int *knots;                    /* quantile: knots in each column (>= 1) */
    double *v, *q;                 /* quantile: cols x IM_COLMAP_KNOTS, ascending */
} im_colmap;

/* kind from its name ("raw", "squash", "quantile"); -1 if unknown. */
IM_API int im_colmap_kind_from_name(const char *name);
/* An unfitted map of `cols` columns (allocates nothing). */
IM_API void im_colmap_init(im_colmap *m, im_colmap_kind kind, int cols);
IM_API void im_colmap_free(im_colmap *m);
/* Fits the statistics on n rows of a row-major n x cols block (replacing any
 * earlier fit; m->kind may be changed between fits). */
IM_API im_status im_colmap_fit(im_ctx *ctx, im_colmap *m, const im_real *data, int n);
/* The map applied to every element of v (v->cols == m->cols), on the tape. */
IM_API im_tensor *im_colmap_apply(im_tape *g, const im_colmap *m, im_tensor *v);

#endif
