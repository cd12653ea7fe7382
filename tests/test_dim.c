/* test_dim.c — the image path through its plugins: the conv encoder (code,
 * feature map, training vs evaluation mode, gradients, refusals) and the
 * dim task, end to end on a few hundred Fashion-MNIST images when the
 * Debian package's files are there. */
#include <jansson.h>
#include <math.h>
#include <unistd.h>
#include "registry_fixture.h"

#define FASHION "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"

static void conv_encoder(const char *keys, im_shape shape, im_encoder *enc, im_config *cfg)
{
    char text[1024];
    snprintf(text, sizeof text, "[task]\nplugin = dim\n[encoder]\nplugin = conv\n%s\n", keys);
    parse(text, cfg);
    im_rng rng;
    im_rng_seed(&rng, 2);
    ck_assert_msg(im_encoder_new(&ctx, cfg, "encoder", (int)im_shape_size(shape), shape, &rng, enc) == IM_OK, "%s",
                  ctx.err);
}

START_TEST(conv_encoder_gives_code_and_feature_map)
{
    im_config cfg;
    im_encoder enc;
    conv_encoder("channels = 4,8\nkernels = 3\nstrides = 2,1\nhidden = 16\nout = 5\nlocal_layer = 1", (im_shape){ 2, 9, 7 },
                 &enc, &cfg);
    ck_assert_int_eq(enc.out_dim, 5);
    im_tape *g = im_tape_new(&ctx);
    im_real x[3 * 126];
    im_rng rng;
    im_rng_seed(&rng, 4);
    for (int i = 0; i < 3 * 126; i++) x[i] = (im_real)im_rng_normal(&rng);
    im_tensor *map = NULL;
    im_shape ms;
    im_tensor *z = im_encoder_forward_local(g, &enc, im_leaf(g, 3, 126, x, 0), &map, &ms);
    ck_assert_msg(z != NULL, "%s", ctx.err);
    ck_assert(z->rows == 3 && z->cols == 5);
    /* layer 1: 9x7, kernel 3, stride 2, padding 1 -> 5x4 */
    ck_assert(ms.c == 4 && ms.h == 5 && ms.w == 4);
    ck_assert(map->rows == 3 && map->cols == 80);
    /* the conv features: layer 2 keeps 5x4 (kernel 3, stride 1, padding 1) */
    im_tensor *feat = NULL;
    im_shape fs;
    ck_assert_ptr_nonnull(im_encoder_forward_features(g, &enc, im_leaf(g, 3, 126, x, 0), &feat, &fs));
    ck_assert(fs.c == 8 && fs.h == 5 && fs.w == 4 && feat->cols == 160);
    /* every parameter receives a gradient */
    ck_assert_int_eq(im_backward(g, im_sum(g, im_square(g, z), IM_ALL)), IM_OK);
    im_params *p = im_encoder_params(&enc);
    for (int i = 0; i < p->count; i++) {
        double norm = 0;
        for (long k = 0; k < (long)p->items[i]->rows * p->items[i]->cols; k++) norm += fabs(p->items[i]->grad[k]);
        ck_assert_msg(norm > 0, "parameter %s has no gradient", p->items[i]->name);
    }
    /* evaluation mode uses running statistics: the batch's own no longer
     * decide, so one row alone encodes as it does within the batch */
    im_mat xm = { 3, 126, x }, all, one;
    ck_assert_int_eq(im_encoder_encode(&ctx, &enc, &xm, IM_ENCODE_CODE, &all), IM_OK);
    xm.rows = 1;
    ck_assert_int_eq(im_encoder_encode(&ctx, &enc, &xm, IM_ENCODE_CODE, &one), IM_OK);
    for (int c = 0; c < 5; c++) ck_assert_double_eq_tol(one.data[c], all.data[c], 1e-5);
    im_tape_reset(g);   /* training mode: batch statistics, so row 0 depends on the others */
    im_tensor *z1 = im_encoder_forward(g, &enc, im_leaf(g, 1, 126, x, 0));
    ck_assert_ptr_null(z1);   /* one value per channel cannot be batch-normalised in training */
    ck_assert_ptr_nonnull(strstr(ctx.err, "im_batch_norm"));
    im_mat_free(&all);
    im_mat_free(&one);
    im_tape_free(g);
    im_encoder_free(&enc);
    im_config_free(&cfg);
}
END_TEST

START_TEST(conv_encoder_refusals_are_named)
{
    im_config cfg;
    parse("[task]\nplugin = dim\n[encoder]\nplugin = conv\n", &cfg);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_encoder enc;
    ck_assert_int_ne(im_encoder_new(&ctx, &cfg, "encoder", 10, (im_shape){ 0, 0, 0 }, &rng, &enc), IM_OK);
    ck_assert_msg(strstr(ctx.err, "encoder conv: needs image rows") != NULL, "%s", ctx.err);
    im_config_free(&cfg);
    parse("[task]\nplugin = dim\n[encoder]\nplugin = conv\nchannels = 4,8\nkernels = 3,3,3\n", &cfg);
    ck_assert_int_ne(im_encoder_new(&ctx, &cfg, "encoder", 64, (im_shape){ 1, 8, 8 }, &rng, &enc), IM_OK);
    ck_assert_msg(strstr(ctx.err, "3 values for 2 convolution layers") != NULL, "%s", ctx.err);
    im_config_free(&cfg);
    /* 4x4 input: the third stride-2 layer has nothing left to cover */
    parse("[task]\nplugin = dim\n[encoder]\nplugin = conv\n", &cfg);
    ck_assert_int_ne(im_encoder_new(&ctx, &cfg, "encoder", 16, (im_shape){ 1, 4, 4 }, &rng, &enc), IM_OK);
    ck_assert_msg(strstr(ctx.err, "conv3: a 256-channel 4x4 kernel") != NULL, "%s", ctx.err);
    im_config_free(&cfg);
    /* an encoder without feature maps says so where one is asked for */
    parse("[task]\nplugin = dim\n[encoder]\nplugin = mlp\nhidden = 4\nout = 2\n", &cfg);
    ck_assert_int_eq(im_encoder_new(&ctx, &cfg, "encoder", 16, (im_shape){ 1, 4, 4 }, &rng, &enc), IM_OK);
    im_tape *g = im_tape_new(&ctx);
    im_tensor *map;
    im_shape ms;
    ck_assert_ptr_null(im_encoder_forward_local(g, &enc, im_const(g, 2, 16, 1), &map, &ms));
    ck_assert_msg(strstr(ctx.err, "encoder mlp has no feature map") != NULL, "%s", ctx.err);
    im_tape_free(g);
    im_encoder_free(&enc);
    im_config_free(&cfg);
    /* the dim task: an MI term is required; images are required */
    im_config bad;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = dim\nmethod = dim\nalpha = 0\nbeta = 0\n"
                                                  "[dataset]\nplugin = gaussian\n[encoder]\nplugin = conv\n",
                                            "t.ini", &bad), IM_OK);
    ck_assert_int_ne(im_config_validate(&ctx, &bad, reg), IM_OK);
    ck_assert_msg(strstr(ctx.err, "alpha and beta are both 0") != NULL, "%s", ctx.err);
    im_config_free(&bad);
    char ini[512], out[8192];
    test_write_file(ini, sizeof ini, "flat.ini", "[task]\nplugin = dim\n[dataset]\nplugin = gaussian\n[encoder]\nplugin = conv\n");
    char args[1024];
    snprintf(args, sizeof args, "%s -q -o %s/flat.jsonl", ini, test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "dim: dataset gaussian needs images (a shape) and class labels") != NULL, "%s", out);
}
END_TEST

static json_t *record_of(const char *path, int line)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char buf[1 << 18];
    json_t *obj = NULL;
    for (int i = 0; i <= line && fgets(buf, sizeof buf, f); i++)
        if (i == line) obj = json_loads(buf, 0, NULL);
    fclose(f);
    ck_assert_msg(obj != NULL, "%s: line %d", path, line);
    return obj;
}

static double metric(json_t *rec, const char *key)
{
    json_t *v = json_object_get(json_object_get(rec, "metrics"), key);
    ck_assert_msg(json_is_number(v), "metric %s missing", key);
    return json_number_value(v);
}

START_TEST(dim_tiny_runs_every_method_end_to_end)
{
    if (access(FASHION, R_OK) != 0) {
        fprintf(stderr, "test_dim: %s absent: the end-to-end run is skipped (apt-get install dataset-fashion-mnist)\n",
                FASHION);
        return;
    }
    char args[2048], jsonl[600], png[600];
    static char out[1 << 16];
    snprintf(jsonl, sizeof jsonl, "%s/tiny.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s/tasks/dim/tiny.ini -o %s", test_srcdir(), jsonl);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "probe accuracy on the test split") != NULL, "%s", out);
    static const char *const methods[] = { "raw", "random", "supervised", "dim-g", "dim-l" };
    for (int i = 0; i < 5; i++) {
        json_t *rec = record_of(jsonl, i);
        ck_assert_str_eq(json_string_value(json_object_get(rec, "status")), "ok");
        ck_assert_str_eq(json_string_value(json_object_get(json_object_get(rec, "metrics"), "method")), methods[i]);
        double lin = metric(rec, "linear_features"), mlp = metric(rec, "mlp_features");
        ck_assert(lin > 0.3 && lin <= 1 && mlp > 0.3 && mlp <= 1);   /* chance is 0.1 */
        if (i >= 1) ck_assert(metric(rec, "linear_code") > 0 && metric(rec, "code_width") == 16);
        if (i == 2) ck_assert_double_gt(metric(rec, "linear_code"), 0.3);
        /* the curve: epoch 0 (before training) and two epochs for the trained
         * methods; DIM's bound (its mean over an epoch's batches) rises: by
         * 0.65-0.80 (global) and 0.11-0.21 (local) over seeds 1-4, so the
         * margin is 0.05, not the local bound's smallest rise */
        json_t *rows = json_object_get(json_object_get(json_object_get(rec, "curves"), "probe"), "rows");
        ck_assert_int_eq((int)json_array_size(rows), i >= 2 ? 3 : 1);
        if (i == 2) {   /* trained on the labels: the cross-entropy falls */
            double first = json_number_value(json_array_get(json_array_get(rows, 1), 1));
            double second = json_number_value(json_array_get(json_array_get(rows, 2), 1));
            ck_assert_msg(second < first, "supervised: loss %g, then %g", first, second);
        }
        if (i >= 3) {
            int col = i == 3 ? 3 : 2;
            double first = json_number_value(json_array_get(json_array_get(rows, 1), col));
            double second = json_number_value(json_array_get(json_array_get(rows, 2), col));
            ck_assert_msg(second > first + 0.05, "%s: bound %g, then %g", methods[i], first, second);
        }
        json_decref(rec);
    }
    snprintf(png, sizeof png, "%s/tiny-probe.png", test_tmpdir());
    ck_assert_msg(access(png, R_OK) == 0, "%s not written", png);
}
END_TEST

/* kill -9 a Deep InfoMax run (batch norm, a prior discriminator) after its
 * first checkpoint, --resume it: the never-killed run's metrics and curve. */
START_TEST(killed_dim_run_resumes_to_the_same_numbers)
{
    if (access(FASHION, R_OK) != 0) {
        fprintf(stderr, "test_dim: %s absent: the checkpoint run is skipped\n", FASHION);
        return;
    }
    char args[2048], ref[600], res[600], ckpt[600], exe[600], ini[600];
    static char out[1 << 16];
    const char *sets = "--set task.method=dim --set task.epochs=6 --set task.checkpoint_every=1 "
                       "--set dataset.n_train=1600 -q --threads 1";
    snprintf(ini, sizeof ini, "%s/tasks/dim/tiny.ini", test_srcdir());
    snprintf(ref, sizeof ref, "%s/ck-ref.jsonl", test_tmpdir());
    snprintf(res, sizeof res, "%s/ck.jsonl", test_tmpdir());
    snprintf(ckpt, sizeof ckpt, "%s/ck.ckpt", test_tmpdir());
    snprintf(exe, sizeof exe, "%s/infomin-run", test_builddir());
    snprintf(args, sizeof args, "%s %s -o %s", ini, sets, ref);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    char *argv[] = { exe, ini, "--set", "task.method=dim", "--set", "task.epochs=6", "--set", "task.checkpoint_every=1",
                     "--set", "dataset.n_train=1600", "-q", "--threads", "1", "-o", res, NULL };
    int status = test_kill_when_exists(argv, ckpt);
    ck_assert_msg(WIFSIGNALED(status), "the run ended before it could be killed");
    snprintf(args, sizeof args, "%s %s -o %s --resume", ini, sets, res);
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    ck_assert_msg(strstr(out, "dim: resumed from ") != NULL, "%s", out);
    ck_assert_int_ne(access(ckpt, F_OK), 0);   /* finished: removed */
    json_t *a = record_of(ref, 0), *b = record_of(res, 0);
    static const char *const keys[] = { "linear_code", "mlp_code", "linear_features", "mlp_features" };
    for (int i = 0; i < 4; i++) ck_assert_msg(metric(a, keys[i]) == metric(b, keys[i]), "%s", keys[i]);
    json_t *ra = json_object_get(json_object_get(json_object_get(a, "curves"), "probe"), "rows");
    json_t *rb = json_object_get(json_object_get(json_object_get(b, "curves"), "probe"), "rows");
    ck_assert_int_eq((int)json_array_size(ra), 7);
    ck_assert(json_equal(ra, rb));   /* the epochs before the kill come from the checkpoint */
    json_decref(a);
    json_decref(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dim");
    TCase *tc = tcase_create("images");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, conv_encoder_gives_code_and_feature_map);
    tcase_add_test(tc, conv_encoder_refusals_are_named);
    tcase_add_test(tc, dim_tiny_runs_every_method_end_to_end);
    tcase_add_test(tc, killed_dim_run_resumes_to_the_same_numbers);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
