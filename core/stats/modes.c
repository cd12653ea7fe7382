/* modes.c — how a generator covers the modes of a mixture (the GAN
 * mode-collapse metrics of VEEGAN / PacGAN / the MINE paper's 25
 * Gaussians). A sample is of high quality when it lies within `radius` of
 * its nearest mode centre (3 sd of the mode, say); a mode is captured when
 * at least `min_share` of all samples are high-quality samples of it; the
 * reverse KL is KL(q ‖ uniform) of the histogram q of the high-quality
 * samples over the modes, Σ q_k log(q_k K): 0 when every mode gets its
 * share, log K when one mode takes them all. */
#include <math.h>
#include <string.h>
#include "infomin/stats.h"

im_status im_mode_coverage(im_ctx *ctx, const double *centres, int k, int dim, double radius, const double *samples,
                           int n, double min_share, int *counts, im_mode_stats *out)
{
    if (k < 1 || dim < 1 || n < 1 || !(radius > 0))
        return im_fail(ctx, IM_EINVAL, "mode coverage: %d modes, %d dimensions, %d samples, radius %g (need at least "
                       "one of each and a positive radius)", k, dim, n, radius);
    memset(out, 0, sizeof *out);
    memset(counts, 0, sizeof(int) * (size_t)k);
    for (int i = 0; i < n; i++) {
        const double *s = samples + (size_t)i * dim;
        int best = -1;
        double best_d2 = INFINITY;
        for (int m = 0; m < k; m++) {
            double d2 = 0;
            for (int j = 0; j < dim; j++) d2 += (s[j] - centres[(size_t)m * dim + j]) * (s[j] - centres[(size_t)m * dim + j]);
            if (d2 < best_d2) best_d2 = d2, best = m;
        }
        if (best >= 0 && best_d2 <= radius * radius) {
            counts[best]++;
            out->high_quality++;
        }
    }
    out->quality = (double)out->high_quality / n;
    for (int m = 0; m < k; m++) {
        out->captured += counts[m] >= min_share * n && counts[m] > 0;
        if (counts[m]) {
            double q = (double)counts[m] / out->high_quality;
            out->reverse_kl += q * log(q * k);
        }
    }
    if (!out->high_quality) out->reverse_kl = log((double)k);   /* no mode reached: as bad as one mode */
    return IM_OK;
}
