/* fields.c — a settings struct from a field table (fields.h): each field's
 * key read by its declared type into the member at its offset. The
 * registry makes the plugin's key table from the same fields. */
#include <stdlib.h>
#include <string.h>
#include "config_value.h"
#include "infomin/cfg.h"
#include "infomin/fields.h"
#include "infomin/numtext.h"

const im_field *im_field_find(const im_field *fields, const char *key)
{
    for (const im_field *f = fields; f && f->spec.key; f++)
        if (strcmp(f->spec.key, key) == 0) return f;
    return NULL;
}

/* The index of value among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *value)
{
    size_t n = strlen(value);
    for (int i = 0; *choices; i++) {
        size_t len = strcspn(choices, "|");
        if (len == n && strncmp(choices, value, n) == 0) return i;
        choices += len + (choices[len] == '|');
    }
    return -1;
}

static im_status wrong_size(im_ctx *ctx, const im_section *sec, const im_field *f, const char *type, size_t want)
{
    return im_fail(ctx, IM_EINVAL, "%s '%s': field '%s' is %zu bytes, but a %s key is read into %zu",
                   im_kind_name(sec->kind), sec->plugin->name, f->spec.key, f->size, type, want);
}

/* The size checks catch a table written without the IM_INT... macros,
 * which check the member's type when the table is compiled. */
static im_status read_field(im_ctx *ctx, const im_section *sec, const im_field *f, char *out)
{
    const char *key = f->spec.key, *type = f->spec.type;
    void *at = out + f->offset;
    int is_list = !strcmp(type, "ints") || !strcmp(type, "floats");
    if (is_list != (f->cap > 0))
        return im_fail(ctx, IM_EINVAL, "%s '%s': field '%s' is %sa list, key type %s", im_kind_name(sec->kind),
                       sec->plugin->name, key, f->cap ? "" : "not ", type);
    if (!strcmp(type, "int") || !strcmp(type, "bool")) {
        if (f->size != sizeof(int)) return wrong_size(ctx, sec, f, type, sizeof(int));
        return type[0] == 'i' ? im_section_int(ctx, sec, key, at) : im_section_bool(ctx, sec, key, at);
    }
    if (!strcmp(type, "float")) {
        if (f->size != sizeof(double)) return wrong_size(ctx, sec, f, type, sizeof(double));
        return im_section_float(ctx, sec, key, at);
    }
    if (!strcmp(type, "string")) {
        const char *v;
        im_status st = im_section_string(ctx, sec, key, &v);
        if (st) return st;
        if (f->spec.range && strchr(f->spec.range, '|') && f->size == sizeof(int)) {
            /* a choice: validation admitted only the listed values */
            *(int *)at = choice_index(f->spec.range, v);
            return IM_OK;
        }
        if (f->size != sizeof(const char *)) return wrong_size(ctx, sec, f, "string", sizeof(const char *));
        *(const char **)at = v;
        return IM_OK;
    }
    int ints = type[0] == 'i';
    if (f->size != (ints ? sizeof(int) : sizeof(double)))
        return wrong_size(ctx, sec, f, type, ints ? sizeof(int) : sizeof(double));
    int *count = (int *)(out + f->count_offset);
    return ints ? im_section_ints(ctx, sec, key, at, f->cap, count) : im_section_floats(ctx, sec, key, at, f->cap, count);
}

im_status im_fields_read(im_ctx *ctx, const im_section *sec, void *out)
{
    if (!sec->plugin->fields)
        return im_fail(ctx, IM_EINVAL, "%s '%s' declares no field table (IM_PLUGIN(..., .fields = ...))",
                       im_kind_name(sec->kind), sec->plugin->name);
    im_status st = IM_OK;
    for (const im_field *f = sec->plugin->fields; f->spec.key && !st; f++)
        if (f->size) st = read_field(ctx, sec, f, out);
    return st;
}

/* Equal as numbers when both parse whole as numbers, else as text. */
static int same_value(const char *a, const char *b)
{
    char *ea, *eb;
    double x = im_strtod(a, &ea), y = im_strtod(b, &eb);
    if (ea != a && eb != b && !*ea && !*eb) return x == y;
    return strcmp(a, b) == 0;
}

int im_field_hashed(const im_field *fields, const char *key, const char *value)
{
    const im_field *f = im_field_find(fields, key);
    if (!f) return 1;
    if (f->unhashed) return 0;
    return !(f->neutral && value && same_value(f->neutral, value));
}

int im_fields_use_section(const im_section *task, const char *name)
{
    for (const im_field *f = task->plugin->fields; f && f->spec.key; f++) {
        if (!f->gates || strcmp(f->gates, name) != 0) continue;
        const im_config_entry *e = im_section_entry(task, f->spec.key);
        const char *v = e ? e->value : f->spec.default_value;
        char *end;
        double x = v ? im_strtod(v, &end) : 1;
        if (v && end != v && !*end && x == 0) return 0;
    }
    return 1;
}
