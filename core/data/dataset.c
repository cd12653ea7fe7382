/* dataset.c — instantiating dataset plugins and checking what they return. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/data.h"
#include "infomin/registry.h"

static const char *const split_names[3] = { "train", "val", "test" };

void im_dataset_free(im_dataset *ds)
{
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3; s++) {
        im_mat_free(&splits[s]->x);
        im_mat_free(&splits[s]->y);
        im_mat_free(&splits[s]->t);
    }
    if (ds->adjacency) im_csr_free(ds->adjacency);
    free(ds->adjacency);
    ds->adjacency = NULL;
    if (ds->graphs) {
        free(ds->graphs->node_start);
        im_mat_free(&ds->graphs->node_x);
        im_csr_free(&ds->graphs->adjacency);
        free(ds->graphs);
        ds->graphs = NULL;
    }
}

im_status im_dataset_alloc(im_ctx *ctx, im_dataset *ds, const int n[3], int x_cols, int y_cols, int t_cols)
{
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int s = 0; s < 3; s++) {
        im_status st = im_mat_alloc(ctx, &splits[s]->x, n[s], x_cols);
        if (!st) st = im_mat_alloc(ctx, &splits[s]->y, n[s], y_cols);
        if (!st) st = im_mat_alloc(ctx, &splits[s]->t, n[s], t_cols);
        if (st) {
            im_dataset_free(ds);
            return st;
        }
    }
    return IM_OK;
}

static const im_mat *role_of(const im_split *s, im_role role)
{
    return role == IM_ROLE_X ? &s->x : role == IM_ROLE_Y ? &s->y : &s->t;
}

im_status im_dataset_all_rows(im_ctx *ctx, const im_dataset *ds, im_role role, im_mat *out)
{
    const im_mat *parts[3] = { role_of(&ds->train, role), role_of(&ds->val, role), role_of(&ds->test, role) };
    im_status st = im_mat_alloc(ctx, out, parts[0]->rows + parts[1]->rows + parts[2]->rows, parts[2]->cols);
    size_t row = sizeof(im_real) * (size_t)parts[2]->cols;
    for (int s = 0, r = 0; s < 3 && !st; r += parts[s]->rows, s++)
        if (parts[s]->rows) memcpy(im_mat_row(out, r), parts[s]->data, row * (size_t)parts[s]->rows);
    return st;
}

im_status im_dataset_check(im_ctx *ctx, const im_dataset *ds)
{
    const im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    if (ds->train.x.rows == 1)   /* 0: no training split, for estimators that train nothing */
        return im_fail(ctx, IM_EINVAL, "dataset %s: 1 training row (none, or at least 2)", ds->name);
    im_shape shape = ds->x_shape;
    if ((shape.c || shape.h || shape.w) &&
        (shape.c < 1 || shape.h < 1 || shape.w < 1 || im_shape_size(shape) != ds->train.x.cols))
        return im_fail(ctx, IM_EINVAL, "dataset %s: image shape %dx%dx%d does not match X's %d columns", ds->name,
                       shape.c, shape.h, shape.w, ds->train.x.cols);
    for (int s = 0; s < 3; s++) {
        const im_split *sp = splits[s];
        const im_mat *mats[3] = { &sp->x, &sp->y, &sp->t };
        const char *mat_names[3] = { "X", "Y", "T" };
        for (int m = 0; m < 3; m++) {
            const im_mat *ref = &ds->train.x;
            if (m == 1) ref = &ds->train.y;
            if (m == 2) ref = &ds->train.t;
            if (mats[m]->rows != sp->x.rows && mats[m]->cols > 0)
                return im_fail(ctx, IM_EINVAL, "dataset %s: %s split: %s has %d rows, X has %d", ds->name,
                               split_names[s], mat_names[m], mats[m]->rows, sp->x.rows);
            if (mats[m]->rows > 0 && mats[m]->cols != ref->cols)
                return im_fail(ctx, IM_EINVAL, "dataset %s: %s split: %s has %d columns, train has %d", ds->name,
                               split_names[s], mat_names[m], mats[m]->cols, ref->cols);
            char what[128];
            snprintf(what, sizeof what, "dataset %s: %s split: %s", ds->name, split_names[s], mat_names[m]);
            im_status st = im_mat_check_finite(ctx, mats[m], what);
            if (st) return st;
        }
    }
    const im_csr *a = ds->adjacency;
    long nodes = (long)ds->train.x.rows + ds->val.x.rows + ds->test.x.rows;
    if (a && (a->rows != nodes || a->cols != nodes))
        return im_fail(ctx, IM_EINVAL, "dataset %s: the adjacency is %dx%d, the splits hold %ld nodes", ds->name,
                       a->rows, a->cols, nodes);
    const im_graph_set *gs = ds->graphs;
    if (gs && gs->n_graphs != nodes)   /* the splits' rows are graphs here */
        return im_fail(ctx, IM_EINVAL, "dataset %s: %d graphs, the splits hold %ld rows", ds->name, gs->n_graphs, nodes);
    for (int i = 0; gs && i < gs->n_graphs; i++)
        if (gs->node_start[i + 1] <= gs->node_start[i])
            return im_fail(ctx, IM_EINVAL, "dataset %s: graph %d has no node", ds->name, i);
    if (gs && (gs->node_x.rows != gs->node_start[gs->n_graphs] || gs->adjacency.rows != gs->node_x.rows))
        return im_fail(ctx, IM_EINVAL, "dataset %s: %d nodes, %d feature rows, a %dx%d adjacency", ds->name,
                       gs->node_start[gs->n_graphs], gs->node_x.rows, gs->adjacency.rows, gs->adjacency.cols);
    if (gs) {
        char what[128];
        snprintf(what, sizeof what, "dataset %s: node features", ds->name);
        return im_mat_check_finite(ctx, &gs->node_x, what);
    }
    return IM_OK;
}

im_status im_dataset_load(im_ctx *ctx, const im_config *cfg, const char *section, im_rng *rng, im_dataset *out)
{
    memset(out, 0, sizeof *out);
    im_section sec;
    im_status st = im_config_section(ctx, cfg, ctx->registry, section, &sec);
    if (st) return st;
    if (sec.kind != IM_DATASET) return im_fail(ctx, IM_ECONFIG, "%s: [%s] is not a dataset section", cfg->path, section);
    const im_dataset_vt *vt = sec.plugin->vtable;
    snprintf(out->name, sizeof out->name, "%s", sec.plugin->name);
    st = vt->create(ctx, &sec, rng, out);
    if (!st) st = im_dataset_check(ctx, out);
    if (st) im_dataset_free(out);
    return st;
}

im_status im_split_counts(im_ctx *ctx, const im_section *sec, int n[3])
{
    im_status st = im_section_int(ctx, sec, "n_train", &n[0]);
    if (!st) st = im_section_int(ctx, sec, "n_val", &n[1]);
    if (!st) st = im_section_int(ctx, sec, "n_test", &n[2]);
    return st;
}
