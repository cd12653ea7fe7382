/* dgi.h — the task `dgi`, shared by its files: dgi.c (keys, one run:
 * embeddings, the probe), train.c (Deep Graph Infomax and the supervised
 * GCN), summary.c (after a sweep: the table and the PCA picture). */
#ifndef DGI_H
#define DGI_H

#include "infomin/infomin.h"
#include "infomin/stats.h"

typedef enum { DGI_TRAINED, DGI_RANDOM, DGI_SUPERVISED, DGI_RAW } dgi_method;   /* the method key's choices */

typedef struct {
    int method;                /* dgi_method */
    const char *method_name;   /* derived: its text */
    int epochs, patience, probe_epochs, pca_rows;
    double lr, weight_decay, probe_lr;
} dgi_settings;

/* One graph, all of it: the features of every node (split order), their
 * labels, and the split boundaries (train rows [0, n_train), val next,
 * test last). */
typedef struct {
    im_mat x;
    int *labels;
    int n_train, n_val, n_test, classes;
    const im_csr *adjacency;
} dgi_graph;

/* Deep Graph Infomax on the encoder; the loss curve into rec. */
im_status dgi_train_infomax(im_task *t, const dgi_settings *s, const dgi_graph *gr, im_encoder *enc, int *epochs_run);
/* The encoder and a linear head on the training nodes' labels, the best
 * validation epoch's weights kept; the head's test accuracy. */
im_status dgi_train_supervised(im_task *t, const dgi_settings *s, const dgi_graph *gr, im_encoder *enc,
                               double *head_accuracy);
im_status dgi_summarize(im_ctx *ctx, const im_config *runs, im_record *const *recs, int n);

#endif
