/* evaluate.c — what a disentangle run reports, on codes of held-out
 * images (the encoder in evaluation mode):
 *   mse                   test reconstruction error per pixel, T given;
 *   adversary_accuracy    a fresh classifier (one hidden layer) trained to
 *                         read T from validation Z, scored on test Z, with
 *                         adversary_chance: the commonest test level's share;
 *   rho_star              ρ*(Z;T), a fresh renyi critic (validation → test);
 *   class_accuracy        a linear probe for the class Y (validation → test):
 *                         what the code keeps;
 *   mig                   the mutual information gap over T's columns (im_mig),
 *                         and mig_t<k> per column.
 * The adversary and the probe learn on validation rows because a dataset may
 * tie T to the class in training only (colored-fashion-mnist): there, an
 * adversary could read T off the class the code must keep. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "infomin/stats.h"
#include "disentangle.h"

static double squared_error(const im_mat *a, const im_mat *b)
{
    double se = 0;
    for (long i = 0; i < (long)a->rows * a->cols; i++) {
        double d = (double)a->data[i] - b->data[i];
        se += d * d;
    }
    return se / ((double)a->rows * a->cols);
}

static double chance(const dt_levels *lv, const dt_nuisance *te, int n)
{
    int count[DT_MAX_LEVELS] = { 0 }, top = 0;
    for (int r = 0; r < n; r++) count[te->level[r]]++;
    for (int k = 0; k < lv->n; k++) top = count[k] > top ? count[k] : top;
    return (double)top / n;
}

static im_status record_mig(im_ctx *ctx, const dt_settings *s, const im_dataset *ds, const im_mat *zte, im_rng *rng,
                            im_record *rec)
{
    double mig, per[64];
    if (ds->test.t.cols > 64) return im_fail(ctx, IM_EINVAL, "disentangle: MIG reads at most 64 factors (T columns)");
    im_status st = im_mig(ctx, zte, &ds->test.t, s->mig_rows, DT_MAX_LEVELS, rng, &mig, per);
    for (int c = 0; c < ds->test.t.cols && !st; c++) {
        char key[32];
        snprintf(key, sizeof key, "mig_t%d", c);
        if (!isnan(per[c])) im_record_num(rec, key, per[c]);
    }
    if (!st && !isnan(mig)) im_record_num(rec, "mig", mig);
    return st;
}

im_status dt_evaluate(im_ctx *ctx, const dt_settings *s, const im_dataset *ds, const dt_levels *lv,
                      const dt_nuisance *va, const dt_nuisance *te, const dt_model *m, im_rng *rng, im_record *rec)
{
    im_mat zva = { 0 }, zte = { 0 }, xhat = { 0 };
    int *y_va = NULL, *y_te = NULL;
    im_status st = im_encoder_encode(ctx, &m->enc, &ds->val.x, IM_ENCODE_CODE, &zva);
    if (!st) st = im_encoder_encode(ctx, &m->enc, &ds->test.x, IM_ENCODE_CODE, &zte);
    if (!st) st = dt_decode(ctx, m, &zte, &te->onehot, &xhat);
    if (!st) im_record_num(rec, "mse", squared_error(&xhat, &ds->test.x));
    double acc, rho;
    if (!st) {
        im_probe_data d = { &zva, &zte, va->level, te->level, lv->n };
        st = im_probe_accuracy(ctx, &d, s->leak.adversary_hidden, s->leak.adversary_epochs, 1e-3, rng, &acc);
    }
    if (!st) {
        im_record_num(rec, "adversary_accuracy", acc);
        im_record_num(rec, "adversary_chance", chance(lv, te, zte.rows));
        st = im_probe_rho_star(ctx, &zva, &va->value, &zte, &te->value, s->leak.renyi_steps, rng, &rho);
    }
    if (!st) im_record_num(rec, "rho_star", rho);
    if (!st && ds->y_kind == IM_VAR_CLASSES) {
        y_va = im_class_labels(ctx, &ds->val.y, zva.rows);
        y_te = y_va ? im_class_labels(ctx, &ds->test.y, zte.rows) : NULL;
        if (!y_te) st = ctx->status;
        im_probe_data d = { &zva, &zte, y_va, y_te, ds->y_classes };
        if (!st) st = im_probe_accuracy(ctx, &d, 0, s->leak.adversary_epochs, 1e-3, rng, &acc);
        if (!st) im_record_num(rec, "class_accuracy", acc);
    }
    if (!st && s->mig_rows) st = record_mig(ctx, s, ds, &zte, rng, rec);
    free(y_va);
    free(y_te);
    im_mat_free(&zva);
    im_mat_free(&zte);
    im_mat_free(&xhat);
    return st;
}
