/* grid.c — the swap grid a person can look at: test images in rows; in
 * columns the input, its reconstruction (its own T), then its code Z
 * decoded with T set to each level (at most MAX_SHOWN, evenly spaced).
 * Where Z keeps nothing of T, each row keeps the image's content and the
 * swapped columns change T alone. */
#include <stdio.h>
#include <string.h>
#include "disentangle.h"

#define MAX_SHOWN 8

im_status dt_swap_grid(im_ctx *ctx, const im_config *cfg, const dt_settings *s, const im_dataset *ds,
                       const dt_levels *lv, const dt_nuisance *te, const dt_model *m, const char *penalty,
                       im_record *rec)
{
    int rows = s->grid_rows < ds->test.x.rows ? s->grid_rows : ds->test.x.rows;
    int shown = lv->n < MAX_SHOWN ? lv->n : MAX_SHOWN, cols = 2 + shown, d = ds->test.x.cols;
    im_mat x = { 0 }, z = { 0 }, onehot = { 0 }, out = { 0 }, tiles = { 0 };
    im_status st = im_mat_alloc(ctx, &x, rows, d);
    if (!st) st = im_mat_alloc(ctx, &onehot, rows, lv->n);
    if (!st) st = im_mat_alloc(ctx, &tiles, rows * cols, d);
    for (int r = 0; r < rows && !st; r++) {
        im_mat_copy_row(&x, r, &ds->test.x, r);
        im_mat_copy_row(&tiles, r * cols, &ds->test.x, r);
    }
    if (!st) st = im_encoder_encode(ctx, &m->enc, &x, IM_ENCODE_CODE, &z);
    for (int c = 1; c < cols && !st; c++) {
        int level = c == 1 ? -1 : (shown == lv->n ? c - 2 : (c - 2) * (lv->n - 1) / (shown - 1));
        memset(onehot.data, 0, sizeof(im_real) * (size_t)rows * (size_t)lv->n);
        for (int r = 0; r < rows; r++) im_mat_row(&onehot, r)[level < 0 ? te->level[r] : level] = 1;
        st = dt_decode(ctx, m, &z, &onehot, &out);
        for (int r = 0; r < rows && !st; r++) im_mat_copy_row(&tiles, r * cols + c, &out, r);
        im_mat_free(&out);
    }
    char names[2 + MAX_SHOWN][32], title[160], path[4096];
    const char *name_of[2 + MAX_SHOWN];
    snprintf(names[0], sizeof names[0], "input");
    snprintf(names[1], sizeof names[1], "reconstruction");
    for (int c = 2; c < cols; c++) {
        int level = shown == lv->n ? c - 2 : (c - 2) * (lv->n - 1) / (shown - 1);
        snprintf(names[c], sizeof names[c], "T = %g", lv->value[level]);
    }
    for (int c = 0; c < cols; c++) name_of[c] = names[c];
    snprintf(title, sizeof title, "%s: code decoded with the nuisance T swapped (penalty %s, beta %g)", ds->name,
             penalty, s->beta);
    im_output_path(cfg, im_record_run(rec), "-swap.png", path, sizeof path);
    im_image_grid grid = { .title = title,
                           .note = "rows: test images; columns: the input, its reconstruction, then its code with T set",
                           .rows = rows, .cols = cols, .channels = ds->x_shape.c, .height = ds->x_shape.h,
                           .width = ds->x_shape.w, .pixels = tiles.data, .col_names = name_of };
    if (!st) st = im_plot_image_grid(ctx, path, &grid);
    if (!st) im_record_str(rec, "swap_grid", path);
    im_mat_free(&x);
    im_mat_free(&z);
    im_mat_free(&onehot);
    im_mat_free(&tiles);
    return st;
}
