/* channel.c — the MI of a stochastic encoder whose conditional density is
 * known (a diagonal Gaussian), by the minibatch bounds of Poole et al.
 * (2019): the other inputs' conditionals stand in for the marginal p(z).
 * No critic is trained, so the figure is the same measurement whatever
 * trained the encoder: the information plane's I(X;Z) axis. */
#include <math.h>
#include <stdlib.h>
#include "infomin/stats.h"

/* log N(z; mu, diag var) without the −k/2·log 2π, which cancels; from
 * 1/var and log det = Σ log var. */
static double log_density(const double *z, const double *mu, const double *inv_var, double log_det, int k)
{
    double q = 0;
    for (int c = 0; c < k; c++) {
        double d = z[c] - mu[c];
        q += d * d * inv_var[c];
    }
    return -0.5 * (q + log_det);
}

im_status im_gaussian_channel_mi(im_ctx *ctx, const double *mu, const double *var, const double *z, int m, int k,
                                 double *lower, double *upper)
{
    if (m < 2 || k < 1)
        return im_fail(ctx, IM_EINVAL, "Gaussian channel MI: %d inputs of %d dimensions (need at least 2 and 1)", m, k);
    for (long i = 0; i < (long)m * k; i++)
        if (!(var[i] > 0) || !isfinite(var[i]) || !isfinite(mu[i]) || !isfinite(z[i]))
            return im_fail(ctx, IM_ENUMERIC, "Gaussian channel MI: input %ld, dimension %ld: mean %g, variance %g, "
                           "draw %g (need finite values and a positive variance)", i / k, i % k, mu[i], var[i], z[i]);
    double *inv_var = malloc(sizeof(double) * (size_t)m * k), *log_det = calloc((size_t)m, sizeof(double));
    double *row = malloc(sizeof(double) * (size_t)m);
    if (!inv_var || !log_det || !row) {
        free(inv_var);
        free(log_det);
        free(row);
        return im_fail(ctx, IM_ENOMEM, "Gaussian channel MI: out of memory");
    }
    for (long i = 0; i < (long)m * k; i++) inv_var[i] = 1 / var[i], log_det[i / k] += log(var[i]);
    double sum_lower = 0, sum_upper = 0;
    for (int i = 0; i < m; i++) {
        const double *zi = z + (size_t)i * k;
        double top = -INFINITY, top_others = -INFINITY;
        for (int j = 0; j < m; j++) {
            row[j] = log_density(zi, mu + (size_t)j * k, inv_var + (size_t)j * k, log_det[j], k);
            if (row[j] > top) top = row[j];
            if (j != i && row[j] > top_others) top_others = row[j];
        }
        double all = 0, others = 0;   /* Σ_j e^{row_j − top}, without j = i: log-sum-exp */
        for (int j = 0; j < m; j++) {
            all += exp(row[j] - top);
            if (j != i) others += exp(row[j] - top_others);
        }
        sum_lower += row[i] - (top + log(all) - log((double)m));
        sum_upper += row[i] - (top_others + log(others) - log((double)m - 1));
    }
    *lower = sum_lower / m;
    *upper = sum_upper / m;
    free(inv_var);
    free(log_det);
    free(row);
    return IM_OK;
}
