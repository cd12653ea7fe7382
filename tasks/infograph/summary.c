/* summary.c — after a sweep of the infograph task: the probe's accuracy
 * per method (mean ± sd over runs), and each method minus the degree
 * histogram on the same seed (the same graphs). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/stats.h"
#include "infograph.h"

#define MAX_GROUPS 16
#define MAX_SEEDS 64

typedef struct {
    char method[32];
    int n;
    double sum, sq, seconds;
    long seed[MAX_SEEDS];
    double acc[MAX_SEEDS];
} group;

im_status ig_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    group groups[MAX_GROUPS];
    int n_groups = 0;
    for (int i = 0; i < n; i++) {
        const char *method = im_record_ok(recs[i]) ? im_record_text(recs[i], "method") : NULL;
        double acc, secs = 0;
        if (!method || !im_record_metric(recs[i], "probe_accuracy", &acc)) continue;
        int g = 0;
        while (g < n_groups && strcmp(groups[g].method, method) != 0) g++;
        if (g == n_groups) {
            if (n_groups == MAX_GROUPS) continue;
            memset(&groups[n_groups], 0, sizeof groups[0]);
            snprintf(groups[n_groups++].method, sizeof groups[0].method, "%s", method);
        }
        group *gr = &groups[g];
        if (gr->n < MAX_SEEDS) {
            const char *seed = im_record_config_value(recs[i], "task", "seed");
            gr->seed[gr->n] = seed ? strtol(seed, NULL, 10) : 1;
            gr->acc[gr->n] = acc;
        }
        im_record_metric(recs[i], "train_seconds", &secs);
        gr->n++, gr->sum += acc, gr->sq += acc * acc, gr->seconds += secs;
    }
    if (!n_groups) return IM_OK;
    const group *base = NULL;
    for (int g = 0; g < n_groups; g++)
        if (strcmp(groups[g].method, "degree") == 0) base = &groups[g];
    printf("\ngraph classification on the test graphs: logistic-regression probe on frozen graph embeddings "
           "(mean ± sd over runs)\n%-12s %4s %18s %30s %9s\n", "method", "runs", "probe accuracy",
           "minus degree histogram, same seed", "s/run");
    for (int g = 0; g < n_groups; g++) {
        const group *gr = &groups[g];
        double mean = gr->sum / gr->n, sd = gr->n > 1 ? sqrt(fmax(0, (gr->sq - gr->n * mean * mean) / (gr->n - 1))) : 0;
        char gain[48] = "-";
        im_paired d = { 0 };
        if (base && gr != base)
            im_paired_difference(gr->seed, gr->acc, gr->n < MAX_SEEDS ? gr->n : MAX_SEEDS, base->seed, base->acc,
                                 base->n < MAX_SEEDS ? base->n : MAX_SEEDS, &d);
        if (d.pairs) snprintf(gain, sizeof gain, "%+.4f ± %.4f (%d/%d up)", d.mean, d.sd, d.up, d.pairs);
        printf("%-12s %4d %10.4f ± %5.4f %30s %9.1f\n", gr->method, gr->n, mean, sd, gain, gr->seconds / gr->n);
    }
    (void)ctx;
    return IM_OK;
}
