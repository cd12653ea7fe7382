/* model.c — the bottleneck's model: an encoder plugin (the paper's MLP
 * 784 → 1024 → 1024 → 2K in the INI), the code Z drawn from its output by
 * reparameterisation, and a softmax (linear) classifier on Z, as in the
 * deep VIB of Alemi et al. (2017). The deterministic and noise codes take
 * their mean from the first K columns, so the baseline can keep the
 * Gaussian code's encoder (its other K outputs then go unused). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bottleneck.h"

/* σ = softplus(s − 5) as in VIB (a small σ at initialisation), floored so
 * that log σ stays finite in single precision. */
#define SD_SHIFT 5.0
#define SD_FLOOR 1e-5

im_status bn_model_init(im_ctx *ctx, const im_config *cfg, const bn_settings *s, const im_dataset *ds, im_rng *rng,
                        bn_model *m)
{
    memset(m, 0, sizeof *m);
    m->k = s->code_dim;
    m->classes = ds->y_classes;
    int k2 = 2 * s->code_dim;
    im_status st = im_encoder_new(ctx, cfg, "encoder", ds->train.x.cols, (im_shape){ 0 }, rng, &m->enc);
    if (!st && s->code == BN_GAUSSIAN && m->enc.out_dim != k2)
        st = im_fail(ctx, IM_ECONFIG, "bottleneck: [encoder] makes %d columns; code = gaussian with code_dim = %d "
                     "needs %d (a mean and a scale per dimension): set out = %d", m->enc.out_dim, s->code_dim, k2, k2);
    if (!st && s->code != BN_GAUSSIAN && m->enc.out_dim != s->code_dim && m->enc.out_dim != k2)
        st = im_fail(ctx, IM_ECONFIG, "bottleneck: [encoder] makes %d columns; code = %s with code_dim = %d reads the "
                     "mean from the first %d: set out = %d (or %d, the Gaussian code's encoder)", m->enc.out_dim,
                     s->code_name, s->code_dim, s->code_dim, s->code_dim, k2);
    if (!st) st = im_linear_layer_init(ctx, &m->head, &m->head_params, "classifier", m->k, m->classes, IM_ACT_NONE, rng);
    if (!st) st = im_params_view_append(ctx, &m->all, im_encoder_params(&m->enc));
    if (!st) st = im_params_view_append(ctx, &m->all, &m->head_params);
    return st;
}

void bn_model_free(bn_model *m)
{
    im_encoder_free(&m->enc);
    im_params_free(&m->head_params);
    im_params_view_free(&m->all);
}

bn_code_tensors bn_code_of(im_tape *g, const bn_settings *s, const bn_model *m, im_tensor *h, im_tensor *eps)
{
    bn_code_tensors c = { 0 };
    if (!h) return c;
    c.mu = h->cols == m->k ? h : im_slice_cols(g, h, 0, m->k);
    if (s->code == BN_DETERMINISTIC) {
        c.z = c.mu;
        return c;
    }
    if (s->code == BN_GAUSSIAN)
        c.sd = im_add_scalar(g, im_softplus(g, im_add_scalar(g, im_slice_cols(g, h, m->k, m->k), -SD_SHIFT)), SD_FLOOR);
    else
        c.sd = im_const(g, h->rows, m->k, (im_real)s->noise_sd);
    c.z = im_add(g, c.mu, im_mul(g, c.sd, eps));
    return c;
}

/* ½ Σ_k (μ² + σ² − 1 − log σ²), averaged over the rows. */
im_tensor *bn_vib_kl(im_tape *g, const bn_code_tensors *c, int k)
{
    im_tensor *var = im_square(g, c->sd);
    im_tensor *terms = im_sub(g, im_add(g, im_square(g, c->mu), var), im_log(g, var));
    im_tensor *per_row = im_add_scalar(g, im_sum(g, terms, IM_ROWWISE), -(double)k);
    return im_scale(g, im_mean(g, per_row, IM_ALL), 0.5);
}
