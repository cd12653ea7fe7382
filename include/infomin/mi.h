/* mi.h — mutual information from arrays: a handle over one estimator.
 *
 *     im_mi_handle *m;
 *     const char *opts[] = { "k=5" };
 *     if (im_mi_open(&m, "ksg", opts, 1, 0) == IM_OK &&
 *         im_mi_run(m, x, n, 2, y, n, 1, &mi) == IM_OK)
 *         printf("%.4f %s\n", mi, im_mi_unit(m));
 *     else
 *         fprintf(stderr, "%s\n", im_mi_message(m));
 *     im_mi_close(m);
 *
 * The handle owns its error message (SQLite's way): every call that fails
 * returns its status and leaves the reason in im_mi_message, and im_mi_open
 * returns a handle even when it fails, so that the reason can be read
 * (close it all the same; a NULL handle means out of memory).
 *
 * Arrays are row-major doubles, one sample a row, with both shapes passed
 * (x is nx × dx, y is ny × dy): different row counts, empty arrays, NaN or
 * Inf are refused with the row and column named. Options are "key=value"
 * strings checked against the estimator's declared keys, with the messages
 * (and the "did you mean") of an INI file's [estimator] section.
 *
 * Which rows do what. An estimator that trains nothing (ksg, gaussian, ...)
 * reads every row it is given (in the order the seed shuffles them, as the
 * csv dataset does with split = 0,0,1). One that trains (mine, infonce, club, slice,
 * hsic's bandwidth, ...) is fitted on some rows and read on others, exactly
 * as `infomin-run` does with the `csv` dataset and task `mi-estimate` at
 * [task] seed = seed: the rows are shuffled by the generator seeded with
 * `seed` and split 0.7 / 0.1 / 0.2 into training, validation (the trainer's
 * model selection) and held-out rows (im_mi_set_split changes the
 * fractions; im_mi_split gives the rows). So im_mi_run on arrays and an INI
 * file over the same rows give the same number.
 *
 * Threads: a handle computes on the calling thread (OpenBLAS inside with its
 * own thread setting, left as the process has it); im_mi_set_threads splits
 * products over worker threads of the handle's own. Handles are independent:
 * several threads may each use one at the same time. Plugins are found
 * through INFOMIN_PLUGIN_PATH, then the installed plugin folder (the build
 * tree's when the library is the build tree's); they are loaded once per
 * process. */
#ifndef INFOMIN_MI_H
#define INFOMIN_MI_H

#include <stddef.h>
#include <stdint.h>
#include "api.h"
#include "status.h"
#include "version.h"

typedef struct im_mi_handle im_mi_handle;

/* estimator: a plugin name (`infomin-run --list`); options: n_options
 * "key=value" strings (NULL when none); seed: the generator's seed (the INI's
 * [task] seed). *out is set in every case but out of memory. */
IM_API im_status im_mi_open(im_mi_handle **out, const char *estimator, const char *const *options, int n_options,
                            uint64_t seed);
IM_API void im_mi_close(im_mi_handle *m);
/* Why the last call failed ("" after a success); owned by the handle. */
IM_API const char *im_mi_message(const im_mi_handle *m);

/* Fit and read in one call, on the rows this header describes: every row for
 * an estimator that trains nothing, else the seeded split. */
IM_API im_status im_mi_run(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy, double *out);
/* Fit on these rows (a trained estimator keeps the split's validation share
 * of them for model selection, shuffled by the seed; a second fit starts
 * again from the seed), then read the fitted estimator on other rows. An
 * estimator that trains nothing needs no fit. */
IM_API im_status im_mi_fit(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy);
IM_API im_status im_mi_estimate(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                double *out);

/* The estimate with a half-sampling interval of coverage ci (resamples
 * halves of the rows it is read on; for a trained estimator that is the
 * held-out rows with the critic as fitted: the readout's sampling noise,
 * not the training's). Fits as im_mi_run does. */
IM_API im_status im_mi_interval(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                int resamples, double ci, double *estimate, double *lo, double *hi);
/* since 0.6: the cross-fitted estimate and its interval of coverage ci
 * (estimator.h, im_estimator_crossfit): every row read once, by one of
 * `folds` instances each fitted on the other folds. For an estimator that
 * trains, the interval holds the refits' spread too (im_mi_interval's of a
 * trained estimator: the held-out readout's only). The seed shuffles the
 * rows; the handle's split is not used. */
IM_API im_status im_mi_crossfit(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                int folds, double ci, double *estimate, double *lo, double *hi);
/* The permutation test of independence (task independence-test): the
 * estimate as the statistic, Y's rows shuffled `permutations` times,
 * p = (1 + #{|s| >= |s0|}) / (1 + permutations). Fits as im_mi_run does. */
IM_API im_status im_mi_pvalue(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                              int permutations, double *statistic, double *p_value);

/* since 0.6: the conditional MI I(X;Y|Z) by the estimator's own
 * conditional form (ksg: Frenzel & Pompe) on every row, z nz × dz beside x
 * and y; IM_EINVAL for an estimator without one (im_mi_has_given), whose
 * conditional MI is the chain rule I(X;[Y,Z]) − I(X;Z) of two runs. */
IM_API im_status im_mi_run_given(im_mi_handle *m, const double *x, long nx, int dx, const double *y, long ny, int dy,
                                 const double *z, long nz, int dz, double *out);
IM_API int im_mi_has_given(const im_mi_handle *m);
/* "lower", "upper" or "estimate"; "nats" or "correlation". */
IM_API const char *im_mi_bound(const im_mi_handle *m);
IM_API const char *im_mi_unit(const im_mi_handle *m);
/* 1 when the estimator trains (and so reads held-out rows), else 0. */
IM_API int im_mi_trains(const im_mi_handle *m);
/* since 0.6: the estimator's note on its last estimate, "" when it keeps
 * none (auto: the estimator it chose and why). Valid until the next call. */
IM_API const char *im_mi_note(const im_mi_handle *m);

/* The training / validation / held-out fractions (each >= 0, summing to 1,
 * training and held-out > 0). Default 0.7, 0.1, 0.2. */
IM_API im_status im_mi_set_split(im_mi_handle *m, double train, double val, double test);
/* The seeded split of n rows: order[0..n) the shuffled row indices, the first
 * counts[0] for training, the next counts[1] for validation, the rest
 * held out (what im_mi_run uses for a trained estimator). */
IM_API im_status im_mi_split(im_mi_handle *m, long n, int *order, long counts[3]);
/* threads >= 1: products split over this many threads of the handle's own
 * (OpenBLAS set to one thread while they exist, as infomin-run does, and put
 * back as it was when they go); 0: none (the default). */
IM_API im_status im_mi_set_threads(im_mi_handle *m, int threads);
/* Ask a running call on m to stop (any thread, a signal handler included):
 * it returns IM_EINTERRUPTED soon after. A request made just before a call
 * starts stops that call; every call clears it when it returns. */
IM_API void im_mi_interrupt(im_mi_handle *m);

/* The plugins handles find (every kind), for catalogues and bindings:
 * plugin i's kind ("estimator", "encoder", "dataset", "task"), name and
 * one-line summary; key j of plugin i as {key, type, default, doc, range}
 * (NULL where a field has none). IM_EINVAL past the last one. */
IM_API int im_catalog_count(void);
IM_API im_status im_catalog_plugin(int i, const char **kind, const char **name, const char **summary);
IM_API im_status im_catalog_key(int i, int j, const char *out[5]);

/* One call: open, run, close. The message of a failure goes into err
 * (err_size bytes, may be 0). */
IM_API im_status im_mi(const char *estimator, const char *const *options, int n_options, uint64_t seed,
                       const double *x, long nx, int dx, const double *y, long ny, int dy, double *out, char *err,
                       size_t err_size);

/* since 0.6: the kNN entropy of x (n × d, Kozachenko-Leonenko) and the KL
 * divergence D(P‖Q) of samples p (n × d) and q (m × d, Wang-Kulkarni-Verdú),
 * in nats, k neighbours (1..64; stats.h has their formulas); no estimator
 * plugin. Ties that make a distance 0 are refused with the row named; the
 * message of a failure goes into err. */
IM_API im_status im_entropy(const double *x, long n, int d, int k, double *out, char *err, size_t err_size);
IM_API im_status im_kl_divergence(const double *p, long n, const double *q, long m, int d, int k, double *out,
                                  char *err, size_t err_size);
#endif
