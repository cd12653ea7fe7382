/* planted.c — dataset `planted`: a small fairness problem with the sensitive
 * attribute planted in the inputs, for tests and demos.
 *   T ~ Bernoulli(½);  U ~ N(0, I_k);  Y = 1[w·U + a·(T − ½) + 0.5 ε > 0]
 *   X = [U, T + noise·ε' (`copies` columns)]
 * With a = 0 (`t_effect`, the default) Y does not depend on T, so a
 * representation can predict Y perfectly well while carrying no
 * information about T; an unpenalised encoder passes the planted columns
 * through and an adversary recovers T from Z. With a > 0 (since 0.6) T
 * predicts Y, as sex predicts income on Adult: removing T from Z then
 * removes part of Y with it, and a code independent of T is no longer
 * independent of T given Y (equalized odds; fairness's given = y). */
#include <math.h>
#include "infomin/infomin.h"

static const im_param_spec planted_params[] = {
    { "dim", "int", "6", "informative columns U", ">=1" },
    { "copies", "int", "2", "noisy copies of T among the inputs", ">=1" },
    { "noise", "float", "0.3", "noise on the copies of T", ">=0" },
    { "t_effect", "float", "0", "a: T's weight in Y's score (0: Y independent of T)", NULL },
    IM_SPLIT_PARAMS("4000", "1000", "2000", "2"),
    IM_PARAMS_END
};

static im_status planted_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    int k, copies, n[3];
    double noise, t_effect;
    im_status st = im_section_int(ctx, sec, "dim", &k);
    if (!st) st = im_section_float(ctx, sec, "t_effect", &t_effect);
    if (!st) st = im_section_int(ctx, sec, "copies", &copies);
    if (!st) st = im_section_float(ctx, sec, "noise", &noise);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_dataset_alloc(ctx, ds, n, k + copies, 1, 1);
    if (st) return st;
    double w[256];
    for (int i = 0; i < k && i < 256; i++) w[i] = im_rng_normal(rng);
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3; s++)
        for (int r = 0; r < n[s]; r++) {
            im_real *x = im_mat_row(&splits[s]->x, r);
            double t = im_rng_uniform(rng) < 0.5, score = 0.5 * im_rng_normal(rng);
            for (int i = 0; i < k; i++) {
                x[i] = (im_real)im_rng_normal(rng);
                score += w[i % 256] * x[i];
            }
            for (int c = 0; c < copies; c++) x[k + c] = (im_real)(t + noise * im_rng_normal(rng));
            im_mat_row(&splits[s]->y, r)[0] = score + t_effect * (t - 0.5) > 0;
            im_mat_row(&splits[s]->t, r)[0] = (im_real)t;
        }
    ds->y_kind = ds->t_kind = IM_VAR_BINARY;
    ds->y_classes = ds->t_classes = 2;
    return IM_OK;
}

static const im_dataset_vt planted_vt = { IM_VT_SIZE(im_dataset_vt), .create = planted_create };
static const im_plugin planted = IM_PLUGIN(IM_DATASET, "planted",
                                   "synthetic fairness problem: binary T planted in X, Y independent of T",
                                   planted_params, &planted_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &planted, NULL };
