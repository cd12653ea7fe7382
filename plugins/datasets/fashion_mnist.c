/* fashion_mnist.c — dataset `fashion-mnist`: Zalando's Fashion-MNIST (Xiao,
 * Rasul & Vollgraf 2017), 60,000 training and 10,000 test images of 28×28
 * grey pixels in 10 classes, read from the IDX files of the Debian package
 * dataset-fashion-mnist (or any folder holding the four files, gzipped or
 * not).
 *
 * X: one image per row (1×H×W, the shape on the dataset), pixels scaled by
 * `scale`: unit = p/255 in [0, 1], centered = (p/255 − 0.5)/0.5 in [−1, 1].
 * Y: the class 0..9 (one column). T: none.
 * Validation rows are carved from the training file: a seeded permutation
 * gives the first n_val to validation and the next n_train to training;
 * n_test rows of the test file are drawn the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fashion_mnist.h"

#define DEFAULT_PATH FASHION_DEFAULT_PATH
#define N_CLASSES 10

static const im_param_spec fashion_params[] = { FASHION_PARAMS, IM_PARAMS_END };

/* folder/name.gz, or folder/name when only the uncompressed file is there. */
static void file_in(char *buf, size_t size, const char *folder, const char *name)
{
    snprintf(buf, size, "%s/%s", folder, name);
    if (access(buf, F_OK) == 0) return;
    snprintf(buf, size, "%s/%s.gz", folder, name);
}

/* One half of the data: images and labels, checked against each other. */
typedef struct {
    im_idx images, labels;
    char image_path[1024], label_path[1024];
} idx_pair;

static im_status read_pair(im_ctx *ctx, const char *folder, const char *prefix, idx_pair *p)
{
    char name[64];
    snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
    file_in(p->image_path, sizeof p->image_path, folder, name);
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
    file_in(p->label_path, sizeof p->label_path, folder, name);
    if (access(p->image_path, F_OK) != 0 && strcmp(folder, DEFAULT_PATH) == 0)
        return im_fail(ctx, IM_EIO, "fashion-mnist: %s: no such file (install the Debian package "
                       "dataset-fashion-mnist, or set [dataset] path to a folder holding the IDX files)",
                       p->image_path);
    im_status st = im_idx_read(ctx, p->image_path, 3, &p->images);
    if (!st) st = im_idx_read(ctx, p->label_path, 1, &p->labels);
    if (st) return st;
    if (p->images.dims[0] != p->labels.dims[0])
        return im_fail(ctx, IM_EIO, "fashion-mnist: %s holds %d images but %s holds %d labels", p->image_path,
                       p->images.dims[0], p->label_path, p->labels.dims[0]);
    for (int i = 0; i < p->labels.dims[0]; i++)
        if (p->labels.data[i] >= N_CLASSES)
            return im_fail(ctx, IM_EIO, "fashion-mnist: %s: label %d of item %d is not a class 0..%d", p->label_path,
                           p->labels.data[i], i, N_CLASSES - 1);
    return IM_OK;
}

static void pair_free(idx_pair *p)
{
    im_idx_free(&p->images);
    im_idx_free(&p->labels);
}

/* Rows perm[first .. first+n) of a pair into a split. */
static void fill_split(im_split *s, const idx_pair *p, const int *perm, int first, int n, int centered)
{
    long pixels = (long)p->images.dims[1] * p->images.dims[2];
    for (int r = 0; r < n; r++) {
        int item = perm[first + r];
        const unsigned char *src = p->images.data + (long)item * pixels;
        im_real *dst = im_mat_row(&s->x, r);
        for (long i = 0; i < pixels; i++)
            dst[i] = centered ? (im_real)(src[i] / 127.5 - 1.0) : (im_real)(src[i] / 255.0);
        im_mat_row(&s->y, r)[0] = p->labels.data[item];
    }
}

im_status fashion_load(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    char folder[1024];
    int n[3];
    const char *scale;
    im_status st = im_section_path(ctx, sec, "path", folder, sizeof folder);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_section_string(ctx, sec, "scale", &scale);
    if (st) return st;
    idx_pair train = { 0 }, test = { 0 };
    int *perm_train = NULL, *perm_test = NULL;
    st = read_pair(ctx, folder, "train", &train);
    if (!st) st = read_pair(ctx, folder, "t10k", &test);
    if (!st && (train.images.dims[1] != test.images.dims[1] || train.images.dims[2] != test.images.dims[2]))
        st = im_fail(ctx, IM_EIO, "fashion-mnist: %s holds %dx%d images, %s %dx%d", train.image_path,
                     train.images.dims[1], train.images.dims[2], test.image_path, test.images.dims[1],
                     test.images.dims[2]);
    int n_file = st ? 0 : train.images.dims[0], n_test_file = st ? 0 : test.images.dims[0];
    if (!st && n[0] == 0) n[0] = n_file - n[1];
    if (!st && n[2] == 0) n[2] = n_test_file;
    if (!st && (n[0] < 2 || n[0] + n[1] > n_file))
        st = im_section_fail(ctx, sec, "n_train", "n_train %d + n_val %d: the training file %s holds %d images", n[0],
                             n[1], train.image_path, n_file);
    if (!st && n[2] > n_test_file)
        st = im_section_fail(ctx, sec, "n_test", "n_test %d: the test file %s holds %d images", n[2],
                             test.image_path, n_test_file);
    if (!st) {
        perm_train = malloc(sizeof(int) * (size_t)n_file);
        perm_test = malloc(sizeof(int) * (size_t)n_test_file);
        if (!perm_train || !perm_test) st = im_fail(ctx, IM_ENOMEM, "fashion-mnist: out of memory");
    }
    if (!st) {
        im_rng_permutation(rng, perm_train, n_file);
        if (n[2] < n_test_file)
            im_rng_permutation(rng, perm_test, n_test_file);
        else
            for (int i = 0; i < n_test_file; i++) perm_test[i] = i;   /* the whole file, in its order */
        int h = train.images.dims[1], w = train.images.dims[2];
        st = im_dataset_alloc(ctx, ds, (int[3]){ n[0], n[1], n[2] }, h * w, 1, 0);
        if (!st) {
            int centered = strcmp(scale, "centered") == 0;
            fill_split(&ds->val, &train, perm_train, 0, n[1], centered);
            fill_split(&ds->train, &train, perm_train, n[1], n[0], centered);
            fill_split(&ds->test, &test, perm_test, 0, n[2], centered);
            ds->x_shape = (im_shape){ 1, h, w };
            ds->y_kind = IM_VAR_CLASSES;
            ds->y_classes = N_CLASSES;
        }
    }
    free(perm_train);
    free(perm_test);
    pair_free(&train);
    pair_free(&test);
    return st;
}

im_status fashion_replace(im_split *s, im_status st, im_mat *x, im_mat *t)
{
    im_mat *old_x = st ? x : &s->x, *old_t = st ? t : &s->t;
    im_mat_free(old_x);
    im_mat_free(old_t);
    if (!st) s->x = *x, s->t = *t;
    return st;
}

static const im_dataset_vt fashion_vt = { IM_VT_SIZE(im_dataset_vt), .create = fashion_load };
static const im_plugin fashion = IM_PLUGIN(IM_DATASET, "fashion-mnist",
                                           "Fashion-MNIST images (28x28, 10 classes) from the IDX files",
                                           fashion_params, &fashion_vt);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &fashion, &colored_fashion_plugin, &fashion_m_plugin, NULL };
