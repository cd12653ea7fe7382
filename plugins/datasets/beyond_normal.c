/* beyond_normal.c — dataset `beyond-normal`: the 40 tasks of "Beyond
 * Normal: On the Evaluation of Mutual Information Estimators" (Czyż et al.,
 * NeurIPS 2023) by name, each with its exact MI.
 *
 * Families (core/data: mvn.c, synthetic.c, transform.c):
 *   binormal     1 x 1, correlation 0.75, through an increasing map of each
 *                margin (normal-cdf, bimodal, wiggly, halfcube) or none
 *   swiss roll   2 x 1: X the Swiss roll of Φ(x), Y = Φ(y), same binormal
 *   additive     X ~ U(0,1), Y = X + U(−ε, ε)
 *   dense        every correlation 0.5 (within X, within Y and across)
 *   2-pair       corr(X1, Y1) = corr(X2, Y2) = 0.8, the rest independent,
 *                optionally through normal-cdf, halfcube, spiral or spiral
 *                after normal-cdf
 *   student      multivariate t, identity dispersion, ν degrees of freedom,
 *                optionally through asinh
 * The protocol of the paper: one sample of n rows, every column standardised
 * on the whole sample, then split: the first train_fraction of the rows for
 * training (trained estimators), the rest for their estimate; estimators
 * that train nothing use all n (the mi-benchmark task decides). A share
 * val_fraction of the training rows is held out for model selection (the
 * trainer keeps the critic with the best validation estimate: large critics
 * on 5,000 rows overfit and their test estimate falls below zero). */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include "infomin/infomin.h"

typedef enum { BINORMAL, SWISS_ROLL, ADDITIVE, DENSE, TWO_PAIR, STUDENT } family;

typedef struct {
    const char *name;
    family fam;
    int dx, dy;
    double param;             /* correlation, ε or ν */
    const char *first, *then; /* transforms, in order ("none") */
} bn_task;

#define BN_2PAIR(tr, then, d) { "2pair-" tr "-" #d "v" #d, TWO_PAIR, d, d, 0.8, tr, then }
static const bn_task tasks[] = {
    { "1v1-normal", BINORMAL, 1, 1, 0.75, "none", "none" },
    { "1v1-normal-cdf", BINORMAL, 1, 1, 0.75, "normal-cdf", "none" },
    { "1v1-bimodal", BINORMAL, 1, 1, 0.75, "bimodal", "none" },
    { "1v1-wiggly", BINORMAL, 1, 1, 0.75, "wiggly", "none" },
    { "1v1-halfcube", BINORMAL, 1, 1, 0.75, "halfcube", "none" },
    { "1v1-additive-0.1", ADDITIVE, 1, 1, 0.1, "none", "none" },
    { "1v1-additive-0.75", ADDITIVE, 1, 1, 0.75, "none", "none" },
    { "1v1-student-df1", STUDENT, 1, 1, 1, "none", "none" },
    { "1v1-asinh-student-df1", STUDENT, 1, 1, 1, "asinh", "none" },
    { "2v1-swissroll", SWISS_ROLL, 2, 1, 0.75, "none", "none" },
    { "dense-2v2", DENSE, 2, 2, 0.5, "none", "none" },
    { "dense-3v3", DENSE, 3, 3, 0.5, "none", "none" },
    { "dense-5v5", DENSE, 5, 5, 0.5, "none", "none" },
    { "dense-25v25", DENSE, 25, 25, 0.5, "none", "none" },
    { "dense-50v50", DENSE, 50, 50, 0.5, "none", "none" },
    { "2pair-2v2", TWO_PAIR, 2, 2, 0.8, "none", "none" },
    { "2pair-3v3", TWO_PAIR, 3, 3, 0.8, "none", "none" },
    { "2pair-5v5", TWO_PAIR, 5, 5, 0.8, "none", "none" },
    { "2pair-25v25", TWO_PAIR, 25, 25, 0.8, "none", "none" },
    { "student-2v2-df1", STUDENT, 2, 2, 1, "none", "none" },
    { "student-2v2-df2", STUDENT, 2, 2, 2, "none", "none" },
    { "student-3v3-df2", STUDENT, 3, 3, 2, "none", "none" },
    { "student-3v3-df3", STUDENT, 3, 3, 3, "none", "none" },
    { "student-5v5-df2", STUDENT, 5, 5, 2, "none", "none" },
    { "student-5v5-df3", STUDENT, 5, 5, 3, "none", "none" },
    BN_2PAIR("normal-cdf", "none", 3), BN_2PAIR("normal-cdf", "none", 5), BN_2PAIR("normal-cdf", "none", 25),
    BN_2PAIR("halfcube", "none", 3), BN_2PAIR("halfcube", "none", 5), BN_2PAIR("halfcube", "none", 25),
    { "2pair-spiral-3v3", TWO_PAIR, 3, 3, 0.8, "none", "spiral" },
    { "2pair-spiral-5v5", TWO_PAIR, 5, 5, 0.8, "none", "spiral" },
    { "2pair-spiral-25v25", TWO_PAIR, 25, 25, 0.8, "none", "spiral" },
    { "2pair-spiral-normal-cdf-3v3", TWO_PAIR, 3, 3, 0.8, "normal-cdf", "spiral" },
    { "2pair-spiral-normal-cdf-5v5", TWO_PAIR, 5, 5, 0.8, "normal-cdf", "spiral" },
    { "2pair-spiral-normal-cdf-25v25", TWO_PAIR, 25, 25, 0.8, "normal-cdf", "spiral" },
    { "asinh-student-2v2-df1", STUDENT, 2, 2, 1, "asinh", "none" },
    { "asinh-student-3v3-df2", STUDENT, 3, 3, 2, "asinh", "none" },
    { "asinh-student-5v5-df2", STUDENT, 5, 5, 2, "asinh", "none" },
};
#define N_TASKS ((int)(sizeof tasks / sizeof tasks[0]))
_Static_assert(sizeof tasks / sizeof tasks[0] == 40, "the benchmark has 40 tasks");

static const im_param_spec bn_params[] = {
    { "task", "string", "1v1-normal", "one of the 40 tasks by name (a wrong name is answered with the list)", NULL },
    { "n", "int", "10000", "rows in the sample (the paper's heatmap: 10,000)", ">=8" },
    { "train_fraction", "float", "0.5", "share of the rows a trained estimator trains on; it estimates on the rest",
      "0.05..0.95" },
    { "val_fraction", "float", "0.2", "share of the training rows held out to choose the critic's weights", "0..0.5" },
    { "standardize", "bool", "true", "standardise every column on the whole sample (the paper's protocol)", NULL },
    IM_PARAMS_END
};

static const bn_task *find_task(const char *name)
{
    for (int i = 0; i < N_TASKS; i++)
        if (strcmp(tasks[i].name, name) == 0) return &tasks[i];
    return NULL;
}

static im_status bn_validate(im_ctx *ctx, const im_section *sec)
{
    const char *name;
    im_status st = im_section_string(ctx, sec, "task", &name);
    if (st || find_task(name)) return st;
    char list[2048] = "";
    for (int i = 0; i < N_TASKS; i++) {
        strncat(list, tasks[i].name, sizeof list - strlen(list) - 1);
        if (i + 1 < N_TASKS) strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    return im_section_fail(ctx, sec, "task", "unknown task '%s'; the 40 tasks: %s", name, list);
}

/* The Gaussian part's X width: the Swiss roll embeds one coordinate in two. */
static int gauss_dx(const bn_task *t) { return t->fam == SWISS_ROLL ? 1 : t->dx; }

/* The joint covariance of (X, Y) of a Gaussian or Student family. */
static void joint_covariance(const bn_task *t, double *cov)
{
    int gx = gauss_dx(t), n = gx + t->dy;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) cov[i * n + j] = i == j ? 1 : t->fam == DENSE ? t->param : 0;
    if (t->fam == BINORMAL || t->fam == SWISS_ROLL) cov[1] = cov[n] = t->param;
    if (t->fam == TWO_PAIR)
        for (int k = 0; k < 2; k++) cov[k * n + gx + k] = cov[(gx + k) * n + k] = t->param;
}

static void draw_additive(const bn_task *t, im_rng *rng, im_mat *x, im_mat *y)
{
    for (int r = 0; r < x->rows; r++) {
        double a, b;
        im_additive_noise_sample(rng, t->param, &a, &b);
        im_mat_row(x, r)[0] = (im_real)a;
        im_mat_row(y, r)[0] = (im_real)b;
    }
}

/* The rows of a Gaussian or Student family (the Swiss roll's X embedded). */
static im_status draw_gaussian(im_ctx *ctx, const bn_task *t, im_rng *rng, im_mat *x, im_mat *y, double *mi)
{
    int gx = gauss_dx(t), d = gx + t->dy;
    double *cov = malloc(sizeof(double) * ((size_t)d * d + 2 * (size_t)d + 2));
    if (!cov) return im_fail(ctx, IM_ENOMEM, "beyond-normal: out of memory");
    double *z = cov + (size_t)d * d, *xs = z + d, *ys = xs + gx, roll[2];
    im_mvn g;
    joint_covariance(t, cov);
    im_status st = im_mvn_init(ctx, &g, gx, t->dy, cov, t->fam == STUDENT ? t->param : 0);
    for (int r = 0; !st && r < x->rows; r++) {
        im_mvn_sample(&g, rng, z, xs, ys);
        const double *xo = xs;
        if (t->fam == SWISS_ROLL) {   /* of the normal-CDF binormal: uniform margins first */
            double u = 0.5 * erfc(-xs[0] / M_SQRT2);
            im_swiss_roll(&u, 1, roll);
            xo = roll;
            ys[0] = 0.5 * erfc(-ys[0] / M_SQRT2);
        }
        for (int c = 0; c < t->dx; c++) im_mat_row(x, r)[c] = (im_real)xo[c];
        for (int c = 0; c < t->dy; c++) im_mat_row(y, r)[c] = (im_real)ys[c];
    }
    if (!st) *mi = g.mi;
    im_mvn_free(&g);
    free(cov);
    return st;
}

/* (v − mean) / sd over all rows of every column (a constant column: 0). */
static void standardize(im_mat *m)
{
    for (int c = 0; c < m->cols; c++) {
        double mean = 0, ss = 0;
        for (int r = 0; r < m->rows; r++) mean += im_mat_row(m, r)[c];
        mean /= m->rows;
        for (int r = 0; r < m->rows; r++) {
            double dv = im_mat_row(m, r)[c] - mean;
            ss += dv * dv;
        }
        double sd = sqrt(ss / (m->rows - 1));
        for (int r = 0; r < m->rows; r++)
            im_mat_row(m, r)[c] = (im_real)(sd > 0 ? (im_mat_row(m, r)[c] - mean) / sd : 0);
    }
}

static void copy_rows(im_mat *dst, const im_mat *src, int from)
{
    memcpy(dst->data, im_mat_row(src, from), sizeof(im_real) * (size_t)dst->rows * dst->cols);
}

static im_status bn_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    const char *name;
    int n, stdz;
    double frac, val_frac, mi = 0;
    im_status st = im_section_string(ctx, sec, "task", &name);
    if (!st) st = im_section_int(ctx, sec, "n", &n);
    if (!st) st = im_section_float(ctx, sec, "train_fraction", &frac);
    if (!st) st = im_section_float(ctx, sec, "val_fraction", &val_frac);
    if (!st) st = im_section_bool(ctx, sec, "standardize", &stdz);
    if (st) return st;
    const bn_task *t = find_task(name);
    if (!t) return bn_validate(ctx, sec);
    im_mat x = { 0 }, y = { 0 };
    st = im_mat_alloc(ctx, &x, n, t->dx);
    if (!st) st = im_mat_alloc(ctx, &y, n, t->dy);
    if (!st && t->fam == ADDITIVE) {
        draw_additive(t, rng, &x, &y);
        mi = im_additive_noise_mi(t->param);
    } else if (!st) {
        st = draw_gaussian(ctx, t, rng, &x, &y, &mi);
    }
    if (!st) st = im_transform_role(ctx, t->first, IM_ROLE_X, &x);
    if (!st) st = im_transform_role(ctx, t->first, IM_ROLE_Y, &y);
    if (!st) st = im_transform_role(ctx, t->then, IM_ROLE_X, &x);
    if (!st) st = im_transform_role(ctx, t->then, IM_ROLE_Y, &y);
    if (!st && stdz) {
        standardize(&x);
        standardize(&y);
    }
    int n_fit = (int)lround(frac * n), n_val = (int)lround(val_frac * n_fit);
    int counts[3] = { n_fit - n_val, n_val, n - n_fit };
    if (!st) st = im_dataset_alloc(ctx, ds, counts, t->dx, t->dy, 0);
    if (!st) {
        copy_rows(&ds->train.x, &x, 0);
        copy_rows(&ds->train.y, &y, 0);
        copy_rows(&ds->val.x, &x, n_fit - n_val);
        copy_rows(&ds->val.y, &y, n_fit - n_val);
        copy_rows(&ds->test.x, &x, n_fit);
        copy_rows(&ds->test.y, &y, n_fit);
        snprintf(ds->name, sizeof ds->name, "%s", t->name);
        ds->y_kind = IM_VAR_CONTINUOUS;
        ds->has_true_mi = 1;
        ds->true_mi = mi;
    }
    im_mat_free(&x);
    im_mat_free(&y);
    return st;
}

static const im_dataset_vt bn_vt = { IM_VT_SIZE(im_dataset_vt), .create = bn_create };
static const im_plugin beyond_normal = IM_PLUGIN(IM_DATASET, "beyond-normal",
                                         "the 40 tasks of the Beyond-Normal MI benchmark (Czyz et al. 2023), exact MI",
                                         bn_params, &bn_vt, .validate = bn_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &beyond_normal, NULL };
