/* config_value.c — typed INI values: int, float, bool, string, comma lists,
 * integer ranges, and the spec's range strings. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config_value.h"
#include "infomin/numtext.h"

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

static int only_space(const char *s) { return *skip_space(s) == '\0'; }

int im_parse_int(const char *s, int *out)
{
    char *end;
    s = skip_space(s);
    if (!*s) return 0;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || !only_space(end) || v < INT_MIN || v > INT_MAX) return 0;
    *out = (int)v;
    return 1;
}

int im_parse_float(const char *s, double *out)
{
    char *end;
    s = skip_space(s);
    if (!*s) return 0;
    errno = 0;
    double v = im_strtod(s, &end);
    if (errno == ERANGE || end == s || !only_space(end) || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* x in the fewest significant digits that read back to x, C locale. */
/* One item of a list or a scalar: "a..b" ranges only for ints. */
static int canonical_item(const char *text, size_t len, int ints, int ranges, char *out, size_t size)
{
    char item[128], left[128];
    while (len && (*text == ' ' || *text == '\t')) text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    if (!len || len >= sizeof item) return 0;
    memcpy(item, text, len);
    item[len] = '\0';
    const char *dots = ranges ? strstr(item, "..") : NULL;
    if (dots) {
        char right[128];
        if (!canonical_item(item, (size_t)(dots - item), 1, 0, left, sizeof left) ||
            !canonical_item(dots + 2, strlen(dots + 2), 1, 0, right, sizeof right))
            return 0;
        return snprintf(out, size, "%s..%s", left, right) < (int)size;
    }
    if (ints) {
        int v;
        return im_parse_int(item, &v) && snprintf(out, size, "%d", v) < (int)size;
    }
    double x;
    if (!im_parse_float(item, &x)) return 0;
    im_shortest_text(x == 0 ? 0.0 : x, out, size);   /* -0 is 0 */
    return 1;
}

/* Is this item of a columns list an index (it starts with a digit), not a
 * header name? */
static int is_index_item(const char *item)
{
    item = skip_space(item);
    return *item >= '0' && *item <= '9';
}

/* text trimmed of spaces and tabs into out; 0 when nothing is left. */
static int canonical_item_text(const char *text, char *out, size_t size)
{
    text = skip_space(text);
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\t')) len--;
    return len && snprintf(out, size, "%.*s", (int)len, text) < (int)size;
}

/* One item of a columns list: an index or index range as ints, a name (or
 * a name range "first..last") trimmed; 0 when it is empty. */
static int canonical_column(const char *text, size_t len, char *out, size_t size)
{
    char raw[128];
    if (len >= sizeof raw) return 0;
    memcpy(raw, text, len);
    raw[len] = '\0';
    if (is_index_item(raw)) return canonical_item(raw, len, 1, 1, out, size);
    char *dots = strstr(raw, "..");
    if (dots) *dots = '\0';
    char left[128], right[128] = "";
    if (!canonical_item_text(raw, left, sizeof left) || (dots && !canonical_item_text(dots + 2, right, sizeof right)))
        return 0;
    return snprintf(out, size, "%s%s%s", left, dots ? ".." : "", right) < (int)size;
}

/* A comma list, item by item (kind: 'i' ints, 'f' floats, 'c' columns),
 * joined with ','; 0 when an item does not parse or it does not fit. */
static int canonical_list(const char *value, int kind, char *buf, size_t size)
{
    char out[1024] = "", item[128];
    size_t used = 0;
    for (const char *p = value;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (!(kind == 'c' ? canonical_column(p, len, item, sizeof item)
                          : canonical_item(p, len, kind == 'i', kind == 'i', item, sizeof item)))
            return 0;
        int k = snprintf(out + used, sizeof out - used, "%s%s", used ? "," : "", item);
        if (k < 0 || used + (size_t)k >= sizeof out) return 0;
        used += (size_t)k;
        if (!comma) break;
        p = comma + 1;
    }
    return snprintf(buf, size, "%s", out) < (int)size;
}

int im_canonical_value(const char *type, const char *value, char *buf, size_t size)
{
    if (!type || !value) return 0;
    int is_int = !strcmp(type, "int"), is_float = !strcmp(type, "float");
    int is_ints = !strcmp(type, "ints"), is_floats = !strcmp(type, "floats");
    if (!strcmp(type, "bool")) {
        int b;
        return im_parse_bool(value, &b) && snprintf(buf, size, "%s", b ? "true" : "false") < (int)size;
    }
    if (is_int || is_float) return canonical_item(value, strlen(value), is_int, 0, buf, size);
    if (!strcmp(type, "columns")) return canonical_list(value, 'c', buf, size);
    return (is_ints || is_floats) && canonical_list(value, is_ints ? 'i' : 'f', buf, size);
}

int im_parse_bool(const char *s, int *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" }, *const no[] = { "false", "no", "off", "0" };
    s = skip_space(s);
    for (int i = 0; i < 4; i++) {
        size_t ny = strlen(yes[i]), nn = strlen(no[i]);
        if (strncmp(s, yes[i], ny) == 0 && only_space(s + ny)) return *out = 1, 1;
        if (strncmp(s, no[i], nn) == 0 && only_space(s + nn)) return *out = 0, 1;
    }
    return 0;
}

/* Split s on ',' into items (copied into buf), calling item(i, text). */
typedef int (*item_fn)(const char *text, void *state);

static int for_each_item(const char *s, item_fn fn, void *state)
{
    char item[128];
    if (only_space(s)) return 1;   /* empty list */
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        if (n >= sizeof item) return 0;
        memcpy(item, s, n);
        item[n] = '\0';
        if (!fn(item, state)) return 0;
        if (!comma) return 1;
        s = comma + 1;
    }
}

/* "lo..hi": the left part copied into left (at most size - 1 chars), *right
 * after the dots; 0 when text has no ".." or the left part is too long. */
static int split_dots(const char *text, char *left, size_t size, const char **right)
{
    const char *dots = strstr(text, "..");
    if (!dots || (size_t)(dots - text) >= size) return 0;
    memcpy(left, text, (size_t)(dots - text));
    left[dots - text] = '\0';
    *right = dots + 2;
    return 1;
}

typedef struct { int *out; int cap, n, overflow; } ints_state;

static int push_int_item(const char *text, void *state)
{
    ints_state *st = state;
    char left[64];
    const char *right;
    int lo, hi;
    if (strstr(text, "..")) {
        if (!split_dots(text, left, sizeof left, &right)) return 0;
        if (!im_parse_int(left, &lo) || !im_parse_int(right, &hi) || hi < lo) return 0;
    } else {
        if (!im_parse_int(text, &lo)) return 0;
        hi = lo;
    }
    for (long v = lo; v <= hi; v++) {
        if (st->n == st->cap) return st->overflow = 1, 0;
        st->out[st->n++] = (int)v;
    }
    return 1;
}

int im_parse_ints(const char *s, int *out, int cap)
{
    ints_state st = { out, cap, 0, 0 };
    if (!for_each_item(s, push_int_item, &st)) return st.overflow ? -2 : -1;
    return st.n;
}

typedef struct { double *out; int cap, n, overflow; } floats_state;

static int push_float_item(const char *text, void *state)
{
    floats_state *st = state;
    double v;
    if (!im_parse_float(text, &v)) return 0;
    if (st->n == st->cap) return st->overflow = 1, 0;
    st->out[st->n++] = v;
    return 1;
}

int im_parse_floats(const char *s, double *out, int cap)
{
    floats_state st = { out, cap, 0, 0 };
    if (!for_each_item(s, push_float_item, &st)) return st.overflow ? -2 : -1;
    return st.n;
}

/* range: "lo..hi", ">x", ">=x", "<x", "<=x". */
static int in_range(double v, const char *range, char *reason, int size)
{
    double a, b;
    char left[64];
    const char *right;
    if (strstr(range, "..")) {
        if (split_dots(range, left, sizeof left, &right) && im_parse_float(left, &a) && im_parse_float(right, &b) &&
            (v < a || v > b)) {
            snprintf(reason, (size_t)size, "%g is outside [%s, %s]", v, left, right);
            return 0;
        }
        return 1;
    }
    int ok = 1;
    if (strncmp(range, ">=", 2) == 0 && im_parse_float(range + 2, &a)) ok = v >= a;
    else if (strncmp(range, "<=", 2) == 0 && im_parse_float(range + 2, &a)) ok = v <= a;
    else if (range[0] == '>' && im_parse_float(range + 1, &a)) ok = v > a;
    else if (range[0] == '<' && im_parse_float(range + 1, &a)) ok = v < a;
    if (!ok) snprintf(reason, (size_t)size, "%g is out of range: must be %s", v, range);
    return ok;
}

static int in_choices(const char *value, const char *choices)
{
    size_t n = strlen(value);
    for (const char *c = choices; c;) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, value, n) == 0) return 1;
        c = bar ? bar + 1 : NULL;
    }
    return 0;
}

int im_check_value(const im_param_spec *spec, const char *value, char *reason, int size)
{
    const char *type = spec->type, *range = spec->range;
    if (strcmp(type, "int") == 0 || strcmp(type, "float") == 0) {
        double v;
        int iv;
        if (strcmp(type, "int") == 0 ? !im_parse_int(value, &iv) : !im_parse_float(value, &v)) {
            snprintf(reason, (size_t)size, "expected %s, got '%s'", strcmp(type, "int") == 0 ? "an integer" : "a number",
                     value);
            return 1;
        }
        if (strcmp(type, "int") == 0) v = iv;
        return range && !in_range(v, range, reason, size);
    }
    if (strcmp(type, "bool") == 0) {
        int b;
        if (!im_parse_bool(value, &b)) {
            snprintf(reason, (size_t)size, "expected true or false, got '%s'", value);
            return 1;
        }
        return 0;
    }
    if (strcmp(type, "ints") == 0 || strcmp(type, "floats") == 0) {
        double fv[IM_LIST_MAX];
        int iv[IM_LIST_MAX];
        int is_int = strcmp(type, "ints") == 0;
        int n = is_int ? im_parse_ints(value, iv, IM_LIST_MAX) : im_parse_floats(value, fv, IM_LIST_MAX);
        if (n == -2) {
            snprintf(reason, (size_t)size, "more than %d items", IM_LIST_MAX);
            return 1;
        }
        if (n < 0) {
            snprintf(reason, (size_t)size, "expected a comma list of %s, got '%s'", is_int ? "integers" : "numbers",
                     value);
            return 1;
        }
        for (int i = 0; i < n; i++)
            if (range && !in_range(is_int ? iv[i] : fv[i], range, reason, size)) return 1;
        return 0;
    }
    if (strcmp(type, "columns") == 0) {
        char canonical[1024];
        if (!canonical_list(value, 'c', canonical, sizeof canonical)) {
            snprintf(reason, (size_t)size, "expected a comma list of column indices (a..b ranges) or header names, "
                     "got '%s'", value);
            return 1;
        }
        for (const char *p = canonical;;) {   /* the indices in range */
            const char *comma = strchr(p, ',');
            char item[128];
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            memcpy(item, p, len);
            item[len] = '\0';
            int v[IM_LIST_MAX], n = is_index_item(item) ? im_parse_ints(item, v, IM_LIST_MAX) : 0;
            if (n < 0) {
                snprintf(reason, (size_t)size, "'%s': a range of more than %d columns, or one that runs backwards",
                         item, IM_LIST_MAX);
                return 1;
            }
            for (int i = 0; i < n; i++)
                if (range && !in_range(v[i], range, reason, size)) return 1;
            if (!comma) break;
            p = comma + 1;
        }
        return 0;
    }
    if (strcmp(type, "string") == 0) {
        if (range && !in_choices(value, range)) {
            snprintf(reason, (size_t)size, "'%s' is not one of %s", value, range);
            return 1;
        }
        return 0;
    }
    snprintf(reason, (size_t)size, "plugin declares unknown type '%s'", type);
    return 1;
}
