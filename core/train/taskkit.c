/* taskkit.c — opening a task's run (taskkit.h): its settings and its
 * dataset, with the checks every task made of the dataset by hand. */
#include <string.h>
#include "infomin/fields.h"
#include "infomin/registry.h"
#include "infomin/taskkit.h"

static im_status check_needs(im_ctx *ctx, const char *task, const im_dataset *ds, unsigned needs)
{
    int classes = ds->y_kind == IM_VAR_CLASSES && ds->y_classes >= 2 && ds->train.y.cols == 1;
    if ((needs & IM_NEEDS_IMAGES) && ds->x_shape.c < 1)
        return im_fail(ctx, IM_EINVAL, "%s: dataset %s needs images (a shape)%s", task, ds->name,
                       needs & IM_NEEDS_CLASSES ? " and class labels" : "");
    if ((needs & IM_NEEDS_CLASSES) && !classes)
        return im_fail(ctx, IM_EINVAL, "%s: dataset %s has no class labels (Y classes)", task, ds->name);
    if ((needs & IM_NEEDS_T) && (ds->train.t.cols != 1 || ds->train.y.cols != 1 || ds->t_kind == IM_VAR_NONE))
        return im_fail(ctx, IM_EINVAL, "%s: dataset %s needs one target column and one sensitive column T", task,
                       ds->name);
    if ((needs & IM_NEEDS_BINARY_T) && (ds->t_kind != IM_VAR_BINARY || ds->train.t.cols != 1))
        return im_fail(ctx, IM_EINVAL, "%s: dataset %s has no binary domain column T (e.g. fashion-mnist-m)", task,
                       ds->name);
    return IM_OK;
}

im_status im_task_open(im_task *t, im_ctx *ctx, const im_config *cfg, im_rng *rng, im_record *rec, void *settings,
                       unsigned needs)
{
    memset(t, 0, sizeof *t);
    t->ctx = ctx, t->cfg = cfg, t->rng = rng, t->rec = rec;
    im_status st = im_config_section(ctx, cfg, ctx->registry, "task", &t->sec);
    if (!st && settings) st = im_fields_read(ctx, &t->sec, settings);
    if (st || (needs & IM_NO_DATASET)) return st;
    st = im_dataset_load(ctx, cfg, "dataset", rng, &t->ds);
    if (!st) t->has_ds = 1;
    if (!st) st = check_needs(ctx, t->sec.plugin->name, &t->ds, needs);
    if (!st && t->ds.train.x.rows == 0 && !(needs & IM_TRAINING_OPTIONAL))
        st = im_fail(ctx, IM_EINVAL, "%s: dataset %s has no training rows (its split gives them none): this task trains",
                     t->sec.plugin->name, t->ds.name);
    return st;
}

void im_task_close(im_task *t)
{
    if (t->has_ds) im_dataset_free(&t->ds);
    t->has_ds = 0;
}

int im_task_settings(im_ctx *ctx, const im_config *cfg, void *settings)
{
    im_section sec;
    return im_config_section(ctx, cfg, ctx->registry, "task", &sec) || im_fields_read(ctx, &sec, settings);
}

im_status im_task_estimator_rows(im_task *t, const im_estimator *est, int rows, im_mat *x, im_mat *y,
                                 const char **what)
{
    int trains = im_estimator_trains(est);
    if (rows == IM_ROWS_ALL && trains)
        return im_section_fail(t->ctx, &t->sec, "rows", "estimator %s trains on the training split: every row would "
                               "include rows it was fitted on (an estimate biased up); rows = auto or test",
                               est->plugin->name);
    int all = rows == IM_ROWS_ALL || (rows == IM_ROWS_AUTO && !trains);
    *what = all ? "rows" : "test rows";
    if (!all) {
        im_status st = im_mat_slice_cols(t->ctx, x, &t->ds.test.x, 0, t->ds.test.x.cols);   /* a copy */
        return st ? st : im_mat_slice_cols(t->ctx, y, &t->ds.test.y, 0, t->ds.test.y.cols);
    }
    im_status st = im_dataset_all_rows(t->ctx, &t->ds, IM_ROLE_X, x);
    return st ? st : im_dataset_all_rows(t->ctx, &t->ds, IM_ROLE_Y, y);
}
