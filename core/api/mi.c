/* mi.c — the handle API of mi.h: one estimator over the caller's arrays.
 *
 * A handle is what `infomin-run` would build for task mi-estimate on the csv
 * dataset, minus the file: a configuration ([estimator] naming the plugin,
 * the options in [estimator.NAME] so that they are checked strictly against
 * that plugin's keys), a generator seeded like the INI's [task] seed (the
 * same for seeds up to 2^31 - 1, an INI's range), and the estimator
 * instance, made at the first data (it needs the widths). The rows are
 * split the way the csv dataset splits them, so the two paths give one
 * number. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/cfg.h"
#include "infomin/estimator.h"
#include "infomin/mi.h"
#include "infomin/numtext.h"
#include "infomin/registry.h"
#include "infomin/workers.h"
#include "arrays.h"

struct im_mi_handle {
    im_ctx ctx;   /* the message lives in ctx.err */
    im_config cfg;
    const im_plugin *plugin;
    uint64_t seed;
    double split[3];
    im_rng rng;
    im_estimator *est;   /* NULL until the first data */
    int dx, dy, fitted;
    volatile int stop;
};

/* ---- opening ---- */

/* "key=value" into [estimator.NAME]; the origin names the option. */
static im_status put_option(im_mi_handle *m, const char *section, const char *option)
{
    const char *eq = option ? strchr(option, '=') : NULL;
    if (!eq || eq == option)
        return im_fail(&m->ctx, IM_EINVAL, "option '%s': expected key=value", option ? option : "(null)");
    char key[128], origin[256];
    size_t len = (size_t)(eq - option);
    while (len && (option[len - 1] == ' ' || option[len - 1] == '\t')) len--;
    if (len >= sizeof key) return im_fail(&m->ctx, IM_EINVAL, "option '%.60s...': the key is too long", option);
    memcpy(key, option, len);
    key[len] = '\0';
    const char *value = eq + 1;
    while (*value == ' ' || *value == '\t') value++;
    snprintf(origin, sizeof origin, "option '%.200s'", option);
    return im_config_put(&m->ctx, &m->cfg, section, key, value, origin, 0);
}

static im_status open_handle(im_mi_handle *m, const char *estimator, const char *const *options, int n_options)
{
    im_registry *registry = im_api_registry();
    if (!registry) return im_fail(&m->ctx, IM_ENOMEM, "plugin registry: out of memory");
    m->ctx.registry = registry;
    if (!estimator || !*estimator) return im_fail(&m->ctx, IM_EINVAL, "no estimator named (e.g. \"ksg\")");
    if (n_options < 0 || (n_options > 0 && !options))
        return im_fail(&m->ctx, IM_EINVAL, "%d options at %p", n_options, (const void *)options);
    m->plugin = im_registry_find(registry, IM_ESTIMATOR, estimator);
    if (!m->plugin) return im_registry_not_found(&m->ctx, registry, IM_ESTIMATOR, estimator);
    char section[160];
    snprintf(section, sizeof section, "estimator.%s", m->plugin->name);
    im_status st = im_config_parse_string(&m->ctx, "", "options", &m->cfg);
    if (!st) st = im_config_put(&m->ctx, &m->cfg, "estimator", "plugin", m->plugin->name, "estimator", 0);
    for (int i = 0; !st && i < n_options; i++) st = put_option(m, section, options[i]);
    /* only the estimator's sections: a handle has no task to check */
    return st ? st : im_config_validate_section(&m->ctx, &m->cfg, registry, "estimator");
}

static im_status mi_open_in_c(im_mi_handle **out, const char *estimator, const char *const *options, int n_options,
                              uint64_t seed)
{
    im_mi_handle *m = calloc(1, sizeof *m);
    *out = m;
    if (!m) return IM_ENOMEM;
    im_ctx_init(&m->ctx);
    m->ctx.interrupt = &m->stop;
    m->seed = seed;
    m->split[0] = 0.7, m->split[1] = 0.1, m->split[2] = 0.2;
    im_status st = open_handle(m, estimator, options, n_options);
    if (st) m->plugin = NULL;   /* a failed handle runs nothing */
    return st;
}

void im_mi_close(im_mi_handle *m)
{
    if (!m) return;
    im_estimator_free(m->est);
    im_config_free(&m->cfg);
    im_workers_free(m->ctx.workers);
    free(m);
}

const char *im_mi_message(const im_mi_handle *m) { return m ? m->ctx.err : "out of memory"; }

/* Every call starts with no message. A stop request stays until a call
 * returns (IN_C_LOCALE clears it): one made just before the call started
 * (a Ctrl-C between Python's bookkeeping and the C call) stops that call. */
static im_status begin(im_mi_handle *m)
{
    m->ctx.err[0] = '\0';
    m->ctx.status = IM_OK;
    if (!m->plugin)
        return im_fail(&m->ctx, IM_EINVAL, "this handle failed to open; nothing to run (im_mi_close it)");
    return IM_OK;
}

const char *im_mi_bound(const im_mi_handle *m)
{
    return m && m->plugin ? im_bound_name(((const im_estimator_vt *)m->plugin->vtable)->bound) : "";
}

const char *im_mi_unit(const im_mi_handle *m)
{
    return m && m->plugin ? im_unit_name(((const im_estimator_vt *)m->plugin->vtable)->unit) : "";
}

const char *im_mi_note(const im_mi_handle *m) { return m && m->est ? im_estimator_note(m->est) : ""; }

int im_mi_has_given(const im_mi_handle *m)
{
    if (!m || !m->plugin) return 0;
    const im_estimator_vt *vt = m->plugin->vtable;
    return vt->estimate_given != NULL;   /* the registry pads older vtables with NULL */
}

int im_mi_trains(const im_mi_handle *m)
{
    if (!m || !m->plugin) return 0;
    im_estimator probe = { .plugin = m->plugin, .vt = m->plugin->vtable };
    return im_estimator_trains(&probe);   /* one rule with the tasks' */
}

static im_status mi_set_split_in_c(im_mi_handle *m, double train, double val, double test)
{
    im_status st = begin(m);
    if (st) return st;
    if (!(train > 0 && val >= 0 && test > 0) || fabs(train + val + test - 1) > 1e-6)
        return im_fail(&m->ctx, IM_EINVAL,
                       "split %g, %g, %g: three fractions (training, validation, held out) summing to 1, "
                       "training and held out above 0",
                       train, val, test);
    m->split[0] = train, m->split[1] = val, m->split[2] = test;
    return IM_OK;
}

static im_status mi_set_threads_in_c(im_mi_handle *m, int threads)
{
    im_status st = begin(m);
    if (st) return st;
    if (threads < 0) return im_fail(&m->ctx, IM_EINVAL, "threads = %d: 0 (none of the handle's own) or more", threads);
    im_workers_free(m->ctx.workers);
    m->ctx.workers = NULL;
    return threads > 0 ? im_workers_new(&m->ctx, threads, &m->ctx.workers) : IM_OK;
}

void im_mi_interrupt(im_mi_handle *m)
{
    if (m) m->stop = 1;
}

/* ---- arrays ---- */

/* The two arrays' shapes agree and fit an im_mat, and their values are
 * finite. */
static im_status check_shapes(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy)
{
    if (!x || !y) return im_fail(&m->ctx, IM_EINVAL, "%s is NULL", !x ? "x" : "y");
    if (nx <= 0 || ny <= 0 || dx <= 0 || dy <= 0)
        return im_fail(&m->ctx, IM_EINVAL, "%s is empty (%ld rows of %d columns)", nx <= 0 || dx <= 0 ? "x" : "y",
                       nx <= 0 || dx <= 0 ? nx : ny, nx <= 0 || dx <= 0 ? dx : dy);
    if (nx != ny)
        return im_fail(&m->ctx, IM_EINVAL,
                       "x has %ld rows and y has %ld: row i of x and row i of y are one sample, so the counts "
                       "must match",
                       nx, ny);
    if (nx > INT_MAX || (double)nx * (dx > dy ? dx : dy) > (double)LONG_MAX / 8)
        return im_fail(&m->ctx, IM_EINVAL, "%ld rows: more than this library's %d", nx, INT_MAX);
    im_status st = im_array_check(&m->ctx, "x", x, nx, dx);
    return st ? st : im_array_check(&m->ctx, "y", y, ny, dy);
}

/* Rows idx[0..n) (all rows when idx is NULL) of a row-major double array,
 * checked already (check_shapes), into an im_mat. */
static im_status to_mat(im_mi_handle *m, const double *a, int d, const int *idx, int n, im_mat *out)
{
    im_status st = im_mat_alloc(&m->ctx, out, n, d);
    for (int r = 0; !st && r < n; r++) {
        const double *src = a + (long)(idx ? idx[r] : r) * d;
        im_real *dst = im_mat_row(out, r);
        for (int c = 0; c < d; c++) dst[c] = (im_real)src[c];
    }
    return st;
}

/* The seeded split of n rows, exactly as the csv dataset makes it. */
static im_status split_rows(im_mi_handle *m, long n, int *order, long counts[3])
{
    counts[0] = (long)(n * m->split[0]);
    counts[1] = (long)(n * m->split[1]);
    counts[2] = n - counts[0] - counts[1];
    if (counts[0] < 2 || counts[2] < 2)
        return im_fail(&m->ctx, IM_EINVAL,
                       "%ld rows split %g, %g, %g leave %ld training and %ld held-out rows (each needs 2)", n,
                       m->split[0], m->split[1], m->split[2], counts[0], counts[2]);
    im_rng_permutation(&m->rng, order, (int)n);
    return IM_OK;
}

static im_status mi_split_in_c(im_mi_handle *m, long n, int *order, long counts[3])
{
    im_status st = begin(m);
    if (st) return st;
    if (n < 1 || n > INT_MAX) return im_fail(&m->ctx, IM_EINVAL, "%ld rows", n);
    im_rng_seed(&m->rng, m->seed);
    return split_rows(m, n, order, counts);
}

/* A new estimator instance for these widths, on the generator as it stands. */
static im_status new_estimator(im_mi_handle *m, int dx, int dy)
{
    im_estimator_free(m->est);
    m->est = NULL;
    m->fitted = 0;
    im_status st = im_estimator_new(&m->ctx, &m->cfg, "estimator", dx, dy, &m->rng, &m->est);
    if (!st) m->dx = dx, m->dy = dy;
    return st;
}

/* The rows a call reads, fitted on the rest when the estimator trains. */
typedef struct {
    im_mat x, y;   /* the rows read */
} held_out;

static void held_out_free(held_out *h)
{
    im_mat_free(&h->x);
    im_mat_free(&h->y);
}

/* Seed, then: an estimator that trains nothing gets every row to read; one
 * that trains is fitted on the split's training rows (validation rows for
 * its model selection) and gets the held-out rows. */
static im_status fit_and_hold_out(im_mi_handle *m, const double *x, long n, int dx, const double *y, int dy,
                                  held_out *h)
{
    memset(h, 0, sizeof *h);
    im_rng_seed(&m->rng, m->seed);
    int *order = malloc(sizeof(int) * (size_t)n);
    if (!order) return im_fail(&m->ctx, IM_ENOMEM, "out of memory");
    if (!im_mi_trains(m)) {
        /* every row, shuffled as the csv dataset shuffles them with split =
         * 0,0,1: the estimate does not depend on the order, but the
         * generator then stands where an INI file's run has it */
        im_rng_permutation(&m->rng, order, (int)n);
        im_status st = to_mat(m, x, dx, order, (int)n, &h->x);
        if (!st) st = to_mat(m, y, dy, order, (int)n, &h->y);
        if (!st) st = new_estimator(m, dx, dy);
        if (st) held_out_free(h);
        free(order);
        return st;
    }
    long counts[3];
    im_mat xt = { 0 }, yt = { 0 }, xv = { 0 }, yv = { 0 };
    im_status st = split_rows(m, n, order, counts);
    const int *parts[3] = { order, order + counts[0], order + counts[0] + counts[1] };
    if (!st) st = to_mat(m, x, dx, parts[0], (int)counts[0], &xt);
    if (!st) st = to_mat(m, y, dy, parts[0], (int)counts[0], &yt);
    if (!st) st = to_mat(m, x, dx, parts[1], (int)counts[1], &xv);
    if (!st) st = to_mat(m, y, dy, parts[1], (int)counts[1], &yv);
    if (!st) st = to_mat(m, x, dx, parts[2], (int)counts[2], &h->x);
    if (!st) st = to_mat(m, y, dy, parts[2], (int)counts[2], &h->y);
    if (!st) st = new_estimator(m, dx, dy);
    if (!st) st = im_estimator_fit(&m->ctx, m->est, &xt, &yt, &xv, &yv, NULL);
    if (!st) m->fitted = 1;
    im_mat_free(&xt), im_mat_free(&yt), im_mat_free(&xv), im_mat_free(&yv);
    free(order);
    if (st) held_out_free(h);
    return st;
}

static im_status mi_run_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                             double *out)
{
    im_status st = begin(m);
    if (!st) st = check_shapes(m, x, nx, dx, y, ny, dy);
    held_out h;
    if (!st) st = fit_and_hold_out(m, x, nx, dx, y, dy, &h);
    if (st) return st;
    st = im_estimator_estimate(&m->ctx, m->est, &h.x, &h.y, out);
    held_out_free(&h);
    return st;
}

/* I(X;Y|Z) by the estimator's own conditional form on every row, in the
 * order the seed shuffles them (as mi_run reads an estimator that trains
 * nothing). */
static im_status mi_run_given_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                   const double *z, long nz, int dz, double *out)
{
    im_status st = begin(m);
    if (st) return st;
    if (!im_mi_has_given(m))
        return im_fail(&m->ctx, IM_EINVAL,
                       "estimator %s has no conditional form of its own (ksg has: Frenzel-Pompe); the chain rule "
                       "I(X;[Y,Z]) - I(X;Z) with two handles serves any other (the Python package's cmi does it)",
                       m->plugin->name);
    st = check_shapes(m, x, nx, dx, y, ny, dy);
    if (!st && !z) st = im_fail(&m->ctx, IM_EINVAL, "z is NULL");
    if (!st && (nz <= 0 || dz <= 0)) st = im_fail(&m->ctx, IM_EINVAL, "z is empty (%ld rows of %d columns)", nz, dz);
    if (!st && nz != nx)
        st = im_fail(&m->ctx, IM_EINVAL, "x has %ld rows and z has %ld: row i of each is one sample", nx, nz);
    if (!st) st = im_array_check(&m->ctx, "z", z, nz, dz);
    if (st) return st;
    im_rng_seed(&m->rng, m->seed);
    int *order = malloc(sizeof(int) * (size_t)nx);
    if (!order) return im_fail(&m->ctx, IM_ENOMEM, "out of memory");
    im_rng_permutation(&m->rng, order, (int)nx);
    im_mat xm = { 0 }, ym = { 0 }, zm = { 0 };
    st = to_mat(m, x, dx, order, (int)nx, &xm);
    if (!st) st = to_mat(m, y, dy, order, (int)nx, &ym);
    if (!st) st = to_mat(m, z, dz, order, (int)nx, &zm);
    if (!st) st = new_estimator(m, dx, dy);
    if (!st) st = im_estimator_estimate_given(&m->ctx, m->est, &xm, &ym, &zm, out);
    im_mat_free(&xm), im_mat_free(&ym), im_mat_free(&zm);
    free(order);
    return st;
}

static im_status mi_fit_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy)
{
    im_status st = begin(m);
    if (!st) st = check_shapes(m, x, nx, dx, y, ny, dy);
    if (st) return st;
    im_rng_seed(&m->rng, m->seed);
    if (!im_mi_trains(m)) {   /* nothing to fit: ready to read */
        st = new_estimator(m, dx, dy);
        if (!st) m->fitted = 1;
        return st;
    }
    /* the validation share of the split, out of the rows given */
    double val = m->split[1] / (m->split[0] + m->split[1]);
    long n_val = (long)(nx * val), n_train = nx - n_val;
    if (n_train < 2)
        return im_fail(&m->ctx, IM_EINVAL, "%ld rows leave %ld for training (needs 2)", nx, n_train);
    int *order = malloc(sizeof(int) * (size_t)nx);
    if (!order) return im_fail(&m->ctx, IM_ENOMEM, "out of memory");
    im_rng_permutation(&m->rng, order, (int)nx);
    im_mat xt = { 0 }, yt = { 0 }, xv = { 0 }, yv = { 0 };
    st = to_mat(m, x, dx, order, (int)n_train, &xt);
    if (!st) st = to_mat(m, y, dy, order, (int)n_train, &yt);
    if (!st) st = to_mat(m, x, dx, order + n_train, (int)n_val, &xv);
    if (!st) st = to_mat(m, y, dy, order + n_train, (int)n_val, &yv);
    if (!st) st = new_estimator(m, dx, dy);
    if (!st) st = im_estimator_fit(&m->ctx, m->est, &xt, &yt, &xv, &yv, NULL);
    if (!st) m->fitted = 1;
    im_mat_free(&xt), im_mat_free(&yt), im_mat_free(&xv), im_mat_free(&yv);
    free(order);
    return st;
}

static im_status mi_estimate_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                  double *out)
{
    im_status st = begin(m);
    if (st) return st;
    if (!m->fitted && im_mi_trains(m))
        return im_fail(&m->ctx, IM_EINVAL, "estimator %s trains: fit it first (or use im_mi_run)", m->plugin->name);
    st = check_shapes(m, x, nx, dx, y, ny, dy);
    if (!st && m->est && (dx != m->dx || dy != m->dy))
        st = im_fail(&m->ctx, IM_EINVAL, "x has %d columns and y %d, but the estimator was fitted on %d and %d", dx, dy,
                     m->dx, m->dy);
    if (!st && !m->est) {   /* an estimator that trains nothing, never fitted */
        im_rng_seed(&m->rng, m->seed);
        st = new_estimator(m, dx, dy);
    }
    im_mat xm = { 0 }, ym = { 0 };
    if (!st) st = to_mat(m, x, dx, NULL, (int)nx, &xm);
    if (!st) st = to_mat(m, y, dy, NULL, (int)ny, &ym);
    if (!st) st = im_estimator_estimate(&m->ctx, m->est, &xm, &ym, out);
    im_mat_free(&xm);
    im_mat_free(&ym);
    return st;
}

static im_status mi_interval_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                  int resamples, double ci, double *estimate, double *lo, double *hi)
{
    im_status st = begin(m);
    if (!st && !(ci > 0 && ci < 1)) st = im_fail(&m->ctx, IM_EINVAL, "ci = %g: a coverage between 0 and 1", ci);
    if (!st) st = check_shapes(m, x, nx, dx, y, ny, dy);
    held_out h;
    if (!st) st = fit_and_hold_out(m, x, nx, dx, y, dy, &h);
    if (st) return st;
    st = im_estimator_estimate(&m->ctx, m->est, &h.x, &h.y, estimate);
    if (!st) st = im_estimator_half_interval(&m->ctx, m->est, &h.x, &h.y, resamples, ci, *estimate, &m->rng, lo, hi);
    held_out_free(&h);
    return st;
}

/* Cross-fitting reads every row: the handle's split is not used, and its
 * fitted instance (if any) is left as it was. */
static im_status mi_crossfit_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                  int folds, double ci, double *estimate, double *lo, double *hi)
{
    im_status st = begin(m);
    if (!st) st = check_shapes(m, x, nx, dx, y, ny, dy);
    if (st) return st;
    im_mat xm = { 0 }, ym = { 0 };
    im_rng_seed(&m->rng, m->seed);
    st = to_mat(m, x, dx, NULL, (int)nx, &xm);
    if (!st) st = to_mat(m, y, dy, NULL, (int)nx, &ym);
    if (!st) st = im_estimator_crossfit(&m->ctx, &m->cfg, "estimator", &xm, &ym, folds, ci, &m->rng, estimate, lo, hi);
    im_mat_free(&xm);
    im_mat_free(&ym);
    return st;
}

static im_status mi_pvalue_in_c(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                int permutations, double *statistic, double *p_value)
{
    im_status st = begin(m);
    if (!st) st = check_shapes(m, x, nx, dx, y, ny, dy);
    held_out h;
    if (!st) st = fit_and_hold_out(m, x, nx, dx, y, dy, &h);
    if (st) return st;
    st = im_estimator_permutation_test(&m->ctx, m->est, &h.x, &h.y, permutations, &m->rng, statistic, p_value);
    held_out_free(&h);
    return st;
}

im_status im_mi(const char *estimator, const char *const *options, int n_options, uint64_t seed, const double *x,
                long nx, int dx, const double *y, long ny, int dy, double *out, char *err, size_t err_size)
{
    im_mi_handle *m;
    im_status st = im_mi_open(&m, estimator, options, n_options, seed);
    if (!st) st = im_mi_run(m, x, nx, dx, y, ny, dy, out);
    if (st && err && err_size) snprintf(err, err_size, "%s", im_mi_message(m));
    im_mi_close(m);
    return st;
}

/* ---- the public calls: each runs with the calling thread in the C locale
 * (numtext.h), so that options and messages read and print numbers with a
 * '.' under any locale the host has set, and clears the handle's stop
 * request when it returns ---- */

#define IN_C_LOCALE(handle, call)                         \
    do {                                                  \
        locale_t previous_ = im_c_locale_enter();         \
        im_status st_ = (call);                           \
        im_c_locale_leave(previous_);                     \
        im_mi_handle *h_ = (handle);                      \
        if (h_) h_->stop = 0; /* the request is spent */ \
        return st_;                                       \
    } while (0)

im_status im_mi_open(im_mi_handle **out, const char *estimator, const char *const *options, int n_options,
                     uint64_t seed)
{
    IN_C_LOCALE(*out, mi_open_in_c(out, estimator, options, n_options, seed));
}

im_status im_mi_set_split(im_mi_handle *m, double train, double val, double test)
{
    IN_C_LOCALE(m, mi_set_split_in_c(m, train, val, test));
}

im_status im_mi_set_threads(im_mi_handle *m, int threads)
{
    IN_C_LOCALE(m, mi_set_threads_in_c(m, threads));
}

im_status im_mi_split(im_mi_handle *m, long n, int *order, long counts[3])
{
    IN_C_LOCALE(m, mi_split_in_c(m, n, order, counts));
}

im_status im_mi_run(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy, double *out)
{
    IN_C_LOCALE(m, mi_run_in_c(m, x, nx, dx, y, ny, dy, out));
}

im_status im_mi_run_given(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                          const double *z, long nz, int dz, double *out)
{
    IN_C_LOCALE(m, mi_run_given_in_c(m, x, nx, dx, y, ny, dy, z, nz, dz, out));
}

im_status im_mi_fit(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy)
{
    IN_C_LOCALE(m, mi_fit_in_c(m, x, nx, dx, y, ny, dy));
}

im_status im_mi_estimate(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                         double *out)
{
    IN_C_LOCALE(m, mi_estimate_in_c(m, x, nx, dx, y, ny, dy, out));
}

im_status im_mi_interval(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                         int resamples, double ci, double *estimate, double *lo, double *hi)
{
    IN_C_LOCALE(m, mi_interval_in_c(m, x, nx, dx, y, ny, dy, resamples, ci, estimate, lo, hi));
}

im_status im_mi_crossfit(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy, int folds,
                         double ci, double *estimate, double *lo, double *hi)
{
    IN_C_LOCALE(m, mi_crossfit_in_c(m, x, nx, dx, y, ny, dy, folds, ci, estimate, lo, hi));
}

im_status im_mi_pvalue(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                       int permutations, double *statistic, double *p_value)
{
    IN_C_LOCALE(m, mi_pvalue_in_c(m, x, nx, dx, y, ny, dy, permutations, statistic, p_value));
}
