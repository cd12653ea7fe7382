/* registry.c — dlopen plugins, check them, find them by kind and name.
 *
 * The host never trusts a plugin blindly: it checks every descriptor (abi.c)
 * before reading anything else from it, and registers a file's plugins only
 * when all of them pass. What it registers are host-size copies of the
 * descriptors and vtables, so a hook a plugin predates reads as NULL. */
#include <dirent.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "abi.h"
#include "infomin/registry.h"

typedef struct {
    im_plugin plugin;   /* the adopted copy; plugin.vtable == vtable */
    void *vtable;       /* host-size copy of the plugin's vtable      */
    im_param_spec *params;   /* the key table made from its fields, or NULL */
    char *origin;       /* file path or "built-in"                    */
} reg_entry;

static void entry_free(reg_entry *e)
{
    if (!e) return;
    free(e->vtable);
    free(e->params);
    free(e->origin);
    free(e);
}

struct im_registry {
    reg_entry **entries;   /* each entry its own block: descriptors stay put as the list grows */
    int count, cap;
    void **handles;
    int n_handles, cap_handles;
    char **files;          /* base names loaded, for search-path shadowing */
    int n_files, cap_files;
    char *refusals;        /* "\n"-separated messages */
};

static const char *const kind_names[IM_KIND_COUNT] = { "estimator", "encoder", "dataset", "task" };

const char *im_kind_name(im_kind kind)
{
    return (unsigned)kind < IM_KIND_COUNT ? kind_names[kind] : "unknown-kind";
}

im_registry *im_registry_new(void) { return calloc(1, sizeof(im_registry)); }

void im_registry_free(im_registry *reg)
{
    if (!reg) return;
    for (int i = 0; i < reg->count; i++) entry_free(reg->entries[i]);
    free(reg->entries);
    for (int i = 0; i < reg->n_files; i++) free(reg->files[i]);
    free(reg->files);
    /* close after the entries are gone: they point into these objects */
    for (int i = 0; i < reg->n_handles; i++) dlclose(reg->handles[i]);
    free(reg->handles);
    free(reg->refusals);
    free(reg);
}

static int grow(void **items, int *cap, int need, size_t size)
{
    if (need <= *cap) return 1;
    int ncap = *cap ? 2 * *cap : 16;
    while (ncap < need) ncap *= 2;
    void *p = realloc(*items, size * (size_t)ncap);
    if (!p) return 0;
    *items = p;
    *cap = ncap;
    return 1;
}

static const reg_entry *find_entry(const im_registry *reg, im_kind kind, const char *name)
{
    for (int i = 0; i < reg->count; i++)
        if (reg->entries[i]->plugin.kind == kind && strcmp(reg->entries[i]->plugin.name, name) == 0)
            return reg->entries[i];
    return NULL;
}

const im_plugin *im_registry_find(const im_registry *reg, im_kind kind, const char *name)
{
    const reg_entry *e = find_entry(reg, kind, name);
    return e ? &e->plugin : NULL;
}

int im_registry_count(const im_registry *reg) { return reg->count; }

const im_plugin *im_registry_get(const im_registry *reg, int i, const char **origin)
{
    if (i < 0 || i >= reg->count) return NULL;
    if (origin) *origin = reg->entries[i]->origin;
    return &reg->entries[i]->plugin;
}

const char *im_registry_refusals(const im_registry *reg) { return reg->refusals ? reg->refusals : ""; }

/* Adopt a whole list before registering any of it: nothing of a refused
 * list is registered. */
im_status im_registry_add(im_ctx *ctx, im_registry *reg, const im_plugin *const *list, const char *origin)
{
    int n = 0;
    while (list[n]) n++;
    reg_entry **adopted = calloc((size_t)n + 1, sizeof *adopted);
    im_status st = adopted ? IM_OK : im_fail(ctx, IM_ENOMEM, "registry: out of memory");
    for (int i = 0; i < n && !st; i++) {
        reg_entry *e = adopted[i] = calloc(1, sizeof *e);
        if (!e || !(e->origin = strdup(origin))) {
            st = im_fail(ctx, IM_ENOMEM, "registry: out of memory");
            break;
        }
        st = im_plugin_adopt(ctx, list[i], origin, i, &e->plugin, &e->vtable, &e->params);
        const reg_entry *dup = st ? NULL : find_entry(reg, e->plugin.kind, e->plugin.name);
        if (dup)
            st = im_fail(ctx, IM_EPLUGIN, "%s: duplicate %s plugin name '%s' (already provided by %s)", origin,
                         im_kind_name(e->plugin.kind), e->plugin.name, dup->origin);
        for (int j = 0; j < i && !st; j++)
            if (adopted[j]->plugin.kind == e->plugin.kind && strcmp(adopted[j]->plugin.name, e->plugin.name) == 0)
                st = im_fail(ctx, IM_EPLUGIN, "%s: duplicate %s plugin name '%s' within the file", origin,
                             im_kind_name(e->plugin.kind), e->plugin.name);
    }
    if (!st && !grow((void **)&reg->entries, &reg->cap, reg->count + n, sizeof *reg->entries))
        st = im_fail(ctx, IM_ENOMEM, "registry: out of memory");
    for (int i = 0; i < n && adopted; i++) {
        if (st)
            entry_free(adopted[i]);
        else
            reg->entries[reg->count++] = adopted[i];
    }
    free(adopted);
    return st;
}

im_status im_registry_load_file(im_ctx *ctx, im_registry *reg, const char *path)
{
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) return im_fail(ctx, IM_EPLUGIN, "%s: cannot load: %s", path, dlerror());
    dlerror();
    const im_plugin *const *list = (const im_plugin *const *)dlsym(handle, IM_PLUGIN_SYMBOL);
    if (!list) {
        dlclose(handle);
        return im_fail(ctx, IM_EPLUGIN, "%s: not an infomin plugin: no '%s' symbol", path, IM_PLUGIN_SYMBOL);
    }
    if (!list[0]) {
        dlclose(handle);
        return im_fail(ctx, IM_EPLUGIN, "%s: '%s' lists no plugin", path, IM_PLUGIN_SYMBOL);
    }
    /* room for the handle first: once registered, entries point into it */
    if (!grow((void **)&reg->handles, &reg->cap_handles, reg->n_handles + 1, sizeof *reg->handles)) {
        dlclose(handle);
        return im_fail(ctx, IM_ENOMEM, "registry: out of memory");
    }
    im_status st = im_registry_add(ctx, reg, list, path);
    if (st) {
        dlclose(handle);
        return st;
    }
    reg->handles[reg->n_handles++] = handle;
    return IM_OK;
}

static void add_refusal(im_registry *reg, const char *msg)
{
    size_t old = reg->refusals ? strlen(reg->refusals) : 0, add = strlen(msg);
    char *r = realloc(reg->refusals, old + add + 2);
    if (!r) return;
    memcpy(r + old, msg, add);
    r[old + add] = '\n';
    r[old + add + 1] = '\0';
    reg->refusals = r;
}

static int file_seen(const im_registry *reg, const char *base)
{
    for (int i = 0; i < reg->n_files; i++)
        if (strcmp(reg->files[i], base) == 0) return 1;
    return 0;
}

static int ends_with_so(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".so") == 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int im_registry_load_dir(im_ctx *ctx, im_registry *reg, const char *dir, int recursive)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    /* sorted, so loading order (and which duplicate is refused) is stable */
    char **names = NULL;
    int n = 0, cap = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (de->d_name[0] == '.' && strcmp(de->d_name, ".libs") != 0) continue;
        if (!grow((void **)&names, &cap, n + 1, sizeof *names)) break;
        if (!(names[n] = strdup(de->d_name))) break;
        n++;
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, compare_names);
    int loaded = 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) {
            if (recursive) loaded += im_registry_load_dir(ctx, reg, path, recursive);
        } else if (ends_with_so(names[i]) && !file_seen(reg, names[i])) {
            im_ctx local;
            im_ctx_init(&local);
            if (im_registry_load_file(&local, reg, path) == IM_OK) {
                loaded++;
                if (grow((void **)&reg->files, &reg->cap_files, reg->n_files + 1, sizeof *reg->files) &&
                    (reg->files[reg->n_files] = strdup(names[i])))
                    reg->n_files++;
            } else {
                add_refusal(reg, local.err);
            }
        }
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    (void)ctx;
    return loaded;
}

/* Is path inside the build tree? */
static int in_build_tree(const char *path)
{
    size_t nb = strlen(IM_BUILDDIR);
    return strncmp(path, IM_BUILDDIR, nb) == 0 && path[nb] == '/';
}

/* Is the running program, or this library (a Python process using the
 * build tree's libinfomin), inside the build tree (uninstalled)? */
static int running_from_build_tree(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        if (in_build_tree(exe)) return 1;
    }
    Dl_info self;
    return dladdr((void *)im_registry_new, &self) && self.dli_fname && in_build_tree(self.dli_fname);
}

void im_registry_load_search_path(im_ctx *ctx, im_registry *reg, const char *extra)
{
    const char *lists[2] = { extra, getenv("INFOMIN_PLUGIN_PATH") };
    for (int l = 0; l < 2; l++) {
        if (!lists[l] || !*lists[l]) continue;
        char *copy = strdup(lists[l]);
        if (!copy) continue;
        char *save = NULL;
        for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
            im_registry_load_dir(ctx, reg, dir, 1);
        free(copy);
    }
    if (running_from_build_tree()) {
        im_registry_load_dir(ctx, reg, IM_BUILDDIR "/plugins", 1);
        im_registry_load_dir(ctx, reg, IM_BUILDDIR "/tasks", 1);
    } else {
        im_registry_load_dir(ctx, reg, IM_PLUGINDIR, 0);
    }
}

int im_name_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int before[64], prev[64], row[64];   /* rows i - 2, i - 1 and i */
    for (int j = 0; j <= lb; j++) prev[j] = j;
    for (int i = 1; i <= la; i++) {
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && before[j - 2] + 1 < best)
                best = before[j - 2] + 1;   /* two neighbours swapped: "mien" is one step from "mine" */
            row[j] = best;
        }
        memcpy(before, prev, sizeof(int) * (size_t)(lb + 1));
        memcpy(prev, row, sizeof(int) * (size_t)(lb + 1));
    }
    return prev[lb];
}

im_status im_registry_not_found(im_ctx *ctx, const im_registry *reg, im_kind kind, const char *name)
{
    char known[512] = "", hint[160] = "";
    size_t used = 0;
    const char *best = NULL;
    int best_d = 3;   /* suggest only close matches */
    for (int i = 0; i < reg->count; i++) {
        const im_plugin *p = &reg->entries[i]->plugin;
        if (p->kind != kind) continue;
        int d = im_name_distance(name, p->name);
        if (d < best_d) best_d = d, best = p->name;
        int k = snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", p->name);
        if (k < 0 || used + (size_t)k >= sizeof known) break;
        used += (size_t)k;
    }
    if (best) snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    return im_fail(ctx, IM_EPLUGIN, "no %s plugin named '%s'%s (found: %s)%s", im_kind_name(kind), name, hint,
                   used ? known : "none", reg->refusals ? "; some plugin files were refused, see --list" : "");
}
