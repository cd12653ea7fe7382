/* disentangle.h — private to the disentangle task: settings, the
 * nuisance's coding, the autoencoder, training (train.c), the metrics
 * (evaluate.c), the swap grid (grid.c) and the sweep summary
 * (summary.c). */
#ifndef INFOMIN_TASK_DISENTANGLE_H
#define INFOMIN_TASK_DISENTANGLE_H

#include "infomin/infomin.h"

#define DT_MAX_LEVELS 64   /* a nuisance with more distinct values is not categorical */

typedef struct {
    double beta, lr, select_mse_ratio;   /* select_mse_ratio: read by the sweep summary */
    int epochs, batch, nuisance, mig_rows, grid_rows;
    int decoder_hidden[8], n_decoder_hidden;
    im_penalty_opts pen;
    im_leakage_opts leak;
} dt_settings;

/* The nuisance T (one column of the dataset's T) per split: its values (the
 * penalty's input), its level per row and the one-hot of it (the decoder's). */
typedef struct {
    im_mat value, onehot;
    int *level;
} dt_nuisance;

typedef struct {
    int n;
    double value[DT_MAX_LEVELS];   /* ascending */
} dt_levels;

/* Encoder plugin Z = f(X); decoder: ReLU layers each reading [h, one-hot
 * T], the last making pixel logits. */
typedef struct {
    im_encoder enc;
    im_params dec_params, all;   /* all: the encoder's and the decoder's, not owned */
    im_linear_layer dec[9];
    int dz, n_dec, pixels;
} dt_model;

im_status dt_model_init(im_ctx *ctx, const im_config *cfg, const dt_settings *s, const im_dataset *ds, int levels,
                        im_rng *rng, dt_model *m);
void dt_model_free(dt_model *m);
/* σ(decoder(z, onehot)) of every row, into out (rows x pixels, allocated here). */
im_status dt_decode(im_ctx *ctx, const dt_model *m, const im_mat *z, const im_mat *onehot, im_mat *out);

/* Train encoder and decoder on BCE reconstruction + β·penalty(Z, T) (pen
 * NULL: none); wall seconds per epoch into *spe, the last epoch's mean
 * training BCE into *last_bce. */
im_status dt_train(im_task *t, const dt_settings *s, const dt_nuisance *tr, dt_model *m, im_penalty *pen, double *spe,
                   double *last_bce);

/* The metrics on validation and test Z (evaluate.c): reconstruction MSE,
 * the adversary, ρ*, the class probe, MIG over all of T's columns. */
im_status dt_evaluate(im_ctx *ctx, const dt_settings *s, const im_dataset *ds, const dt_levels *lv,
                      const dt_nuisance *va, const dt_nuisance *te, const dt_model *m, im_rng *rng, im_record *rec);
/* <output>[-run<k>]-swap.png (grid.c). */
im_status dt_swap_grid(im_ctx *ctx, const im_config *cfg, const dt_settings *s, const im_dataset *ds,
                       const dt_levels *lv, const dt_nuisance *te, const dt_model *m, const char *penalty,
                       im_record *rec);
im_status dt_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
