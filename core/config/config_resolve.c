/* config_resolve.c — the configuration a run computes with, and its hash.
 *
 * Two files can say the same thing differently: a key at its default or
 * absent, a key in [estimator] or in [estimator.mine], the keys of plugins
 * the run does not select. The resolved configuration is the one spelling
 * of it: every section's plugin and the effective value of every key that
 * plugin takes (the INI's, else the default), nothing else. Cells of a
 * sweep with equal resolved configurations compute the same thing; the hash
 * of it (with the code version) is how --resume matches records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config_value.h"
#include "infomin/cfg.h"
#include "infomin/fields.h"
#include "infomin/registry.h"

static im_status put_keys(im_ctx *ctx, const im_section *sec, const im_param_spec *table, im_config *out)
{
    for (const im_param_spec *p = table; p && p->key; p++) {
        /* where results go changes no number */
        if (table == im_task_common_params && (!strcmp(p->key, "output") || !strcmp(p->key, "stream_curves"))) continue;
        const im_config_entry *e = im_section_entry(sec, p->key);
        const char *value = e ? e->value : p->default_value;
        /* one spelling of a number: 5e-4 and 0.0005 are one cell (since 0.6) */
        char canonical[1024];
        if (value && im_canonical_value(p->type, value, canonical, sizeof canonical)) value = canonical;
        /* nor do the keys the plugin's field table says so of (fields.h) */
        if (!value || !im_field_hashed(sec->plugin->fields, p->key, value)) continue;
        im_status st = im_config_put(ctx, out, sec->name, p->key, value, e ? e->origin : "default", e ? e->line : 0);
        if (st) return st;
    }
    return IM_OK;
}

static int takes(const im_section *sec, const char *key)
{
    for (const im_param_spec *p = sec->plugin->params; p && p->key; p++)
        if (!strcmp(p->key, key)) return 1;
    for (const im_param_spec *p = im_task_common_params; sec->kind == IM_TASK && p->key; p++)
        if (!strcmp(p->key, key)) return 1;
    return 0;
}

/* "estimator.negatives, estimator.lr (not keys of estimator 'ksg')": the
 * keys of [NAME] the selected plugin does not take, appended to buf. */
static void note_ignored(const im_section *sec, char *buf, size_t size)
{
    size_t used = strlen(buf), start = used;
    for (int i = 0; i < sec->cfg->count; i++) {
        const im_config_entry *e = &sec->cfg->entries[i];
        if (strcmp(e->section, sec->name) != 0 || strcmp(e->key, "plugin") == 0 || takes(sec, e->key)) continue;
        int k = snprintf(buf + used, size - used, "%s%s.%s", used ? ", " : "", e->section, e->key);
        if (k > 0 && used + (size_t)k < size) used += (size_t)k;
    }
    if (used > start) snprintf(buf + used, size - used, " (not keys of %s '%s')", im_kind_name(sec->kind), sec->plugin->name);
}

/* "estimator.steps=20 from --set is shadowed by [estimator.infonce] steps =
 * 2000 (--set estimator.infonce.steps=... changes it)": a --set key of
 * [NAME] that the selected plugin's own [NAME.PLUGIN] also sets, which
 * wins (since 0.6; a --set that changed nothing was silent). */
static void note_shadowed(const im_section *sec, char *buf, size_t size)
{
    char refined[256];
    snprintf(refined, sizeof refined, "%s.%s", sec->name, sec->plugin->name);
    for (int i = 0; i < sec->cfg->count; i++) {
        const im_config_entry *e = &sec->cfg->entries[i];
        if (strcmp(e->section, sec->name) != 0 || !e->origin || strcmp(e->origin, "--set") != 0) continue;
        const im_config_entry *own = im_config_find(sec->cfg, refined, e->key);
        if (!own || !takes(sec, e->key)) continue;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used,
                 "%s%s.%s=%s from --set (shadowed by [%s] %s = %s: --set %s.%s=... changes it)", used ? "; " : "",
                 e->section, e->key, e->value, refined, own->key, own->value, refined, own->key);
    }
}

im_status im_config_resolve(im_ctx *ctx, const im_config *cfg, const im_registry *reg, im_config *out,
                            char *ignored, size_t size)
{
    memset(out, 0, sizeof *out);
    if (ignored && size) ignored[0] = '\0';
    im_status st = IM_OK;
    out->path = strdup(cfg->path ? cfg->path : "");
    if (!out->path) return im_fail(ctx, IM_ENOMEM, "config: out of memory");
    for (int i = 0; i < cfg->count && !st; i++) {
        const char *name = cfg->entries[i].section;
        if (im_section_kind(name) < 0 || im_config_find(out, name, "plugin")) continue;
        im_section sec;
        st = im_config_section(ctx, cfg, reg, name, &sec);
        if (!st) st = im_config_put(ctx, out, name, "plugin", sec.plugin->name, "resolved", 0);
        if (!st) st = put_keys(ctx, &sec, sec.plugin->params, out);
        if (!st && sec.kind == IM_TASK) st = put_keys(ctx, &sec, im_task_common_params, out);
        if (!st && ignored) note_ignored(&sec, ignored, size);
        if (!st && ignored) note_shadowed(&sec, ignored, size);
    }
    if (st) im_config_free(out);
    return st;
}

/* Drops the entries of section `name` (every key when key is NULL). */
static void drop_entries(im_config *cfg, const char *name, const char *key)
{
    int w = 0;
    for (int i = 0; i < cfg->count; i++) {
        im_config_entry *e = &cfg->entries[i];
        if (strcmp(e->section, name) == 0 && (!key || strcmp(e->key, key) == 0)) {
            free(e->section);
            free(e->key);
            free(e->value);
            free(e->origin);
        } else {
            cfg->entries[w++] = *e;
        }
    }
    cfg->count = w;
}

void im_config_drop_section(im_config *cfg, const char *name) { drop_entries(cfg, name, NULL); }

void im_config_drop_key(im_config *cfg, const char *section, const char *key) { drop_entries(cfg, section, key); }

static int by_section_key(const void *a, const void *b)
{
    const im_config_entry *x = *(const im_config_entry *const *)a, *y = *(const im_config_entry *const *)b;
    int c = strcmp(x->section, y->section);
    return c ? c : strcmp(x->key, y->key);
}

static uint64_t fnv1a(uint64_t h, const char *s, int with_nul)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return with_nul ? h * 0x100000001b3ull : h;   /* the NUL separates fields */
}

uint64_t im_config_hash(const im_config *cfg, const char *salt)
{
    const im_config_entry **sorted = malloc(sizeof *sorted * (size_t)(cfg->count ? cfg->count : 1));
    uint64_t h = 0xcbf29ce484222325ull;
    if (!sorted) return 0;   /* 0 matches no record: a run is redone, never wrongly skipped */
    for (int i = 0; i < cfg->count; i++) sorted[i] = &cfg->entries[i];
    qsort(sorted, (size_t)cfg->count, sizeof *sorted, by_section_key);
    for (int i = 0; i < cfg->count; i++) {
        h = fnv1a(h, sorted[i]->section, 1);
        h = fnv1a(h, sorted[i]->key, 1);
        h = fnv1a(h, sorted[i]->value, 1);
    }
    free(sorted);
    h = fnv1a(h, salt ? salt : "", 1);
    return h ? h : 1;
}
