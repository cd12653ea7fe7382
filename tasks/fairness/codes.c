/* codes.c — `save_codes = path` (since 0.6): every row's code Z, T, Y, the
 * head's score and its split (0 train, 1 validation, 2 test) as one .npy
 * file, and beside it an INI file for the audit task that reads them back
 * with this run's audit settings and the generator's state at the start of
 * its audit: `infomin-run <codes>-audit.ini` gives this run's leakage and
 * fairness figures again, and the same file with other settings audits the
 * same codes otherwise. In a sweep each cell's files carry its tag
 * (codes-run3-1a2b3c4d.npy), as its other side files do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fairness.h"

/* path with the cell's tag before its extension, and the INI's path */
static void codes_paths(const im_config *cfg, int run, const char *path, char *npy, size_t size, char *ini,
                        size_t ini_size)
{
    char tag[64] = "";
    if (cfg->sweep_label && run >= 0) snprintf(tag, sizeof tag, "-run%d-%08x", run, (unsigned)(im_config_hash(cfg, "") >> 32));
    size_t n = strlen(path), stem = n > 4 && strcmp(path + n - 4, ".npy") == 0 ? n - 4 : n;
    snprintf(npy, size, "%.*s%s.npy", (int)stem, path, tag);
    snprintf(ini, ini_size, "%.*s%s-audit.ini", (int)stem, path, tag);
}

/* Z | T | Y | score | split of every row, train then validation then test */
static im_status write_codes(im_ctx *ctx, const im_dataset *ds, const im_mat *z[3], const im_real *const scores[3],
                             const char *path)
{
    const im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    long rows = (long)z[0]->rows + z[1]->rows + z[2]->rows;
    int d = z[0]->cols, width = d + 4;
    double *table = malloc(sizeof(double) * (size_t)rows * (size_t)width);
    if (!table) return im_fail(ctx, IM_ENOMEM, "fairness: out of memory for the codes");
    long at = 0;
    for (int s = 0; s < 3; s++)
        for (int r = 0; r < z[s]->rows; r++, at++) {
            double *row = table + at * width;
            for (int c = 0; c < d; c++) row[c] = im_mat_row(z[s], r)[c];
            row[d] = splits[s]->t.data[r];
            row[d + 1] = splits[s]->y.data[r];
            row[d + 2] = scores[s][r];
            row[d + 3] = s;
        }
    im_status st = im_npy_write(ctx, path, table, rows, width);
    free(table);
    return st;
}

/* The audit task's INI for the codes: written to a temporary file and
 * renamed into place. */
static im_status write_audit_ini(im_ctx *ctx, const fairness_settings *s, const char *ini, const char *npy, int d,
                                 int seed, const im_rng *rng)
{
    unsigned char state[IM_RNG_BYTES];
    im_rng_pack(rng, state);
    char hex[2 * IM_RNG_BYTES + 1], hidden[128] = "", tmp[4300];
    for (int i = 0; i < IM_RNG_BYTES; i++) snprintf(hex + 2 * i, 3, "%02x", state[i]);
    for (int i = 0, used = 0; i < s->audit.n_adversary_hidden; i++)
        used += snprintf(hidden + used, sizeof hidden - (size_t)used, "%s%d", i ? "," : "", s->audit.adversary_hidden[i]);
    const char *name = strrchr(npy, '/');
    name = name ? name + 1 : npy;
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", ini, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) return im_fail(ctx, IM_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    fprintf(f, "; The audit of the codes in %s, written by the fairness task (seed %d)\n"
               "; with its audit settings and its generator's state at the start of its audit:\n"
               ";     infomin-run %s\n"
               "; gives that run's accuracy, gaps and leakage figures again. Columns: Z, T, Y,\n"
               "; the head's score (its decision: score > 0) and the split (0 train, 1\n"
               "; validation, 2 test).\n"
               "[task]\nplugin           = audit\nseed             = %d\nrng_state        = %s\n"
               "adversary_hidden = %s\nadversary_epochs = %d\nrenyi_steps      = %d\nksg_slices       = %d\n\n"
               "[dataset]\nplugin       = npy\npath         = %s\nx            = 0..%d\nt            = %d\n"
               "y            = %d, %d   ; the label, then the model's score\nsplit_column = %d\n",
            name, seed, ini, seed, hex, hidden, s->audit.adversary_epochs, s->audit.renyi_steps, s->audit.ksg_slices, name,
            d - 1, d, d + 1, d + 2, d + 3);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, ini) != 0) {
        int err = errno;
        unlink(tmp);
        return im_fail(ctx, IM_EIO, "%s: cannot write: %s", ini, strerror(err));
    }
    return IM_OK;
}

im_status fairness_save_codes(im_task *t, const fairness_settings *s, const im_mat *z[3],
                              const im_real *const scores[3])
{
    char npy[4200], ini[4200];
    int seed = 1;
    im_status st = im_section_int(t->ctx, &t->sec, "seed", &seed);
    codes_paths(t->cfg, im_record_run(t->rec), s->save_codes, npy, sizeof npy, ini, sizeof ini);
    if (!st) st = write_codes(t->ctx, &t->ds, z, scores, npy);
    if (!st) st = write_audit_ini(t->ctx, s, ini, npy, z[0]->cols, seed, t->rng);
    if (!st) {
        im_record_str(t->rec, "codes", npy);
        im_record_str(t->rec, "codes_audit", ini);
    }
    return st;
}
