/* graph_collection.c — dataset `graph-collection`: many small graphs, each
 * drawn from one of several random-graph generators of the same mean
 * degree; the generator is the graph's label (graph-level learning, as in
 * InfoGraph; no real collection is packaged in Debian).
 *
 *   er       Erdős–Rényi: every pair with p = degree / (n − 1)
 *   ba       Barabási–Albert: each new node links to degree/2 earlier
 *            nodes chosen in proportion to their degree (a heavy tail)
 *   sbm      two communities, edges `sbm_ratio` times likelier within one
 *   cliques  a ring of cliques of degree + 1 nodes, neighbours joined by an
 *            edge
 *   ws       Watts–Strogatz: a ring lattice of degree neighbours, each
 *            edge rewired with probability 0.1
 *
 * n nodes per graph, uniform in [min_nodes, max_nodes]. A node's features:
 * the one-hot of its degree (capped at max_degree). X, a graph's row: its
 * degree histogram (the share of nodes of each degree): the baseline a
 * graph encoder must beat. Deterministic per seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "infomin/infomin.h"

#define MAX_GENERATORS 5
static const char *const generator_names[MAX_GENERATORS] = { "er", "ba", "sbm", "cliques", "ws" };

static const im_param_spec collection_params[] = {
    { "generators", "string", "er, ba, sbm, cliques, ws", "the graph families, one label each (a comma list of "
      "er, ba, sbm, cliques, ws)", NULL },
    { "min_nodes", "int", "20", "fewest nodes of a graph", "4..10000" },
    { "max_nodes", "int", "40", "most nodes of a graph", "4..10000" },
    { "degree", "int", "4", "mean degree of every family (even)", "2..64" },
    { "sbm_ratio", "float", "8", "sbm: how much likelier an edge is within a community than across", ">=1" },
    { "max_degree", "int", "10", "degrees above this share the last one-hot feature and histogram bin", "1..1000" },
    IM_SPLIT_PARAMS("1000", "200", "1000", "0"),
    IM_PARAMS_END
};

typedef struct {
    int generators[MAX_GENERATORS], n_generators;
    int min_nodes, max_nodes, degree, max_degree;
    double sbm_ratio;
} collection_settings;

static im_status read_settings(im_ctx *ctx, const im_section *sec, collection_settings *s)
{
    const char *list;
    im_status st = im_section_string(ctx, sec, "generators", &list);
    if (!st) st = im_section_int(ctx, sec, "min_nodes", &s->min_nodes);
    if (!st) st = im_section_int(ctx, sec, "max_nodes", &s->max_nodes);
    if (!st) st = im_section_int(ctx, sec, "degree", &s->degree);
    if (!st) st = im_section_int(ctx, sec, "max_degree", &s->max_degree);
    if (!st) st = im_section_float(ctx, sec, "sbm_ratio", &s->sbm_ratio);
    if (st) return st;
    s->n_generators = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',') p++;
        size_t len = strcspn(p, ", ");
        if (!len) break;
        int g = 0;
        while (g < MAX_GENERATORS && (strlen(generator_names[g]) != len || strncmp(p, generator_names[g], len) != 0)) g++;
        if (g == MAX_GENERATORS)
            return im_section_fail(ctx, sec, "generators", "'%.*s' is not a generator (er, ba, sbm, cliques, ws)",
                                   (int)len, p);
        for (int k = 0; k < s->n_generators; k++)
            if (s->generators[k] == g)
                return im_section_fail(ctx, sec, "generators", "'%s' is listed twice", generator_names[g]);
        s->generators[s->n_generators++] = g;
        p += len;
    }
    if (s->n_generators < 2)
        return im_section_fail(ctx, sec, "generators", "name at least two families (the labels)");
    if (s->max_nodes < s->min_nodes)
        return im_section_fail(ctx, sec, "max_nodes", "%d is below min_nodes %d", s->max_nodes, s->min_nodes);
    if (s->degree % 2 || s->degree >= s->min_nodes)
        return im_section_fail(ctx, sec, "degree", "%d must be even and below min_nodes %d", s->degree, s->min_nodes);
    return IM_OK;
}

static im_status collection_validate(im_ctx *ctx, const im_section *sec)
{
    collection_settings s;
    return read_settings(ctx, sec, &s);
}

/* A growing edge list (each undirected edge once, as i < j or not). */
typedef struct {
    int *a, *b;
    long n, cap;
} edges;

static int edge_add(edges *e, int i, int j)
{
    if (e->n == e->cap) {
        long cap = e->cap ? 2 * e->cap : 1024;
        int *a = realloc(e->a, sizeof(int) * cap);
        if (a) e->a = a;
        int *b = a ? realloc(e->b, sizeof(int) * cap) : NULL;
        if (b) e->b = b;
        if (!a || !b) return 0;
        e->cap = cap;
    }
    e->a[e->n] = i, e->b[e->n++] = j;
    return 1;
}

/* The generators: n nodes numbered from `base`, mean degree d. Each
 * returns 0 on out-of-memory. */
static int gen_er(edges *e, int base, int n, int d, double ratio, im_rng *rng)
{
    double p = (double)d / (n - 1);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (im_rng_uniform(rng) < p && !edge_add(e, base + i, base + j)) return 0;
    return 1;
}

static int gen_sbm(edges *e, int base, int n, int d, double ratio, im_rng *rng)
{
    int half = n / 2;
    /* expected degree: p_in (half − 1) + p_out (n − half) = d, p_in = ratio p_out */
    double p_out = d / (ratio * (half - 1) + (n - half)), p_in = fmin(1, ratio * p_out);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (im_rng_uniform(rng) < ((i < half) == (j < half) ? p_in : p_out) && !edge_add(e, base + i, base + j))
                return 0;
    return 1;
}

/* preferential attachment: m = d/2 links per new node to distinct earlier
 * nodes, drawn from the list of edge ends (degree-proportional) */
static int gen_ba(edges *e, int base, int n, int d, double ratio, im_rng *rng)
{
    int m = d / 2, *ends = malloc(sizeof(int) * (size_t)(2 * n * m + 2 * m * m + 2)), n_ends = 0;
    if (!ends) return 0;
    int ok = 1;
    for (int i = 0; i <= m && ok; i++)   /* a clique of m + 1 nodes to start */
        for (int j = i + 1; j <= m && ok; j++) ok = edge_add(e, base + i, base + j), ends[n_ends++] = i, ends[n_ends++] = j;
    for (int v = m + 1; v < n && ok; v++) {
        int chosen[64], k = 0;
        while (k < m) {
            int u = ends[im_rng_below(rng, (uint32_t)n_ends)], dup = 0;
            for (int t = 0; t < k; t++) dup |= chosen[t] == u;
            if (!dup) chosen[k++] = u;
        }
        for (int t = 0; t < m && ok; t++) ok = edge_add(e, base + v, base + chosen[t]), ends[n_ends++] = v, ends[n_ends++] = chosen[t];
    }
    free(ends);
    return ok;
}

static int gen_cliques(edges *e, int base, int n, int d, double ratio, im_rng *rng)
{
    int size = d + 1, first = 0, prev_last = -1, ok = 1;
    while (first < n && ok) {
        int last = first + size < n ? first + size - 1 : n - 1;
        for (int i = first; i <= last && ok; i++)
            for (int j = i + 1; j <= last && ok; j++) ok = edge_add(e, base + i, base + j);
        if (prev_last >= 0 && ok) ok = edge_add(e, base + prev_last, base + first);   /* the ring's link */
        prev_last = last;
        first = last + 1;
    }
    if (ok && prev_last != size - 1) ok = edge_add(e, base + prev_last, base + 0);   /* close the ring */
    return ok;
}

static int gen_ws(edges *e, int base, int n, int d, double ratio, im_rng *rng)
{
    const double rewire = 0.1;
    long start = e->n;
    for (int i = 0; i < n; i++)
        for (int k = 1; k <= d / 2; k++)
            if (!edge_add(e, base + i, base + (i + k) % n)) return 0;
    for (long t = start; t < e->n; t++) {   /* rewire the far end, avoiding loops and repeats */
        if (im_rng_uniform(rng) >= rewire) continue;
        int i = e->a[t], j = base + (int)im_rng_below(rng, (uint32_t)n), dup = j == i;
        for (long u = start; u < e->n && !dup; u++)
            dup = (e->a[u] == i && e->b[u] == j) || (e->a[u] == j && e->b[u] == i);
        if (!dup) e->b[t] = j;
    }
    return 1;
}

/* ratio: the sbm's within/across odds (the others ignore it) */
typedef int (*generator)(edges *, int, int, int, double, im_rng *);
static const generator generators[MAX_GENERATORS] = { gen_er, gen_ba, gen_sbm, gen_cliques, gen_ws };

/* Degrees of the finished graph, the node features (one-hot of the capped
 * degree) and each graph's histogram (its X row). */
static void features(const collection_settings *s, im_dataset *ds)
{
    im_graph_set *gs = ds->graphs;
    const im_csr *a = &gs->adjacency;
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    for (int gi = 0, split = 0, row = 0; gi < gs->n_graphs; gi++, row++) {
        while (row == splits[split]->x.rows) split++, row = 0;
        im_real *hist = im_mat_row(&splits[split]->x, row);
        int nodes = gs->node_start[gi + 1] - gs->node_start[gi];
        for (int v = gs->node_start[gi]; v < gs->node_start[gi + 1]; v++) {
            long deg = a->row_ptr[v + 1] - a->row_ptr[v];
            int bin = deg < s->max_degree ? (int)deg : s->max_degree;
            im_mat_row(&gs->node_x, v)[bin] = 1;
            hist[bin] += (im_real)(1.0 / nodes);
        }
    }
}

static im_status collection_create(im_ctx *ctx, const im_section *sec, im_rng *rng, im_dataset *ds)
{
    collection_settings s;
    int n[3];
    im_status st = read_settings(ctx, sec, &s);
    if (!st) st = im_split_counts(ctx, sec, n);
    if (!st) st = im_dataset_alloc(ctx, ds, n, s.max_degree + 1, 1, 0);
    if (st) return st;
    int total = n[0] + n[1] + n[2];
    im_graph_set *gs = ds->graphs = calloc(1, sizeof *gs);
    edges e = { 0 };
    if (gs) gs->node_start = malloc(sizeof(int) * (size_t)(total + 1));
    if (!gs || !gs->node_start) st = im_fail(ctx, IM_ENOMEM, "graph-collection: out of memory");
    im_split *splits[3] = { &ds->train, &ds->val, &ds->test };
    int nodes = 0;
    for (int gi = 0, split = 0, row = 0; !st && gi < total; gi++, row++) {
        while (row == n[split]) split++, row = 0;
        int label = (int)im_rng_below(rng, (uint32_t)s.n_generators);
        int size = s.min_nodes + (int)im_rng_below(rng, (uint32_t)(s.max_nodes - s.min_nodes + 1));
        gs->node_start[gi] = nodes;
        if (!generators[s.generators[label]](&e, nodes, size, s.degree, s.sbm_ratio, rng))
            st = im_fail(ctx, IM_ENOMEM, "graph-collection: out of memory at graph %d", gi);
        nodes += size;
        im_mat_row(&splits[split]->y, row)[0] = (im_real)label;
    }
    if (!st) {
        gs->n_graphs = total;
        gs->node_start[total] = nodes;
        long m = e.n;   /* both directions */
        for (long t = 0; t < m && !st; t++)
            if (!edge_add(&e, e.b[t], e.a[t])) st = im_fail(ctx, IM_ENOMEM, "graph-collection: out of memory");
    }
    if (!st) st = im_csr_from_entries(ctx, nodes, nodes, e.a, e.b, NULL, e.n, &gs->adjacency);
    for (long i = 0; !st && i < gs->adjacency.nnz; i++) gs->adjacency.val[i] = 1;   /* a repeated edge counts once */
    if (!st) st = im_mat_alloc(ctx, &gs->node_x, nodes, s.max_degree + 1);
    if (!st) features(&s, ds);
    ds->y_kind = IM_VAR_CLASSES;
    ds->y_classes = s.n_generators;
    free(e.a);
    free(e.b);
    return st;
}

static const im_dataset_vt collection_vt = { IM_VT_SIZE(im_dataset_vt), .create = collection_create };
static const im_plugin collection = IM_PLUGIN(IM_DATASET, "graph-collection",
                                              "small random graphs labelled by their generator (ER, BA, SBM, ring of "
                                              "cliques, small world); X: the degree histogram",
                                              collection_params, &collection_vt, .validate = collection_validate);
IM_PLUGIN_EXPORT const im_plugin *const infomin_plugins[] = { &collection, NULL };
