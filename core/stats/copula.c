/* copula.c — normal scores: each column replaced by Φ⁻¹ of its ranks,
 * Φ⁻¹((rank − ½)/n), ties given their mean rank. The map is increasing in
 * each column, so the MI of the sample's joint law is kept while every
 * margin becomes Gaussian: heavy tails (Student-t, x³) and bimodal margins
 * stop deciding the neighbourhoods of kNN estimators, and the Gaussian
 * estimator becomes the Gaussian-copula one (Ince et al. 2017). */
#include <stdlib.h>
#include "infomin/stats.h"

typedef struct {
    double v;
    int row;
} ranked;

static int by_value(const void *a, const void *b)
{
    double x = ((const ranked *)a)->v, y = ((const ranked *)b)->v;
    return (x > y) - (x < y);
}

im_status im_normal_scores(im_ctx *ctx, double *data, int n, int cols)
{
    ranked *r = malloc(sizeof(ranked) * (size_t)n);
    if (!r) return im_fail(ctx, IM_ENOMEM, "normal scores: out of memory");
    for (int c = 0; c < cols; c++) {
        for (int i = 0; i < n; i++) r[i] = (ranked){ data[(size_t)i * cols + c], i };
        qsort(r, (size_t)n, sizeof *r, by_value);
        for (int i = 0; i < n;) {
            int j = i;
            while (j + 1 < n && r[j + 1].v == r[i].v) j++;
            double score = im_normal_quantile((0.5 * (i + j) + 0.5) / n);   /* mean rank of the tie, from 1, − ½ */
            for (int k = i; k <= j; k++) data[(size_t)r[k].row * cols + c] = score;
            i = j + 1;
        }
    }
    free(r);
    return IM_OK;
}

double im_tied_share(const double *v, int n, int cols, int c, double *scratch)
{
    for (int i = 0; i < n; i++) scratch[i] = v[(long)i * cols + c];
    im_sort_doubles(scratch, n);
    int tied = 0;
    for (int i = 0; i < n; i++) tied += (i > 0 && scratch[i] == scratch[i - 1]) || (i + 1 < n && scratch[i] == scratch[i + 1]);
    return n ? (double)tied / n : 0;
}
