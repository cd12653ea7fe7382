/* infomin_report.c — `infomin-report results.jsonl [more.jsonl ...]`: the
 * records of sweeps grouped by their swept keys, averaged over seeds (mean,
 * sample sd, n) and printed as tables (text, Markdown or CSV), and a figure
 * of one metric against a swept numeric key with error bars.
 * Exit codes: 0 ok, 1 a file could not be read or written, 2 usage. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report.h"
#include "infomin/numtext.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: infomin-report [options] RESULTS.jsonl [MORE.jsonl ...]\n"
            "\n"
            "Groups the records of infomin-run sweeps by their swept keys, averages every\n"
            "numeric metric over the --over key (mean, sample sd, n) and prints one table\n"
            "per metric; only records that finished ok count.\n"
            "\n"
            "  --over KEY        the key averaged over (default task.seed)\n"
            "  --metric NAME     report this metric (repeatable; default: all)\n"
            "  --format FMT      text (default), md (Markdown) or csv (one row per group and\n"
            "                    metric: keys..., metric, mean, sd, n)\n"
            "  --runs            one flat row per run instead: run, status, every swept key,\n"
            "                    the metrics (--metric, else every numeric one), every record\n"
            "                    ok or not; numbers in the shortest form that reads back exactly\n"
            "  --x KEY           a numeric swept key: the columns of the tables and the x axis\n"
            "                    of the plot (default: the last numeric swept key)\n"
            "  --plot FILE.png   the --y metric against --x, one line per other swept value,\n"
            "                    error bars of one sd\n"
            "  --y METRIC        the plotted metric (default: the first --metric, else estimate)\n"
            "  --reference METRIC  a dashed line of this metric's mean at each x (e.g. true_mi)\n"
            "  --reference-label TEXT  its legend entry (default: the metric's name)\n"
            "  --title, --x-label, --y-label TEXT   the plot's labels\n"
            "  -h, --help        this text\n"
            "  --version         print the version\n"
            "\n"
            "Exit status: 0 ok, 1 a file could not be read or written, 2 usage.\n");
}

static int parse_args(int argc, char **argv, report_args *a)
{
    enum { O_OVER = 256, O_METRIC, O_FORMAT, O_PLOT, O_X, O_Y, O_REF, O_REFL, O_TITLE, O_XL, O_YL, O_RUNS };
    static const struct option opts[] = {
        { "over", 1, 0, O_OVER },       { "metric", 1, 0, O_METRIC }, { "format", 1, 0, O_FORMAT },
        { "plot", 1, 0, O_PLOT },       { "x", 1, 0, O_X },           { "y", 1, 0, O_Y },
        { "reference", 1, 0, O_REF },   { "title", 1, 0, O_TITLE },   { "x-label", 1, 0, O_XL },
        { "reference-label", 1, 0, O_REFL },
        { "y-label", 1, 0, O_YL },      { "help", 0, 0, 'h' },        { "version", 0, 0, 'V' },
        { "runs", 0, 0, O_RUNS },
        { 0, 0, 0, 0 }
    };
    memset(a, 0, sizeof *a);
    a->over = "task.seed";
    a->format = "text";
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_OVER: a->over = optarg; break;
        case O_METRIC:
            if (a->n_metrics == MAX_METRICS) {
                fprintf(stderr, "infomin-report: more than %d --metric options\n", MAX_METRICS);
                return 2;
            }
            a->metrics[a->n_metrics++] = optarg;
            break;
        case O_FORMAT: a->format = optarg; break;
        case O_PLOT: a->plot = optarg; break;
        case O_X: a->x = optarg; break;
        case O_Y: a->y = optarg; break;
        case O_REF: a->reference = optarg; break;
        case O_REFL: a->reference_label = optarg; break;
        case O_TITLE: a->title = optarg; break;
        case O_XL: a->x_label = optarg; break;
        case O_YL: a->y_label = optarg; break;
        case O_RUNS: a->runs = 1; break;
        case 'h': usage(stdout); return -1;
        case 'V': printf("infomin-report %s\n", im_version()); return -1;
        default:
            fprintf(stderr, "infomin-report: unknown option or missing value: '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (strcmp(a->format, "text") && strcmp(a->format, "md") && strcmp(a->format, "csv")) {
        fprintf(stderr, "infomin-report: --format: expected text, md or csv, got '%s'\n", a->format);
        return 2;
    }
    if (a->runs && (a->plot || a->x)) {
        fprintf(stderr, "infomin-report: --runs prints every run; --plot and --x group runs: use them without it\n");
        return 2;
    }
    if (optind == argc) {
        fprintf(stderr, "infomin-report: no results file given\n");
        usage(stderr);
        return 2;
    }
    struct stat seen[MAX_FILES];
    for (; optind < argc; optind++) {
        if (a->n_files == MAX_FILES) {
            fprintf(stderr, "infomin-report: more than %d files\n", MAX_FILES);
            return 2;
        }
        /* a file named twice (a.jsonl a.jsonl, or through a link) is read
         * once: its records counted twice would shrink every sd */
        struct stat sb;
        int again = -1;
        if (stat(argv[optind], &sb) == 0)
            for (int f = 0; f < a->n_files && again < 0; f++)
                if (seen[f].st_dev == sb.st_dev && seen[f].st_ino == sb.st_ino) again = f;
        if (again >= 0) {
            fprintf(stderr, "infomin-report: %s is %s again: read once\n", argv[optind], a->files[again]);
            continue;
        }
        if (stat(argv[optind], &seen[a->n_files]) != 0) memset(&seen[a->n_files], 0, sizeof sb);
        a->files[a->n_files++] = argv[optind];
    }
    return 0;
}

/* "mean ± sd", with "(n=k)" when the cell has fewer records than the
 * fullest cell of its table (runs that failed are left out: a reader must
 * see that a mean stands on fewer seeds). */
static void cell_text(const sample *s, int full_n, char *buf, size_t size)
{
    double mean, sd;
    if (!s->n) {
        snprintf(buf, size, "-");
        return;
    }
    sample_stats(s, &mean, &sd);
    int len = s->n > 1 ? snprintf(buf, size, "%.4g ± %.2g", mean, sd) : snprintf(buf, size, "%.4g", mean);
    if (s->n < full_n && len > 0 && (size_t)len < size) snprintf(buf + len, size - (size_t)len, " (n=%d)", s->n);
}

static void print_csv(const table *t)
{
    for (int k = 0; k < t->n_keys; k++) printf("%s,", t->keys[k]);
    printf("metric,mean,sd,n\n");
    for (int m = 0; m < t->n_shown; m++)
        for (int g = 0; g < t->n_groups; g++) {
            const sample *s = &t->groups[g].m[m];
            if (!s->n) continue;
            double mean, sd;
            sample_stats(s, &mean, &sd);
            for (int k = 0; k < t->n_keys; k++) printf("\"%s\",", t->groups[g].values[k]);
            printf("%s,%.9g,", t->metrics[m], mean);
            if (s->n > 1) printf("%.9g", sd);
            printf(",%d\n", s->n);
        }
}

/* Characters, not bytes, of UTF-8 text (the ± of a cell is two bytes). */
static int text_width(const char *s)
{
    int n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* One row of a text (aligned) or Markdown (piped) table. */
static void print_row(int md, const char *first, int first_w, char *const *cells, int n, int cell_w)
{
    if (md) {
        printf("| %s |", first);
        for (int c = 0; c < n; c++) printf(" %s |", cells[c]);
    } else {
        printf("%s%*s", first, first_w - text_width(first), "");
        for (int c = 0; c < n; c++) printf("  %*s%s", cell_w - text_width(cells[c]), "", cells[c]);
    }
    printf("\n");
}

/* The group with this row label and column value, or NULL. */
static const group *find_group(const table *t, int col_key, const char *row, const char *col)
{
    char label[512];
    for (int g = 0; g < t->n_groups; g++) {
        row_label(t, &t->groups[g], col_key, label, sizeof label);
        if (!strcmp(label, row) && (col_key < 0 || !strcmp(t->groups[g].values[col_key], col))) return &t->groups[g];
    }
    return NULL;
}

#define MAX_ROWS 1024
#define MAX_COLS 128

/* One table per metric: rows are the other keys' values, columns the
 * column key's (one column when there is none); cells mean ± sd. */
static void print_pivot(const table *t, int col_key, int md, const char *over)
{
    char *rows[MAX_ROWS], *cols[MAX_COLS], *cells[MAX_COLS], label[512], head[512] = "";
    int n_rows = 0, n_cols = 0, min_n = 1 << 30, max_n = 0;
    for (int g = 0; g < t->n_groups; g++) {
        row_label(t, &t->groups[g], col_key, label, sizeof label);
        if (find_index(rows, n_rows, label) < 0 && n_rows < MAX_ROWS) rows[n_rows++] = strdup(label);
        const char *c = col_key >= 0 ? t->groups[g].values[col_key] : "mean ± sd";
        if (find_index(cols, n_cols, c) < 0 && n_cols < MAX_COLS) cols[n_cols++] = strdup(c);
    }
    for (int k = 0; k < t->n_keys; k++)
        if (k != col_key) snprintf(head + strlen(head), sizeof head - strlen(head), "%s%s", *head ? " " : "", t->keys[k]);
    if (!*head) snprintf(head, sizeof head, "(all)");
    int row_w = (int)strlen(head);
    for (int r = 0; r < n_rows; r++)
        if ((int)strlen(rows[r]) > row_w) row_w = (int)strlen(rows[r]);
    for (int c = 0; c < n_cols; c++) cells[c] = malloc(64);
    int full_n = 0;
    for (int m = 0; m < t->n_shown; m++)
        for (int g = 0; g < t->n_groups; g++)
            if (t->groups[g].m[m].n > full_n) full_n = t->groups[g].m[m].n;
    for (int m = 0; m < t->n_shown; m++) {
        int any = 0, cell_w = 0;
        for (int g = 0; g < t->n_groups; g++) {
            any |= t->groups[g].m[m].n > 0;
            cell_text(&t->groups[g].m[m], full_n, cells[0], 64);   /* the widest cell sets the width */
            if (text_width(cells[0]) > cell_w) cell_w = text_width(cells[0]);
        }
        for (int c = 0; c < n_cols; c++)
            if (text_width(cols[c]) > cell_w) cell_w = text_width(cols[c]);
        if (!any) continue;
        if (col_key >= 0)
            printf(md ? "\n**%s** by %s\n\n" : "\n%s by %s\n", t->metrics[m], t->keys[col_key]);
        else
            printf(md ? "\n**%s**\n\n" : "\n%s\n", t->metrics[m]);
        print_row(md, head, row_w, cols, n_cols, cell_w);
        if (md) {
            printf("|---|");
            for (int c = 0; c < n_cols; c++) printf("---:|");
            printf("\n");
        }
        for (int r = 0; r < n_rows; r++) {
            for (int c = 0; c < n_cols; c++) {
                const group *g = find_group(t, col_key, rows[r], cols[c]);
                const sample *s = g ? &g->m[m] : NULL;
                if (s) cell_text(s, full_n, cells[c], 64);
                else snprintf(cells[c], 64, "-");
                if (s && s->n) min_n = s->n < min_n ? s->n : min_n, max_n = s->n > max_n ? s->n : max_n;
            }
            print_row(md, rows[r], row_w, cells, n_cols, cell_w);
        }
    }
    if (max_n == min_n)
        printf("\nmean ± sample sd over %d record%s per cell (%s)\n", max_n, max_n == 1 ? "" : "s", over);
    else if (max_n)
        printf("\nmean ± sample sd over %d to %d records per cell (%s); (n=k): a cell of only k (the others "
               "failed or are missing)\n",
               min_n, max_n, over);
    for (int r = 0; r < n_rows; r++) free(rows[r]);
    for (int c = 0; c < n_cols; c++) free(cols[c]), free(cells[c]);
}

#define MAX_LINES 16

/* The --y metric against the column key: one line per row label, error
 * bars of one sd, the --reference metric's mean at each x dashed. */
static int plot_report(im_ctx *ctx, const table *t, int col_key, const report_args *a)
{
    const char *y = a->y ? a->y : a->n_metrics ? a->metrics[0] : "estimate";
    int ym = find_index((char *const *)t->metrics, t->n_metrics, y);
    int rm = a->reference ? find_index((char *const *)t->metrics, t->n_metrics, a->reference) : -1;
    if (col_key < 0) {
        fprintf(stderr, "infomin-report: --plot: no numeric swept key for the x axis%s%s\n", a->x ? ": --x " : "",
                a->x ? a->x : "");
        return 2;
    }
    int have_y = 0, have_ref = 0;   /* collected is not found: some record must carry it */
    for (int g = 0; g < t->n_groups; g++) {
        have_y |= ym >= 0 && t->groups[g].m[ym].n > 0;
        have_ref |= rm >= 0 && t->groups[g].m[rm].n > 0;
    }
    if (!have_y || (a->reference && !have_ref)) {
        fprintf(stderr, "infomin-report: --plot: no metric '%s' in the records\n", !have_y ? y : a->reference);
        return 2;
    }
    char *names[MAX_LINES + 1], label[512];
    int n_lines = 0, n = t->n_groups;
    double *buf = calloc((size_t)(MAX_LINES + 1) * 3 * (size_t)(n ? n : 1), sizeof *buf);
    im_series series[MAX_LINES + 1];
    if (!buf) return 1;
    for (int g = 0; g < n; g++) {
        row_label(t, &t->groups[g], col_key, label, sizeof label);
        int l = find_index(names, n_lines, label);
        if (l < 0 && n_lines == MAX_LINES) continue;
        if (l < 0) {
            l = n_lines++;
            names[l] = strdup(label);
            series[l] = (im_series){ .name = names[l], .x = buf + (size_t)l * 3 * n, .y = buf + (size_t)l * 3 * n + n,
                                     .y_err = buf + (size_t)l * 3 * n + 2 * n, .markers = 1 };
        }
        double mean, sd, *xs = (double *)series[l].x, *ys = (double *)series[l].y, *es = (double *)series[l].y_err;
        sample_stats(&t->groups[g].m[ym], &mean, &sd);
        int at = series[l].n;   /* insert in x order */
        double x = im_strtod(t->groups[g].values[col_key], NULL);
        while (at > 0 && xs[at - 1] > x) xs[at] = xs[at - 1], ys[at] = ys[at - 1], es[at] = es[at - 1], at--;
        xs[at] = x, ys[at] = mean, es[at] = sd;
        series[l].n++;
    }
    int n_series = n_lines;
    if (rm >= 0) {   /* the reference: its mean over every group at each x */
        double *xs = buf + (size_t)MAX_LINES * 3 * n, *ys = xs + n;
        int k = 0;
        for (int g = 0; g < n; g++) {
            double x = im_strtod(t->groups[g].values[col_key], NULL), mean, sd;
            sample_stats(&t->groups[g].m[rm], &mean, &sd);
            int seen = 0;
            for (int i = 0; i < k; i++) seen |= xs[i] == x;
            if (seen || !isfinite(mean)) continue;
            int at = k++;
            while (at > 0 && xs[at - 1] > x) xs[at] = xs[at - 1], ys[at] = ys[at - 1], at--;
            xs[at] = x, ys[at] = mean;
        }
        names[n_series] = strdup(a->reference_label ? a->reference_label : a->reference);
        series[n_series++] = (im_series){ .name = names[n_lines], .x = xs, .y = ys, .n = k, .dashed = 1 };
    }
    char y_label[256];
    if (a->y_label) snprintf(y_label, sizeof y_label, "%s", a->y_label);
    else if (*t->unit) snprintf(y_label, sizeof y_label, "%s (%s)", y, t->unit);
    else snprintf(y_label, sizeof y_label, "%s", y);
    char title[512];
    snprintf(title, sizeof title, "%s", a->title ? a->title : y);
    im_plot_spec spec = { .title = title, .x_label = a->x_label ? a->x_label : t->keys[col_key], .y_label = y_label };
    int rc = 0;
    if (im_plot_lines(ctx, a->plot, &spec, series, n_series)) {
        fprintf(stderr, "infomin-report: %s\n", ctx->err);
        rc = 1;
    } else {
        fprintf(stderr, "infomin-report: wrote %s\n", a->plot);
    }
    for (int l = 0; l < n_series; l++) free(names[l]);
    free(buf);
    return rc;
}

int main(int argc, char **argv)
{
    report_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    im_ctx ctx;
    im_ctx_init(&ctx);
    im_record **all = NULL;
    int n_all = 0;
    for (int f = 0; f < a.n_files; f++) {
        im_record **recs;
        int n;
        if (im_results_read(&ctx, a.files[f], &recs, &n)) {
            fprintf(stderr, "infomin-report: %s\n", ctx.err);
            rc = 1;
            break;
        }
        im_record **grown = realloc(all, sizeof *grown * (size_t)(n_all + n + 1));
        if (!grown) {
            rc = 1;
            break;
        }
        all = grown;
        memcpy(all + n_all, recs, sizeof *recs * (size_t)n);
        n_all += n;
        free(recs);
    }
    if (!rc && a.runs) {
        rc = report_runs(stdout, &a, all, n_all);
        for (int i = 0; i < n_all; i++) im_record_free(all[i]);
        free(all);
        return rc;
    }
    table t;
    memset(&t, 0, sizeof t);
    if (!rc && report_build(&t, &a, all, n_all)) {
        fprintf(stderr, "infomin-report: out of memory\n");
        rc = 1;
    }
    if (!rc && !t.n_groups) {
        fprintf(stderr, "infomin-report: no record finished ok (%d read)\n", n_all);
        rc = 1;
    }
    int col_key = rc ? -1 : column_key(&t, &a);
    if (!rc && a.x && col_key < 0) {
        fprintf(stderr, "infomin-report: --x %s: not a swept key of these records\n", a.x);
        rc = 2;
    }
    if (!rc) {
        if (t.skipped) fprintf(stderr, "infomin-report: %d record%s not ok, left out\n", t.skipped, t.skipped == 1 ? "" : "s");
        if (!strcmp(a.format, "csv"))
            print_csv(&t);
        else
            print_pivot(&t, col_key, !strcmp(a.format, "md"), a.over);
        if (a.plot) rc = plot_report(&ctx, &t, col_key, &a);
    }
    report_free(&t);
    for (int i = 0; i < n_all; i++) im_record_free(all[i]);
    free(all);
    return rc;
}
