/* transform.c — elementwise bijections of R applied to dataset columns.
 * MI is invariant under them, so a dataset's true_mi carries over: this is
 * how estimators are shown to be robust (or not) to non-Gaussian marginals.
 *
 *   cubic       x³
 *   halfcube    x·|x|^½
 *   asinh       asinh(x)
 *   wiggly      x + 0.4 sin x + 0.2 sin(1.7x + 1)    (slope ≥ 0.26 > 0)
 *   normal-cdf  Φ(x), onto (0, 1) */
#include <math.h>
#include <string.h>
#include "infomin/data.h"

static double apply_one(int kind, double x)
{
    switch (kind) {
    case 1: return x * x * x;
    case 2: return x * sqrt(fabs(x));
    case 3: return asinh(x);
    case 4: return x + 0.4 * sin(x) + 0.2 * sin(1.7 * x + 1.0);
    case 5: return 0.5 * erfc(-x / sqrt(2.0));
    default: return x;
    }
}

static int kind_of(const char *name)
{
    static const char *const names[] = { "none", "cubic", "halfcube", "asinh", "wiggly", "normal-cdf" };
    for (int k = 0; k < 6; k++)
        if (strcmp(name, names[k]) == 0) return k;
    return -1;
}

im_status im_transform_mat(im_ctx *ctx, const char *name, im_mat *m)
{
    int kind = kind_of(name);
    if (kind < 0) return im_fail(ctx, IM_EINVAL, "unknown transform '%s' (expected %s)", name, IM_TRANSFORM_CHOICES);
    if (kind == 0) return IM_OK;
    for (long i = 0; i < (long)m->rows * m->cols; i++) m->data[i] = (im_real)apply_one(kind, m->data[i]);
    return IM_OK;
}

im_status im_dataset_transform(im_ctx *ctx, const im_section *sec, im_dataset *ds)
{
    const char *name, *on;
    im_status st = im_section_string(ctx, sec, "transform", &name);
    if (!st) st = im_section_string(ctx, sec, "transform_on", &on);
    if (st) return st;
    int do_x = strcmp(on, "y") != 0, do_y = strcmp(on, "x") != 0;
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3 && !st; s++) {
        if (do_x) st = im_transform_mat(ctx, name, &splits[s]->x);
        if (!st && do_y) st = im_transform_mat(ctx, name, &splits[s]->y);
    }
    return st;
}
