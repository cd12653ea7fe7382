/* disentangle.c — task `disentangle`: an autoencoder whose code Z keeps no
 * information about a nuisance factor T (Scalable Infomin Learning, Chen et
 * al. 2022, §5: disentangled representation learning). The decoder is
 * given T, so Z need not carry it to reconstruct X:
 *     min  BCE(decoder(Z, onehot T), X) + β · penalty(Z, T),  Z = encoder(X)
 * with any estimator plugin in [estimator] as the penalty (β = 0: none,
 * [estimator] not read). The nuisance is one column of the dataset's T
 * (`nuisance`), categorical: at most 64 distinct values.
 *
 * What a run reports (evaluate.c, mig.c, grid.c): reconstruction MSE on
 * test; a fresh adversary's accuracy at predicting T from Z (trained on
 * validation Z, where a coloured dataset's colour is independent of the
 * class; chance beside it); ρ*(Z;T); a linear probe's class accuracy from
 * Z (what the code keeps); the mutual information gap over all columns of
 * T (KSG); and a grid of test images re-decoded with T swapped. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "disentangle.h"

static const im_field disentangle_fields[] = {
    IM_FLOAT(dt_settings, beta, "0", "penalty weight (0: no penalty, [estimator] not read)", ">=0",
             .gates = "estimator"),
    IM_INT(dt_settings, nuisance, "0", "the column of the dataset's T the code must not carry (dsprites: 0 shape, 1 "
           "scale, 2 orientation, 3 x, 4 y)", ">=0"),
    IM_INT(dt_settings, epochs, "10", "passes over the training split", ">=1"),
    IM_INT(dt_settings, batch, "128", "images per step", ">=4"),
    IM_FLOAT(dt_settings, lr, "1e-3", "Adam learning rate of encoder and decoder", ">0"),
    IM_INTS(dt_settings, decoder_hidden, n_decoder_hidden, "1024,1024", "hidden widths of the MLP decoder [Z, onehot "
            "T] -> pixels", ">=1"),
    IM_PENALTY_FIELDS(dt_settings, pen, "20", "8000", "rows", NULL),
    IM_LEAKAGE_FIELDS(dt_settings, leak),
    IM_INT(dt_settings, mig_rows, "5000", "test rows the mutual information gap reads (0: no MIG)", ">=0"),
    IM_INT(dt_settings, grid_rows, "8", "test images in the swap grid (0: no grid)", "0..32"),
    IM_FLOAT(dt_settings, select_mse_ratio, "1.5", "sweep summary: per penalty, the beta with the least adversary "
           "accuracy among runs whose MSE is at most this times none's", ">=1", .unhashed = 1),
    IM_FIELDS_END,
};

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The distinct values of the nuisance column in the training split. */
static im_status find_levels(im_ctx *ctx, const im_dataset *ds, int col, dt_levels *lv)
{
    lv->n = 0;
    for (int r = 0; r < ds->train.t.rows; r++) {
        double v = im_mat_row(&ds->train.t, r)[col];
        int k = 0;
        while (k < lv->n && lv->value[k] != v) k++;
        if (k < lv->n) continue;
        if (lv->n == DT_MAX_LEVELS)
            return im_fail(ctx, IM_EINVAL, "disentangle: T column %d of dataset %s takes more than %d values: the "
                           "nuisance must be categorical (another `nuisance` column)", col, ds->name, DT_MAX_LEVELS);
        lv->value[lv->n++] = v;
    }
    qsort(lv->value, (size_t)lv->n, sizeof(double), compare_double);
    if (lv->n < 2)
        return im_fail(ctx, IM_EINVAL, "disentangle: T column %d of dataset %s is constant in the training split: "
                       "there is nothing to remove", col, ds->name);
    return IM_OK;
}

static void nuisance_free(dt_nuisance *n)
{
    im_mat_free(&n->value);
    im_mat_free(&n->onehot);
    free(n->level);
}

/* One split's nuisance: values, levels, one-hot; a value the training split
 * never took is an error naming the split and row. */
static im_status nuisance_make(im_ctx *ctx, const im_split *sp, const char *split, int col, const dt_levels *lv,
                               dt_nuisance *out)
{
    memset(out, 0, sizeof *out);
    int n = sp->t.rows;
    im_status st = im_mat_alloc(ctx, &out->value, n, 1);
    if (!st) st = im_mat_alloc(ctx, &out->onehot, n, lv->n);
    if (!st && !(out->level = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1))))
        st = im_fail(ctx, IM_ENOMEM, "disentangle: out of memory");
    for (int r = 0; r < n && !st; r++) {
        double v = im_mat_row(&sp->t, r)[col];
        int k = 0;
        while (k < lv->n && lv->value[k] != v) k++;
        if (k == lv->n) {
            st = im_fail(ctx, IM_EINVAL, "disentangle: %s row %d has T = %g, a value the training split never takes",
                         split, r, v);
            break;
        }
        out->level[r] = k;
        im_mat_row(&out->value, r)[0] = (im_real)v;
        im_mat_row(&out->onehot, r)[k] = 1;
    }
    return st;
}

/* The decoder's outputs are probabilities: pixels must lie in [0, 1]. */
static im_status check_pixels(im_ctx *ctx, const im_dataset *ds)
{
    const im_mat *x = &ds->train.x;
    for (long i = 0; i < (long)x->rows * x->cols; i++)
        if (x->data[i] < 0 || x->data[i] > 1)
            return im_fail(ctx, IM_EINVAL, "disentangle: dataset %s has X = %g (training row %ld) outside [0, 1]; the "
                           "decoder's Bernoulli likelihood needs pixels in [0, 1] (scale = unit)", ds->name,
                           (double)x->data[i], i / x->cols);
    return IM_OK;
}

static im_status disentangle_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    dt_settings s = { 0 };
    im_task t;
    im_status st = im_task_open(&t, ctx, cfg, rng, rec, &s, 0);
    const im_dataset *ds = &t.ds;
    dt_levels lv;
    dt_nuisance tr = { 0 }, va = { 0 }, te = { 0 };
    dt_model m = { 0 };
    im_penalty pen = { 0 };
    double spe = 0, bce = NAN;
    if (!st && !ds->train.t.cols)
        st = im_fail(ctx, IM_EINVAL, "disentangle: dataset %s has no T: the task needs a nuisance factor to remove",
                     ds->name);
    else if (s.nuisance >= ds->train.t.cols)
        st = im_fail(ctx, IM_EINVAL, "disentangle: nuisance = %d, but dataset %s has %d T column%s", s.nuisance,
                     ds->name, ds->train.t.cols, ds->train.t.cols == 1 ? "" : "s");
    if (!st && (ds->val.x.rows < 16 || ds->test.x.rows < 16))
        st = im_fail(ctx, IM_EINVAL, "disentangle: dataset %s needs at least 16 validation and 16 test rows (the "
                     "adversary learns on validation Z)", ds->name);
    if (!st) st = check_pixels(ctx, ds);
    if (!st) st = find_levels(ctx, ds, s.nuisance, &lv);
    if (!st) st = nuisance_make(ctx, &ds->train, "training", s.nuisance, &lv, &tr);
    if (!st) st = nuisance_make(ctx, &ds->val, "validation", s.nuisance, &lv, &va);
    if (!st) st = nuisance_make(ctx, &ds->test, "test", s.nuisance, &lv, &te);
    if (!st) st = dt_model_init(ctx, cfg, &s, ds, lv.n, rng, &m);
    if (!st && s.beta > 0) st = im_penalty_new(ctx, cfg, "estimator", m.dz, 1, &s.pen, ds->train.x.rows, rng, &pen);
    if (!st) st = dt_train(&t, &s, &tr, &m, s.beta > 0 ? &pen : NULL, &spe, &bce);
    if (!st) {
        im_penalty_record(&pen, s.beta, rec);
        im_record_num(rec, "seconds_per_epoch", spe);
        im_record_num(rec, "train_bce", bce);
        st = dt_evaluate(ctx, &s, ds, &lv, &va, &te, &m, rng, rec);
    }
    if (!st && s.grid_rows && ds->x_shape.c)
        st = dt_swap_grid(ctx, cfg, &s, ds, &lv, &te, &m, im_penalty_name(&pen), rec);
    if (!st)
        printf("disentangle on %s, penalty %s, beta %g: MSE %.5f, adversary accuracy %.3f (chance %.3f), "
               "rho*(Z;T) %.3f (%.1f s/epoch)\n", ds->name, im_penalty_name(&pen), s.beta, im_record_value(rec, "mse"),
               im_record_value(rec, "adversary_accuracy"), im_record_value(rec, "adversary_chance"),
               im_record_value(rec, "rho_star"), spe);
    im_penalty_free(&pen);
    dt_model_free(&m);
    nuisance_free(&tr);
    nuisance_free(&va);
    nuisance_free(&te);
    im_task_close(&t);
    return st;
}

/* the summary table's columns (task.h) */
static const char *const headline[] = {
    "mig", "mse", "adversary_accuracy", "adversary_chance", "rho_star", "class_accuracy",
    "seconds_per_epoch", NULL
};

static const im_task_vt disentangle_vt = { IM_VT_SIZE(im_task_vt), .run = disentangle_run,
                                           .summarize = dt_summarize, .labelled_sections = IM_NO_LABELLED_SECTIONS,
                                           .headline = headline };
static const im_plugin disentangle = IM_PLUGIN(IM_TASK, "disentangle",
                                               "autoencoder whose code keeps no information about a nuisance T: "
                                               "BCE + beta * penalty(Z, T), decoder given T",
                                               NULL, &disentangle_vt,
                                               .fields = disentangle_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &disentangle, NULL };
