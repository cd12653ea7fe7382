/* A task for the sweep tests: a number from the seed, after a pause, or a
 * failure, or a crash — what infomin-run's schedulers must survive. */
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include "infomin/infomin.h"

static const im_param_spec probe_params[] = {
    { "value", "float", "1", "added to a uniform draw from the seed", NULL },
    { "pause_ms", "int", "0", "milliseconds to wait (in steps of 10, polling for a stop signal)", ">=0" },
    { "outcome", "string", "ok", "ok, fail (an error) or crash (abort)", "ok|fail|crash" },
    IM_PARAMS_END
};

static im_status probe_run(im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec)
{
    im_section s;
    double value;
    int pause_ms;
    const char *outcome;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &s);
    if (!st) st = im_section_float(ctx, &s, "value", &value);
    if (!st) st = im_section_int(ctx, &s, "pause_ms", &pause_ms);
    if (!st) st = im_section_string(ctx, &s, "outcome", &outcome);
    if (st) return st;
    for (int waited = 0; waited < pause_ms; waited += 10) {
        if (im_interrupted(ctx)) return im_fail(ctx, IM_EINTERRUPTED, "probe: stopped after %d ms", waited);
        struct timespec ten = { 0, 10 * 1000 * 1000 };
        nanosleep(&ten, NULL);
    }
    if (outcome[0] == 'c') abort();
    if (outcome[0] == 'f') return im_fail(ctx, IM_EINVAL, "probe: failing as asked");
    im_record_num(rec, "value", value + im_rng_uniform(rng));
    return IM_OK;
}

static const im_task_vt probe_vt = { IM_VT_SIZE(im_task_vt), .run = probe_run };
static const im_plugin probe = IM_PLUGIN(IM_TASK, "probe", "sweep test task: a number, a pause, a failure or a crash",
                                         probe_params, &probe_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &probe, NULL };
