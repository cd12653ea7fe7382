/* ba.c — estimator `ba` (since 0.6): the Barber–Agakov bound (Barber &
 * Agakov 2003, "The IM algorithm"), InfoGAN's mutual-information term:
 *
 *   I(X;Y) = H(Y) − H(Y|X) ≥ H(Y) + E_p(x,y)[log q(y|x)]
 *
 * for any variational q(y|x); tight when q is the true conditional. q is
 * an MLP on x:
 *   q = categorical: softmax logits over `classes` values of Y, Y given as
 *       one column of class indices 0..classes−1 or as one-hot rows (Y of
 *       several columns: a distribution over them per row);
 *   q = gaussian: N(μ(x), diag e^{lv(x)}), lv clamped to [−12, 12].
 * H(Y): `entropy = data` takes it from the rows the bound reads — the
 * plug-in entropy of the classes, or for gaussian ½ log det(2πe Σ_Y) of
 * their covariance, which is H(Y) only when Y is Gaussian and above it
 * otherwise (the value is then not a lower bound) — or a number in nats,
 * the entropy of a known prior (InfoGAN's uniform code: log K).
 * q is trained by the generic trainer (maximum likelihood is the bound's
 * ascent: H does not depend on q); as a term in a task, x carries the
 * gradient to whatever made it (InfoGAN's generator). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

static const im_param_spec ba_params[] = {
    { "q", "string", "categorical", "the variational q(y|x): categorical (Y classes) or gaussian",
      "categorical|gaussian" },
    { "classes", "int", "0", "categorical with Y one column of class indices: their number (0: Y is one-hot rows, "
      "its columns the classes)", ">=0" },
    { "entropy", "string", "data", "H(Y) in the bound: data (from the rows read) or a number of nats (a known "
      "prior's: log K for a uniform code)", NULL },
    { "hidden", "ints", "128,128", "hidden widths of q's network", ">=1" },
    { "activation", "string", "relu", "hidden activation", IM_ACTIVATION_CHOICES },
    IM_TRAINER_PARAMS("3000", "128", "1e-3", "0"),
    IM_PARAMS_END
};

typedef struct {
    int gaussian, classes, labels;   /* labels: Y is one column of indices */
    double entropy;                  /* NaN: from the data */
    int dy;
    im_mlp mu, logvar;               /* categorical: mu gives the logits */
    im_params params;
    im_rng rng;
} ba;

static im_status ba_validate(im_ctx *ctx, const im_section *sec)
{
    const char *h;
    im_status st = im_section_string(ctx, sec, "entropy", &h);
    char *end;
    if (!st && strcmp(h, "data") != 0 && (strtod(h, &end), *end || end == h))
        st = im_section_fail(ctx, sec, "entropy", "'%s' is neither data nor a number of nats", h);
    return st;
}

static im_status ba_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    ba *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &e->rng);
    const char *q, *h;
    im_status st = im_section_string(ctx, sec, "q", &q);
    if (!st) st = im_section_int(ctx, sec, "classes", &e->classes);
    if (!st) st = im_section_string(ctx, sec, "entropy", &h);
    if (!st) {
        e->gaussian = strcmp(q, "gaussian") == 0;
        e->entropy = strcmp(h, "data") == 0 ? NAN : strtod(h, NULL);
        e->dy = dy;
        e->labels = !e->gaussian && dy == 1;
        if (e->labels && e->classes < 2)
            st = im_section_fail(ctx, sec, "classes", "Y is one column: give its number of classes (at least 2), or "
                                 "pass Y as one-hot rows");
        if (!e->labels && !e->gaussian) e->classes = dy;
        if (!st && !e->labels && !e->gaussian && dy < 2)
            st = im_section_fail(ctx, sec, "q", "categorical q needs Y one-hot over at least 2 columns");
    }
    int out = e->gaussian ? dy : e->classes;
    if (!st) st = im_mlp_from_section(ctx, &e->mu, &e->params, "ba.q", sec, dx, out, IM_ACT_NONE, &e->rng);
    if (!st && e->gaussian)
        st = im_mlp_from_section(ctx, &e->logvar, &e->params, "ba.logvar", sec, dx, dy, IM_ACT_NONE, &e->rng);
    if (st) {
        im_params_free(&e->params);
        free(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static void ba_destroy(void *self)
{
    ba *e = self;
    im_params_free(&e->params);
    free(e);
}

static im_params *ba_param_list(void *self) { return &((ba *)self)->params; }

/* The class of each row of y (an index column, or a one-hot row's largest
 * entry) into cls; -1 when an index is not a class. */
static int classes_of(const ba *e, const im_tensor *y, int *cls)
{
    for (int i = 0; i < y->rows; i++) {
        const im_real *row = y->val + (long)i * y->cols;
        if (e->labels) {
            double v = row[0];
            if (!(v >= 0 && v < e->classes && v == floor(v))) return i;
            cls[i] = (int)v;
        } else {
            int best = 0;
            for (int c = 1; c < y->cols; c++) best = row[c] > row[best] ? c : best;
            cls[i] = best;
        }
    }
    return -1;
}

/* H(Y) of the rows (nats): the classes' plug-in entropy, or the Gaussian
 * entropy of their covariance (Cholesky; NaN when it is singular) */
static double data_entropy(const ba *e, const im_tensor *y, const int *cls, double *scratch)
{
    int n = y->rows, d = y->cols;
    if (!e->gaussian) {
        double h = 0;
        for (int c = 0; c < e->classes; c++) scratch[c] = 0;
        for (int i = 0; i < n; i++) scratch[cls[i]] += 1.0 / n;
        for (int c = 0; c < e->classes; c++) h -= scratch[c] > 0 ? scratch[c] * log(scratch[c]) : 0;
        return h;
    }
    double *mean = scratch, *cov = scratch + d, logdet = 0;
    for (int j = 0; j < d; j++) mean[j] = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++) mean[j] += y->val[(long)i * d + j] / n;
    for (int a = 0; a < d; a++)
        for (int b = 0; b <= a; b++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += (y->val[(long)i * d + a] - mean[a]) * (y->val[(long)i * d + b] - mean[b]);
            cov[a * d + b] = s / (n - 1);
        }
    for (int a = 0; a < d; a++) {   /* Cholesky in place, lower triangle */
        for (int b = 0; b <= a; b++) {
            double s = cov[a * d + b];
            for (int k = 0; k < b; k++) s -= cov[a * d + k] * cov[b * d + k];
            if (a == b) {
                if (!(s > 0)) return NAN;
                cov[a * d + a] = sqrt(s);
                logdet += 2 * log(cov[a * d + a]);
            } else {
                cov[a * d + b] = s / cov[b * d + b];
            }
        }
    }
    return 0.5 * (d * log(2 * M_PI * M_E) + logdet);
}

/* mean log q(y|x) on g */
static im_tensor *log_likelihood(ba *e, im_tape *g, im_tensor *x, im_tensor *y, const int *cls)
{
    im_tensor *out = im_mlp_forward(g, &e->mu, x);
    if (e->gaussian) {
        im_tensor *lv = im_clamp(g, im_mlp_forward(g, &e->logvar, x), -12, 12);
        return im_mean(g, im_gaussian_loglik(g, y, out, lv), IM_ALL);
    }
    return im_neg(g, im_cross_entropy_logits(g, out, cls));
}

static im_tensor *ba_objective(void *self, im_tape *g, im_tensor *x, im_tensor *y)
{
    ba *e = self;
    if (!x || !y) return NULL;
    if (y->cols != e->dy) return im_op_fail(g, "ba: Y has %d columns, q was made for %d", y->cols, e->dy);
    int n = y->rows;
    int *cls = e->gaussian ? NULL : im_tape_alloc(g, sizeof(int) * (size_t)n);
    double *scratch = im_tape_alloc(g, sizeof(double) * (size_t)(e->classes + e->dy + e->dy * e->dy + 1));
    if ((!e->gaussian && !cls) || !scratch) return im_op_fail(g, "ba: out of memory");
    int bad = e->gaussian ? -1 : classes_of(e, y, cls);
    if (bad >= 0)
        return im_op_fail(g, "ba: row %d of Y is %g, not a class index in 0..%d", bad, (double)y->val[bad],
                          e->classes - 1);
    double h = isnan(e->entropy) ? data_entropy(e, y, cls, scratch) : e->entropy;
    if (!isfinite(h))
        return im_op_fail(g, "ba: the covariance of Y's %d rows is singular: its Gaussian entropy is not finite (give "
                          "entropy = a number of nats)", n);
    return im_add_scalar(g, log_likelihood(e, g, x, y, cls), h);
}

static im_status ba_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    im_tape *g = im_tape_new(ctx);
    if (!g) return ctx->status;
    im_tape_set_grad(g, 0);
    im_tensor *v = ba_objective(self, g, im_input(g, x), im_input(g, y));
    im_status st = v ? IM_OK : ctx->status;
    if (!st) *out = im_item(v);
    im_tape_free(g);
    return st;
}

static size_t ba_state_size(void *self) { return IM_RNG_BYTES; }
static void ba_state_save(void *self, void *buf) { im_rng_pack(&((ba *)self)->rng, buf); }
static void ba_state_load(void *self, const void *buf) { im_rng_unpack(&((ba *)self)->rng, buf); }

static const im_estimator_vt ba_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_LOWER,
    .unit = IM_UNIT_NATS,
    .create = ba_create,
    .destroy = ba_destroy,
    .objective = ba_objective,
    .params = ba_param_list,
    .estimate = ba_estimate,
    .state_size = ba_state_size,
    .state_save = ba_state_save,
    .state_load = ba_state_load,
};
static const im_plugin ba_plugin = IM_PLUGIN(IM_ESTIMATOR, "ba",
                                     "Barber-Agakov bound H(Y) + E log q(y|x), q categorical or Gaussian (InfoGAN's "
                                     "term)", ba_params, &ba_vt, .validate = ba_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &ba_plugin, NULL };
