/* evaluate.c — the bottleneck's measurements on the test split, the same
 * for every regularizer so that runs compare:
 *   error     argmax of the softmax averaged over eval_samples draws of Z
 *             (VIB's "12-shot" prediction; one draw for a deterministic code);
 *   Î(Z;Y)    H(Y) − E[−log q(y|z)], the classifier's cross-entropy over the
 *             same draws: the variational (Barber–Agakov) lower bound, nats;
 *   Î(X;Z)    the Gaussian channel's minibatch bounds on the first
 *             info_rows test images (core/stats/channel.c): the encoder's
 *             own density, no critic. A deterministic code of distinct
 *             images carries all of X: log m, with no finite upper bound. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "bottleneck.h"

#define CHUNK 500   /* test rows per pass: bounds the arena */

typedef struct {
    const bn_settings *s;
    const bn_model *m;
    im_tape *g;
    im_rng *rng;
    int draws, info_rows;
    double *mu, *var, *z;   /* info_rows x k: the channel of the first rows */
    double *prob;           /* CHUNK x classes: softmax summed over draws */
    long wrong;
    double ce;              /* Σ over rows and draws of −log q(y|z) */
} evaluation;

static void keep_channel(evaluation *e, const bn_code_tensors *c, int r0, int n)
{
    int k = e->m->k;
    for (int r = 0; r < n && r0 + r < e->info_rows; r++)
        for (int j = 0; j < k; j++) {
            size_t at = (size_t)(r0 + r) * k + j, from = (size_t)r * k + j;
            e->mu[at] = c->mu->val[from];
            e->z[at] = c->z->val[from];
            double sd = c->sd ? c->sd->val[from] : 0;
            e->var[at] = sd * sd;
        }
}

/* an op returned NULL: its message is on the tape's context */
static im_status failed(im_tape *g)
{
    im_ctx *ctx = im_tape_ctx(g);
    return ctx->status ? ctx->status : im_fail(ctx, IM_ENOMEM, "bottleneck: evaluation failed");
}

static im_status chunk(evaluation *e, const im_mat *x, const int *labels, int r0, int n)
{
    im_tape *g = e->g;
    int k = e->m->k, classes = e->m->classes;
    im_tape_reset(g);
    im_tensor *h = im_encoder_forward(g, &e->m->enc, im_leaf(g, n, x->cols, im_mat_row(x, r0), 0));
    memset(e->prob, 0, sizeof(double) * (size_t)n * classes);
    for (int d = 0; d < e->draws; d++) {
        im_tensor *eps = h ? im_tensor_new(g, n, k) : NULL;
        if (!eps) return failed(g);
        for (long i = 0; i < (long)n * k; i++) eps->val[i] = (im_real)im_rng_normal(e->rng);
        bn_code_tensors c = bn_code_of(g, e->s, e->m, h, eps);
        im_tensor *logp = c.z ? im_log_softmax(g, im_linear_layer_forward(g, &e->m->head, c.z)) : NULL;
        if (!logp) return failed(g);
        if (d == 0) keep_channel(e, &c, r0, n);
        for (int r = 0; r < n; r++) {
            const im_real *lr = logp->val + (size_t)r * classes;
            e->ce -= lr[labels[r0 + r]];
            for (int j = 0; j < classes; j++) e->prob[(size_t)r * classes + j] += exp(lr[j]);
        }
        if (d == e->draws - 1)
            for (int r = 0; r < n; r++) {
                const double *p = e->prob + (size_t)r * classes;
                int best = 0;
                for (int j = 1; j < classes; j++)
                    if (p[j] > p[best]) best = j;
                e->wrong += best != labels[r0 + r];
            }
    }
    return IM_OK;
}

static double label_entropy(const int *labels, int n, int classes)
{
    double h = 0;
    for (int c = 0; c < classes; c++) {
        int count = 0;
        for (int r = 0; r < n; r++) count += labels[r] == c;
        if (count) h -= (double)count / n * log((double)count / n);
    }
    return h;
}

im_status bn_evaluate(im_ctx *ctx, const bn_settings *s, const im_dataset *ds, const bn_model *m, im_rng *rng,
                      bn_scores *out)
{
    const im_split *te = &ds->test;
    int n = te->x.rows, k = m->k;
    evaluation e = { .s = s, .m = m, .rng = rng };
    e.draws = s->code == BN_DETERMINISTIC || s->eval_samples < 1 ? 1 : s->eval_samples;
    e.info_rows = s->info_rows < n ? s->info_rows : n;
    out->info_rows = e.info_rows;
    int *labels = im_class_labels(ctx, &te->y, te->y.rows);
    size_t channel = (size_t)e.info_rows * k;
    e.mu = malloc(sizeof(double) * channel);
    e.var = malloc(sizeof(double) * channel);
    e.z = malloc(sizeof(double) * channel);
    e.prob = malloc(sizeof(double) * (size_t)CHUNK * m->classes);
    im_status st = labels && e.mu && e.var && e.z && e.prob ? IM_OK : im_fail(ctx, IM_ENOMEM, "bottleneck: out of memory");
    if (!st && !(e.g = im_tape_new(ctx))) st = ctx->status;
    if (!st) {
        im_tape_set_grad(e.g, 0);
        im_encoder_set_training(&m->enc, 0);
        for (int r0 = 0; r0 < n && !st; r0 += CHUNK) st = chunk(&e, &te->x, labels, r0, n - r0 < CHUNK ? n - r0 : CHUNK);
        im_encoder_set_training(&m->enc, 1);
    }
    if (!st) {
        out->error = (double)e.wrong / n;
        out->cross_entropy = e.ce / ((double)n * e.draws);
        out->izy = label_entropy(labels, n, m->classes) - out->cross_entropy;
        if (s->code == BN_DETERMINISTIC) {
            out->ixz_lower = log((double)e.info_rows);
            out->ixz_upper = NAN;
        } else {
            st = im_gaussian_channel_mi(ctx, e.mu, e.var, e.z, e.info_rows, k, &out->ixz_lower, &out->ixz_upper);
        }
    }
    im_tape_free(e.g);
    free(labels);
    free(e.mu);
    free(e.var);
    free(e.z);
    free(e.prob);
    return st;
}
