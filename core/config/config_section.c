/* config_section.c — binding sections to plugins, validation against their
 * specs, and the typed getters plugins read their keys through. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config_value.h"
#include "infomin/cfg.h"
#include "infomin/registry.h"
#include "infomin/task.h"

const im_param_spec im_task_common_params[] = {
    { "seed", "int", "1", "seed of the run's random generator", NULL },
    { "output", "string", "", "JSONL results file (default: results/<ini name>.jsonl)", NULL },
    { "stream_curves", "bool", "false", "since 0.6: each training curve also to <output>-curve-<name>.csv, a line "
      "per point as the run goes (to plot a long run while it trains)", NULL },
    { NULL, NULL, NULL, NULL, NULL }
};

int im_section_kind(const char *section)
{
    if (strchr(section, '.')) return -1;   /* a per-plugin section, not a plugin's */
    size_t n = strcspn(section, ":");
    for (int k = 0; k < IM_KIND_COUNT; k++) {
        const char *name = im_kind_name((im_kind)k);
        if (strlen(name) == n && strncmp(section, name, n) == 0 && (section[n] == '\0' || section[n + 1] != '\0'))
            return k;
    }
    return -1;
}

static const im_param_spec *spec_in(const im_param_spec *table, const char *key)
{
    for (const im_param_spec *p = table; p && p->key; p++)
        if (strcmp(p->key, key) == 0) return p;
    return NULL;
}

const im_param_spec *im_section_spec(const im_section *sec, const char *key)
{
    const im_param_spec *p = spec_in(sec->plugin->params, key);
    if (!p && sec->kind == IM_TASK) p = spec_in(im_task_common_params, key);
    return p;
}

static void suggest(const im_section *sec, const char *key, char *buf, size_t size)
{
    const char *best = NULL;
    int best_d = 3;   /* suggest only close matches */
    if (im_name_distance(key, "plugin") < best_d) best_d = im_name_distance(key, "plugin"), best = "plugin";
    const im_param_spec *tables[2] = { sec->plugin->params, sec->kind == IM_TASK ? im_task_common_params : NULL };
    for (int t = 0; t < 2; t++)
        for (const im_param_spec *p = tables[t]; p && p->key; p++) {
            int d = im_name_distance(key, p->key);
            if (d < best_d) best_d = d, best = p->key;
        }
    if (best)
        snprintf(buf, size, "; did you mean '%s'?", best);
    else
        snprintf(buf, size, "; see infomin-run --describe %s", sec->plugin->name);
}

static const im_config_entry *first_entry_of(const im_config *cfg, const char *section)
{
    for (int i = 0; i < cfg->count; i++)
        if (strcmp(cfg->entries[i].section, section) == 0) return &cfg->entries[i];
    return NULL;
}

int im_section_refinement(const char *section, char *base, size_t size, const char **plugin)
{
    const char *dot = strrchr(section, '.');
    if (!dot || dot == section || !dot[1] || (size_t)(dot - section) >= size) return 0;
    memcpy(base, section, (size_t)(dot - section));
    base[dot - section] = '\0';
    if (im_section_kind(base) < 0) return 0;
    *plugin = dot + 1;
    return 1;
}

/* The entry of key for a bound section: [NAME.PLUGIN] before [NAME]. */
const im_config_entry *im_section_entry(const im_section *sec, const char *key)
{
    char refined[256];
    snprintf(refined, sizeof refined, "%s.%s", sec->name, sec->plugin->name);
    const im_config_entry *e = im_config_find(sec->cfg, refined, key);
    return e ? e : im_config_find(sec->cfg, sec->name, key);
}

im_status im_config_section(im_ctx *ctx, const im_config *cfg, const im_registry *reg, const char *name,
                            im_section *out)
{
    char where[512];
    memset(out, 0, sizeof *out);
    int kind = im_section_kind(name);
    if (kind < 0) return im_fail(ctx, IM_ECONFIG, "%s: [%s] is not a plugin section", cfg->path, name);
    const im_config_entry *any = first_entry_of(cfg, name);
    if (!any) {
        /* a section of the file spelt nearly so: the likely typo, named */
        const char *close = NULL;
        int best = 3;
        for (int i = 0; i < cfg->count; i++) {
            int d = im_name_distance(name, cfg->entries[i].section);
            if (d < best) best = d, close = cfg->entries[i].section;
        }
        if (close)
            return im_fail(ctx, IM_ECONFIG, "%s: missing section [%s]; the file has [%s]: a misspelling?", cfg->path,
                           name, close);
        return im_fail(ctx, IM_ECONFIG, "%s: missing section [%s]", cfg->path, name);
    }
    const im_config_entry *pe = im_config_find(cfg, name, "plugin");
    if (!pe)
        return im_fail(ctx, IM_ECONFIG, "%s: [%s]: no 'plugin = NAME' line", im_config_where(any, where, sizeof where),
                       name);
    const im_plugin *plugin = im_registry_find(reg, (im_kind)kind, pe->value);
    if (!plugin) {
        im_registry_not_found(ctx, reg, (im_kind)kind, pe->value);
        return im_fail_prefix(ctx, "%s: %s.plugin", im_config_where(pe, where, sizeof where), name);
    }
    out->cfg = cfg;
    out->name = pe->section;
    out->kind = (im_kind)kind;
    out->plugin = plugin;
    return IM_OK;
}

/* A key of [NAME] the selected plugin does not take: accepted (and ignored
 * in this run) when another plugin of the kind takes it with this value, so
 * one file swaps between plugins in one line and a typo is still caught. */
static const im_param_spec *other_spec(const im_registry *reg, im_kind kind, const char *key, const char *value)
{
    const im_param_spec *found = NULL;
    char reason[512];
    for (int i = 0; i < im_registry_count(reg); i++) {
        const char *origin;
        const im_plugin *p = im_registry_get(reg, i, &origin);
        if (p->kind != kind) continue;
        const im_param_spec *spec = spec_in(p->params, key);
        if (spec && !im_check_value(spec, value, reason, sizeof reason)) return spec;
        if (spec && !found) found = spec;
    }
    return found;
}

static im_status check_entry(im_ctx *ctx, const im_section *sec, const im_config_entry *e, const im_registry *reg,
                             int refined)
{
    char where[512], reason[512], hint[128];
    if (strcmp(e->key, "plugin") == 0)
        return refined ? im_fail(ctx, IM_ECONFIG, "%s: %s.plugin: the plugin is chosen in [%s], not in its own section",
                                 im_config_where(e, where, sizeof where), e->section, sec->name)
                       : IM_OK;
    const im_param_spec *spec = im_section_spec(sec, e->key);
    if (!spec && !refined) {
        const im_param_spec *other = other_spec(reg, sec->kind, e->key, e->value);
        if (other && !im_check_value(other, e->value, reason, sizeof reason)) return IM_OK;   /* ignored here */
        if (other)
            return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: %s", im_config_where(e, where, sizeof where), e->section,
                           e->key, reason);
    }
    if (!spec) {
        suggest(sec, e->key, hint, sizeof hint);
        return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: unknown key for %s '%s'%s%s%s", im_config_where(e, where, sizeof where),
                       e->section, e->key, im_kind_name(sec->kind), sec->plugin->name,
                       refined ? "" : " or any other ", refined ? "" : im_kind_name(sec->kind), hint);
    }
    if (im_check_value(spec, e->value, reason, sizeof reason))
        return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: %s", im_config_where(e, where, sizeof where), e->section, e->key,
                       reason);
    return IM_OK;
}

static im_status validate_section(im_ctx *ctx, const im_config *cfg, const im_registry *reg, const char *name)
{
    im_section sec;
    im_status st = im_config_section(ctx, cfg, reg, name, &sec);
    for (int i = 0; !st && i < cfg->count; i++)
        if (strcmp(cfg->entries[i].section, name) == 0) st = check_entry(ctx, &sec, &cfg->entries[i], reg, 0);
    /* every key is well-formed: now the plugin's rules across keys */
    if (!st && sec.plugin->validate) st = sec.plugin->validate(ctx, &sec);
    return st;
}

/* [NAME.PLUGIN]: checked against PLUGIN's keys whether or not [NAME] selects
 * it in this run, so a typo in a swept-out plugin's keys is found too. */
static im_status validate_refinement(im_ctx *ctx, const im_config *cfg, const im_registry *reg,
                                     const im_config_entry *first, const char *base, const char *plugin_name)
{
    char where[512];
    im_kind kind = (im_kind)im_section_kind(base);
    im_config_where(first, where, sizeof where);
    if (!im_config_has_section(cfg, base))
        return im_fail(ctx, IM_ECONFIG, "%s: [%s] refines [%s], which is missing", where, first->section, base);
    const im_plugin *plugin = im_registry_find(reg, kind, plugin_name);
    if (!plugin) {
        im_registry_not_found(ctx, reg, kind, plugin_name);
        return im_fail_prefix(ctx, "%s: [%s]", where, first->section);
    }
    im_section sec = { cfg, base, kind, plugin };
    for (int i = 0; i < cfg->count; i++)
        if (strcmp(cfg->entries[i].section, first->section) == 0) {
            im_status st = check_entry(ctx, &sec, &cfg->entries[i], reg, 1);
            if (st) return st;
        }
    return IM_OK;
}

im_status im_config_validate_section(im_ctx *ctx, const im_config *cfg, const im_registry *reg, const char *name)
{
    char base[256];
    const char *plugin_name;
    im_status st = validate_section(ctx, cfg, reg, name);
    for (int i = 0; !st && i < cfg->count; i++) {
        const char *s = cfg->entries[i].section;
        if (first_entry_of(cfg, s) == &cfg->entries[i] && im_section_refinement(s, base, sizeof base, &plugin_name) &&
            strcmp(base, name) == 0)
            st = validate_refinement(ctx, cfg, reg, &cfg->entries[i], base, plugin_name);
    }
    return st;
}

/* The name of names[0..n) nearest to `name` within 2 edits (n < 0: up to
 * a NULL), or NULL: what "did you mean" offers. */
static const char *nearest_name(const char *name, const char *const *names, int n)
{
    const char *near = NULL;
    int best = 3;
    for (int i = 0; n < 0 ? names[i] != NULL : i < n; i++) {
        int d = im_name_distance(name, names[i]);
        if (d < best) best = d, near = names[i];
    }
    return near;
}

/* A labelled section the task does not read is a typo or a leftover: with
 * the task's list declared, refuse it, naming the nearest it reads. */
static im_status check_labelled(im_ctx *ctx, const im_config *cfg, const im_registry *reg)
{
    char where[512];
    const im_config_entry *pe = im_config_find(cfg, "task", "plugin");
    const im_plugin *task = pe ? im_registry_find(reg, IM_TASK, pe->value) : NULL;
    const im_task_vt *vt = task ? task->vtable : NULL;
    if (!vt || !vt->labelled_sections) return IM_OK;
    for (int i = 0; i < cfg->count; i++) {
        const char *name = cfg->entries[i].section;
        if (first_entry_of(cfg, name) != &cfg->entries[i] || !strchr(name, ':') || strchr(name, '.') ||
            im_section_kind(name) < 0)
            continue;
        int known = 0;
        for (const char *const *l = vt->labelled_sections; *l && !known; l++) known = strcmp(*l, name) == 0;
        if (known) continue;
        const char *near = nearest_name(name, vt->labelled_sections, -1);
        char reads[512] = "";
        for (const char *const *l = vt->labelled_sections; *l; l++)
            snprintf(reads + strlen(reads), sizeof reads - strlen(reads), "%s[%s]", *reads ? ", " : "", *l);
        if (near)
            return im_fail(ctx, IM_ECONFIG, "%s: [%s]: task '%s' reads no such section; did you mean [%s]?",
                           im_config_where(&cfg->entries[i], where, sizeof where), name, task->name, near);
        return im_fail(ctx, IM_ECONFIG, "%s: [%s]: task '%s' reads no such section (%s%s)",
                       im_config_where(&cfg->entries[i], where, sizeof where), name, task->name,
                       *reads ? "it reads " : "it reads no labelled section", reads);
    }
    return IM_OK;
}

im_status im_config_validate(im_ctx *ctx, const im_config *cfg, const im_registry *reg)
{
    char where[512], base[256];
    const char *plugin_name;
    if (!im_config_has_section(cfg, "task"))
        return im_fail(ctx, IM_ECONFIG, "%s: missing section [task] (it names the application: plugin = NAME)",
                       cfg->path);
    for (int i = 0; i < cfg->count; i++) {
        const char *name = cfg->entries[i].section;
        if (first_entry_of(cfg, name) != &cfg->entries[i]) continue;   /* each section once */
        if (strcmp(name, "sweep") == 0) continue;
        im_status st;
        if (im_section_refinement(name, base, sizeof base, &plugin_name))
            st = validate_refinement(ctx, cfg, reg, &cfg->entries[i], base, plugin_name);
        else if (im_section_kind(name) < 0)
            return im_fail(ctx, IM_ECONFIG,
                           "%s: [%s]: unknown section (expected task, dataset, encoder, estimator, KIND:LABEL, "
                           "KIND.PLUGIN or sweep)",
                           im_config_where(&cfg->entries[i], where, sizeof where), name);
        else
            st = validate_section(ctx, cfg, reg, name);
        if (st) return st;
    }
    return check_labelled(ctx, cfg, reg);
}

im_status im_section_fail(im_ctx *ctx, const im_section *sec, const char *key, const char *fmt, ...)
{
    char where[512], reason[768];
    const im_config_entry *e = im_section_entry(sec, key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: %s", e ? im_config_where(e, where, sizeof where) : sec->cfg->path,
                   sec->name, key, reason);
}

/* ---- getters ---- */

int im_section_has(const im_section *sec, const char *key)
{
    return im_section_spec(sec, key) && im_section_entry(sec, key);
}

/* The text of key (INI value or default) and where it came from. */
static im_status raw_value(im_ctx *ctx, const im_section *sec, const char *key, const char *type,
                           const char **value, char *where, int size)
{
    const im_param_spec *spec = im_section_spec(sec, key);
    if (!spec)
        return im_fail(ctx, IM_EINVAL, "%s '%s' reads key '%s' it does not declare", im_kind_name(sec->kind),
                       sec->plugin->name, key);
    if (strcmp(spec->type, type) != 0)
        return im_fail(ctx, IM_EINVAL, "%s '%s' reads %s key '%s' as %s", im_kind_name(sec->kind), sec->plugin->name,
                       spec->type, key, type);
    const im_config_entry *e = im_section_entry(sec, key);
    if (e) {
        *value = e->value;
        im_config_where(e, where, size);
    } else if (spec->default_value) {
        *value = spec->default_value;
        snprintf(where, (size_t)size, "default of %s '%s'", im_kind_name(sec->kind), sec->plugin->name);
    } else {
        return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: required (no default)", sec->cfg->path, sec->name, key);
    }
    /* values from the INI were validated already; this catches bad defaults
     * and direct callers that skipped im_config_validate */
    char reason[512];
    if (im_check_value(spec, *value, reason, sizeof reason))
        return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: %s", where, sec->name, key, reason);
    return IM_OK;
}

/* The validated text of a key: parsing it as its type cannot fail. */
static im_status text_of(im_ctx *ctx, const im_section *sec, const char *key, const char *type, const char **v)
{
    char where[512];
    return raw_value(ctx, sec, key, type, v, where, sizeof where);
}

im_status im_section_int(im_ctx *ctx, const im_section *sec, const char *key, int *out)
{
    const char *v;
    im_status st = text_of(ctx, sec, key, "int", &v);
    return st ? st : (im_parse_int(v, out), IM_OK);
}

im_status im_section_float(im_ctx *ctx, const im_section *sec, const char *key, double *out)
{
    const char *v;
    im_status st = text_of(ctx, sec, key, "float", &v);
    return st ? st : (im_parse_float(v, out), IM_OK);
}

im_status im_section_bool(im_ctx *ctx, const im_section *sec, const char *key, int *out)
{
    const char *v;
    im_status st = text_of(ctx, sec, key, "bool", &v);
    return st ? st : (im_parse_bool(v, out), IM_OK);
}

im_status im_section_string(im_ctx *ctx, const im_section *sec, const char *key, const char **out)
{
    return text_of(ctx, sec, key, "string", out);
}

/* ints (out is int *) or floats (double *): at most cap items. */
static im_status list_value(im_ctx *ctx, const im_section *sec, const char *key, int ints, void *out, int cap, int *n)
{
    const char *v;
    char where[512];
    im_status st = raw_value(ctx, sec, key, ints ? "ints" : "floats", &v, where, sizeof where);
    if (st) return st;
    *n = ints ? im_parse_ints(v, out, cap) : im_parse_floats(v, out, cap);
    if (*n < 0) return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: more than %d items", where, sec->name, key, cap);
    return IM_OK;
}

im_status im_section_ints(im_ctx *ctx, const im_section *sec, const char *key, int *out, int cap, int *n)
{
    return list_value(ctx, sec, key, 1, out, cap, n);
}

im_status im_section_floats(im_ctx *ctx, const im_section *sec, const char *key, double *out, int cap, int *n)
{
    return list_value(ctx, sec, key, 0, out, cap, n);
}

/* The place of header name `name` in names[0..n), or -1. */
static int header_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

/* -1 with the reason failed on sec.key when `name` is not in the header. */
static int find_column(im_ctx *ctx, const im_section *sec, const char *key, const char *const *names, int n_names,
                       const char *name)
{
    if (!names) {
        im_section_fail(ctx, sec, key, "'%s' is a column name, but the file has no header line (header = false): "
                        "give 0-based indices", name);
        return -1;
    }
    int at = header_index(names, n_names, name);
    if (at >= 0) return at;
    const char *near = nearest_name(name, names, n_names);
    if (near)
        im_section_fail(ctx, sec, key, "no column named '%s' in the header; did you mean '%s'?", name, near);
    else if (!n_names)
        im_section_fail(ctx, sec, key, "no column named '%s': the file's header line is empty", name);
    else
        im_section_fail(ctx, sec, key, "no column named '%s' in the header (%d columns: '%s' ... '%s')", name, n_names,
                        n_names ? names[0] : "", n_names ? names[n_names - 1] : "");
    return -1;
}

im_status im_section_columns(im_ctx *ctx, const im_section *sec, const char *key, const char *const *names,
                             int n_names, int *out, int cap, int *n)
{
    const char *v;
    char where[512];
    im_status st = raw_value(ctx, sec, key, "columns", &v, where, sizeof where);
    if (st) return st;
    char canonical[1024];
    im_canonical_value("columns", v, canonical, sizeof canonical);   /* validated: it parses */
    *n = 0;
    for (const char *p = canonical;;) {
        const char *comma = strchr(p, ',');
        char item[128];
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        memcpy(item, p, len);
        item[len] = '\0';
        int lo, hi;
        if (item[0] >= '0' && item[0] <= '9') {
            int k = im_parse_ints(item, out + *n, cap - *n);
            if (k < 0) return im_section_fail(ctx, sec, key, "more than %d columns", cap);
            *n += k;
        } else {
            char *dots = strstr(item, "..");
            if (dots) *dots = '\0';
            if ((lo = find_column(ctx, sec, key, names, n_names, item)) < 0) return ctx->status;
            hi = dots ? find_column(ctx, sec, key, names, n_names, dots + 2) : lo;
            if (hi < 0) return ctx->status;
            if (hi < lo)
                return im_section_fail(ctx, sec, key, "'%s..%s' runs backwards: '%s' is column %d, '%s' column %d",
                                       item, dots + 2, item, lo, dots + 2, hi);
            for (int c = lo; c <= hi; c++) {
                if (*n == cap) return im_section_fail(ctx, sec, key, "more than %d columns", cap);
                out[(*n)++] = c;
            }
        }
        if (!comma) break;
        p = comma + 1;
    }
    return IM_OK;
}

/* The folder of the INI file a relative path written in it is relative to
 * (since 0.6): its length in cfg->path, 0 when the value is not the file's
 * (--set, a default) or the file has no folder part. */
static size_t ini_folder(const im_section *sec, const char *key, const char *expanded)
{
    const im_config_entry *e = im_section_entry(sec, key);
    if (expanded[0] == '/' || !e || !e->origin || strcmp(e->origin, "--set") == 0) return 0;
    const char *slash = strrchr(sec->cfg->path, '/');
    return slash ? (size_t)(slash - sec->cfg->path) + 1 : 0;
}

im_status im_section_path(im_ctx *ctx, const im_section *sec, const char *key, char *buf, size_t size)
{
    const char *v;
    im_status st = im_section_string(ctx, sec, key, &v);
    if (st) return st;
    size_t used = 0;
    for (const char *p = v; *p;) {
        const char *piece = p;
        size_t len = 1;
        char name[128];
        if (p[0] == '$' && p[1] == '{' && strchr(p, '}')) {
            size_t n = (size_t)(strchr(p, '}') - p - 2);
            if (n >= sizeof name) n = sizeof name - 1;
            memcpy(name, p + 2, n);
            name[n] = '\0';
            piece = getenv(name);
            if (!piece)
                return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: environment variable %s is not set (in '%s')", sec->cfg->path,
                               sec->name, key, name, v);
            len = strlen(piece);
            p = strchr(p, '}') + 1;
        } else {
            p++;
        }
        if (used + len >= size) return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: path too long", sec->cfg->path, sec->name, key);
        memcpy(buf + used, piece, len);
        used += len;
    }
    buf[used] = '\0';
    size_t folder = ini_folder(sec, key, buf);
    if (folder) {   /* "mine.csv" in data/own.ini is data/mine.csv from any working directory */
        if (folder + used >= size)
            return im_fail(ctx, IM_ECONFIG, "%s: %s.%s: path too long", sec->cfg->path, sec->name, key);
        memmove(buf + folder, buf, used + 1);
        memcpy(buf, sec->cfg->path, folder);
    }
    return IM_OK;
}
