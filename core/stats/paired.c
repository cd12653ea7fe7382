/* paired.c — two methods run on the same seeds (the same data): the
 * difference of their scores seed by seed, which removes the spread the
 * seeds share (a harder graph lowers every method) from the comparison. */
#include <math.h>
#include "infomin/stats.h"

void im_paired_difference(const long *key_a, const double *a, int na, const long *key_b, const double *b, int nb,
                          im_paired *out)
{
    double sum = 0, sq = 0;
    out->pairs = out->up = 0;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            if (key_a[i] != key_b[j]) continue;
            double d = a[i] - b[j];
            if (!isfinite(d)) continue;   /* a run without the score */
            sum += d, sq += d * d, out->pairs++, out->up += d > 0;
        }
    int n = out->pairs;
    out->mean = n ? sum / n : NAN;
    out->sd = n > 1 ? sqrt(fmax(0, (sq - n * out->mean * out->mean) / (n - 1))) : 0;
}
