/* test_dgi.c — graphs: the sbm and graph-collection datasets (deterministic
 * per seed, the structure they promise), the graph encoders' refusals, PCA
 * on data of known variances, and the dgi and infograph tasks end to end
 * (records, table, picture) with their errors. */
#include <math.h>
#include "registry_fixture.h"
#include "infomin/stats.h"

static void load_sbm(const char *keys, uint64_t seed, im_dataset *ds)
{
    char text[512];
    snprintf(text, sizeof text, "[task]\nplugin = dgi\n[dataset]\nplugin = sbm\n%s\n[encoder]\nplugin = gcn\n", keys);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, seed);
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, ds) == IM_OK, "%s", ctx.err);
    im_config_free(&cfg);
}

static int label_of(const im_dataset *ds, int node)
{
    const im_split *s[3] = { &ds->train, &ds->val, &ds->test };
    for (int i = 0; i < 3; node -= s[i++]->x.rows)
        if (node < s[i]->x.rows) return (int)im_mat_row(&s[i]->y, node)[0];
    return -1;
}

START_TEST(sbm_is_the_graph_it_promises)
{
    im_dataset a, b;
    load_sbm("nodes = 1000\ncommunities = 4\ndegree = 12\nin_out_ratio = 5", 3, &a);
    load_sbm("nodes = 1000\ncommunities = 4\ndegree = 12\nin_out_ratio = 5", 3, &b);
    const im_csr *g = a.adjacency;
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(g->rows, 1000);
    ck_assert_int_eq(a.train.x.rows + a.val.x.rows + a.test.x.rows, 1000);
    ck_assert_int_eq(g->nnz, b.adjacency->nnz);   /* the same seed, the same graph and features */
    ck_assert_mem_eq(g->col, b.adjacency->col, sizeof(int) * (size_t)g->nnz);
    ck_assert_mem_eq(a.test.x.data, b.test.x.data, sizeof(im_real) * (size_t)a.test.x.rows * a.test.x.cols);
    long within = 0;
    for (int r = 0; r < g->rows; r++)
        for (long i = g->row_ptr[r]; i < g->row_ptr[r + 1]; i++) {
            int c = g->col[i];
            ck_assert_int_ne(c, r);   /* no self-loops */
            long lo = g->row_ptr[c], hi = g->row_ptr[c + 1], found = 0;
            for (long k = lo; k < hi; k++) found += g->col[k] == r;
            ck_assert_int_eq(found, 1);   /* symmetric */
            within += label_of(&a, r) == label_of(&a, c);
        }
    /* mean degree 12 ± 5%; within-community share 5·249 / (5·249 + 750) */
    ck_assert_double_eq_tol((double)g->nnz / 1000, 12, 0.6);
    ck_assert_double_eq_tol((double)within / g->nnz, 1245.0 / 1995, 0.03);
    im_dataset_free(&b);
    /* another seed, another graph; degree weights spread the degrees */
    load_sbm("nodes = 1000\ncommunities = 4\ndegree = 12\nin_out_ratio = 5\nheterogeneity = 1", 3, &b);
    double var[2] = { 0, 0 };
    const im_csr *gs[2] = { a.adjacency, b.adjacency };
    for (int k = 0; k < 2; k++) {
        double mean = (double)gs[k]->nnz / 1000;
        for (int r = 0; r < 1000; r++) {
            double d = (double)(gs[k]->row_ptr[r + 1] - gs[k]->row_ptr[r]) - mean;
            var[k] += d * d / 1000;
        }
    }
    ck_assert_double_gt(var[1], 3 * var[0]);
    im_dataset_free(&a);
    im_dataset_free(&b);
}
END_TEST

START_TEST(pca_finds_the_directions_of_known_variance)
{
    enum { N = 4000 };
    static double x[N * 3], out[N * 2];
    im_rng rng;
    im_rng_seed(&rng, 8);
    for (int r = 0; r < N; r++) {   /* sd 1, 3, 2 on the three axes */
        x[3 * r] = im_rng_normal(&rng);
        x[3 * r + 1] = 3 * im_rng_normal(&rng) + 5;
        x[3 * r + 2] = 2 * im_rng_normal(&rng);
    }
    ck_assert_int_eq(im_pca_project(&ctx, x, N, 3, 2, out), IM_OK);
    double v[2] = { 0, 0 }, cross = 0;
    for (int r = 0; r < N; r++) {
        v[0] += out[2 * r] * out[2 * r] / (N - 1), v[1] += out[2 * r + 1] * out[2 * r + 1] / (N - 1);
        cross += out[2 * r] * (x[3 * r + 1] - 5);
    }
    ck_assert_double_eq_tol(v[0], 9, 0.5);
    ck_assert_double_eq_tol(v[1], 4, 0.25);
    ck_assert_double_gt(cross, 0);   /* the sign: the largest loading positive */
    ck_assert_int_eq(im_pca_project(&ctx, x, N, 3, 4, out), IM_EINVAL);
}
END_TEST

/* runs paired by seed, whatever their order; unmatched seeds left out */
START_TEST(paired_difference_matches_seeds)
{
    const long ka[4] = { 1, 2, 3, 9 }, kb[3] = { 3, 1, 2 };
    const double a[4] = { 0.80, 0.70, 0.90, 0.10 }, b[3] = { 0.85, 0.75, 0.72 };
    im_paired d;
    im_paired_difference(ka, a, 4, kb, b, 3, &d);
    ck_assert_int_eq(d.pairs, 3);
    ck_assert_int_eq(d.up, 2);   /* +0.05, −0.02, +0.05 */
    ck_assert_double_eq_tol(d.mean, 0.08 / 3, 1e-12);
    ck_assert_double_eq_tol(d.sd, sqrt((2 * pow(0.05 - 0.08 / 3, 2) + pow(-0.02 - 0.08 / 3, 2)) / 2), 1e-12);
    im_paired_difference(ka, a, 1, kb + 1, b + 1, 2, &d);   /* seed 1 alone */
    ck_assert_int_eq(d.pairs, 1);
    ck_assert_double_eq(d.sd, 0);
}
END_TEST

START_TEST(graph_encoders_are_asked_for_their_graph)
{
    im_config cfg;
    /* a second, plain encoder under a label the named task reads (gan's
     * generator section: validation refuses labels a task does not read) */
    parse("[task]\nplugin = gan\n[dataset]\nplugin = sbm\n[encoder]\nplugin = gcn\nout = 3\n"
          "[encoder:generator]\nplugin = mlp\nout = 3\n", &cfg);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_encoder gcn, mlp;
    ck_assert_int_eq(im_encoder_new(&ctx, &cfg, "encoder", 2, (im_shape){ 0 }, &rng, &gcn), IM_OK);
    ck_assert_int_eq(im_encoder_new(&ctx, &cfg, "encoder:generator", 2, (im_shape){ 0 }, &rng, &mlp), IM_OK);
    im_csr a;
    const int r[] = { 0, 1 }, c[] = { 1, 0 };
    ck_assert_int_eq(im_csr_from_entries(&ctx, 3, 3, r, c, NULL, 2, &a), IM_OK);
    ck_assert_int_ne(im_encoder_set_graph(&ctx, &mlp, &a), IM_OK);
    ck_assert_str_eq(ctx.err, "encoder mlp does not read a graph (use gcn or gin)");
    im_tape *g = im_tape_new(&ctx);
    im_mat x;
    im_mat_alloc(&ctx, &x, 3, 2);
    ck_assert_ptr_null(im_encoder_forward(g, &gcn, im_input(g, &x)));
    ck_assert_ptr_nonnull(strstr(ctx.err, "gcn: no graph: it encodes the nodes of graph data"));
    ck_assert_int_eq(im_encoder_set_graph(&ctx, &gcn, &a), IM_OK);
    im_tape_free(g);
    g = im_tape_new(&ctx);
    im_tensor *h = im_encoder_forward(g, &gcn, im_input(g, &x));
    ck_assert_ptr_nonnull(h);
    ck_assert_int_eq(h->rows, 3);
    ck_assert_int_eq(h->cols, 3);
    im_mat x2 = { 2, 2, x.data };   /* a pass takes every node */
    ck_assert_ptr_null(im_encoder_forward(g, &gcn, im_input(g, &x2)));
    ck_assert_ptr_nonnull(strstr(ctx.err, "gcn: 2 rows, the graph has 3 nodes"));
    im_tape_free(g);
    im_mat_free(&x);
    im_csr_free(&a);
    im_encoder_free(&gcn);
    im_encoder_free(&mlp);
    im_config_free(&cfg);
}
END_TEST

/* tasks/dgi/tiny.ini through infomin-run: every method, the table, the
 * picture; a dataset without a graph refused by name. */
START_TEST(dgi_runs_end_to_end)
{
    char out[16384], args[1024], path[512], ini[512];
    snprintf(args, sizeof args, "%s/tasks/dgi/tiny.ini -o %s/tiny.jsonl --threads 1", test_srcdir(), test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "node classification on the test nodes"));
    snprintf(path, sizeof path, "%s/tiny-pca.png", test_tmpdir());
    ck_assert_int_eq(access(path, R_OK), 0);
    snprintf(path, sizeof path, "%s/tiny.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 4);
    for (int i = 0; i < n; i++) {
        double acc;
        ck_assert(im_record_ok(recs[i]));
        ck_assert(im_record_metric(recs[i], "probe_accuracy", &acc) && acc >= 0 && acc <= 1);
        const im_curve *pca = im_record_find_curve(recs[i], "pca");
        ck_assert(pca && im_curve_rows(pca) == 100);
    }
    test_free_records(recs, n);
    test_write_file(ini, sizeof ini, "flat.ini",
                    "[task]\nplugin = dgi\n[dataset]\nplugin = gaussian\nn = 100\n[encoder]\nplugin = gcn\n");
    snprintf(args, sizeof args, "%s -o %s/flat.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "dgi: dataset gaussian is not a graph (no adjacency): use sbm"));
    test_write_file(ini, sizeof ini, "mlp.ini",
                    "[task]\nplugin = dgi\n[dataset]\nplugin = sbm\nnodes = 50\n[encoder]\nplugin = mlp\n");
    snprintf(args, sizeof args, "%s -o %s/mlp.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "encoder mlp does not read a graph (use gcn or gin)"));
}
END_TEST

/* graph-collection: the same seed, the same graphs; no edge between two
 * graphs; X the degree histogram of each; every family near its degree. */
START_TEST(graph_collection_is_the_collection_it_promises)
{
    im_config cfg;
    parse("[task]\nplugin = infograph\n[dataset]\nplugin = graph-collection\nn_train = 150\nn_val = 0\n"
          "n_test = 50\n[encoder]\nplugin = gin\n", &cfg);
    im_dataset a, b;
    im_rng rng;
    im_rng_seed(&rng, 4);
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &a) == IM_OK, "%s", ctx.err);
    im_rng_seed(&rng, 4);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &b), IM_OK);
    const im_graph_set *gs = a.graphs;
    ck_assert_ptr_nonnull(gs);
    ck_assert_int_eq(gs->n_graphs, 200);
    ck_assert_int_eq(gs->adjacency.nnz, b.graphs->adjacency.nnz);
    ck_assert_mem_eq(gs->node_start, b.graphs->node_start, sizeof(int) * 201);
    ck_assert_int_eq(a.y_classes, 5);
    double degree_sum[5] = { 0 }, nodes[5] = { 0 };
    for (int g = 0; g < gs->n_graphs; g++) {
        const im_split *sp = g < 150 ? &a.train : &a.test;
        int row = g < 150 ? g : g - 150, label = (int)im_mat_row(&sp->y, row)[0];
        int n = gs->node_start[g + 1] - gs->node_start[g];
        ck_assert(n >= 20 && n <= 40);
        double hist = 0;
        for (int c = 0; c < sp->x.cols; c++) hist += im_mat_row(&sp->x, row)[c];
        ck_assert_double_eq_tol(hist, 1, 1e-5);
        for (int v = gs->node_start[g]; v < gs->node_start[g + 1]; v++)
            for (long e = gs->adjacency.row_ptr[v]; e < gs->adjacency.row_ptr[v + 1]; e++) {
                ck_assert(gs->adjacency.col[e] >= gs->node_start[g] && gs->adjacency.col[e] < gs->node_start[g + 1]);
                ck_assert_int_ne(gs->adjacency.col[e], v);
            }
        degree_sum[label] += (double)(gs->adjacency.row_ptr[gs->node_start[g + 1]] -
                                      gs->adjacency.row_ptr[gs->node_start[g]]);
        nodes[label] += n;
    }
    for (int f = 0; f < 5; f++) ck_assert_msg(fabs(degree_sum[f] / nodes[f] - 4) < 0.6, "family %d: mean degree %.2f", f,
                                              degree_sum[f] / nodes[f]);
    im_dataset_free(&a);
    im_dataset_free(&b);
    im_config_free(&cfg);
}
END_TEST

/* tasks/infograph/tiny.ini through infomin-run; a dataset that is not a
 * collection refused by name. */
START_TEST(infograph_runs_end_to_end)
{
    char out[16384], args[1024], path[512], ini[512];
    snprintf(args, sizeof args, "%s/tasks/infograph/tiny.ini -o %s/ig.jsonl --threads 1", test_srcdir(), test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "graph classification on the test graphs"));
    snprintf(path, sizeof path, "%s/ig.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, path, &n);
    ck_assert_int_eq(n, 3);
    for (int i = 0; i < n; i++) {
        double acc;
        ck_assert(im_record_ok(recs[i]));
        ck_assert(im_record_metric(recs[i], "probe_accuracy", &acc) && acc >= 0 && acc <= 1);
    }
    const im_curve *c = im_record_find_curve(recs[2], "train");
    ck_assert(c && im_curve_rows(c) == 2);
    test_free_records(recs, n);
    test_write_file(ini, sizeof ini, "notgraphs.ini",
                    "[task]\nplugin = infograph\n[dataset]\nplugin = sbm\nnodes = 50\n[encoder]\nplugin = gin\n");
    snprintf(args, sizeof args, "%s -o %s/ng.jsonl", ini, test_tmpdir());
    ck_assert_int_ne(test_run_cli(args, out, sizeof out), 0);
    ck_assert_ptr_nonnull(strstr(out, "infograph: dataset sbm is not a collection of graphs: use graph-collection"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dgi");
    TCase *tc = tcase_create("dgi");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sbm_is_the_graph_it_promises);
    tcase_add_test(tc, pca_finds_the_directions_of_known_variance);
    tcase_add_test(tc, paired_difference_matches_seeds);
    tcase_add_test(tc, graph_encoders_are_asked_for_their_graph);
    tcase_add_test(tc, dgi_runs_end_to_end);
    tcase_add_test(tc, graph_collection_is_the_collection_it_promises);
    tcase_add_test(tc, infograph_runs_end_to_end);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
