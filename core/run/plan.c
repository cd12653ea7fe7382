/* plan.c — a sweep's cells, their resolved configurations and hashes, the
 * cells that repeat another, resuming from a results file, and writing the
 * records in cell order. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "run.h"

/* The resolved configuration without the sections and keys the task says
 * this configuration does not use (its field table's gates, its hooks); its hash salted with the version. */
static im_status cell_hash(im_ctx *ctx, const im_config *cell, uint64_t *hash, char **ignored)
{
    im_config resolved;
    char notes[2048];
    im_status st = im_config_resolve(ctx, cell, ctx->registry, &resolved, notes, sizeof notes);
    if (st) return st;
    im_section task;
    st = im_config_section(ctx, cell, ctx->registry, "task", &task);
    const im_task_vt *vt = st ? NULL : task.plugin->vtable;
    for (int i = 0; vt && i < cell->count; i++) {
        const char *name = cell->entries[i].section;
        if (im_section_kind(name) >= 0 && strcmp(name, "task") != 0 && im_config_find(&resolved, name, "plugin") &&
            (!im_fields_use_section(&task, name) || (vt->uses_section && !vt->uses_section(ctx, cell, name))))
            im_config_drop_section(&resolved, name);
    }
    /* keys the task says this configuration leaves unused (from the end:
     * dropping shifts the entries after it) */
    for (int i = resolved.count - 1; vt && vt->uses_key && i >= 0; i--) {
        im_config_entry *e = &resolved.entries[i];
        if (strcmp(e->key, "plugin") != 0 && !vt->uses_key(ctx, cell, e->section, e->key)) {
            char section[128], key[128];
            snprintf(section, sizeof section, "%s", e->section);
            snprintf(key, sizeof key, "%s", e->key);
            im_config_drop_key(&resolved, section, key);
        }
    }
    *hash = im_config_hash(&resolved, IM_HASH_SALT);
    im_config_free(&resolved);
    *ignored = *notes ? strdup(notes) : NULL;
    return st;
}

im_status plan_make(im_ctx *ctx, im_config *cells, int n, sweep_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    plan->cells = cells;
    plan->n = n;
    plan->hash = calloc((size_t)n, sizeof *plan->hash);
    plan->same_as = calloc((size_t)n, sizeof *plan->same_as);
    plan->ignored = calloc((size_t)n, sizeof *plan->ignored);
    plan->recs = calloc((size_t)n, sizeof *plan->recs);
    if (!plan->hash || !plan->same_as || !plan->ignored || !plan->recs)
        return im_fail(ctx, IM_ENOMEM, "sweep: out of memory");
    for (int i = 0; i < n; i++) {
        im_status st = cell_hash(ctx, &cells[i], &plan->hash[i], &plan->ignored[i]);
        if (st) return st;
        plan->same_as[i] = -1;
        for (int j = 0; j < i && plan->same_as[i] < 0; j++)
            if (plan->hash[j] == plan->hash[i] && plan->same_as[j] < 0) plan->same_as[i] = j;
    }
    return IM_OK;
}

void plan_free(sweep_plan *plan)
{
    for (int i = 0; plan->recs && i < plan->n; i++) im_record_free(plan->recs[i]);
    for (int i = 0; plan->ignored && i < plan->n; i++) free(plan->ignored[i]);
    if (plan->cells) im_config_free_all(plan->cells, plan->n);
    free(plan->hash);
    free(plan->same_as);
    free(plan->ignored);
    free(plan->recs);
    memset(plan, 0, sizeof *plan);
}

void plan_print(FILE *out, const sweep_plan *plan)
{
    int unique = 0;
    for (int i = 0; i < plan->n; i++) unique += plan->same_as[i] < 0;
    fprintf(out, "%s: %d cell%s, %d to compute\n", plan->cells[0].path, plan->n, plan->n == 1 ? "" : "s", unique);
    for (int i = 0; i < plan->n; i++) {
        fprintf(out, "cell %d %016" PRIx64 " %s", i, plan->hash[i],
                plan->cells[i].sweep_label ? plan->cells[i].sweep_label : "(no sweep)");
        if (plan->same_as[i] >= 0) fprintf(out, "  = cell %d (same resolved configuration)", plan->same_as[i]);
        fprintf(out, "\n");
        if (plan->ignored[i]) fprintf(out, "    ignored: %s\n", plan->ignored[i]);
    }
    fprintf(out, "results would go to %s\n", plan->output);
}

void plan_warn_shadowed(FILE *out, const sweep_plan *plan)
{
    for (int i = 0; i < plan->n; i++) {
        const char *note = plan->ignored[i];
        if (!note || !strstr(note, " from --set (shadowed by ")) continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = plan->ignored[j] && !strcmp(note, plan->ignored[j]);
        if (!seen) fprintf(out, "infomin-run: warning: ignored: %s\n", note);
    }
}

/* Two INI paths name one file: the same real path, else (a file moved
 * since) the same name. */
static int same_ini(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (realpath(a, ra) && realpath(b, rb)) return strcmp(ra, rb) == 0;
    const char *na = strrchr(a, '/'), *nb = strrchr(b, '/');
    return strcmp(na ? na + 1 : a, nb ? nb + 1 : b) == 0;
}

int plan_resume(im_ctx *ctx, sweep_plan *plan)
{
    struct stat sb;
    if (stat(plan->output, &sb) != 0) return 0;   /* nothing to resume: every cell runs */
    im_record **old;
    int n_old, taken = 0;
    if (im_results_read(ctx, plan->output, &old, &n_old)) return -1;
    /* the file is rewritten whole: records of another INI file would be
     * dropped (deleted) with the unmatched ones, so refuse before */
    const char *ini = plan->n ? plan->cells[0].path : NULL;
    for (int k = 0; ini && k < n_old; k++) {
        const char *theirs = im_record_get_meta(old[k], "ini");
        if (!theirs || same_ini(theirs, ini)) continue;
        im_fail(ctx, IM_ECONFIG,
                "%s holds records of %s (run %d), not of %s: resuming would rewrite the file without them; give "
                "this run another -o",
                plan->output, theirs, im_record_run(old[k]), ini);
        for (int j = 0; j < n_old; j++) im_record_free(old[j]);
        free(old);
        return -1;
    }
    char hex[32];
    for (int i = 0; i < plan->n; i++) {
        if (plan->same_as[i] >= 0) continue;
        snprintf(hex, sizeof hex, "%016" PRIx64, plan->hash[i]);
        for (int k = 0; k < n_old; k++) {
            const char *h = im_record_get_meta(old[k], "config_hash");
            if (!h || strcmp(h, hex) != 0 || !im_record_ok(old[k])) continue;
            im_record *rec = im_record_new_typed(&plan->cells[i], i, ctx->registry);
            if (!rec) break;
            im_record_adopt(rec, old[k], NULL);
            plan->recs[i] = rec;
            taken++;
            break;
        }
    }
    int unmatched = 0;   /* records no cell of this sweep can use (copies of a used one are used) */
    for (int k = 0; k < n_old; k++) {
        const char *h = im_record_get_meta(old[k], "config_hash");
        int used = 0;
        for (int i = 0; h && im_record_ok(old[k]) && i < plan->n && !used; i++) {
            snprintf(hex, sizeof hex, "%016" PRIx64, plan->hash[i]);
            used = strcmp(h, hex) == 0;
        }
        unmatched += !used;
    }
    if (unmatched > 0 && !plan->quiet)
        fprintf(stderr, "infomin-run: resume: %d record%s of %s match%s no finished cell of this sweep (another "
                "configuration or version, or not ok): run again, not kept\n", unmatched, unmatched == 1 ? "" : "s",
                plan->output, unmatched == 1 ? "es" : "");
    for (int k = 0; k < n_old; k++) im_record_free(old[k]);
    free(old);
    for (int i = 0; i < plan->n; i++)   /* copies for the duplicates of resumed cells */
        if (plan->same_as[i] >= 0 && plan->recs[plan->same_as[i]] && !plan->recs[i]) {
            plan->recs[i] = im_record_new_typed(&plan->cells[i], i, ctx->registry);
            if (plan->recs[i]) im_record_adopt(plan->recs[i], plan->recs[plan->same_as[i]], "same_as");
        }
    return taken;
}

int plan_todo(const sweep_plan *plan, int *cells)
{
    int n = 0;
    for (int i = 0; i < plan->n; i++)
        if (plan->same_as[i] < 0 && !plan->recs[i]) cells[n++] = i;
    return n;
}

im_status plan_write(im_ctx *ctx, const sweep_plan *plan)
{
    im_record **done = malloc(sizeof *done * (size_t)plan->n);
    if (!done) return im_fail(ctx, IM_ENOMEM, "out of memory");
    int n = 0;
    for (int i = 0; i < plan->n; i++)
        if (plan->recs[i]) done[n++] = plan->recs[i];
    im_status st = im_results_write(ctx, plan->output, done, n);
    free(done);
    return st;
}

im_status plan_store(im_ctx *ctx, sweep_plan *plan, int cell, im_record *rec)
{
    char hex[32];
    snprintf(hex, sizeof hex, "%016" PRIx64, plan->hash[cell]);
    im_record_meta(rec, "config_hash", hex);
    if (plan->ignored[cell]) im_record_meta(rec, "ignored", plan->ignored[cell]);
    if (plan->command) im_record_meta(rec, "command", plan->command);
    im_record_free(plan->recs[cell]);
    plan->recs[cell] = rec;
    for (int j = cell + 1; j < plan->n; j++) {
        if (plan->same_as[j] != cell) continue;
        im_record_free(plan->recs[j]);
        plan->recs[j] = im_record_new_typed(&plan->cells[j], j, ctx->registry);
        if (!plan->recs[j]) return im_fail(ctx, IM_ENOMEM, "out of memory");
        im_record_adopt(plan->recs[j], rec, "same_as");
        if (plan->ignored[j]) im_record_meta(plan->recs[j], "ignored", plan->ignored[j]);
    }
    return plan_write(ctx, plan);
}

int plan_written(const sweep_plan *plan)
{
    int n = 0;
    for (int i = 0; i < plan->n; i++) n += plan->recs[i] != NULL;
    return n;
}

int plan_failed(const sweep_plan *plan)
{
    int n = 0;
    for (int i = 0; i < plan->n; i++) n += plan->recs[i] && !im_record_ok(plan->recs[i]);
    return n;
}
