/* probe.c — the dim task's per-epoch probe on a few rows (the probes
 * themselves are the core's, core/train/probe.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dim.h"

/* The first `rows` rows of m as a view (no copy). */
static im_mat head(const im_mat *m, int rows)
{
    return (im_mat){ rows < m->rows ? rows : m->rows, m->cols, m->data };
}

im_status dim_quick_probe(im_ctx *ctx, const dim_settings *s, const im_dataset *ds, const im_encoder *enc,
                          im_rng *rng, double acc[2])
{
    im_mat xtr = head(&ds->train.x, s->curve_rows), xte = head(&ds->test.x, s->curve_rows);
    int *ltr = im_class_labels(ctx, &ds->train.y, xtr.rows), *lte = im_class_labels(ctx, &ds->test.y, xte.rows);
    im_status st = ltr && lte ? IM_OK : ctx->status;
    acc[0] = acc[1] = NAN;
    for (int local = enc ? 0 : 1; local < 2 && !st; local++) {   /* no encoder: the pixels are the features */
        im_mat ftr = { 0 }, fte = { 0 };
        if (enc) {
            im_encode_what what = local ? s->features : IM_ENCODE_CODE;
            st = im_encoder_encode(ctx, enc, &xtr, what, &ftr);
            if (!st) st = im_encoder_encode(ctx, enc, &xte, what, &fte);
        }
        im_probe_data d = { enc ? &ftr : &xtr, enc ? &fte : &xte, ltr, lte, ds->y_classes };
        if (!st) st = im_probe_accuracy(ctx, &d, 0, s->probe_epochs, s->probe_lr, rng, &acc[local]);
        im_mat_free(&ftr);
        im_mat_free(&fte);
    }
    free(ltr);
    free(lte);
    return st;
}

im_curve *dim_curve(im_record *rec)
{
    static const char *const cols[] = { "epoch", "loss", "local_mi", "global_mi", "linear_code", "linear_features" };
    return im_record_curve(rec, "probe", 6, cols);
}
