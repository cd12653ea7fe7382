/* param.c — parameters and their initialisers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/param.h"

im_param *im_params_add(im_ctx *ctx, im_params *list, const char *name, int rows, int cols)
{
    if (rows <= 0 || cols <= 0) {
        im_fail(ctx, IM_EINVAL, "parameter %s: shape %dx%d is empty", name, rows, cols);
        return NULL;
    }
    if (list->count == list->cap) {
        int cap = list->cap ? 2 * list->cap : 16;
        im_param **items = realloc(list->items, sizeof *items * (size_t)cap);
        if (!items) {
            im_fail(ctx, IM_ENOMEM, "parameter list: out of memory");
            return NULL;
        }
        list->items = items;
        list->cap = cap;
    }
    size_t n = (size_t)rows * (size_t)cols;
    im_param *p = calloc(1, sizeof *p);
    im_real *block = calloc(4 * n, sizeof(im_real));   /* value | grad | m | v */
    if (!p || !block) {
        free(p);
        free(block);
        im_fail(ctx, IM_ENOMEM, "parameter %s: cannot allocate %dx%d", name, rows, cols);
        return NULL;
    }
    snprintf(p->name, sizeof p->name, "%s", name);
    p->rows = rows;
    p->cols = cols;
    p->value = block;
    p->grad = block + n;
    p->m = block + 2 * n;
    p->v = block + 3 * n;
    list->items[list->count++] = p;
    return p;
}

im_status im_params_view_append(im_ctx *ctx, im_params *view, const im_params *more)
{
    int count = view->count + more->count;
    im_param **items = realloc(view->items, sizeof(im_param *) * (size_t)(count > 0 ? count : 1));
    if (!items) return im_fail(ctx, IM_ENOMEM, "parameter list: out of memory");
    for (int i = 0; i < more->count; i++) items[view->count + i] = more->items[i];
    view->items = items;
    view->count = view->cap = count;
    return IM_OK;
}

void im_params_view_free(im_params *view)
{
    free(view->items);
    memset(view, 0, sizeof *view);
}

void im_params_free(im_params *list)
{
    for (int i = 0; i < list->count; i++) {
        free(list->items[i]->value);
        free(list->items[i]);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

static long numel(const im_param *p) { return (long)p->rows * p->cols; }

long im_params_numel(const im_params *list)
{
    long total = 0;
    for (int i = 0; i < list->count; i++) total += numel(list->items[i]);
    return total;
}

void im_params_zero_grad(const im_params *list)
{
    for (int i = 0; i < list->count; i++)
        memset(list->items[i]->grad, 0, sizeof(im_real) * (size_t)numel(list->items[i]));
}

void im_params_save(const im_params *list, im_real *buf)
{
    for (int i = 0; i < list->count; i++) {
        memcpy(buf, list->items[i]->value, sizeof(im_real) * (size_t)numel(list->items[i]));
        buf += numel(list->items[i]);
    }
}

void im_params_load(const im_params *list, const im_real *buf)
{
    for (int i = 0; i < list->count; i++) {
        memcpy(list->items[i]->value, buf, sizeof(im_real) * (size_t)numel(list->items[i]));
        buf += numel(list->items[i]);
    }
}

void im_init_uniform(im_param *p, im_rng *rng, double lo, double hi)
{
    for (long i = 0; i < numel(p); i++) p->value[i] = (im_real)(lo + (hi - lo) * im_rng_uniform(rng));
}

void im_init_xavier(im_param *p, im_rng *rng)
{
    double a = sqrt(6.0 / (p->rows + p->cols));
    im_init_uniform(p, rng, -a, a);
}

void im_init_he(im_param *p, im_rng *rng)
{
    double sd = sqrt(2.0 / p->cols);
    for (long i = 0; i < numel(p); i++) p->value[i] = (im_real)(sd * im_rng_normal(rng));
}

void im_init_const(im_param *p, double value)
{
    for (long i = 0; i < numel(p); i++) p->value[i] = (im_real)value;
}
