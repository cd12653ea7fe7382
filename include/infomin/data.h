/* data.h — datasets: sample matrices X, Y (target) and T (nuisance /
 * sensitive / domain), split into train / validation / test, and the true MI
 * I(X;Y) when the generating process has a known answer. */
#ifndef INFOMIN_DATA_H
#define INFOMIN_DATA_H

#include "api.h"
#include "cfg.h"
#include "mat.h"
#include "rng.h"
#include "sparse.h"

typedef enum { IM_VAR_NONE, IM_VAR_CONTINUOUS, IM_VAR_BINARY, IM_VAR_CLASSES } im_var_kind;

typedef struct im_split {
    im_mat x, y, t;     /* same row count; t may be empty (0 columns) */
} im_split;

/* Many small graphs, one per row of the splits (graph-level learning): all
 * their nodes numbered graph after graph in split order, node features,
 * and one block-diagonal adjacency (undirected, no self-loops). */
typedef struct im_graph_set {
    int n_graphs;       /* the splits' rows: train, then val, then test */
    int *node_start;    /* n_graphs + 1: graph i holds nodes [node_start[i], node_start[i+1]) */
    im_mat node_x;      /* one row per node */
    im_csr adjacency;   /* node_start[n_graphs] square, no edge between graphs */
} im_graph_set;

typedef struct im_dataset {
    char name[64];
    im_split train, val, test;
    im_var_kind y_kind, t_kind;
    int y_classes, t_classes;   /* for IM_VAR_CLASSES (binary: 2)     */
    int has_true_mi;
    double true_mi;             /* I(X;Y) in nats, when has_true_mi   */
    /* Appended in 0.3: image datasets set the shape of an X row (C, H, W;
     * C·H·W = X's columns); all zero for vectors. */
    im_shape x_shape;
    /* Appended in 0.5: a graph dataset (node level) sets the adjacency of
     * one undirected graph over all its rows, numbered in split order
     * (train rows, then val, then test); NULL for every other dataset.
     * Owned by the dataset (im_dataset_free). */
    im_csr *adjacency;
    /* Appended in 0.5: a graph-level dataset sets the graphs its rows are
     * (X then holds a per-graph feature vector, Y the graph's label); NULL
     * for every other dataset. Owned by the dataset. */
    im_graph_set *graphs;
    /* Appended in 0.6: the conditional MI I(X;Y|T) in nats, when the
     * generating process knows it (dataset `conditional`: T is the Z the
     * estimate is given); has_true_cmi 0 for every other dataset. */
    int has_true_cmi;
    double true_cmi;
} im_dataset;

/* Appended fields only (plugin.h); required: create. */
typedef struct im_dataset_vt {
    uint32_t size;   /* IM_VT_SIZE(im_dataset_vt) */
    /* Fill *out (all matrices owned by it); the host frees with im_dataset_free. */
    im_status (*create)(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *out);
} im_dataset_vt;

/* Instantiate the dataset plugin named in [section] and check the result:
 * consistent shapes across splits and finite values (NaN names its place). */
IM_API im_status im_dataset_load(im_ctx *ctx, const im_config *cfg, const char *section, im_rng *rng, im_dataset *out);
IM_API void im_dataset_free(im_dataset *ds);
/* Shape and finiteness checks (im_dataset_load runs them). */
IM_API im_status im_dataset_check(im_ctx *ctx, const im_dataset *ds);
/* The three variables of a row: X, Y and the nuisance T. */
typedef enum { IM_ROLE_X, IM_ROLE_Y, IM_ROLE_T } im_role;
/* The sizes of generated splits: spec entries for a plugin's key table,
 * and their reader (n[0..2] = train, val, test). */
#define IM_SPLIT_PARAMS(n_train, n_val, n_test, val_min)                                                      \
    { "n_train", "int", n_train, "training samples", ">=2" },                                                \
    { "n_val", "int", n_val, "validation samples", ">=" val_min },                                           \
    { "n_test", "int", n_test, "test samples", ">=2" }
IM_API im_status im_split_counts(im_ctx *ctx, const im_section *sec, int n[3]);
/* Allocate the three splits' x, y, t with the given sizes and widths. */
IM_API im_status im_dataset_alloc(im_ctx *ctx, im_dataset *ds, const int n[3], int x_cols, int y_cols, int t_cols);
/* since 0.6: every row of one role, the training, validation and test rows
 * one above the other (the order a seeded loader shuffled them into), into
 * out (allocated here): what an estimator that trains nothing reads. */
IM_API im_status im_dataset_all_rows(im_ctx *ctx, const im_dataset *ds, im_role role, im_mat *out);

/* IDX files (the MNIST family's format), gzip-compressed or not
 * (core/data/idx.c): unsigned bytes in up to 4 dimensions. */
typedef struct im_idx {
    int ndim;
    int dims[4];
    unsigned char *data;   /* dims[0]·…·dims[ndim−1] bytes, malloc'd */
} im_idx;
/* Reads path; `ndim` is the number of dimensions the caller expects. A
 * missing file, a wrong magic number, an unexpected number of dimensions or
 * a truncated body is an error naming the file and what is wrong. */
IM_API im_status im_idx_read(im_ctx *ctx, const char *path, int ndim, im_idx *out);
IM_API void im_idx_free(im_idx *idx);

/* Column transforms of every split with the training split's statistics
 * (core/data/columns.c): the role picks x, y or t of each split. */
/* (v − mean) / sd; a constant column becomes 0. */
IM_API void im_standardize_column(im_dataset *ds, im_role role, int col);
/* 1 above the training median, else 0. */
IM_API void im_binarize_column(im_dataset *ds, im_role role, int col);

/* Correlated Gaussian pairs with known MI (core/synthetic.c): d independent
 * component pairs with correlations ρ_i, optionally rotated by random
 * orthogonal matrices (dense: every x coordinate depends on every y one). */
typedef struct im_synth {
    int dim;
    double *rho;            /* d correlations */
    double *rot_x, *rot_y;  /* d x d, NULL when componentwise */
} im_synth;
/* The largest MI one component pair can carry: rho 0.999999, the rho key's
 * range (beyond ~19 nats rho rounds to 1 in double and the MI to infinity). */
#define IM_SYNTH_MAX_PAIR_MI 6.9
/* Correlations from a target MI: all equal (componentwise), or a random
 * Dirichlet split of it (dense). IM_EINVAL when a pair would carry more than
 * IM_SYNTH_MAX_PAIR_MI. */
IM_API im_status im_synth_init(im_ctx *ctx, im_synth *s, int dim, double mi, int dense, im_rng *rng);
IM_API void im_synth_set_rho(im_synth *s, double rho);   /* every component */
IM_API double im_synth_mi(const im_synth *s);             /* −½ Σ log(1 − ρ_i²) */
IM_API void im_synth_sample(const im_synth *s, im_rng *rng, double *x, double *y);
IM_API void im_synth_free(im_synth *s);
/* A whole dataset of such pairs from a section's keys dim, mi | rho,
 * structure, n_train, n_val, n_test: all three splits filled. nu > 0 divides
 * each pair by sqrt(w/ν), w ~ χ²_ν (the multivariate t of `student`).
 * *gauss_mi gets the MI of the Gaussian part. */
/* The validate hook of datasets built on im_synth_dataset: mi / dim within
 * what can be generated. */
IM_API im_status im_synth_validate(im_ctx *ctx, const im_section *sec);
IM_API im_status im_synth_dataset(im_ctx *ctx, const im_section *sec, im_rng *rng, double nu, im_dataset *ds,
                                  double *gauss_mi);

/* MI-preserving bijections (core/data/transform.c): elementwise ones and
 * one of whole rows (spiral, 2 or more columns). */
#define IM_TRANSFORM_CHOICES "none|cubic|halfcube|asinh|wiggly|normal-cdf|bimodal|spiral"
#define IM_TRANSFORM_SPEC                                                                                     \
    { "transform", "string", "none", "elementwise bijection (MI is invariant: true_mi carries over)",         \
      IM_TRANSFORM_CHOICES }
#define IM_TRANSFORM_ON_SPEC { "transform_on", "string", "both", "which variables the transform applies to", "x|y|both" }
#define IM_TRANSFORM_PARAMS IM_TRANSFORM_SPEC, IM_TRANSFORM_ON_SPEC
IM_API im_status im_transform_mat(im_ctx *ctx, const char *name, im_mat *m);
/* The same for the X or Y side: wiggly and bimodal differ between them
 * (im_transform_mat is the X side). */
IM_API im_status im_transform_role(im_ctx *ctx, const char *name, im_role role, im_mat *m);
/* Beyond Normal's Swiss roll of u in (0, 1): t = 1.5π(1 + 2u),
 * out[2i..2i+1] = (t cos t, t sin t) / 21 — an embedding of the line in R². */
IM_API void im_swiss_roll(const double *u, int n, double *out);
/* Apply the section's transform / transform_on keys to every split. */
IM_API im_status im_dataset_transform(im_ctx *ctx, const im_section *sec, im_dataset *ds);

/* Jointly Gaussian (X, Y) with any joint covariance, or the multivariate
 * Student-t on it (ν > 0 degrees of freedom; 0: Gaussian), and its exact MI
 * (core/data/mvn.c). */
typedef struct im_mvn {
    int dx, dy;
    double nu;
    double *chol;   /* (dx + dy)² Cholesky factor of the covariance */
    double mi;      /* I(X;Y), nats */
} im_mvn;
/* cov: (dx + dy)² row-major, positive definite (else IM_EINVAL). */
IM_API im_status im_mvn_init(im_ctx *ctx, im_mvn *g, int dx, int dy, const double *cov, double nu);
/* One sample; z is dx + dy doubles of scratch. */
IM_API void im_mvn_sample(const im_mvn *g, im_rng *rng, double *z, double *x, double *y);
IM_API void im_mvn_free(im_mvn *g);
/* What ν degrees of freedom add to the Gaussian MI of the dispersion. */
IM_API double im_student_mi_correction(double nu, int dx, int dy);
/* X ~ U(0, 1), Y = X + N with N ~ U(−ε, ε): I = ε − log 2ε for ε ≤ ½, else
 * 1/(4ε) (core/data/synthetic.c). */
IM_API void im_additive_noise_sample(im_rng *rng, double eps, double *x, double *y);
IM_API double im_additive_noise_mi(double eps);

#endif
