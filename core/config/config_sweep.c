/* config_sweep.c — [sweep] expands into the Cartesian product of runs.
 *
 *     [sweep]
 *     estimator.plugin = mine, nwj        ; alternatives split on ','
 *     encoder.hidden   = 64,64; 256,256   ; or on ';' when present
 *     task.seed        = 1..5             ; integer ranges expand
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config_value.h"
#include "infomin/cfg.h"

#define SWEEP_MAX_AXES 16
#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_RUNS 10000

typedef struct {
    const im_config_entry *entry;
    char section[128], key[128];
    char *values[SWEEP_MAX_VALUES];
    int n;
} sweep_axis;

static void axis_free(sweep_axis *a)
{
    for (int i = 0; i < a->n; i++) free(a->values[i]);
    a->n = 0;
}

static im_status axis_push(im_ctx *ctx, sweep_axis *a, const char *text, size_t len, const char *where)
{
    while (len && (*text == ' ' || *text == '\t')) text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    if (!len) return im_fail(ctx, IM_ECONFIG, "%s: sweep.%s.%s: empty alternative", where, a->section, a->key);
    if (a->n == SWEEP_MAX_VALUES)
        return im_fail(ctx, IM_ECONFIG, "%s: sweep.%s.%s: more than %d values", where, a->section, a->key,
                       SWEEP_MAX_VALUES);
    char *v = malloc(len + 1);
    if (!v) return im_fail(ctx, IM_ENOMEM, "sweep: out of memory");
    memcpy(v, text, len);
    v[len] = '\0';
    a->values[a->n++] = v;
    return IM_OK;
}

/* "a..b" with integers expands; anything else is one alternative. */
static im_status axis_add(im_ctx *ctx, sweep_axis *a, const char *text, size_t len, const char *where)
{
    char buf[256];
    int lo, hi;
    if (len < sizeof buf) {
        memcpy(buf, text, len);
        buf[len] = '\0';
        char *dots = strstr(buf, "..");
        if (dots) {
            *dots = '\0';
            if (im_parse_int(buf, &lo) && im_parse_int(dots + 2, &hi) && lo <= hi) {
                for (long v = lo; v <= hi; v++) {
                    char num[32];
                    snprintf(num, sizeof num, "%ld", v);
                    im_status st = axis_push(ctx, a, num, strlen(num), where);
                    if (st) return st;
                }
                return IM_OK;
            }
        }
    }
    return axis_push(ctx, a, text, len, where);
}

static im_status axis_parse(im_ctx *ctx, sweep_axis *a, const im_config_entry *e)
{
    char where[512];
    im_config_where(e, where, sizeof where);
    a->entry = e;
    const char *dot = strrchr(e->key, '.');
    if (!dot || dot == e->key || !dot[1] || (size_t)(dot - e->key) >= sizeof a->section || strlen(dot + 1) >= sizeof a->key)
        return im_fail(ctx, IM_ECONFIG, "%s: sweep.%s: keys of [sweep] are section.key", where, e->key);
    memcpy(a->section, e->key, (size_t)(dot - e->key));
    a->section[dot - e->key] = '\0';
    snprintf(a->key, sizeof a->key, "%s", dot + 1);
    char sep = strchr(e->value, ';') ? ';' : ',';
    for (const char *s = e->value;;) {
        const char *end = strchr(s, sep);
        size_t len = end ? (size_t)(end - s) : strlen(s);
        im_status st = axis_add(ctx, a, s, len, where);
        if (st) return st;
        if (!end) break;
        s = end + 1;
    }
    return IM_OK;
}

void im_config_free_all(im_config *configs, int n)
{
    for (int i = 0; i < n; i++) im_config_free(&configs[i]);
    free(configs);
}

static im_status make_run(im_ctx *ctx, const im_config *base, sweep_axis *axes, int n_axes, long index,
                          im_config *run)
{
    im_status st = im_config_clone(ctx, base, run);
    if (st) return st;
    /* drop the sweep section from the run's config */
    int w = 0;
    for (int i = 0; i < run->count; i++) {
        if (strcmp(run->entries[i].section, "sweep") == 0) {
            free(run->entries[i].section);
            free(run->entries[i].key);
            free(run->entries[i].value);
            free(run->entries[i].origin);
        } else {
            run->entries[w++] = run->entries[i];
        }
    }
    run->count = w;
    char label[1024] = "";
    size_t used = 0;
    for (int a = n_axes - 1; a >= 0; a--) {   /* last axis varies fastest */
        int pick = (int)(index % axes[a].n);
        index /= axes[a].n;
        const char *value = axes[a].values[pick];
        st = im_config_put(ctx, run, axes[a].section, axes[a].key, value, axes[a].entry->origin, axes[a].entry->line);
        if (st) return st;
    }
    for (int a = 0; a < n_axes; a++) {
        const im_config_entry *e = im_config_find(run, axes[a].section, axes[a].key);
        int k = snprintf(label + used, sizeof label - used, "%s%s.%s=%s", used ? " " : "", axes[a].section,
                         axes[a].key, e->value);
        if (k > 0 && used + (size_t)k < sizeof label) used += (size_t)k;
    }
    if (n_axes) {
        run->sweep_label = malloc(used + 1);
        if (!run->sweep_label) return im_fail(ctx, IM_ENOMEM, "sweep: out of memory");
        memcpy(run->sweep_label, label, used + 1);
    }
    return IM_OK;
}

im_status im_config_expand_sweep(im_ctx *ctx, const im_config *cfg, im_config **out, int *n)
{
    sweep_axis axes[SWEEP_MAX_AXES];
    int n_axes = 0;
    im_status st = IM_OK;
    long total = 1;
    *out = NULL;
    *n = 0;
    for (int i = 0; i < cfg->count && !st; i++) {
        const im_config_entry *e = &cfg->entries[i];
        if (strcmp(e->section, "sweep") != 0) continue;
        if (n_axes == SWEEP_MAX_AXES) {
            st = im_fail(ctx, IM_ECONFIG, "%s:%d: [sweep]: more than %d swept keys", e->origin, e->line, SWEEP_MAX_AXES);
            break;
        }
        memset(&axes[n_axes], 0, sizeof axes[n_axes]);
        st = axis_parse(ctx, &axes[n_axes], e);
        n_axes++;
        if (!st) total *= axes[n_axes - 1].n;
        if (!st && total > SWEEP_MAX_RUNS)
            st = im_fail(ctx, IM_ECONFIG, "%s:%d: [sweep]: more than %d runs", e->origin, e->line, SWEEP_MAX_RUNS);
    }
    im_config *runs = NULL;
    if (!st) {
        runs = calloc((size_t)total, sizeof *runs);
        if (!runs) st = im_fail(ctx, IM_ENOMEM, "sweep: out of memory");
    }
    long made = 0;
    for (; !st && made < total; made++) st = make_run(ctx, cfg, axes, n_axes, made, &runs[made]);
    for (int a = 0; a < n_axes; a++) axis_free(&axes[a]);
    if (st) {
        if (runs) im_config_free_all(runs, (int)made);
        return st;
    }
    *out = runs;
    *n = (int)total;
    return IM_OK;
}
