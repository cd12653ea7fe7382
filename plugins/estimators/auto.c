/* auto.c — estimator `auto` (since 0.6): looks at the rows and runs the
 * estimator most likely to be right on them, and says which and why
 * (note(), recorded as estimator_note).
 *
 *   1. Discrete columns (a value shared by ≥ 10% of rows, im_tied_share):
 *      `mixed` (Gao et al. 2017), which reads discrete, continuous and
 *      mixed columns alike. KSG and the Gaussian forms would read ties as
 *      dependence or miss them.
 *   2. Else every column goes to normal scores (ranks through Φ⁻¹): the MI
 *      is unchanged, the margins become Gaussian and heavy tails stop
 *      mattering. In at most ksg_max_dim dimensions (dx + dy): KSG on the
 *      normal scores, consistent for any copula and within 4% on the
 *      suite's Gaussian ones up to 3 + 3 (2-pair 5 + 5: 0.76).
 *   3. Else, if the scores are jointly Gaussian — Mardia's kurtosis score
 *      within ±gaussian_score — the Gaussian-copula estimate less its
 *      small-sample bias (core/stats/gaussianity.c): exact in any
 *      dimension, in milliseconds. The threshold is low (2: on normal
 *      scores the score's sd is 0.6–1.0, so a Gaussian sample passes at
 *      least 95% of the time) because a false alarm costs only time (step
 *      4 keeps the Gaussian estimate when it is the larger), while a miss
 *      reports the Gaussian estimate of a copula it cannot see. The test's
 *      power grows as √n: the 1 + 1 additive-noise copula scores −4.8 at
 *      10,000 rows and −1.5 at 2,000, which is why low dimensions go to
 *      KSG without asking.
 *   4. Else a critic (its bound `bound`, InfoNCE by default: the trained
 *      bound the Beyond-Normal table found most reliable) with the table's
 *      small separable g(x)·h(y) network, trained on (folds − 1)/folds of
 *      the rows (a tenth of all rows choosing its weights) and read on the
 *      rest (crossfit = true: every fold read in turn and the readings
 *      averaged, folds times the cost). The critic is a lower bound; the
 *      reported value is the larger of it and the Gaussian-copula
 *      estimate, which on such copulas reads below the truth too (spiral
 *      0.39–0.81, Student-t 0.01 on the suite).
 *
 * It trains nothing the framework sees: a task gives it every row, and
 * step 4 splits them itself. The thresholds were tuned on the Beyond-Normal
 * suite (docs/estimators.md: the choice per task). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

static const im_field auto_fields[] = {
    IM_KEY("gaussian_score", "float", "2", "normal scores count as jointly Gaussian while |Mardia's kurtosis "
           "score| is at most this (it is N(0, 1) for Gaussian rows)", ">=0"),
    IM_KEY("ksg_max_dim", "int", "6", "at most this many dimensions (dx + dy): KSG on normal scores; above, the "
           "Gaussian copula if Mardia's test passes, else the critic", ">=2"),
    IM_KEY("k", "int", "3", "KSG's neighbours", "1..64"),
    IM_KEY("bound", "string", "infonce", "the critic's bound in step 4", "infonce|nwj|mine|smile"),
    IM_KEY("steps", "int", "3000", "the critic's training steps", ">=1"),
    IM_KEY("folds", "int", "5", "the rows in this many folds: the critic is read on one and trained on the others",
           "2..20"),
    IM_KEY("crossfit", "bool", "false", "read every fold in turn, each by a critic trained on the others, and "
           "average: `folds` times the cost, less noise", NULL),
    IM_FIELDS_END
};

typedef struct {
    double gaussian_score;
    int ksg_max_dim, k, steps, folds, crossfit;
    char critic[16];
    im_rng rng;
    char note[320];
} auto_est;

static im_status auto_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    (void)dx, (void)dy;
    auto_est *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &e->rng);
    const char *critic = NULL;
    im_status st = im_section_float(ctx, sec, "gaussian_score", &e->gaussian_score);
    if (!st) st = im_section_int(ctx, sec, "ksg_max_dim", &e->ksg_max_dim);
    if (!st) st = im_section_int(ctx, sec, "k", &e->k);
    if (!st) st = im_section_int(ctx, sec, "steps", &e->steps);
    if (!st) st = im_section_int(ctx, sec, "folds", &e->folds);
    if (!st) st = im_section_bool(ctx, sec, "crossfit", &e->crossfit);
    if (!st) st = im_section_string(ctx, sec, "bound", &critic);
    if (!st) snprintf(e->critic, sizeof e->critic, "%s", critic);
    if (st) {
        free(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static void auto_destroy(void *self) { free(self); }

static const char *auto_note(void *self) { return ((auto_est *)self)->note; }

/* The discrete columns of x and y, named into `names` ("x0, y2"); their
 * count. */
static int discrete_columns(const double *x, const double *y, int n, int dx, int dy, double *scratch, char *names,
                            size_t size)
{
    int count = 0;
    names[0] = '\0';
    for (int v = 0; v < 2; v++)
        for (int c = 0; c < (v ? dy : dx); c++)
            if (im_tied_share(v ? y : x, n, v ? dy : dx, c, scratch) > IM_TIED_SHARE_MAX) {
                size_t len = strlen(names);
                if (len + 8 < size) snprintf(names + len, size - len, "%s%c%d", count ? ", " : "", v ? 'y' : 'x', c);
                count++;
            }
    return count;
}

/* Step 4: the critic trained on all folds but one and read on that one
 * (im_estimator_holdout), or cross-fitted over all of them. Training rows
 * are what it lacks: on student-5v5-df3 (10,000 rows) one critic trained
 * on half of them reads 0.72 of the truth, on 7,000 of them 0.77, and
 * trained on 8,000 of 20,000 rows 0.83. Reading every fold in turn gives
 * the same mean (0.76 over 10 samples) at half the spread, for 5× the
 * cost. */
static im_status critic_estimate(auto_est *e, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    /* batches of 256, or of every training row of a fold when fewer */
    int n = x->rows, train = n - (n + e->folds - 1) / e->folds - n / 10, batch = train < 256 ? train : 256;
    char text[512];
    snprintf(text, sizeof text,
             "[estimator]\nplugin = %s\ncritic = separable\nhidden = 16,8\nactivation = relu\nembed = 8\n"
             "batch = %d\nsteps = %d\nlr = 1e-2\neval_every = 250\non_divergence = recover\n",
             e->critic, batch > 2 ? batch : 2, e->steps);
    im_config cfg = { 0 };
    im_status st = im_config_parse_string(ctx, text, "auto's critic", &cfg);
    if (!st && e->crossfit)
        st = im_estimator_crossfit(ctx, &cfg, "estimator", x, y, e->folds, 0.95, &e->rng, out, NULL, NULL);
    else if (!st)
        st = im_estimator_holdout(ctx, &cfg, "estimator", x, y, e->folds, &e->rng, out);
    if (st) im_fail_prefix(ctx, "auto's %s critic", e->critic);
    im_config_free(&cfg);
    return st;
}

/* Steps 2–4 on normal scores zx, zy (x, y: the rows as given, for the
 * critic, whose own input maps take the copula of its training rows). */
static im_status continuous_estimate(auto_est *e, im_ctx *ctx, const im_mat *x, const im_mat *y, double *zx,
                                     double *zy, double *out)
{
    int n = x->rows, dx = x->cols, dy = y->cols, d = dx + dy;
    if (d <= e->ksg_max_dim) {
        snprintf(e->note, sizeof e->note,
                 "ksg (k = %d) on normal scores: %d dimensions are few enough for KSG (ksg_max_dim %d), which reads "
                 "any copula", e->k, d, e->ksg_max_dim);
        return im_ksg(ctx, zx, zy, n, dx, dy, e->k, out);
    }
    double *joint = malloc(sizeof(double) * (size_t)n * d);
    if (!joint) return im_fail(ctx, IM_ENOMEM, "auto: out of memory");
    for (long i = 0; i < n; i++) {
        memcpy(joint + i * d, zx + i * dx, sizeof(double) * dx);
        memcpy(joint + i * d + dx, zy + i * dy, sizeof(double) * dy);
    }
    double score = 0, gauss = 0;
    im_status st = im_mardia_kurtosis(ctx, joint, n, d, &score);
    free(joint);
    if (!st) st = im_gaussian_mi(ctx, zx, zy, n, dx, dy, 1e-6, 1, &gauss);
    if (st) return st;
    if (fabs(score) <= e->gaussian_score) {
        *out = gauss;
        snprintf(e->note, sizeof e->note,
                 "gaussian-copula, bias corrected: %d dimensions, and the normal scores look jointly Gaussian "
                 "(Mardia's kurtosis score %.1f, |score| <= %g)", d, score, e->gaussian_score);
        return IM_OK;
    }
    double trained = 0;
    st = critic_estimate(e, ctx, x, y, &trained);
    if (st) return st;
    *out = trained > gauss ? trained : gauss;
    char how[64];
    if (e->crossfit) snprintf(how, sizeof how, "cross-fitted over %d folds", e->folds);
    else snprintf(how, sizeof how, "read on 1 of %d folds, trained on the rest", e->folds);
    snprintf(e->note, sizeof e->note,
             "%s critic (%s) or gaussian-copula, the larger: %s %.4f, gaussian-copula %.4f; %d dimensions, too many "
             "for KSG (ksg_max_dim %d), and the copula is not Gaussian (Mardia's kurtosis score %.1f)",
             e->critic, how, e->critic, trained, gauss, d, e->ksg_max_dim, score);
    return IM_OK;
}

static im_status auto_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    auto_est *e = self;
    int n = x->rows, dx = x->cols, dy = y->cols;
    e->note[0] = '\0';
    double *xd = im_mat_to_double(x), *yd = im_mat_to_double(y), *scratch = malloc(sizeof(double) * (size_t)n);
    im_status st = xd && yd && scratch ? IM_OK : im_fail(ctx, IM_ENOMEM, "auto: out of memory");
    char names[128];
    int discrete = st ? 0 : discrete_columns(xd, yd, n, dx, dy, scratch, names, sizeof names);
    if (discrete > 0) {
        st = im_mixed_mi(ctx, xd, yd, n, dx, dy, 5, out);
        snprintf(e->note, sizeof e->note,
                 "mixed (Gao et al., k = 5): column%s %s %s discrete (a value shared by more than %.0f%% of rows)",
                 discrete > 1 ? "s" : "", names, discrete > 1 ? "are" : "is", 100 * IM_TIED_SHARE_MAX);
    } else if (!st) {
        if (n <= dx + dy + 1)
            st = im_fail(ctx, IM_EINVAL, "auto: %d rows for %d + %d dimensions: need more rows than dimensions", n, dx,
                         dy);
        if (!st) st = im_normal_scores(ctx, xd, n, dx);
        if (!st) st = im_normal_scores(ctx, yd, n, dy);
        if (!st) st = continuous_estimate(e, ctx, x, y, xd, yd, out);
    }
    free(xd);
    free(yd);
    free(scratch);
    return st;
}

static const im_estimator_vt auto_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = auto_create,
    .destroy = auto_destroy,
    .estimate = auto_estimate,
    .note = auto_note,
};
static const im_plugin auto_plugin = IM_PLUGIN(IM_ESTIMATOR, "auto",
                                       "chooses by the data: mixed for discrete columns, KSG in low dimension; above, "
                                       "the Gaussian copula when it holds, else a critic",
                                       NULL, &auto_vt, .fields = auto_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &auto_plugin, NULL };
