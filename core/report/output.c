/* output.c — where a run's files go: the results path and its side files
 * (plots), and the folders on the way to them. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "infomin/output.h"

void im_output_path(const im_config *cfg, int run, const char *suffix, char *buf, size_t size)
{
    char base[4096];
    const im_config_entry *out = im_config_find(cfg, "task", "output");
    if (out && *out->value) {
        snprintf(base, sizeof base, "%s", out->value);
        size_t n = strlen(base);
        if (n > 6 && strcmp(base + n - 6, ".jsonl") == 0) base[n - 6] = '\0';
    } else {
        const char *ini = cfg->path ? cfg->path : "run";
        const char *name = strrchr(ini, '/');
        name = name ? name + 1 : ini;
        snprintf(base, sizeof base, "results/%.*s", (int)strcspn(name, "."), name);
    }
    /* a cell's side files carry its configuration's hash beside its index:
     * after --resume with another sweep shape, run 3 may be another cell,
     * and the pictures a kept record names must not be overwritten */
    if (cfg->sweep_label && run >= 0)
        snprintf(buf, size, "%s-run%d-%08x%s", base, run, (unsigned)(im_config_hash(cfg, "") >> 32), suffix);
    else
        snprintf(buf, size, "%s%s", base, suffix);
}

im_status im_mkdir_parents(im_ctx *ctx, const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        struct stat sb;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return im_fail(ctx, IM_EIO, "%s: cannot create directory %s: %s", path, buf, strerror(errno));
        if (stat(buf, &sb) == 0 && !S_ISDIR(sb.st_mode))   /* a file where a folder is named */
            return im_fail(ctx, IM_EIO, "%s: %s is not a directory", path, buf);
        *p = '/';
    }
    return IM_OK;
}
