/* slice.c — estimator `slice`: the sliced dependence measure of "Scalable
 * Infomin Learning" (Chen et al., NeurIPS 2022).
 *
 * fit: draw S random unit directions θ_s for x and φ_s for y; on the
 * standardised training data form the features
 *     u = tanh(x̃ θᵀ) (n x S),  F(x) = [u, u², u³]  (n x 3S)
 * and likewise G(y); solve CCA between F and G in double precision (ridge
 * 1e-3 on both covariances) for the top canonical pair (wx, wy).
 * value: |corr((F(x) − m_F) wx, (G(y) − m_G) wy)|, the top canonical
 * correlation, in [0, 1].
 * The objective is that value on a batch, differentiable in x and y through
 * the fixed directions and CCA weights — the cheap penalty the paper uses;
 * refitting (new directions, new CCA) is `fit` again.
 *
 * A side with one column gets one direction: every unit vector in 1-D is ±1
 * and the features of −1 are those of +1 up to sign, so S copies would span
 * the same three columns (and make the CCA S times larger for nothing; with
 * a binary or scalar T in infomin tasks this is the common case). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_param_spec slice_params[] = {
    { "n_slice", "int", "200", "random directions per side (features: 3 per direction)", ">=1" },
    { "ridge", "float", "1e-3", "CCA ridge on both covariances", ">=0" },
    IM_PARAMS_END
};

typedef struct {
    int n_slice, dx, dy, fitted;
    int sx, sy;               /* directions per side: n_slice, or 1 for a 1-column side */
    double ridge;
    im_mat theta, phi;        /* S x dx, S x dy unit rows */
    im_mat wx, wy;            /* 3S x 1 canonical weights */
    im_mat mean_f, mean_g;    /* 1 x 3S feature means */
    im_rng rng;
    /* scratch of the refits, kept between them (the reference recipe fits
     * every step): the features' graph and their values in double */
    im_tape *g;
    double *fx, *fy;
    size_t fx_cap, fy_cap;
} slice;

static void slice_destroy(void *self)
{
    slice *s = self;
    im_mat *mats[] = { &s->theta, &s->phi, &s->wx, &s->wy, &s->mean_f, &s->mean_g };
    for (int i = 0; i < 6; i++) im_mat_free(mats[i]);
    im_tape_free(s->g);
    free(s->fx);
    free(s->fy);
    free(s);
}

static im_status slice_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    slice *s = calloc(1, sizeof *s);
    if (!s) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &s->rng);
    s->dx = dx;
    s->dy = dy;
    im_status st = im_section_int(ctx, sec, "n_slice", &s->n_slice);
    if (!st) st = im_section_float(ctx, sec, "ridge", &s->ridge);
    s->sx = dx == 1 ? 1 : s->n_slice;
    s->sy = dy == 1 ? 1 : s->n_slice;
    if (!st) st = im_mat_alloc(ctx, &s->theta, s->sx, dx);
    if (!st) st = im_mat_alloc(ctx, &s->phi, s->sy, dy);
    if (!st) st = im_mat_alloc(ctx, &s->wx, 3 * s->sx, 1);
    if (!st) st = im_mat_alloc(ctx, &s->wy, 3 * s->sy, 1);
    if (!st) st = im_mat_alloc(ctx, &s->mean_f, 1, 3 * s->sx);
    if (!st) st = im_mat_alloc(ctx, &s->mean_g, 1, 3 * s->sy);
    if (st) {
        slice_destroy(s);
        return st;
    }
    *self = s;
    return IM_OK;
}

#define STD_EPS 1e-6

/* [u, u², u³] with u = tanh(standardise(x) · dirᵀ) */
static im_tensor *features(im_tape *g, im_tensor *x, const im_mat *dirs)
{
    im_tensor *u = im_tanh(g, im_matmul(g, im_standardize_cols(g, x, STD_EPS), im_input(g, dirs), 0, 1));
    im_tensor *u2 = im_square(g, u);
    return im_concat_cols(g, im_concat_cols(g, u, u2), im_mul(g, u2, u));
}

static im_tensor *slice_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    slice *s = self;
    if (!x || !y) return NULL;
    if (!s->fitted) return im_op_fail(g, "slice: fit before use (no directions or CCA weights yet)");
    im_tensor *a = im_matmul(g, im_sub(g, features(g, x, &s->theta), im_input(g, &s->mean_f)), im_input(g, &s->wx), 0, 0);
    im_tensor *b = im_matmul(g, im_sub(g, features(g, y, &s->phi), im_input(g, &s->mean_g)), im_input(g, &s->wy), 0, 0);
    im_tensor *corr = im_mean(g, im_mul(g, im_standardize_cols(g, a, STD_EPS), im_standardize_cols(g, b, STD_EPS)), IM_ALL);
    return im_abs(g, corr);
}

/* features of a whole matrix, as doubles for the CCA, into *out (grown to
 * *cap doubles when short); on the estimator's own tape */
static im_status features_of(slice *s, im_ctx *ctx, const im_mat *m, const im_mat *dirs, double **out, size_t *cap)
{
    if (s->g && im_tape_ctx(s->g) != ctx) {   /* errors go to the caller's context */
        im_tape_free(s->g);
        s->g = NULL;
    }
    if (!s->g && !(s->g = im_tape_new(ctx))) return ctx->status;
    im_tape_reset(s->g);
    im_tape_set_grad(s->g, 0);
    im_tensor *f = features(s->g, im_input(s->g, m), dirs);
    if (!f) return ctx->status;
    size_t n = (size_t)f->rows * (size_t)f->cols;
    if (n > *cap) {
        double *grown = realloc(*out, sizeof(double) * n);
        if (!grown) return im_fail(ctx, IM_ENOMEM, "slice: out of memory");
        *out = grown;
        *cap = n;
    }
    for (size_t i = 0; i < n; i++) (*out)[i] = f->val[i];
    return IM_OK;
}

static im_status slice_fit(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, const im_mat *xv,
                           const im_mat *yv, im_record *rec)
{
    slice *s = self;
    im_mat_random_unit_rows(&s->theta, &s->rng);   /* new slices at every fit */
    im_mat_random_unit_rows(&s->phi, &s->rng);
    im_cca_result cca;
    int fx_cols = 3 * s->sx, fy_cols = 3 * s->sy;
    im_status st = features_of(s, ctx, x, &s->theta, &s->fx, &s->fx_cap);
    if (!st) st = features_of(s, ctx, y, &s->phi, &s->fy, &s->fy_cap);
    if (!st) st = im_cca_inplace(ctx, s->fx, s->fy, x->rows, fx_cols, fy_cols, s->ridge, &cca);
    if (!st) {
        for (int i = 0; i < fx_cols; i++) {
            s->wx.data[i] = (im_real)cca.wx[i];
            s->mean_f.data[i] = (im_real)cca.mx[i];
        }
        for (int i = 0; i < fy_cols; i++) {
            s->wy.data[i] = (im_real)cca.wy[i];
            s->mean_g.data[i] = (im_real)cca.my[i];
        }
        if (rec) im_record_num(rec, "slice_train_corr", cca.rho[0]);
        im_cca_free(&cca);
        s->fitted = 1;
    }
    return st;
}

/* Checkpoints: whether fitted, the generator of the directions, and the
 * fitted directions, weights and means. */
static void slice_mats(slice *s, im_mat **mats)
{
    mats[0] = &s->theta, mats[1] = &s->phi, mats[2] = &s->wx, mats[3] = &s->wy, mats[4] = &s->mean_f, mats[5] = &s->mean_g;
}

static size_t slice_state_size(void *self)
{
    im_mat *mats[6];
    size_t n = sizeof(int) + IM_RNG_BYTES;
    slice_mats(self, mats);
    for (int i = 0; i < 6; i++) n += sizeof(im_real) * (size_t)mats[i]->rows * (size_t)mats[i]->cols;
    return n;
}

static void slice_state_save(void *self, void *buf)
{
    slice *s = self;
    im_mat *mats[6];
    char *p = buf;
    memcpy(p, &s->fitted, sizeof(int)), p += sizeof(int);
    im_rng_pack(&s->rng, (unsigned char *)p), p += IM_RNG_BYTES;
    slice_mats(s, mats);
    for (int i = 0; i < 6; i++) {
        size_t n = sizeof(im_real) * (size_t)mats[i]->rows * (size_t)mats[i]->cols;
        memcpy(p, mats[i]->data, n), p += n;
    }
}

static void slice_state_load(void *self, const void *buf)
{
    slice *s = self;
    im_mat *mats[6];
    const char *p = buf;
    memcpy(&s->fitted, p, sizeof(int)), p += sizeof(int);
    im_rng_unpack(&s->rng, (const unsigned char *)p), p += IM_RNG_BYTES;
    slice_mats(s, mats);
    for (int i = 0; i < 6; i++) {
        size_t n = sizeof(im_real) * (size_t)mats[i]->rows * (size_t)mats[i]->cols;
        memcpy(mats[i]->data, p, n), p += n;
    }
}

static const im_estimator_vt slice_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_CORRELATION,
    .create = slice_create,
    .destroy = slice_destroy,
    .objective = slice_objective,
    .fit = slice_fit,
    .state_size = slice_state_size,
    .state_save = slice_state_save,
    .state_load = slice_state_load,
};
static const im_plugin slice_plugin = IM_PLUGIN(IM_ESTIMATOR, "slice",
                                        "sliced dependence (Scalable Infomin): top CCA corr of tanh-slice features",
                                        slice_params, &slice_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &slice_plugin, NULL };
