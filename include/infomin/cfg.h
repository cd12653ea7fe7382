/* cfg.h — INI configuration (parsed by inih) with typed, validated access.
 *
 * A config is a list of (section, key, value) entries that remember where they
 * came from (file and line, `--set`, or the [sweep] line), so every error can
 * say `file:line: section.key: reason`. Sections are named after a plugin
 * kind ([task], [dataset], [encoder], [estimator]) or a kind and a label
 * ([estimator:leakage]); each names its implementation with `plugin = NAME`
 * and every other key is checked against that plugin's im_param_spec before
 * any work starts.
 *
 * Two types, two prefixes: im_config_* act on a whole configuration (load,
 * set, validate, expand a sweep); im_section_* read the keys of one section
 * bound to its plugin, which is all a plugin sees. */
#ifndef INFOMIN_CFG_H
#define INFOMIN_CFG_H

#include <stddef.h>
#include <stdint.h>
#include "api.h"
#include "plugin.h"
#include "status.h"

struct im_registry;

typedef struct im_config_entry {
    char *section, *key, *value;
    char *origin;     /* file path, "--set" or "sweep" */
    int line;         /* 0 when there is no line       */
} im_config_entry;

typedef struct im_config {
    char *path;
    im_config_entry *entries;
    int count, cap;
    char *sweep_label;   /* "estimator.plugin=club task.seed=2" for a swept run */
} im_config;

/* A section bound to the plugin it names: the view plugins read keys through.
 * Getters fall back to the plugin's declared default. */
typedef struct im_section {
    const im_config *cfg;
    const char *name;           /* "estimator", "estimator:leakage", ... */
    im_kind kind;
    const im_plugin *plugin;
} im_section;

IM_API im_status im_config_load(im_ctx *ctx, const char *path, im_config *cfg);
IM_API im_status im_config_parse_string(im_ctx *ctx, const char *text, const char *origin, im_config *cfg);
IM_API void im_config_free(im_config *cfg);
IM_API im_status im_config_clone(im_ctx *ctx, const im_config *src, im_config *dst);
/* Add or replace section.key = value. */
IM_API im_status im_config_put(im_ctx *ctx, im_config *cfg, const char *section, const char *key, const char *value,
                               const char *origin, int line);
/* "section.key=value" (the section may hold ':'; the key is after the last
 * '.'). A key that [sweep] varies is pinned: its sweep line is dropped. */
IM_API im_status im_config_set(im_ctx *ctx, im_config *cfg, const char *assignment);
IM_API const im_config_entry *im_config_find(const im_config *cfg, const char *section, const char *key);
/* "file:line" or "--set" for an entry, into buf. */
IM_API const char *im_config_where(const im_config_entry *e, char *buf, int size);

/* Kind of a section from its name ("estimator:leakage" -> IM_ESTIMATOR); -1 if none. */
IM_API int im_section_kind(const char *section);
/* A per-plugin section "NAME.PLUGIN" ([estimator.mine], [estimator:leakage.slice]):
 * 1 with NAME copied to base and *plugin pointing at PLUGIN; else 0. Its
 * keys apply, before those of [NAME], when [NAME] selects PLUGIN, and are
 * checked against PLUGIN's keys in every run. */
IM_API int im_section_refinement(const char *section, char *base, size_t size, const char **plugin);
/* Validate every section against its plugin's spec (registry lookups). */
IM_API im_status im_config_validate(im_ctx *ctx, const im_config *cfg, const struct im_registry *reg);
/* since 0.6: one section and its [NAME.PLUGIN] refinements only (a
 * configuration without a task: the handle API of mi.h). */
IM_API im_status im_config_validate_section(im_ctx *ctx, const im_config *cfg, const struct im_registry *reg,
                                            const char *name);
/* Bind a section; IM_ECONFIG if it is missing or names no known plugin. */
IM_API im_status im_config_section(im_ctx *ctx, const im_config *cfg, const struct im_registry *reg,
                                   const char *name, im_section *out);
IM_API int im_config_has_section(const im_config *cfg, const char *name);

/* The configuration a run computes with, in one spelling: each plugin
 * section's plugin and the effective value (INI or default) of every key
 * that plugin takes, per-plugin sections merged, task.output and
 * task.checkpoint_every left out (they change no number). Keys
 * of [NAME] the selected plugin does not take (allowed when another plugin
 * of the kind takes them) are listed in `ignored` ("estimator.k (estimator
 * 'mine' does not take it)", comma-separated; may be NULL); since 0.6 so
 * is a --set key of [NAME] that [NAME.PLUGIN] also sets, which wins. */
IM_API im_status im_config_resolve(im_ctx *ctx, const im_config *cfg, const struct im_registry *reg, im_config *out,
                                   char *ignored, size_t size);
IM_API void im_config_drop_section(im_config *cfg, const char *name);
IM_API void im_config_drop_key(im_config *cfg, const char *section, const char *key);
/* FNV-1a of the entries sorted by section and key, then salt: equal for
 * equal configurations whatever their order; never 0. */
IM_API uint64_t im_config_hash(const im_config *cfg, const char *salt);

/* The salt of every cell and checkpoint hash. It has been "0.1.0" since the
 * first release and is not the package version: a new release keeps every
 * results file's hashes (and --resume) valid; a change that means old
 * records no longer describe what a configuration computes changes it. */
#define IM_HASH_SALT "0.1.0"

/* Expand [sweep] into the Cartesian product of configs (without the sweep
 * section). *out is an array of *n configs the caller frees with
 * im_config_free_all. A config with no sweep yields one copy. */
IM_API im_status im_config_expand_sweep(im_ctx *ctx, const im_config *cfg, im_config **out, int *n);
IM_API void im_config_free_all(im_config *configs, int n);

/* A section's typed getters: the INI value, else the spec default. Errors
 * name the place. */
IM_API int im_section_has(const im_section *sec, const char *key);
IM_API im_status im_section_int(im_ctx *ctx, const im_section *sec, const char *key, int *out);
IM_API im_status im_section_float(im_ctx *ctx, const im_section *sec, const char *key, double *out);
IM_API im_status im_section_bool(im_ctx *ctx, const im_section *sec, const char *key, int *out);
IM_API im_status im_section_string(im_ctx *ctx, const im_section *sec, const char *key, const char **out);
/* A string key holding a file path, with ${NAME} replaced by the
 * environment variable NAME (an unset variable is an error naming the
 * key). Since 0.6 a relative path written in the INI file (or its [sweep])
 * is relative to the file's folder, so the file runs from any working
 * directory; one given with --set stays relative to the working directory. */
IM_API im_status im_section_path(im_ctx *ctx, const im_section *sec, const char *key, char *buf, size_t size);
/* Comma lists; ranges "a..b" of integers expand. At most `cap` items. */
IM_API im_status im_section_ints(im_ctx *ctx, const im_section *sec, const char *key, int *out, int cap, int *n);
IM_API im_status im_section_floats(im_ctx *ctx, const im_section *sec, const char *key, double *out, int cap, int *n);
/* A key of type "columns" (since 0.6): a comma list of 0-based indices,
 * index ranges a..b, names from the file's header and name ranges
 * first..last (an item that starts with a digit is an index), resolved
 * against names[0..n_names) (NULL: the file has no header, names are
 * refused) into 0-based indices; a misspelt name is refused with the
 * nearest ("did you mean 'age'?"). At most `cap` columns. */
IM_API im_status im_section_columns(im_ctx *ctx, const im_section *sec, const char *key, const char *const *names,
                                    int n_names, int *out, int cap, int *n);

/* IM_ECONFIG with "file:line: section.key: " and the printf-style reason
 * (the key's place when the INI gives it, else the file): how a plugin's
 * validate hook reports a rule across keys. */
IM_API im_status im_section_fail(im_ctx *ctx, const im_section *sec, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keys every section of a kind accepts, beyond its plugin's own. */
IM_API extern const im_param_spec im_task_common_params[];

#endif
