/* summary.c — after a sweep of mi-benchmark: tasks x estimators. Printed:
 * mean estimate / true MI per cell (* where solved), per estimator the
 * tasks it solves and its time, the tasks no estimator solves; drawn:
 * <output>-heatmap.png coloured by log(estimate / true), solved cells
 * outlined. An estimator column is the sweep label without the dataset
 * and seed keys and without keys of other plugins' sections ("ksg",
 * "ksg input=copula", "infonce hidden=256,256"); a cell that repeats
 * another's configuration (a swept key of another plugin's section) is
 * counted once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mi_benchmark.h"

#define MAX_NAMES 256
#define NAME_LEN 96

typedef struct {
    char rows[MAX_NAMES][NAME_LEN], cols[MAX_NAMES][NAME_LEN];
    int n_rows, n_cols;
    double *ratio, *seconds, *true_mi;   /* n_rows x n_cols (true_mi per row) */
    int *solved, *have;
    int failed;                          /* cells whose run did not finish ok */
} matrix;

/* The record's column name: its sweep label without dataset.* and task.*,
 * "estimator.plugin=" and "estimator." dropped, and a key of a per-plugin
 * section kept (as its key) only for that plugin. */
static void column_name(const im_record *rec, char *out, size_t size)
{
    const char *label = im_record_label(rec), *est = im_record_text(rec, "estimator");
    out[0] = '\0';
    char buf[1024], own[80];
    snprintf(buf, sizeof buf, "%s", label ? label : "");
    snprintf(own, sizeof own, "estimator.%s.", est ? est : "");
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (strncmp(tok, "dataset.", 8) == 0 || strncmp(tok, "task.", 5) == 0) continue;
        char *eq = strchr(tok, '='), *dot = strchr(tok, '.');
        int per_plugin = eq && dot && strchr(dot + 1, '.') && strchr(dot + 1, '.') < eq;
        if (per_plugin && strncmp(tok, own, strlen(own)) != 0) continue;
        if (per_plugin) tok += strlen(own);
        else if (strncmp(tok, "estimator.plugin=", 17) == 0) tok += 17;
        else if (strncmp(tok, "estimator.", 10) == 0) tok += 10;
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? " " : "", tok);
    }
    if (!out[0]) snprintf(out, size, "%s", est ? est : "?");
}

static int index_of(char (*names)[NAME_LEN], int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(names[i], name) == 0) return i;
    if (*n == MAX_NAMES) return -1;
    snprintf(names[*n], NAME_LEN, "%s", name);
    return (*n)++;
}

static im_status collect(im_ctx *ctx, im_record *const *recs, int n, matrix *m)
{
    size_t cells = (size_t)MAX_NAMES * MAX_NAMES;
    m->ratio = malloc(sizeof(double) * cells);
    m->seconds = malloc(sizeof(double) * cells);
    m->true_mi = malloc(sizeof(double) * MAX_NAMES);
    m->solved = calloc(cells, sizeof(int));
    m->have = calloc(cells, sizeof(int));
    if (!m->ratio || !m->seconds || !m->true_mi || !m->solved || !m->have)
        return im_fail(ctx, IM_ENOMEM, "mi-benchmark: out of memory");
    for (int i = 0; i < n; i++) {
        double ratio, solved, secs, seeds, truth;
        const char *task = im_record_text(recs[i], "task");
        long first;
        if (im_record_get_meta_int(recs[i], "same_as", &first)) continue;   /* counted at its first cell */
        if (!im_record_ok(recs[i])) {
            const char *label = im_record_label(recs[i]), *why = im_record_get_meta(recs[i], "error");
            printf("failed: %s: %s\n", label ? label : "(the only cell)", why ? why : "(no message)");
            m->failed++;
        }
        if (!im_record_ok(recs[i]) || !task || !im_record_metric(recs[i], "ratio", &ratio) ||
            !im_record_metric(recs[i], "solved", &solved) || !im_record_metric(recs[i], "seconds_per_seed", &secs) ||
            !im_record_metric(recs[i], "seeds", &seeds) || !im_record_metric(recs[i], "true_mi", &truth))
            continue;
        char col[NAME_LEN];
        column_name(recs[i], col, sizeof col);
        int r = index_of(m->rows, &m->n_rows, task), c = index_of(m->cols, &m->n_cols, col);
        if (r < 0 || c < 0) continue;
        size_t k = (size_t)r * MAX_NAMES + c;
        m->ratio[k] = ratio;
        m->seconds[k] = secs * seeds;
        m->solved[k] = solved > 0;
        m->have[k] = 1;
        m->true_mi[r] = truth;
    }
    return IM_OK;
}

static int within_tenth(double ratio) { return fabs(ratio - 1) < 0.1; }

static void print_table(const matrix *m, double solved_ratio)
{
    printf("\nmean estimate / true MI (* solved: within a factor %g), estimators:\n", solved_ratio);
    for (int c = 0; c < m->n_cols; c++) printf("  [%d] %s\n", c + 1, m->cols[c]);
    printf("%-31s %7s", "task", "true");
    for (int c = 0; c < m->n_cols; c++) printf(" %8s%d]", "[", c + 1);
    printf("\n");
    for (int r = 0; r < m->n_rows; r++) {
        printf("%-31s %7.3f", m->rows[r], m->true_mi[r]);
        for (int c = 0; c < m->n_cols; c++) {
            size_t k = (size_t)r * MAX_NAMES + c;
            if (m->have[k])
                printf(" %9.2f%c", m->ratio[k], m->solved[k] ? '*' : ' ');
            else
                printf(" %10s", "-");
        }
        printf("\n");
    }
    printf("%-39s", "solved");
    for (int c = 0; c < m->n_cols; c++) {
        int solved = 0, have = 0;
        for (int r = 0; r < m->n_rows; r++) {
            solved += m->solved[(size_t)r * MAX_NAMES + c];
            have += m->have[(size_t)r * MAX_NAMES + c];
        }
        printf(" %5d / %-2d", solved, have);
    }
    /* the stricter count: a mean estimate within 10% of the truth */
    printf("\n%-39s", "within 10% of the truth");
    for (int c = 0; c < m->n_cols; c++) {
        int close = 0, have = 0;
        for (int r = 0; r < m->n_rows; r++) {
            size_t k = (size_t)r * MAX_NAMES + c;
            close += m->have[k] && within_tenth(m->ratio[k]);
            have += m->have[k];
        }
        printf(" %5d / %-2d", close, have);
    }
    printf("\n%-39s", "seconds (all seeds)");
    for (int c = 0; c < m->n_cols; c++) {
        double secs = 0;
        for (int r = 0; r < m->n_rows; r++)
            if (m->have[(size_t)r * MAX_NAMES + c]) secs += m->seconds[(size_t)r * MAX_NAMES + c];
        printf(" %10.1f", secs);
    }
    int any = 0;
    printf("\n");
    for (int r = 0; r < m->n_rows; r++) {
        int solved = 0;
        for (int c = 0; c < m->n_cols; c++) solved |= m->solved[(size_t)r * MAX_NAMES + c];
        any += solved;
        if (!solved) printf("no estimator solves %s\n", m->rows[r]);
    }
    printf("tasks solved by at least one estimator: %d of %d\n", any, m->n_rows);
    int close = 0;
    for (int r = 0; r < m->n_rows; r++) {
        int one = 0;
        for (int c = 0; c < m->n_cols; c++) {
            size_t k = (size_t)r * MAX_NAMES + c;
            one |= m->have[k] && within_tenth(m->ratio[k]);
        }
        close += one;
    }
    printf("tasks within 10%% of the truth by at least one estimator: %d of %d\n", close, m->n_rows);
    if (m->failed)
        printf("%d cell%s failed (their records say why; '-' in the table): rerun them with --resume\n", m->failed,
               m->failed == 1 ? "" : "s");
}

/* log(estimate / true), a mean ≤ 0 drawn at the bottom of the scale. */
static im_status draw_heatmap(im_ctx *ctx, const im_config *cfg, const matrix *m, double solved_ratio)
{
    size_t cells = (size_t)m->n_rows * m->n_cols;
    double *value = malloc(sizeof(double) * 2 * cells), *text = value ? value + cells : NULL;
    int *mark = malloc(sizeof(int) * cells);
    const char **rows = malloc(sizeof(char *) * (size_t)(m->n_rows + m->n_cols)), **cols = rows ? rows + m->n_rows : NULL;
    im_status st = value && mark && rows ? IM_OK : im_fail(ctx, IM_ENOMEM, "mi-benchmark: out of memory");
    const double limit = log(4.0);
    for (size_t r = 0; !st && r < (size_t)m->n_rows; r++) {
        rows[r] = m->rows[r];
        for (size_t c = 0; c < (size_t)m->n_cols; c++) {
            size_t k = r * MAX_NAMES + c, o = r * m->n_cols + c;
            double ratio = m->ratio[k];
            value[o] = !m->have[k] ? NAN : ratio > 0 ? log(ratio) : -limit;
            text[o] = m->have[k] ? ratio : NAN;
            mark[o] = m->solved[k];
        }
    }
    for (int c = 0; !st && c < m->n_cols; c++) cols[c] = m->cols[c];
    if (!st) {
        static const double tick_ratio[] = { 0.25, 0.5, 1 / 1.5, 1, 1.5, 2, 4 };
        static const char *const tick_names[] = { "1/4 or less", "1/2", "1/1.5", "1", "1.5", "2", "4 or more" };
        double ticks[7];
        for (int i = 0; i < 7; i++) ticks[i] = log(tick_ratio[i]);
        char note[256], path[4096];
        snprintf(note, sizeof note,
                 "number: mean estimate / true MI; outlined: solved (within a factor %g); grey: failed (training "
                 "diverged, or an estimate below -1 nat: the records say which)",
                 solved_ratio);
        im_heatmap h = { .title = "MI estimators on tasks of known MI", .note = note, .rows = m->n_rows,
                         .cols = m->n_cols, .row_names = rows, .col_names = cols, .value = value, .text = text,
                         .mark = mark, .v_min = -limit, .v_center = 0, .v_max = limit,
                         .scale_label = "estimate / true", .ticks = ticks, .tick_names = tick_names, .n_ticks = 7 };
        im_output_path(cfg, -1, "-heatmap.png", path, sizeof path);
        st = im_plot_heatmap(ctx, path, &h);
        if (!st) printf("heatmap: %s\n", path);
    }
    free(value);
    free(mark);
    free(rows);
    return st;
}

im_status mi_benchmark_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n)
{
    im_section sec;
    double solved_ratio;
    int heatmap;
    im_status st = im_config_section(ctx, &runs[0], ctx->registry, "task", &sec);
    if (!st) st = im_section_float(ctx, &sec, "solved_ratio", &solved_ratio);
    if (!st) st = im_section_bool(ctx, &sec, "heatmap", &heatmap);
    if (st) return st;
    matrix *m = calloc(1, sizeof *m);
    if (!m) return im_fail(ctx, IM_ENOMEM, "mi-benchmark: out of memory");
    st = collect(ctx, recs, n, m);
    if (!st && m->n_rows > 0) {
        print_table(m, solved_ratio);
        if (heatmap) st = draw_heatmap(ctx, &runs[0], m, solved_ratio);
    }
    free(m->ratio);
    free(m->seconds);
    free(m->true_mi);
    free(m->solved);
    free(m->have);
    free(m);
    return st;
}
