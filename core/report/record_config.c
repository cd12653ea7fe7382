/* record_config.c — the configuration of a record, typed (since 0.6): a
 * notebook reading a results file gets numbers as numbers ("seed": 1, not
 * "1"; pandas then gives numeric columns), lists as lists; and the text
 * the core compares and groups by, from either form. */
#include <stdio.h>
#include <string.h>
#include "infomin/numtext.h"
#include "infomin/registry.h"
#include "record_config.h"
#include "../config/config_value.h"

/* The declaration of section.key: the section's plugin's, [NAME.PLUGIN]
 * read as [NAME]'s; NULL when the plugin or the key is not known. */
static const im_param_spec *spec_of(const im_config *cfg, const struct im_registry *reg, const char *section,
                                    const char *key)
{
    char base[256];
    const char *plugin;
    im_ctx quiet;
    im_ctx_init(&quiet);
    const char *name = im_section_refinement(section, base, sizeof base, &plugin) ? base : section;
    im_section sec;
    if (im_config_section(&quiet, cfg, reg, name, &sec) != IM_OK) return NULL;
    return im_section_spec(&sec, key);
}

static json_t *typed(const char *type, const char *text)
{
    int i, flag;
    double x;
    if (strcmp(type, "int") == 0 && im_parse_int(text, &i)) return json_integer(i);
    if (strcmp(type, "float") == 0 && im_parse_float(text, &x)) return json_real(x);
    if (strcmp(type, "bool") == 0 && im_parse_bool(text, &flag)) return json_boolean(flag);
    if (strcmp(type, "ints") == 0 || strcmp(type, "floats") == 0) {
        int ints[IM_LIST_MAX];
        double floats[IM_LIST_MAX];
        int is_int = type[0] == 'i', n = is_int ? im_parse_ints(text, ints, IM_LIST_MAX)
                                                : im_parse_floats(text, floats, IM_LIST_MAX);
        if (n < 0) return json_string(text);
        json_t *list = json_array();
        for (int k = 0; k < n; k++) json_array_append_new(list, is_int ? json_integer(ints[k]) : json_real(floats[k]));
        return list;
    }
    return json_string(text);
}

json_t *record_config_json(const im_config *cfg, const struct im_registry *reg)
{
    json_t *obj = json_object();
    for (int i = 0; i < cfg->count; i++) {
        const im_config_entry *e = &cfg->entries[i];
        json_t *sec = json_object_get(obj, e->section);
        if (!sec) {
            sec = json_object();
            json_object_set_new(obj, e->section, sec);
        }
        const im_param_spec *spec = reg && strcmp(e->key, "plugin") != 0 ? spec_of(cfg, reg, e->section, e->key) : NULL;
        json_object_set_new(sec, e->key, spec ? typed(spec->type, e->value) : json_string(e->value));
    }
    return obj;
}

/* One value as text; 0 for what a configuration never holds. */
static int append_text(const json_t *v, char *buf, size_t size)
{
    size_t used = strlen(buf);
    char item[64];
    if (json_is_string(v)) return snprintf(buf + used, size - used, "%s", json_string_value(v)) < (int)(size - used);
    if (json_is_integer(v)) snprintf(item, sizeof item, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v)) im_number_text(json_real_value(v), item, sizeof item);
    else if (json_is_boolean(v)) snprintf(item, sizeof item, "%s", json_is_true(v) ? "true" : "false");
    else return 0;
    return snprintf(buf + used, size - used, "%s", item) < (int)(size - used);
}

static int append_comma(char *buf, size_t size)
{
    size_t used = strlen(buf);
    if (used + 2 > size) return 0;
    memcpy(buf + used, ",", 2);
    return 1;
}

json_t *record_config_text(const json_t *config)
{
    json_t *out = json_object();
    const char *section, *key;
    json_t *keys, *v;
    json_object_foreach((json_t *)config, section, keys) {
        if (!json_is_object(keys)) continue;
        json_t *sec = json_object();
        json_object_set_new(out, section, sec);
        json_object_foreach(keys, key, v) {
            char text[4096] = "";
            int ok = 1;
            if (json_is_array(v))
                for (size_t k = 0; ok && k < json_array_size(v); k++)
                    ok = (k == 0 || append_comma(text, sizeof text)) && append_text(json_array_get(v, k), text, sizeof text);
            else
                ok = append_text(v, text, sizeof text);
            if (ok) json_object_set_new(sec, key, json_string(text));
        }
    }
    return out;
}
