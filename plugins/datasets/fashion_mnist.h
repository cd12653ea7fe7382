/* fashion_mnist.h — the Fashion-MNIST datasets of one plugin file: the
 * grey images (fashion_mnist.c) and the variants built from them
 * (colored_fashion.c, fashion_m.c). */
#ifndef FASHION_MNIST_H
#define FASHION_MNIST_H

#include "infomin/infomin.h"

#define FASHION_DEFAULT_PATH "/usr/share/datasets/fashion-mnist"
#define FASHION_PARAMS                                                                                           \
    { "path", "string", FASHION_DEFAULT_PATH,                                                                    \
      "folder with train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte(.gz), t10k-... (${VAR} expands)", NULL }, \
    { "n_train", "int", "0", "training images (0: all the training file holds after validation)", ">=0" },       \
    { "n_val", "int", "5000", "validation images, carved from the training file", ">=0" },                       \
    { "n_test", "int", "0", "test images (0: the whole test file)", ">=0" },                                     \
    { "scale", "string", "unit", "pixel scaling: unit = p/255, centered = 2·p/255 − 1", "unit|centered" }

/* The grey images of the splits the section asks for (fashion_mnist.c). */
im_status fashion_load(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds);
/* A variant's split: X and T replaced by x and t when st is IM_OK (the
 * grey ones freed), else x and t freed and the split left as it was;
 * returns st. */
im_status fashion_replace(im_split *s, im_status st, im_mat *x, im_mat *t);
extern const im_plugin colored_fashion_plugin;   /* colored_fashion.c */
extern const im_plugin fashion_m_plugin;         /* fashion_m.c */

#endif
