/* registry_fixture.h — the fixture of the suites that work through the
 * plugins: a context with a registry of the build tree's plugins (setup,
 * teardown), configs from text, and one fit-and-estimate on a dataset. Each
 * suite includes it once; what a suite does not call costs nothing. */
#ifndef INFOMIN_REGISTRY_FIXTURE_H
#define INFOMIN_REGISTRY_FIXTURE_H

#include "test_util.h"

static im_ctx ctx;
static im_registry *reg;

static void setup(void)
{
    im_ctx_init(&ctx);
    reg = test_registry(&ctx);
}

static void teardown(void) { im_registry_free(reg); }

/* A config from text; the caller frees it. */
static inline void parse(const char *text, im_config *cfg)
{
    ck_assert_msg(im_config_parse_string(&ctx, text, "t.ini", cfg) == IM_OK, "%s", ctx.err);
    ck_assert_msg(im_config_validate(&ctx, cfg, reg) == IM_OK, "%s", ctx.err);
}

/* Load [dataset], fit [estimator] on train (val for selection), estimate on
 * test. Returns the estimate; *true_mi gets the dataset's truth. */
static inline double run_estimate(const char *dataset, const char *estimator, uint64_t seed, double *true_mi)
{
    char text[4096];
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\n%s\n[estimator]\n%s\n", dataset, estimator);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, seed);
    im_dataset ds;
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK, "%s", ctx.err);
    im_estimator *est;
    ck_assert_msg(im_estimator_new(&ctx, &cfg, "estimator", ds.train.x.cols, ds.train.y.cols, &rng, &est) == IM_OK,
                  "%s", ctx.err);
    ck_assert_msg(im_estimator_fit(&ctx, est, &ds.train.x, &ds.train.y, &ds.val.x, &ds.val.y, NULL) == IM_OK, "%s",
                  ctx.err);
    double v;
    ck_assert_msg(im_estimator_estimate(&ctx, est, &ds.test.x, &ds.test.y, &v) == IM_OK, "%s", ctx.err);
    if (true_mi) *true_mi = ds.true_mi;
    im_estimator_free(est);
    im_dataset_free(&ds);
    im_config_free(&cfg);
    return v;
}

#endif
