/* sbm.c — dataset `sbm`: one undirected graph from a (degree-corrected)
 * stochastic block model, with node features that carry the community
 * weakly: the setting where a graph encoder has something to add to the
 * features (Deep Graph Infomax's node classification, on generated data).
 *
 *   community c_i    uniform over `communities` (K) — Y, the node label;
 *   edge i ~ j       independently with probability θ_i θ_j p_in (same
 *                    community) or θ_i θ_j p_out (different), p_in =
 *                    in_out_ratio · p_out, set so that the expected mean
 *                    degree is `degree` (θ = 1);
 *   θ_i              1, or with heterogeneity h > 0 a log-normal weight
 *                    exp(h·N(0,1)) normalised to mean 1 (Karrer & Newman's
 *                    degree correction: hubs and leaves);
 *   features x_i     snr · m_{c_i} + N(0, I_F), m_c ~ N(0, I_F) drawn once.
 *
 * The rows are the nodes in split order (train, val, test: `train_fraction`
 * and `val_fraction` of them); the adjacency covers them all. Deterministic
 * per seed. */
#include <math.h>
#include <stdlib.h>
#include "infomin/infomin.h"

static const im_param_spec sbm_params[] = {
    { "nodes", "int", "2000", "nodes of the graph", "10..200000" },
    { "communities", "int", "4", "K, the communities (the node labels)", "2..64" },
    { "degree", "float", "10", "expected mean degree", ">0" },
    { "in_out_ratio", "float", "5", "p_in / p_out: how much likelier an edge within a community is", ">=1" },
    { "heterogeneity", "float", "0", "sd of the log of the degree weights θ (0: a plain SBM)", "0..3" },
    { "features", "int", "50", "F, the width of a node's features", "1..10000" },
    { "snr", "float", "0.15", "weight of the community mean in the features (0: features carry nothing)", ">=0" },
    { "train_fraction", "float", "0.2", "share of the nodes in the training split", "0..1" },
    { "val_fraction", "float", "0.2", "share of the nodes in the validation split", "0..1" },
    IM_PARAMS_END
};

typedef struct {
    int nodes, k, features;
    double degree, ratio, heterogeneity, snr, train, val;
} sbm_settings;

static im_status read_settings(im_ctx *ctx, const im_section *sec, sbm_settings *s)
{
    im_status st = im_section_int(ctx, sec, "nodes", &s->nodes);
    if (!st) st = im_section_int(ctx, sec, "communities", &s->k);
    if (!st) st = im_section_int(ctx, sec, "features", &s->features);
    if (!st) st = im_section_float(ctx, sec, "degree", &s->degree);
    if (!st) st = im_section_float(ctx, sec, "in_out_ratio", &s->ratio);
    if (!st) st = im_section_float(ctx, sec, "heterogeneity", &s->heterogeneity);
    if (!st) st = im_section_float(ctx, sec, "snr", &s->snr);
    if (!st) st = im_section_float(ctx, sec, "train_fraction", &s->train);
    if (!st) st = im_section_float(ctx, sec, "val_fraction", &s->val);
    return st;
}

/* p_out so that the expected degree of a θ = 1 node is `degree`. */
static double p_out_of(const sbm_settings *s)
{
    double same = (double)s->nodes / s->k - 1, other = (double)s->nodes * (s->k - 1) / s->k;
    return s->degree / (s->ratio * same + other);
}

static im_status sbm_validate(im_ctx *ctx, const im_section *sec)
{
    sbm_settings s;
    im_status st = read_settings(ctx, sec, &s);
    if (st) return st;
    int n_train = (int)(s.train * s.nodes), n_val = (int)(s.val * s.nodes);
    if (n_train < 2 || s.nodes - n_train - n_val < 2)
        return im_section_fail(ctx, sec, "train_fraction", "%g and val_fraction %g of %d nodes leave %d training and "
                               "%d test nodes (need at least 2 each)", s.train, s.val, s.nodes, n_train,
                               s.nodes - n_train - n_val);
    if (s.ratio * p_out_of(&s) > 1)
        return im_section_fail(ctx, sec, "degree", "%g with in_out_ratio %g needs p_in = %g > 1 with %d nodes in %d "
                               "communities", s.degree, s.ratio, s.ratio * p_out_of(&s), s.nodes, s.k);
    return IM_OK;
}

/* Every pair once: an edge with its probability; both directions stored. */
static im_status draw_edges(im_ctx *ctx, const sbm_settings *s, const int *community, const double *theta,
                            im_rng *rng, im_csr *out)
{
    double p_out = p_out_of(s), p_in = s->ratio * p_out;
    long cap = 1024, n = 0;
    int *rows = malloc(sizeof(int) * cap), *cols = malloc(sizeof(int) * cap);
    im_status st = rows && cols ? IM_OK : im_fail(ctx, IM_ENOMEM, "sbm: out of memory");
    for (int i = 0; i < s->nodes && !st; i++)
        for (int j = i + 1; j < s->nodes && !st; j++) {
            double p = theta[i] * theta[j] * (community[i] == community[j] ? p_in : p_out);
            if (im_rng_uniform(rng) >= p) continue;
            if (n + 2 > cap) {
                cap *= 2;
                int *r2 = realloc(rows, sizeof(int) * cap), *c2 = r2 ? realloc(cols, sizeof(int) * cap) : NULL;
                if (r2) rows = r2;
                if (c2) cols = c2;
                if (!r2 || !c2) st = im_fail(ctx, IM_ENOMEM, "sbm: out of memory at %ld edges", n / 2);
                if (st) break;
            }
            rows[n] = i, cols[n++] = j;
            rows[n] = j, cols[n++] = i;
        }
    if (!st) st = im_csr_from_entries(ctx, s->nodes, s->nodes, rows, cols, NULL, n, out);
    free(rows);
    free(cols);
    return st;
}

static void draw_theta(const sbm_settings *s, im_rng *rng, double *theta)
{
    double sum = 0;
    for (int i = 0; i < s->nodes; i++) sum += theta[i] = s->heterogeneity > 0 ? exp(s->heterogeneity * im_rng_normal(rng)) : 1;
    for (int i = 0; i < s->nodes; i++) theta[i] *= s->nodes / sum;
}

static im_status sbm_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    sbm_settings s;
    im_status st = read_settings(ctx, sec, &s);
    if (st) return st;
    int n[3] = { (int)(s.train * s.nodes), (int)(s.val * s.nodes), 0 };
    n[2] = s.nodes - n[0] - n[1];
    int *community = malloc(sizeof(int) * (size_t)s.nodes);
    double *theta = malloc(sizeof(double) * (size_t)s.nodes), *means = malloc(sizeof(double) * (size_t)s.k * s.features);
    ds->adjacency = calloc(1, sizeof *ds->adjacency);
    if (!community || !theta || !means || !ds->adjacency) st = im_fail(ctx, IM_ENOMEM, "sbm: out of memory");
    if (!st) st = im_dataset_alloc(ctx, ds, n, s.features, 1, 0);
    if (!st) {
        for (int i = 0; i < s.k * s.features; i++) means[i] = im_rng_normal(rng);
        for (int i = 0; i < s.nodes; i++) community[i] = (int)im_rng_below(rng, (uint32_t)s.k);
        draw_theta(&s, rng, theta);
        st = draw_edges(ctx, &s, community, theta, rng, ds->adjacency);
    }
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int i = 0, split = 0, row = 0; !st && i < s.nodes; i++, row++) {
        while (row == n[split]) split++, row = 0;
        im_real *x = im_mat_row(&splits[split]->x, row);
        for (int f = 0; f < s.features; f++)
            x[f] = (im_real)(s.snr * means[(size_t)community[i] * s.features + f] + im_rng_normal(rng));
        im_mat_row(&splits[split]->y, row)[0] = (im_real)community[i];
    }
    ds->y_kind = IM_VAR_CLASSES;
    ds->y_classes = s.k;
    free(community);
    free(theta);
    free(means);
    return st;
}

static const im_dataset_vt sbm_vt = { IM_VT_SIZE(im_dataset_vt), .create = sbm_create };
static const im_plugin sbm = IM_PLUGIN(IM_DATASET, "sbm",
                                       "a stochastic block model graph; weak community signal in the node features",
                                       sbm_params, &sbm_vt, .validate = sbm_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &sbm, NULL };
