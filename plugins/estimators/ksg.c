/* ksg.c — estimator `ksg`: Kraskov–Stögbauer–Grassberger estimator 1 with
 * the max-norm and k neighbours (core/ksg.c: k-d tree, or a brute-force scan
 * in high dimension). Non-parametric and not differentiable: no objective.
 * input = copula runs it on the normal scores of every column (ranks mapped
 * through Φ⁻¹, core/stats/copula.c): the MI is unchanged, and heavy tails
 * no longer leave most points with far-away neighbours. Given a Z, the
 * conditional MI I(X;Y|Z) by Frenzel & Pompe's form of the same counts. */
#include <string.h>
#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"
#include "infomin/stats.h"

/* The keys as fields: `jitter`, added in 0.6, stays out of the cell hash
 * at 0 (what ran before it existed). */
static const im_field ksg_fields[] = {
    IM_KEY("k", "int", "3", "neighbours", "1..64"),
    IM_KEY("max_samples", "int", "0", "estimate on a random subset of this many rows (0: all)", ">=0"),
    IM_KEY("input", "string", "raw", "per-column map first: none (raw), or normal scores of the ranks (copula)",
           "raw|copula"),
    IM_KEY("jitter", "float", "0", "Gaussian noise of this many standard deviations of each column, drawn from the "
           "seed, added first: integers (ages, counts) pass the tie check (scikit-learn adds 1e-10 of the mean "
           "absolute value); 0: none", ">=0", .neutral = "0"),
    IM_FIELDS_END
};

typedef struct {
    int k, max_samples, copula;
    double jitter;
    im_rng rng;
} ksg;

static im_status ksg_create(im_ctx *ctx, const im_section *sec, int dx, int dy, im_rng *rng, void **self)
{
    ksg *e = calloc(1, sizeof *e);
    if (!e) return im_fail(ctx, IM_ENOMEM, "out of memory");
    im_rng_split(rng, &e->rng);
    im_status st = im_section_int(ctx, sec, "k", &e->k);
    if (!st) st = im_section_int(ctx, sec, "max_samples", &e->max_samples);
    const char *input;
    if (!st) st = im_section_string(ctx, sec, "input", &input);
    if (!st) e->copula = strcmp(input, "copula") == 0;
    if (!st) st = im_section_float(ctx, sec, "jitter", &e->jitter);
    if (st) {
        free(e);
        return st;
    }
    *self = e;
    return IM_OK;
}

static void ksg_destroy(void *self) { free(self); }

/* jitter standard deviations of each column of v (n x cols) as Gaussian
 * noise (a constant column: jitter itself) */
static void add_jitter(double *v, int n, int cols, double jitter, im_rng *rng)
{
    for (int c = 0; c < cols; c++) {
        double mean = 0, var = 0;
        for (int i = 0; i < n; i++) mean += v[(long)i * cols + c];
        mean /= n;
        for (int i = 0; i < n; i++) var += (v[(long)i * cols + c] - mean) * (v[(long)i * cols + c] - mean);
        double sd = var > 0 ? sqrt(var / n) : 1;
        for (int i = 0; i < n; i++) v[(long)i * cols + c] += jitter * sd * im_rng_normal(rng);
    }
}

/* Refuses a column whose values more than IM_TIED_SHARE_MAX of the rows
 * share (im_tied_share): KSG counts neighbours strictly inside a distance,
 * and values shared by many rows (integers, or floats rounded to the same
 * float) leave those counts near 0: 7.8 nats for a true 0.12. `name` is the
 * variable's letter in the message. */
static im_status check_continuous(im_ctx *ctx, const double *v, int cols, int n, const char *name)
{
    double *scratch = malloc(sizeof(double) * (size_t)n);
    if (!scratch) return im_fail(ctx, IM_ENOMEM, "ksg: out of memory");
    im_status st = IM_OK;
    for (int c = 0; c < cols && !st; c++) {
        double share = im_tied_share(v, n, cols, c, scratch);
        if (share > IM_TIED_SHARE_MAX)
            st = im_fail(ctx, IM_EINVAL,
                         "ksg: %.0f%% of the %d rows of %s column %d share their value with another row: KSG "
                         "needs continuous data (integers: jitter = 1e-3 adds noise of that many sd, as "
                         "scikit-learn adds some; discrete columns: estimator mixed; large values that float32 "
                         "rounds together: subtract their mean first)",
                         100 * share, n, name, c);
    }
    free(scratch);
    return st;
}

/* The variables as doubles, on the rows the estimate reads (all, or
 * max_samples drawn by the seed: the same rows of each), jittered and
 * mapped as the keys say, checked continuous. */
static im_status prepare_rows(ksg *e, im_ctx *ctx, const im_mat *const *vars, double **out, int count, int *n_out)
{
    int rows_in = vars[0]->rows;
    int n = e->max_samples > 0 && e->max_samples < rows_in ? e->max_samples : rows_in;
    int *rows = malloc(sizeof(int) * (size_t)rows_in);
    im_status st = rows ? IM_OK : im_fail(ctx, IM_ENOMEM, "ksg: out of memory");
    if (!st && n < rows_in)
        im_rng_permutation(&e->rng, rows, rows_in);
    else if (!st)
        for (int i = 0; i < n; i++) rows[i] = i;
    static const char *const names[] = { "X", "Y", "Z" };
    for (int v = 0; v < count && !st; v++) {
        const im_mat *m = vars[v];
        out[v] = malloc(sizeof(double) * (size_t)n * (size_t)(m->cols > 0 ? m->cols : 1));
        if (!out[v]) {
            st = im_fail(ctx, IM_ENOMEM, "ksg: out of memory");
            break;
        }
        for (int i = 0; i < n; i++)
            for (int c = 0; c < m->cols; c++) out[v][(long)i * m->cols + c] = im_mat_row(m, rows[i])[c];
        if (e->jitter > 0) add_jitter(out[v], n, m->cols, e->jitter, &e->rng);
        st = check_continuous(ctx, out[v], m->cols, n, names[v]);
        if (!st && e->copula) st = im_normal_scores(ctx, out[v], n, m->cols);
    }
    free(rows);
    *n_out = n;
    return st;
}

static im_status ksg_estimate(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, double *out)
{
    ksg *e = self;
    const im_mat *vars[2] = { x, y };
    double *v[2] = { NULL, NULL };
    int n;
    im_status st = prepare_rows(e, ctx, vars, v, 2, &n);
    if (!st) st = im_ksg(ctx, v[0], v[1], n, x->cols, y->cols, e->k, out);
    free(v[0]);
    free(v[1]);
    return st;
}

/* Frenzel & Pompe's conditional form (core/stats/knn_info.c) on the same
 * rows and maps. */
static im_status ksg_estimate_given(void *self, im_ctx *ctx, const im_mat *x, const im_mat *y, const im_mat *z,
                                    double *out)
{
    ksg *e = self;
    const im_mat *vars[3] = { x, y, z };
    double *v[3] = { NULL, NULL, NULL };
    int n;
    im_status st = prepare_rows(e, ctx, vars, v, 3, &n);
    if (!st) st = im_knn_cmi(ctx, v[0], v[1], v[2], n, x->cols, y->cols, z->cols, e->k, out);
    for (int i = 0; i < 3; i++) free(v[i]);
    return st;
}

static const im_estimator_vt ksg_vt = {
    IM_VT_SIZE(im_estimator_vt),
    .bound = IM_BOUND_ESTIMATE,
    .unit = IM_UNIT_NATS,
    .create = ksg_create,
    .destroy = ksg_destroy,
    .estimate = ksg_estimate,
    .estimate_given = ksg_estimate_given,
};
static const im_plugin ksg_plugin = IM_PLUGIN(IM_ESTIMATOR, "ksg",
                                      "Kraskov-Stoegbauer-Grassberger kNN estimator 1 (max-norm)", NULL, &ksg_vt,
                                      .fields = ksg_fields);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &ksg_plugin, NULL };
