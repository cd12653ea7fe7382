/* config.c — INI entries with their origin, parsed by inih.
 *
 * inih's handler does not receive line numbers in Debian's build, so the
 * reader we hand to ini_parse_stream counts the lines it returns: when the
 * handler runs, the count is the line of that key.
 *
 * A long value continues on indented lines (inih hands each to the handler
 * under the same key): they are joined with a space, so a sweep's list of
 * 40 names can span lines. An indented line holding '=' is refused: it is
 * a key written indented, which inih would have glued to the value above. */
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "infomin/cfg.h"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static void entry_free(im_config_entry *e)
{
    free(e->section);
    free(e->key);
    free(e->value);
    free(e->origin);
}

void im_config_free(im_config *cfg)
{
    for (int i = 0; i < cfg->count; i++) entry_free(&cfg->entries[i]);
    free(cfg->entries);
    free(cfg->path);
    free(cfg->sweep_label);
    memset(cfg, 0, sizeof *cfg);
}

const im_config_entry *im_config_find(const im_config *cfg, const char *section, const char *key)
{
    for (int i = 0; i < cfg->count; i++)
        if (strcmp(cfg->entries[i].section, section) == 0 && strcmp(cfg->entries[i].key, key) == 0)
            return &cfg->entries[i];
    return NULL;
}

int im_config_has_section(const im_config *cfg, const char *name)
{
    for (int i = 0; i < cfg->count; i++)
        if (strcmp(cfg->entries[i].section, name) == 0) return 1;
    return 0;
}

const char *im_config_where(const im_config_entry *e, char *buf, int size)
{
    if (e->line > 0)
        snprintf(buf, (size_t)size, "%s:%d", e->origin, e->line);
    else
        snprintf(buf, (size_t)size, "%s", e->origin);
    return buf;
}

im_status im_config_put(im_ctx *ctx, im_config *cfg, const char *section, const char *key, const char *value,
                        const char *origin, int line)
{
    im_config_entry *e = (im_config_entry *)im_config_find(cfg, section, key);
    if (e) {
        char *v = dup_str(value), *o = dup_str(origin);
        if (!v || !o) {
            free(v);
            free(o);
            return im_fail(ctx, IM_ENOMEM, "config: out of memory");
        }
        free(e->value);
        free(e->origin);
        e->value = v;
        e->origin = o;
        e->line = line;
        return IM_OK;
    }
    if (cfg->count == cfg->cap) {
        int cap = cfg->cap ? 2 * cfg->cap : 32;
        im_config_entry *entries = realloc(cfg->entries, sizeof *entries * (size_t)cap);
        if (!entries) return im_fail(ctx, IM_ENOMEM, "config: out of memory");
        cfg->entries = entries;
        cfg->cap = cap;
    }
    im_config_entry ne = { dup_str(section), dup_str(key), dup_str(value), dup_str(origin), line };
    if (!ne.section || !ne.key || !ne.value || !ne.origin) {
        entry_free(&ne);
        return im_fail(ctx, IM_ENOMEM, "config: out of memory");
    }
    cfg->entries[cfg->count++] = ne;
    return IM_OK;
}

/* ---- parsing ---- */

typedef struct {
    im_ctx *ctx;
    im_config *cfg;
    const char *origin;
    int line;             /* lines handed to inih so far */
    int indented;         /* the line begins with a blank: a continuation */
    int last;             /* entry the previous key went to (-1: none) */
    im_status status;     /* first handler error          */
    FILE *file;
    const char *text;     /* string source                */
} parse_state;

/* What inih would take silently or name badly: a line longer than its
 * buffer (split in two; `more`: text follows in the stream), a section
 * header without its ']' (dropped, the error landing on the next key),
 * control characters (a binary file). NULL ends the stream with the message
 * in ps. */
static char *check_line(parse_state *ps, char *str, int num, int more)
{
    size_t len = strlen(str);
    const char *p = str;
    while (*p == ' ' || *p == '\t') p++;
    ps->indented = p != str;
    if (more && len == (size_t)num - 1 && str[len - 1] != '\n')
        ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: line longer than %d characters", ps->origin, ps->line,
                             num - 2);
    else if (*p == '[' && !strchr(p, ']'))
        ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: a section header without its closing ']'", ps->origin,
                             ps->line);
    for (const char *c = str; !ps->status && *c; c++)
        if ((unsigned char)*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r')
            ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: control character 0x%02x (not a text INI file?)",
                                 ps->origin, ps->line, (unsigned char)*c);
    return ps->status ? NULL : str;
}

/* fgets that sees NUL bytes (fgets hides them: an endless stream of NULs,
 * /dev/zero, read as empty lines forever). */
static char *read_line_file(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    int n = 0, c = EOF;
    while (n < num - 1 && (c = getc(ps->file)) != EOF) {
        if (c == '\0') {
            ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: a NUL byte (not a text INI file?)", ps->origin,
                                 ps->line + 1);
            return NULL;
        }
        str[n++] = (char)c;
        if (c == '\n') break;
    }
    if (n == 0) return NULL;
    str[n] = '\0';
    ps->line++;
    return check_line(ps, str, num, !feof(ps->file));
}

static char *read_line_string(char *str, int num, void *stream)
{
    parse_state *ps = stream;
    if (!*ps->text) return NULL;
    int n = 0;
    while (n < num - 1 && ps->text[n] && ps->text[n] != '\n') n++;
    if (n < num - 1 && ps->text[n] == '\n') n++;
    memcpy(str, ps->text, (size_t)n);
    str[n] = '\0';
    ps->text += n;
    ps->line++;
    return check_line(ps, str, num, *ps->text != '\0');
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
    parse_state *ps = user;
    if (ps->status != IM_OK) return 1;
    if (!*section) {
        ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: %s: key outside any section (start with [task])",
                             ps->origin, ps->line, key);
        return 0;
    }
    const im_config_entry *prev = im_config_find(ps->cfg, section, key);
    if (prev && ps->indented && ps->last >= 0 && prev == &ps->cfg->entries[ps->last]) {
        if (strchr(value, '=')) {
            ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: an indented line continues the value of %s.%s above; "
                                 "start a key at the beginning of its line", ps->origin, ps->line, section, key);
            return 0;
        }
        size_t n = strlen(prev->value), m = strlen(value);
        char *joined = realloc(prev->value, n + m + 2);
        if (!joined) {
            ps->status = im_fail(ps->ctx, IM_ENOMEM, "config: out of memory");
            return 0;
        }
        joined[n] = ' ';
        memcpy(joined + n + 1, value, m + 1);
        ps->cfg->entries[ps->last].value = joined;
        return 1;
    }
    if (prev) {
        ps->status = im_fail(ps->ctx, IM_ECONFIG, "%s:%d: %s.%s: given twice (first at line %d)", ps->origin,
                             ps->line, section, key, prev->line);
        return 0;
    }
    ps->status = im_config_put(ps->ctx, ps->cfg, section, key, value, ps->origin, ps->line);
    ps->last = ps->cfg->count - 1;
    return ps->status == IM_OK;
}

static im_status finish_parse(parse_state *ps, int rc)
{
    if (ps->status != IM_OK) return ps->status;
    if (rc > 0)
        return im_fail(ps->ctx, IM_ECONFIG, "%s:%d: malformed line (expected [section], key = value, or a comment)",
                       ps->origin, rc);
    if (rc < 0) return im_fail(ps->ctx, IM_ENOMEM, "%s: parser out of memory", ps->origin);
    return IM_OK;
}

im_status im_config_load(im_ctx *ctx, const char *path, im_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    struct stat sb;
    if (strlen(path) >= PATH_MAX)   /* was printed cut at ~1,000 characters, with no reason */
        return im_fail(ctx, IM_EIO, "%.100s...: a path of %zu characters, longer than the system's %d", path,
                       strlen(path), PATH_MAX - 1);
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) return im_fail(ctx, IM_EIO, "%s: is a directory, not an INI file", path);
    if (stat(path, &sb) == 0 && (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)))
        return im_fail(ctx, IM_EIO, "%s: is a device, not an INI file", path);   /* /dev/zero never ends */
    FILE *f = fopen(path, "r");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot open: %s", path, strerror(errno));
    cfg->path = dup_str(path);
    parse_state ps = { ctx, cfg, path, 0, 0, -1, IM_OK, f, NULL };
    int rc = ini_parse_stream(read_line_file, &ps, on_entry, &ps);
    fclose(f);
    im_status st = finish_parse(&ps, rc);
    if (st) im_config_free(cfg);
    return st;
}

im_status im_config_parse_string(im_ctx *ctx, const char *text, const char *origin, im_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->path = dup_str(origin);
    parse_state ps = { ctx, cfg, origin, 0, 0, -1, IM_OK, NULL, text };
    int rc = ini_parse_stream(read_line_string, &ps, on_entry, &ps);
    im_status st = finish_parse(&ps, rc);
    if (st) im_config_free(cfg);
    return st;
}

im_status im_config_clone(im_ctx *ctx, const im_config *src, im_config *dst)
{
    memset(dst, 0, sizeof *dst);
    dst->path = dup_str(src->path ? src->path : "");
    for (int i = 0; i < src->count; i++) {
        const im_config_entry *e = &src->entries[i];
        im_status st = im_config_put(ctx, dst, e->section, e->key, e->value, e->origin, e->line);
        if (st) {
            im_config_free(dst);
            return st;
        }
    }
    return IM_OK;
}

static void drop_entry(im_config *cfg, const char *section, const char *key)
{
    im_config_entry *e = (im_config_entry *)im_config_find(cfg, section, key);
    if (!e) return;
    entry_free(e);
    long at = e - cfg->entries;
    memmove(e, e + 1, sizeof *e * (size_t)(cfg->count - at - 1));
    cfg->count--;
}

im_status im_config_set(im_ctx *ctx, im_config *cfg, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    char target[256];
    if (!eq || (size_t)(eq - assignment) >= sizeof target)
        return im_fail(ctx, IM_ECONFIG, "--set %s: expected section.key=value", assignment);
    memcpy(target, assignment, (size_t)(eq - assignment));
    target[eq - assignment] = '\0';
    /* trim spaces around the target */
    char *t = target;
    while (*t == ' ') t++;
    for (char *end = t + strlen(t); end > t && end[-1] == ' ';) *--end = '\0';
    char *dot = strrchr(t, '.');
    if (!dot || dot == t || !dot[1]) return im_fail(ctx, IM_ECONFIG, "--set %s: expected section.key=value", assignment);
    *dot = '\0';
    const char *value = eq + 1;
    while (*value == ' ') value++;
    /* a swept key is pinned: its [sweep] line would otherwise overwrite the
     * value in every run */
    char swept[300];
    snprintf(swept, sizeof swept, "%s.%s", t, dot + 1);
    drop_entry(cfg, "sweep", swept);
    return im_config_put(ctx, cfg, t, dot + 1, value, "--set", 0);
}
