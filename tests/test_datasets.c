/* test_datasets.c — datasets with known MI against their formulas, the CSV
 * loader's columns and errors, and the column transforms fitted on the
 * training split. */
#include <math.h>
#include <sys/stat.h>
#include <zlib.h>
#include "registry_fixture.h"

/* ---- datasets with known MI ---- */

START_TEST(student_t_mi_matches_ksg)
{
    /* the ν correction is what makes this pass: at ν = 1 it is 0.22 nats.
     * KSG underestimates under Cauchy tails (-0.05 here); asinh, an
     * MI-preserving bijection, tames them */
    double truth, v = run_estimate("plugin = student\ndf = 1\nrho = 0.6\ntransform = asinh\nn_train = 10\nn_val = 0\n"
                                   "n_test = 8000",
                                   "plugin = ksg", 13, &truth);
    double gaussian_part = -0.5 * log(1 - 0.36);
    ck_assert_double_gt(truth - gaussian_part, 0.15);
    ck_assert_double_eq_tol(v, truth, 0.05);
}
END_TEST

START_TEST(nonlinear_mi_by_integration)
{
    /* f = linear has the closed form ½ log(1 + 1/σ²) */
    double truth;
    run_estimate("plugin = nonlinear\nf = linear\nsigma = 0.5\nn_train = 10\nn_val = 0\nn_test = 100", "plugin = pearson",
                 14, &truth);
    ck_assert_double_eq_tol(truth, 0.5 * log(1 + 1 / 0.25), 1e-5);
    double v = run_estimate("plugin = nonlinear\nf = cube\nsigma = 0.5\nn_train = 10\nn_val = 0\nn_test = 6000",
                            "plugin = ksg", 14, &truth);
    ck_assert_double_eq_tol(v, truth, 0.06);
}
END_TEST

/* tasks/mi-estimate/equitability.ini, tiny: at one noise level, KSG reads
 * each f's truth within 8% (equitable); the Gaussian formula reads the
 * linear f and misses the sine and the cube by more than 20% (a linear
 * statistic is not). */
START_TEST(equitability_ini_tiny)
{
    static const char *const f_names[3] = { "linear", "sin", "cube" };
    for (int e = 0; e < 2; e++) {
        char args[2048], out[8192], results[600];
        snprintf(results, sizeof results, "%s/equitability.jsonl", test_tmpdir());
        snprintf(args, sizeof args, "%s/tasks/mi-estimate/equitability.ini -q -o %s --threads 1 --set dataset.sigma=0.3 "
                 "--set estimator.plugin=%s --set dataset.n_train=10 --set dataset.n_val=0 --set dataset.n_test=4000",
                 test_srcdir(), results, e ? "gaussian" : "ksg");
        ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
        int n;
        im_record **recs = test_read_records(&ctx, results, &n);
        ck_assert_int_eq(n, 3);
        for (int i = 0; i < 3; i++) {
            double est, truth;
            ck_assert(im_record_metric(recs[i], "estimate", &est) && im_record_metric(recs[i], "true_mi", &truth));
            ck_assert_str_eq(im_record_config_value(recs[i], "dataset", "f"), f_names[i]);
            double rel = (est - truth) / truth;
            if (e == 0 || i == 0)
                ck_assert_msg(fabs(rel) < (e ? 0.02 : 0.08), "%s on %s: %+.3f", e ? "gaussian" : "ksg", f_names[i], rel);
            else
                ck_assert_msg(rel < -0.2, "gaussian on %s: %+.3f", f_names[i], rel);
        }
        test_free_records(recs, n);
    }
}
END_TEST

START_TEST(csv_loads_columns_and_names_bad_values)
{
    char path[512], bad[512], text[2048];
    char data[8192] = "a,b,c,d\n";
    for (int i = 0; i < 40; i++) {
        char line[128];
        snprintf(line, sizeof line, "%d,%d.5,%d,%d\n", i, i, 2 * i, i % 3);
        strcat(data, line);
    }
    test_write_file(path, sizeof path, "data.csv", data);
    snprintf(text, sizeof text,
             "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0..1\ny = 2\nt = 3\nsplit = 0.5,0.25,0.25\n", path);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_dataset ds;
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(ds.train.x.rows, 20);
    ck_assert_int_eq(ds.val.x.rows, 10);
    ck_assert_int_eq(ds.test.x.rows, 10);
    ck_assert_int_eq(ds.train.x.cols, 2);
    ck_assert_int_eq(ds.train.t.cols, 1);
    for (int r = 0; r < 20; r++) {   /* rows stay whole through the shuffle */
        const float *x = im_mat_row(&ds.train.x, r);
        ck_assert_float_eq(x[1], x[0] + 0.5f);
        ck_assert_float_eq(im_mat_row(&ds.train.y, r)[0], 2 * x[0]);
    }
    im_dataset_free(&ds);
    im_config_free(&cfg);
    test_write_file(bad, sizeof bad, "bad.csv", "a,b,c\n1,2,3\n4,?,6\n7,8,9\n1,1,1\n2,2,2\n");
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0..1\ny = 2\n", bad);
    parse(text, &cfg);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds), IM_EIO);
    char expect[1024];
    snprintf(expect, sizeof expect, "%s:3: column 1: '?' is not a finite number", bad);
    ck_assert_str_eq(ctx.err, expect);
    im_config_free(&cfg);
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 7\n", bad);
    parse(text, &cfg);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds), IM_EIO);
    snprintf(expect, sizeof expect, "%s:2: 3 fields, but column 7 is asked for", bad);
    ck_assert_str_eq(ctx.err, expect);
    im_config_free(&cfg);
}
END_TEST

/* Columns by the header's names (quoted names unquoted, ranges first..last
 * in the header's order, mixed with indices), the same rows as by index;
 * a misspelt name refused at validation with the nearest; names without a
 * header line, a backward range and a name range shared with y refused. */
START_TEST(csv_columns_by_header_name)
{
    char path[512], text[2048], data[8192] = "id,\"hours per week\",income,score\n";
    for (int i = 0; i < 40; i++) {
        char line[128];
        snprintf(line, sizeof line, "%d,%d.5,%d,%d\n", i, i, 2 * i, i % 3);
        strcat(data, line);
    }
    test_write_file(path, sizeof path, "named.csv", data);
    static const char *const head = "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\n%s\n";
    static const char *const same[] = { "x = 0..1\ny = 2\nt = 3", "x = id, hours per week\ny = income\nt = score",
                                        "x = id..hours per week\ny = 2\nt = score" };
    float first[4];
    for (int k = 0; k < 3; k++) {
        im_config cfg;
        snprintf(text, sizeof text, head, path, same[k]);
        parse(text, &cfg);
        im_rng rng;
        im_rng_seed(&rng, 1);
        im_dataset ds;
        ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK, "%s", ctx.err);
        ck_assert_int_eq(ds.train.x.cols, 2);
        const float *x = im_mat_row(&ds.train.x, 0);
        float row[4] = { x[0], x[1], im_mat_row(&ds.train.y, 0)[0], im_mat_row(&ds.train.t, 0)[0] };
        ck_assert_float_eq(row[1], row[0] + 0.5f);
        ck_assert_float_eq(row[2], 2 * row[0]);
        if (k == 0)
            memcpy(first, row, sizeof row);
        else
            ck_assert_msg(memcmp(first, row, sizeof row) == 0, "%s: another first row", same[k]);
        im_dataset_free(&ds);
        im_config_free(&cfg);
    }
    static const struct {
        const char *keys, *error;
    } refused[] = {
        { "x = id, hours per weak\ny = income",
          "dataset.x: no column named 'hours per weak' in the header; did you mean 'hours per week'?" },
        { "x = zzz\ny = income", "dataset.x: no column named 'zzz' in the header (4 columns: 'id' ... 'score')" },
        { "x = income..id\ny = score", "dataset.x: 'income..id' runs backwards: 'income' is column 2, 'id' column 0" },
        { "x = id..income\ny = 2", "dataset.y: column 2 is also in x: x and y must not share columns" },
        { "x = id\ny = income\nheader = false",
          "dataset.x: 'id' is a column name, but the file has no header line (header = false): give 0-based indices" },
    };
    for (size_t k = 0; k < sizeof refused / sizeof *refused; k++) {
        im_config cfg;
        snprintf(text, sizeof text, head, path, refused[k].keys);
        ck_assert_int_eq(im_config_parse_string(&ctx, text, "t.ini", &cfg), IM_OK);
        ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
        ck_assert_msg(strstr(ctx.err, refused[k].error) != NULL, "%s: %s", refused[k].keys, ctx.err);
        im_config_free(&cfg);
    }
}
END_TEST

/* A relative data path in an INI file is relative to the file's folder
 * (the run's working directory is elsewhere: /); given with --set it is
 * relative to the working directory, and the message names the path as
 * resolved. */
START_TEST(csv_path_is_relative_to_the_ini_file)
{
    char csv[512], ini[512], out[16384], args[2048], data[8192] = "u,v\n";
    for (int i = 0; i < 40; i++) {
        char line[64];
        snprintf(line, sizeof line, "%d,%d\n", i, (i * 7) % 11);
        strcat(data, line);
    }
    test_write_file(csv, sizeof csv, "beside.csv", data);
    test_write_file(ini, sizeof ini, "beside.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = beside.csv\nx = u\ny = v\n"
                    "split = 0,0,1\n[estimator]\nplugin = pearson\n");
    snprintf(args, sizeof args, "cd / && %s/infomin-run %s -q -o %s/beside.jsonl 2>&1", test_builddir(), ini,
             test_tmpdir());
    ck_assert_msg(test_run_command(args, out, sizeof out) == 0, "%s", out);
    snprintf(args, sizeof args, "cd / && %s/infomin-run %s -q -o %s/beside2.jsonl --set dataset.path=beside.csv 2>&1",
             test_builddir(), ini, test_tmpdir());
    ck_assert_int_eq(test_run_command(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "--set: dataset.path: beside.csv: No such file or directory") != NULL, "%s", out);
}
END_TEST

/* What real CSV files hold: a UTF-8 byte-order mark, CRLF line ends,
 * RFC 4180 quoted fields (the delimiter inside quotes); and what they must
 * not: an unclosed quote, a number no float holds, a column index past the
 * limit (it overflowed a buffer before). */
START_TEST(csv_reads_bom_crlf_and_quotes_and_names_the_rest)
{
    char text[2048];
    char comma[512];
    test_write_file(comma, sizeof comma, "quoted-comma.csv",
                    "\xEF\xBB\xBF\"a\",\"b,c\"\r\n1,\"2.5\"\r\n2,\"3.5\"\r\n3,4.5\r\n4,\"5.5\"\r\n5,6.5\r\n"
                    "6,7.5\r\n7,8.5\r\n8,9.5\r\n");
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\n"
             "header = true\nsplit = 0.5,0.25,0.25\n", comma);
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "q.ini", &cfg), IM_OK);
    ck_assert_msg(im_config_validate(&ctx, &cfg, reg) == IM_OK, "%s", ctx.err);
    im_rng rng;
    im_rng_seed(&rng, 1);
    im_dataset ds;
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(ds.train.x.rows + ds.val.x.rows + ds.test.x.rows, 8);
    for (int r = 0; r < ds.train.x.rows; r++)
        ck_assert_float_eq(im_mat_row(&ds.train.y, r)[0], im_mat_row(&ds.train.x, r)[0] + 1.5f);
    im_dataset_free(&ds);
    im_config_free(&cfg);
    const struct {
        const char *file, *message;
    } bad[] = {
        { "1,2\n3,\"4\n5,6\n7,8\n9,10\n", ":2: a quote is not closed on this line" },
        { "1,2\n3,\"4\"x\n5,6\n7,8\n9,10\n", ":2: text after a closing quote" },
        { "1,2\n3,1e40\n5,6\n7,8\n9,10\n", ":2: column 1: '1e40' is beyond the range of a float (3.4e38)" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[32], file[512];
        snprintf(name, sizeof name, "bad%zu.csv", i);
        test_write_file(file, sizeof file, name, bad[i].file);
        snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\n", file);
        ck_assert_int_eq(im_config_parse_string(&ctx, text, "q.ini", &cfg), IM_OK);
        ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_OK);
        ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds), IM_EIO);
        char expect[700];
        snprintf(expect, sizeof expect, "%s%s", file, bad[i].message);
        ck_assert_str_eq(ctx.err, expect);
        im_config_free(&cfg);
    }
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 5000\ny = 1\n", comma);
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "q.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "q.ini:6: dataset.x: 5000 is outside [0, 1023]");
    im_config_free(&cfg);
}
END_TEST

/* Rules across keys are the dataset's validate hook: they stop a sweep
 * before its first run (exit 2, nothing written), naming the place. */
/* split = 0,0,1: every row is read, for estimators that train nothing; an
 * estimator or a task that trains says it has no training rows. */
START_TEST(csv_without_training_rows_serves_estimators_that_train_nothing)
{
    char csv[512], ini[512], text[2048], out[8192], args[1200];
    test_write_file(csv, sizeof csv, "rows.csv",
                    "a,b,c\n1,0,1\n2,0,0\n3,1,1\n4,1,0\n5,0,1\n6,1,0\n7,1,1\n8,0,0\n9,1,1\n10,1,0\n");
    const char *head = "[task]\nplugin = %s\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\nt = 2\nsplit = 0,0,1\n"
                       "[estimator]\nplugin = %s\n";
    snprintf(text, sizeof text, head, "mi-estimate", csv, "pearson");
    test_write_file(ini, sizeof ini, "every-row.ini", text);
    snprintf(args, sizeof args, "%s -q -o %s/every-row.jsonl", ini, test_tmpdir());
    ck_assert_msg(test_run_cli(args, out, sizeof out) == 0, "%s", out);
    char results[600];
    snprintf(results, sizeof results, "%s/every-row.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    double n_test, n_train;
    ck_assert(im_record_metric(recs[0], "n_test", &n_test) && im_record_metric(recs[0], "n_train", &n_train));
    ck_assert(n_test == 10 && n_train == 0);
    test_free_records(recs, n);

    snprintf(text, sizeof text, head, "mi-estimate", csv, "mine");
    test_write_file(ini, sizeof ini, "every-row-mine.ini", text);
    snprintf(args, sizeof args, "%s -q -o %s/every-row-mine.jsonl", ini, test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "estimator mine trains, but its training data has 0 rows") != NULL, "%s", out);

    snprintf(text, sizeof text, head, "fairness", csv, "slice");
    test_write_file(ini, sizeof ini, "every-row-fairness.ini", text);
    snprintf(args, sizeof args, "%s -q -o %s/every-row-fairness.jsonl", ini, test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 1);
    ck_assert_msg(strstr(out, "fairness: dataset csv has no training rows") != NULL, "%s", out);
}
END_TEST

/* The default split (0.7, 0.1, 0.2) of a 3,000-row file: KSG, which trains
 * nothing, reads all 3,000 rows (mi-estimate and independence-test); a
 * trained estimator reads the 600 test rows; rows = test puts KSG there
 * too; rows = all is refused for a trained estimator. */
static double read_rows_of(const char *task, const char *estimator, const char *extra, char *out, size_t size)
{
    char csv[512], ini[512], text[2048], args[1400], results[600];
    static char data[3000 * 24 + 8];
    if (!data[0]) {
        im_rng rng;
        im_rng_seed(&rng, 9);
        size_t used = (size_t)snprintf(data, sizeof data, "u,v\n");
        for (int i = 0; i < 3000; i++) {
            double u = im_rng_normal(&rng), v = 0.6 * u + 0.8 * im_rng_normal(&rng);
            used += (size_t)snprintf(data + used, sizeof data - used, "%.5f,%.5f\n", u, v);
        }
    }
    test_write_file(csv, sizeof csv, "three-thousand.csv", data);
    int test = strcmp(task, "independence-test") == 0;
    snprintf(text, sizeof text, "[task]\nplugin = %s\n%s\n%s\n[dataset]\nplugin = csv\npath = %s\nx = u\ny = v\n"
             "[estimator]\nplugin = %s\nsteps = 20\nbatch = 64\neval_every = 10\n", task,
             test ? "permutations = 5" : "plot = false\nresamples = 0", extra, csv, estimator);
    test_write_file(ini, sizeof ini, "rows.ini", text);
    snprintf(results, sizeof results, "%s/rows.jsonl", test_tmpdir());
    snprintf(args, sizeof args, "%s -q -o %s", ini, results);
    if (test_run_cli(args, out, size) != 0) return -1;
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    double n_read = -1;
    ck_assert(im_record_metric(recs[0], "n_read", &n_read));
    test_free_records(recs, n);
    return n_read;
}

START_TEST(estimators_that_train_nothing_read_every_row)
{
    char out[8192];
    ck_assert_msg(read_rows_of("mi-estimate", "ksg", "", out, sizeof out) == 3000, "%s", out);
    ck_assert_msg(strstr(out, "ksg on csv (3000 rows)") != NULL, "%s", out);
    ck_assert_msg(read_rows_of("independence-test", "ksg", "", out, sizeof out) == 3000, "%s", out);
    ck_assert_msg(read_rows_of("mi-estimate", "mine", "", out, sizeof out) == 600, "%s", out);
    ck_assert_msg(strstr(out, "mine on csv (600 test rows)") != NULL, "%s", out);
    ck_assert_msg(read_rows_of("mi-estimate", "ksg", "rows = test", out, sizeof out) == 600, "%s", out);
    ck_assert(read_rows_of("mi-estimate", "mine", "rows = all", out, sizeof out) == -1);
    ck_assert_msg(strstr(out, "task.rows: estimator mine trains on the training split: every row would include rows "
                              "it was fitted on") != NULL, "%s", out);
}
END_TEST

/* ---- .npy ---- */

/* The bytes of a .npy file: magic, version, header length, the header
 * text padded as np.save pads it, then `body` (n bytes). */
static size_t npy_bytes(unsigned char *out, int major, const char *dict, const void *body, size_t n)
{
    int width = major == 1 ? 2 : 4;
    size_t len = strlen(dict), pad = 0;
    while ((6 + 2 + width + len + pad + 1) % 64) pad++;
    size_t header = len + pad + 1, at = 0;
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)major, out[7] = 0;
    for (int i = 0; i < width; i++) out[8 + i] = (unsigned char)(header >> (8 * i));
    at = 8 + (size_t)width;
    memcpy(out + at, dict, len);
    memset(out + at + len, ' ', pad);
    out[at + len + pad] = '\n';
    at += header;
    memcpy(out + at, body, n);
    return at + n;
}

static im_status npy_of(const char *dict, const void *body, size_t n, im_npy *a)
{
    static unsigned char bytes[4096];
    size_t size = npy_bytes(bytes, 1, dict, body, n);
    return im_npy_parse(&ctx, bytes, size, "a.npy", a);
}

/* Every element type, both byte orders, C and Fortran order, 1-D and 3-D,
 * versions 1 to 3: the same 2 x 3 matrix 0, -1, 2, -3, 4, 5 (unsigned and
 * bool: their own values). */
START_TEST(npy_reads_every_dtype_order_and_version)
{
    const double want[6] = { 0, -1, 2, -3, 4, 5 };
    im_npy a;
    /* little-endian float64, C order */
    ck_assert_int_eq(npy_of("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", want, sizeof want, &a), IM_OK);
    ck_assert(a.rows == 2 && a.cols == 3 && !a.fortran);
    for (int k = 0; k < 6; k++) ck_assert(a.data[k] == want[k]);
    im_npy_free(&a);
    /* big-endian float32 */
    unsigned char be[24];
    for (int k = 0; k < 6; k++) {
        float f = (float)want[k];
        unsigned char b[4];
        memcpy(b, &f, 4);
        for (int i = 0; i < 4; i++) be[4 * k + i] = b[3 - i];
    }
    ck_assert_int_eq(npy_of("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", be, sizeof be, &a), IM_OK);
    for (int k = 0; k < 6; k++) ck_assert(a.data[k] == want[k]);
    im_npy_free(&a);
    /* Fortran order: the body is column by column */
    const double by_column[6] = { 0, -3, -1, 4, 2, 5 };
    ck_assert_int_eq(npy_of("{'fortran_order': True, 'shape': (2, 3), 'descr': '<f8'}", by_column, sizeof by_column, &a),
                     IM_OK);
    ck_assert(a.fortran);
    for (int k = 0; k < 6; k++) ck_assert(a.data[k] == want[k]);
    im_npy_free(&a);
    /* integers of each width, signed and unsigned */
    const int8_t i1[6] = { 0, -1, 2, -3, 4, 5 };
    const int16_t i2[6] = { 0, -1, 2, -3, 4, 5 };
    const int32_t i4[6] = { 0, -1, 2, -3, 4, 5 };
    const int64_t i8[6] = { 0, -1, 2, -3, 4, 5 };
    const struct { const char *descr; const void *body; size_t n; } ints[] = {
        { "|i1", i1, sizeof i1 }, { "<i2", i2, sizeof i2 }, { "<i4", i4, sizeof i4 }, { "<i8", i8, sizeof i8 },
    };
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (2, 3), }", ints[i].descr);
        ck_assert_int_eq(npy_of(dict, ints[i].body, ints[i].n, &a), IM_OK);
        for (int k = 0; k < 6; k++) ck_assert_msg(a.data[k] == want[k], "%s element %d", ints[i].descr, k);
        im_npy_free(&a);
    }
    const uint16_t u2be[2] = { 0x0100, 0xffff };   /* >u2: 1 and 65535 */
    ck_assert_int_eq(npy_of("{'descr': '>u2', 'fortran_order': False, 'shape': (2,), }", u2be, sizeof u2be, &a), IM_OK);
    ck_assert(a.rows == 2 && a.cols == 1 && a.data[0] == 1 && a.data[1] == 65535);
    im_npy_free(&a);
    const uint8_t flags[3] = { 1, 0, 1 };
    ck_assert_int_eq(npy_of("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", flags, 3, &a), IM_OK);
    ck_assert(a.data[0] == 1 && a.data[1] == 0 && a.data[2] == 1);
    im_npy_free(&a);
    /* 3-D, Fortran order: rows x the rest, the rest in C order */
    double cube[12], fcube[12];
    for (int k = 0; k < 12; k++) cube[k] = k;   /* shape (2, 3, 2) C order: value = 6i + 2j + l */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int l = 0; l < 2; l++) fcube[i + 2 * (j + 3 * l)] = 6 * i + 2 * j + l;
    ck_assert_int_eq(npy_of("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }", fcube, sizeof fcube, &a),
                     IM_OK);
    ck_assert(a.rows == 2 && a.cols == 6);
    for (int k = 0; k < 12; k++) ck_assert(a.data[k] == cube[k]);
    im_npy_free(&a);
    /* versions 2.0 and 3.0: a 4-byte header length */
    static unsigned char bytes[512];
    for (int major = 2; major <= 3; major++) {
        size_t size = npy_bytes(bytes, major, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", want,
                                sizeof want);
        ck_assert_int_eq(im_npy_parse(&ctx, bytes, size, "v.npy", &a), IM_OK);
        ck_assert(a.data[5] == 5);
        im_npy_free(&a);
    }
}
END_TEST

/* Each malformed file refused with its reason, never read past its end. */
START_TEST(npy_refuses_malformed_files_with_the_reason)
{
    const double six[6] = { 0 };
    static const struct {
        const char *dict;
        size_t body;
        const char *message;
    } cases[] = {
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }", 48,
          "a.npy: the shape (3 x 3 of <f8) needs 72 bytes of data, the file holds 48: it is cut short" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", 40,
          "a.npy: the shape (2 x 3 of <f8) needs 48 bytes of data, the file holds 40: it is cut short" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 3), }", 48,
          "a.npy: the shape (1 x 3 of <f8) needs 24 bytes of data, the file holds 48" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", 48,
          "a.npy: the shape's columns exceed 2147483647" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 2), }", 48,
          "a.npy: 4611686018427387904 rows exceed 2147483647" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 8,
          "a.npy: a 0-dimensional array (one number): save an array of rows" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", 0, "a.npy: the array is empty (shape with a 0)" },
        { "{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }", 48,
          "a.npy: dtype '<c16' is not read (float32, float64, integers and bool are: arr.astype(np.float64) before np.save)" },
        { "{'descr': '|O', 'fortran_order': False, 'shape': (6,), }", 48,
          "a.npy: dtype '|O' is not read (float32, float64, integers and bool are: arr.astype(np.float64) before np.save)" },
        { "{'descr': '<f2', 'fortran_order': False, 'shape': (6,), }", 12,
          "a.npy: dtype '<f2' is not read (float32, float64, integers and bool are: arr.astype(np.float64) before np.save)" },
        { "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (6,), }", 48,
          "a.npy: a structured array (fields of several types): save a plain numeric array "
          "(np.column_stack([rec[f] for f in rec.dtype.names]))" },
        { "{'descr': '<f8', 'fortran_order': False}", 48, "a.npy: the header has no 'shape'" },
        { "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (6,)}", 48,
          "a.npy: the header gives 'descr' twice" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), 'x': 1}", 48,
          "a.npy: the header has a key 'x' (np.save writes descr, fortran_order and shape)" },
        { "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (6,)}", 48,
          "a.npy: not a .npy header np.save writes: fortran_order is neither True nor False" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (6,)} extra", 48,
          "a.npy: not a .npy header np.save writes: text after the closing brace" },
        { "['descr', '<f8']", 48, "a.npy: not a .npy header np.save writes: it does not start with '{'" },
        { "{'descr': '<f8', 'fortran_order': False, 'shape': (-6,)}", 48,
          "a.npy: not a .npy header np.save writes: shape is not a tuple of at most 8 non-negative integers" },
    };
    static unsigned char bytes[4096];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        im_npy a;
        double body[16] = { 0 };
        size_t size = npy_bytes(bytes, 1, cases[i].dict, body, cases[i].body);
        ck_assert_int_eq(im_npy_parse(&ctx, bytes, size, "a.npy", &a), IM_EIO);
        ck_assert_msg(strcmp(ctx.err, cases[i].message) == 0, "case %zu: %s", i, ctx.err);
        ck_assert_ptr_null(a.data);
    }
    /* the frame: magic, version, the header's length */
    size_t size = npy_bytes(bytes, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", six, sizeof six);
    im_npy a;
    bytes[5] = 'Z';
    ck_assert_int_eq(im_npy_parse(&ctx, bytes, size, "a.npy", &a), IM_EIO);
    ck_assert_str_eq(ctx.err, "a.npy: not a .npy file (it does not start with \\x93NUMPY)");
    bytes[5] = 'Y', bytes[6] = 4;
    ck_assert_int_eq(im_npy_parse(&ctx, bytes, size, "a.npy", &a), IM_EIO);
    ck_assert_str_eq(ctx.err, "a.npy: .npy format version 4.0 (1.0 to 3.0 are read)");
    bytes[6] = 1;
    ck_assert_int_eq(im_npy_parse(&ctx, bytes, 9, "a.npy", &a), IM_EIO);
    ck_assert_str_eq(ctx.err, "a.npy: the file ends inside its header length");
    ck_assert_int_eq(im_npy_parse(&ctx, bytes, 40, "a.npy", &a), IM_EIO);
    ck_assert_str_eq(ctx.err, "a.npy: the header says 118 bytes, the file has 30 after it");
    ck_assert_int_eq(im_npy_parse(&ctx, bytes, 0, "a.npy", &a), IM_EIO);
}
END_TEST

/* What im_npy_write writes reads back; no temporary file is left. */
START_TEST(npy_written_reads_back)
{
    char path[512];
    snprintf(path, sizeof path, "%s/sub/back.npy", test_tmpdir());
    double v[6] = { 1.5, -2, 1e-300, 3e300, 0, 7 };
    ck_assert_int_eq(im_npy_write(&ctx, path, v, 3, 2), IM_OK);
    im_npy a;
    ck_assert_int_eq(im_npy_read(&ctx, path, &a), IM_OK);
    ck_assert(a.rows == 3 && a.cols == 2 && a.ndim == 2 && strcmp(a.dtype, "<f8") == 0);
    for (int k = 0; k < 6; k++) ck_assert(a.data[k] == v[k]);
    im_npy_free(&a);
    ck_assert_int_eq(im_npy_write(&ctx, path, v, 6, 0), IM_OK);   /* 1-D */
    ck_assert_int_eq(im_npy_read_header(&ctx, path, &a), IM_OK);
    ck_assert(a.rows == 6 && a.cols == 1 && a.ndim == 1 && a.data == NULL);
    char folder[512], out[4096];
    snprintf(folder, sizeof folder, "ls %s/sub", test_tmpdir());
    test_run_command(folder, out, sizeof out);
    ck_assert_str_eq(out, "back.npy\n");
    snprintf(path, sizeof path, "%s", test_tmpdir());   /* a folder */
    ck_assert_int_eq(im_npy_read(&ctx, path, &a), IM_EIO);
    ck_assert(strstr(ctx.err, "not a regular file") != NULL);
}
END_TEST

/* The npy dataset: one file with columns picked, or a file per variable,
 * give the same rows; a NaN is named by file, row and column. */
START_TEST(npy_dataset_one_file_or_a_file_per_variable)
{
    enum { N = 200 };
    static double all[N * 4], x[N * 2], y[N], t[N];
    im_rng rng;
    im_rng_seed(&rng, 3);
    for (int i = 0; i < N; i++) {
        x[2 * i] = all[4 * i] = im_rng_normal(&rng);
        x[2 * i + 1] = all[4 * i + 1] = im_rng_normal(&rng);
        y[i] = all[4 * i + 2] = x[2 * i] + 0.5 * im_rng_normal(&rng);
        t[i] = all[4 * i + 3] = i % 2;
    }
    char p_all[512], p_x[512], p_y[512], p_t[512], text[2048];
    snprintf(p_all, sizeof p_all, "%s/all.npy", test_tmpdir());
    snprintf(p_x, sizeof p_x, "%s/x.npy", test_tmpdir());
    snprintf(p_y, sizeof p_y, "%s/y.npy", test_tmpdir());
    snprintf(p_t, sizeof p_t, "%s/t.npy", test_tmpdir());
    ck_assert_int_eq(im_npy_write(&ctx, p_all, all, N, 4), IM_OK);
    ck_assert_int_eq(im_npy_write(&ctx, p_x, x, N, 2), IM_OK);
    ck_assert_int_eq(im_npy_write(&ctx, p_y, y, N, 0), IM_OK);
    ck_assert_int_eq(im_npy_write(&ctx, p_t, t, N, 0), IM_OK);
    im_dataset one, sep;
    im_config cfg;
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = npy\npath = %s\nx = 0..1\ny = 2\nt = 3\n",
             p_all);
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "n.ini", &cfg), IM_OK);
    im_rng_seed(&rng, 5);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &one), IM_OK);
    im_config_free(&cfg);
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = npy\nx_path = %s\ny_path = %s\n"
             "t_path = %s\n", p_x, p_y, p_t);
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "n.ini", &cfg), IM_OK);
    im_rng_seed(&rng, 5);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &sep), IM_OK);
    im_config_free(&cfg);
    ck_assert(one.train.x.rows == 140 && one.val.x.rows == 20 && one.test.x.rows == 40);
    ck_assert(one.train.x.cols == 2 && one.train.y.cols == 1 && one.train.t.cols == 1);
    const im_split *a[3] = { &one.train, &one.val, &one.test }, *b[3] = { &sep.train, &sep.val, &sep.test };
    for (int s = 0; s < 3; s++) {
        ck_assert(memcmp(a[s]->x.data, b[s]->x.data, sizeof(im_real) * (size_t)a[s]->x.rows * 2) == 0);
        ck_assert(memcmp(a[s]->y.data, b[s]->y.data, sizeof(im_real) * (size_t)a[s]->y.rows) == 0);
        ck_assert(memcmp(a[s]->t.data, b[s]->t.data, sizeof(im_real) * (size_t)a[s]->t.rows) == 0);
    }
    im_dataset_free(&one);
    im_dataset_free(&sep);
    /* a NaN, named */
    y[17] = NAN;
    ck_assert_int_eq(im_npy_write(&ctx, p_y, y, N, 0), IM_OK);
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "n.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &sep), IM_EIO);
    char want[700];
    snprintf(want, sizeof want, "%s: row 17, column 0: nan is not a finite number a float holds", p_y);
    ck_assert_str_eq(ctx.err, want);
    im_config_free(&cfg);
}
END_TEST

/* Rules across keys, at validation: where the data comes from, the
 * columns within the file, rows that do not match. */
START_TEST(npy_rules_are_checked_before_any_run)
{
    double v[12] = { 0 };
    char p4[512], p3[512], text[16384];
    snprintf(p4, sizeof p4, "%s/four.npy", test_tmpdir());
    snprintf(p3, sizeof p3, "%s/three.npy", test_tmpdir());
    ck_assert_int_eq(im_npy_write(&ctx, p4, v, 4, 3), IM_OK);
    ck_assert_int_eq(im_npy_write(&ctx, p3, v, 3, 0), IM_OK);
    struct {
        char lines[1200];
        char message[1200];
    } c[6];
    snprintf(c[0].lines, sizeof c[0].lines, "path = %s\nx = 0\n", p4);
    snprintf(c[0].message, sizeof c[0].message, "v.ini: dataset.y: required with path: the columns of Y (e.g. y = 8)");
    snprintf(c[1].lines, sizeof c[1].lines, "path = %s\nx = 0\ny = 3\n", p4);
    snprintf(c[1].message, sizeof c[1].message, "v.ini:7: dataset.y: column 3, but %s has 3 columns (0..2)", p4);
    snprintf(c[2].lines, sizeof c[2].lines, "path = %s\nx = 0..1\ny = 1\n", p4);
    snprintf(c[2].message, sizeof c[2].message, "v.ini:7: dataset.y: column 1 is also in x: x and y must not share columns");
    snprintf(c[3].lines, sizeof c[3].lines, "x_path = %s\ny_path = %s\n", p4, p3);
    snprintf(c[3].message, sizeof c[3].message, "v.ini:6: dataset.y_path: %s has 3 rows, %s has 4: one row per sample in "
             "each", p3, p4);
    snprintf(c[4].lines, sizeof c[4].lines, "path = %s\nx_path = %s\n", p4, p4);
    snprintf(c[4].message, sizeof c[4].message, "v.ini:5: dataset.path: one file for all (path) or a file per variable "
             "(x_path, y_path, t_path), not both");
    snprintf(c[5].lines, sizeof c[5].lines, "x_path = %s\n", p4);
    snprintf(c[5].message, sizeof c[5].message, "v.ini: dataset.y_path: required: a .npy file for Y (or path = one file "
             "with x, y and t columns)");
    for (int i = 0; i < 6; i++) {
        im_config cfg;
        snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = npy\n%s[estimator]\nplugin = ksg\n",
                 c[i].lines);
        ck_assert_int_eq(im_config_parse_string(&ctx, text, "v.ini", &cfg), IM_OK);
        ck_assert_int_ne(im_config_validate(&ctx, &cfg, reg), IM_OK);
        ck_assert_msg(strcmp(ctx.err, c[i].message) == 0, "case %d: %s", i, ctx.err);
        im_config_free(&cfg);
    }
}
END_TEST

/* SHA-256 against FIPS 180-4's examples; a run's record names the data
 * files it read with their digests (what sha256sum prints). */
START_TEST(records_carry_the_digests_of_the_data_files_read)
{
    char path[512], hex[65];
    long long bytes;
    test_write_file(path, sizeof path, "abc.txt", "abc");
    ck_assert_int_eq(im_sha256_file(&ctx, path, hex, &bytes), IM_OK);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert(bytes == 3);
    test_write_file(path, sizeof path, "two-blocks.txt", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    ck_assert_int_eq(im_sha256_file(&ctx, path, hex, &bytes), IM_OK);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    test_write_file(path, sizeof path, "empty.txt", "");
    ck_assert_int_eq(im_sha256_file(&ctx, path, hex, &bytes), IM_OK);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_int_eq(im_sha256_file(&ctx, "/nonexistent/x", hex, &bytes), IM_EIO);

    char out[8192];
    ck_assert_msg(read_rows_of("mi-estimate", "ksg", "", out, sizeof out) == 3000, "%s", out);
    char csv[600], results[600], want[800];
    snprintf(csv, sizeof csv, "%s/three-thousand.csv", test_tmpdir());
    ck_assert_int_eq(im_sha256_file(&ctx, csv, hex, &bytes), IM_OK);
    snprintf(results, sizeof results, "%s/rows.jsonl", test_tmpdir());
    int n;
    im_record **recs = test_read_records(&ctx, results, &n);
    char *text = im_record_dump(recs[0]);
    snprintf(want, sizeof want, "\"bytes\":%lld,\"sha256\":\"%s\"", bytes, hex);
    ck_assert_msg(strstr(text, "\"data_files\":[{\"path\":") && strstr(text, want), "%s", text);
    free(text);
    test_free_records(recs, n);
}
END_TEST

START_TEST(csv_rules_across_keys_are_checked_before_any_run)
{
    char csv[512], ini[512], text[2048], out[8192], args[1200];
    test_write_file(csv, sizeof csv, "v.csv", "1,2\n2,3\n3,5\n4,4\n5,7\n6,6\n7,9\n8,8\n");
    snprintf(text, sizeof text,
             "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\n[estimator]\n"
             "plugin = pearson\n[sweep]\ndataset.split = 0.5,0.25,0.25; 0.5,0.3,0.3\n", csv);
    test_write_file(ini, sizeof ini, "sweep-split.ini", text);
    snprintf(args, sizeof args, "%s -q -o %s/never.jsonl", ini, test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "dataset.split: the fractions 0.5,0.3,0.3 sum to 1.1, not 1") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "run 1/2") == NULL, "a run started: %s", out);
    char never[600];
    snprintf(never, sizeof never, "%s/never.jsonl", test_tmpdir());
    ck_assert_int_ne(access(never, F_OK), 0);
    const struct {
        const char *line, *message;
    } cases[] = {
        { "split = 1,0,0", "v.ini:8: dataset.split: the test split is empty (the estimate reads it)" },
        { "split = 0,0,1\nstandardize = true",
          "v.ini:9: dataset.standardize: needs training rows to take the mean and sd from (split = 0,0,1)" },
        { "delimiter = ab", "v.ini:8: dataset.delimiter: one character or 'tab', got 'ab'" },
        { "t = 1", "v.ini:8: dataset.t: column 1 is also in y: y and t must not share columns" },
        { "path", NULL },   /* the temporary folder as the path: message checked below */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\n%s\n",
                 strcmp(cases[i].line, "path") == 0 ? test_tmpdir() : csv, strcmp(cases[i].line, "path") == 0 ? "" : cases[i].line);
        im_config cfg;
        ck_assert_int_eq(im_config_parse_string(&ctx, text, "v.ini", &cfg), IM_OK);
        ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
        if (cases[i].message) {
            ck_assert_str_eq(ctx.err, cases[i].message);
        } else {
            char expect[700];
            snprintf(expect, sizeof expect, "v.ini:5: dataset.path: %s: is a directory, not a data file", test_tmpdir());
            ck_assert_str_eq(ctx.err, expect);
        }
        im_config_free(&cfg);
    }
    /* a missing file and an unset variable: named before any run */
    const struct {
        const char *path, *message;
    } files[] = {
        { "/nonexistent/data.csv", "v.ini:5: dataset.path: /nonexistent/data.csv: No such file or directory" },
        { "${INFOMIN_UNSET_FOR_TEST}/d.csv", "v.ini: dataset.path: environment variable INFOMIN_UNSET_FOR_TEST is not "
                                             "set (in '${INFOMIN_UNSET_FOR_TEST}/d.csv')" },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0\ny = 1\n",
                 files[i].path);
        im_config cfg;
        ck_assert_int_eq(im_config_parse_string(&ctx, text, "v.ini", &cfg), IM_OK);
        ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
        ck_assert_str_eq(ctx.err, files[i].message);
        im_config_free(&cfg);
    }
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = csv\npath = %s\nx = 0..1\ny = 1\n", csv);
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "v.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "v.ini:7: dataset.y: column 1 is also in x: x and y must not share columns (the MI of a "
                              "variable with itself is infinite)");
    im_config_free(&cfg);
}
END_TEST

/* A target MI the generator cannot produce (rho would round to 1) is
 * refused with the configuration, not reported as an infinite truth. */
START_TEST(gaussian_mi_beyond_what_can_be_generated_is_refused)
{
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 2\n"
                                                  "mi = 40\n", "g.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "g.ini:6: dataset.mi: 40 nats over 2 component pairs is 20 per pair; at most 6.9 (rho "
                              "0.999999) can be generated: lower mi or raise dim");
    im_config_free(&cfg);
    /* dense: an uneven random split is caught when the data are made */
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 2\n"
                                                  "mi = 13\nstructure = dense\nn_train = 10\nn_val = 0\nn_test = 10\n",
                                            "g.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_OK);
    im_rng rng;
    int refused = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        im_dataset ds;
        im_rng_seed(&rng, seed);
        im_status st = im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds);
        if (st) {
            ck_assert_int_eq(st, IM_EINVAL);
            ck_assert_ptr_nonnull(strstr(ctx.err, "on one component pair (at most 6.9"));
            refused++;
        } else {
            ck_assert(isfinite(ds.true_mi));
            im_dataset_free(&ds);
        }
    }
    ck_assert_int_gt(refused, 0);
    im_config_free(&cfg);
}
END_TEST

/* Too few rows for what an estimator computes is refused, not estimated:
 * the Gaussian formula needs more test rows than dimensions (it read 6
 * nats from 2 rows of noise), a trained critic at least one batch. */
START_TEST(too_few_rows_are_refused)
{
    im_config cfg;
    im_rng rng;
    im_rng_seed(&rng, 1);
    const char *gauss = "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\ndim = 4\nn_train = 50\nn_val = 0\n"
                        "n_test = 6\n[estimator]\nplugin = gaussian\n";
    ck_assert_int_eq(im_config_parse_string(&ctx, gauss, "r.ini", &cfg), IM_OK);
    im_dataset ds;
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds), IM_OK);
    im_estimator *est;
    ck_assert_int_eq(im_estimator_new(&ctx, &cfg, "estimator", 4, 4, &rng, &est), IM_OK);
    double v;
    ck_assert_int_eq(im_estimator_estimate(&ctx, est, &ds.test.x, &ds.test.y, &v), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "gaussian: 6 rows for 4 + 4 dimensions: the covariance needs more rows than dimensions "
                              "(give more test rows)");
    im_estimator_free(est);
    im_dataset_free(&ds);
    im_config_free(&cfg);
    const char *mine = "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\nn_train = 20\nn_val = 0\n"
                       "n_test = 20\n[estimator]\nplugin = mine\nbatch = 64\n";
    ck_assert_int_eq(im_config_parse_string(&ctx, mine, "r.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_dataset_load(&ctx, &cfg, "dataset", &rng, &ds), IM_OK);
    ck_assert_int_eq(im_estimator_new(&ctx, &cfg, "estimator", 1, 1, &rng, &est), IM_OK);
    ck_assert_int_eq(im_estimator_fit(&ctx, est, &ds.train.x, &ds.train.y, NULL, NULL, NULL), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "estimator mine: 20 training rows, fewer than one batch of 64: lower batch or give more rows");
    im_estimator_free(est);
    im_dataset_free(&ds);
    im_config_free(&cfg);
}
END_TEST

/* Standardised and binarised with the training split's statistics only:
 * val and test are mapped with train's mean, sd and median. */
START_TEST(columns_use_training_statistics)
{
    im_dataset ds = { 0 };
    int n[3] = { 4, 2, 2 };
    ck_assert_int_eq(im_dataset_alloc(&ctx, &ds, n, 2, 1, 1), IM_OK);
    const float train[4] = { 1, 2, 3, 6 }, other[2] = { 3, 10 };
    for (int r = 0; r < 4; r++) {
        im_mat_row(&ds.train.x, r)[0] = train[r];
        im_mat_row(&ds.train.x, r)[1] = 7;   /* constant */
        im_mat_row(&ds.train.y, r)[0] = train[r];
    }
    for (int r = 0; r < 2; r++) {
        im_mat_row(&ds.val.x, r)[0] = im_mat_row(&ds.test.x, r)[0] = other[r];
        im_mat_row(&ds.val.x, r)[1] = im_mat_row(&ds.test.x, r)[1] = 7;
        im_mat_row(&ds.val.y, r)[0] = im_mat_row(&ds.test.y, r)[0] = other[r];
    }
    im_standardize_column(&ds, IM_ROLE_X, 0);
    im_standardize_column(&ds, IM_ROLE_X, 1);
    im_binarize_column(&ds, IM_ROLE_Y, 0);
    /* train mean 3, population sd sqrt(14/4) */
    double sd = sqrt(3.5);
    ck_assert_double_eq_tol(im_mat_row(&ds.train.x, 0)[0], (1 - 3) / sd, 1e-6);
    ck_assert_double_eq_tol(im_mat_row(&ds.test.x, 1)[0], (10 - 3) / sd, 1e-6);
    ck_assert_float_eq(im_mat_row(&ds.val.x, 0)[1], 0);   /* a constant column becomes 0 */
    /* median of {1, 2, 3, 6} is 2.5 */
    const float expect_train[4] = { 0, 0, 1, 1 };
    for (int r = 0; r < 4; r++) ck_assert_float_eq(im_mat_row(&ds.train.y, r)[0], expect_train[r]);
    ck_assert_float_eq(im_mat_row(&ds.test.y, 0)[0], 1);
    ck_assert_float_eq(im_mat_row(&ds.test.y, 1)[0], 1);
    im_dataset_free(&ds);
}
END_TEST

/* ---- fashion-mnist: IDX files written here, small and broken ---- */

/* An IDX file of n items of h×w bytes (h = 0: a label file) at dir/name:
 * item i's first byte is i, labels i % 10 (+ label_bump on the last). `magic`
 * replaces the type byte; `cut` bytes are left off the end; `extra` added. */
typedef struct {
    int magic_type, cut, extra, label_bump, raw_cut;
} idx_flaw;

static void write_idx(const char *dir, const char *name, int n, int h, int w, idx_flaw f)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.gz", dir, name);
    unsigned char head[16] = { 0, 0, (unsigned char)(f.magic_type ? f.magic_type : 8), (unsigned char)(h ? 3 : 1) };
    int dims[3] = { n, h, w }, nd = h ? 3 : 1;
    for (int d = 0; d < nd; d++)
        for (int b = 0; b < 4; b++) head[4 + 4 * d + b] = (unsigned char)(dims[d] >> (24 - 8 * b));
    long item = h ? (long)h * w : 1, len = n * item - f.cut + f.extra;
    unsigned char *body = calloc((size_t)(n * item + f.extra + 1), 1);
    for (int i = 0; i < n; i++) {
        if (h) {
            body[i * item] = (unsigned char)i;
            for (long j = 1; j < item; j++) body[i * item + j] = (unsigned char)(17 * j + i);
        } else
            body[i] = (unsigned char)(i % 10 + (i == n - 1 ? f.label_bump : 0));
    }
    gzFile gz = gzopen(path, "wb");
    ck_assert_ptr_nonnull(gz);
    gzwrite(gz, head, (unsigned)(4 + 4 * nd));
    gzwrite(gz, body, (unsigned)len);
    gzclose(gz);
    free(body);
    if (f.raw_cut) {   /* a gzip stream cut short: the compressed file loses its tail */
        struct stat sb;
        ck_assert_int_eq(stat(path, &sb), 0);
        ck_assert_int_eq(truncate(path, sb.st_size - f.raw_cut), 0);
    }
}

/* A folder of the four files, 12 training and 6 test images of 4×5. */
static void write_fashion(const char *dir, idx_flaw train_images, idx_flaw train_labels, int n_labels)
{
    mkdir(dir, 0755);
    write_idx(dir, "train-images-idx3-ubyte", 12, 4, 5, train_images);
    write_idx(dir, "train-labels-idx1-ubyte", n_labels, 0, 0, train_labels);
    write_idx(dir, "t10k-images-idx3-ubyte", 6, 4, 5, (idx_flaw){ 0 });
    write_idx(dir, "t10k-labels-idx1-ubyte", 6, 0, 0, (idx_flaw){ 0 });
}

static im_status load_fashion(const char *dir, const char *keys, im_dataset *ds)
{
    char text[1024];
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = fashion-mnist\npath = %s\n"
             "n_val = 2\n%s\n[estimator]\nplugin = pearson\n", dir, keys);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, 3);
    im_status st = im_dataset_load(&ctx, &cfg, "dataset", &rng, ds);
    im_config_free(&cfg);
    return st;
}

START_TEST(fashion_mnist_reads_idx_files_with_their_shape)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/fm", test_tmpdir());
    write_fashion(dir, (idx_flaw){ 0 }, (idx_flaw){ 0 }, 12);
    im_dataset ds;
    ck_assert_msg(load_fashion(dir, "scale = unit", &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(ds.train.x.rows, 10);
    ck_assert_int_eq(ds.val.x.rows, 2);
    ck_assert_int_eq(ds.test.x.rows, 6);
    ck_assert_int_eq(ds.train.x.cols, 20);
    ck_assert(ds.x_shape.c == 1 && ds.x_shape.h == 4 && ds.x_shape.w == 5);
    ck_assert_int_eq(ds.y_kind, IM_VAR_CLASSES);
    ck_assert_int_eq(ds.y_classes, 10);
    int seen[12] = { 0 };
    const im_split *splits[2] = { &ds.train, &ds.val };
    for (int s = 0; s < 2; s++)   /* every training item once, with its own label and pixels */
        for (int r = 0; r < splits[s]->x.rows; r++) {
            const im_real *x = im_mat_row(&splits[s]->x, r);
            int i = (int)lround(x[0] * 255);
            ck_assert(i >= 0 && i < 12 && !seen[i]);
            seen[i] = 1;
            ck_assert_int_eq((int)im_mat_row(&splits[s]->y, r)[0], i % 10);
            ck_assert_double_eq_tol(x[7], ((17 * 7 + i) % 256) / 255.0, 1e-6);
        }
    for (int r = 0; r < 6; r++)   /* the whole test file, in its order */
        ck_assert_double_eq_tol(im_mat_row(&ds.test.x, r)[0], r / 255.0, 1e-6);
    ds.x_shape.w = 4;   /* a shape that does not fit the rows is refused */
    ck_assert_int_eq(im_dataset_check(&ctx, &ds), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "dataset fashion-mnist: image shape 1x4x4 does not match X's 20 columns");
    im_dataset_free(&ds);
    ck_assert_msg(load_fashion(dir, "scale = centered\nn_train = 4\nn_test = 3", &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(ds.train.x.rows, 4);
    ck_assert_int_eq(ds.test.x.rows, 3);
    for (long i = 0; i < 4L * 20; i++) ck_assert(ds.train.x.data[i] >= -1 && ds.train.x.data[i] <= 1);
    im_dataset_free(&ds);
}
END_TEST

/* Each broken folder is refused with the file and the fault named. */
START_TEST(fashion_mnist_names_bad_idx_files)
{
    struct {
        const char *name;
        idx_flaw images, labels;
        int n_labels;
        const char *keys, *expect;
    } cases[] = {
        { "magic", { .magic_type = 9 }, { 0 }, 12, "", "not an IDX file of 3-dimensional unsigned bytes (magic 00 00 09 03" },
        { "truncated", { .cut = 7 }, { 0 }, 12, "", "train-images-idx3-ubyte.gz: truncated: 233 of the 240 value bytes" },
        { "gzip-cut", { .raw_cut = 12 }, { 0 }, 12, "", "train-images-idx3-ubyte.gz: " },
        { "longer", { 0 }, { .extra = 3 }, 12, "", "train-labels-idx1-ubyte.gz: longer than its header" },
        { "count", { 0 }, { 0 }, 11, "", "train-images-idx3-ubyte.gz holds 12 images but" },
        { "label", { 0 }, { .label_bump = 9 }, 12, "", "label 10 of item 11 is not a class 0..9" },
        { "too-many", { 0 }, { 0 }, 12, "n_train = 11", "n_train 11 + n_val 2: the training file" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/fm-%s", test_tmpdir(), cases[i].name);
        write_fashion(dir, cases[i].images, cases[i].labels, cases[i].n_labels);
        im_dataset ds;
        ck_assert_int_ne(load_fashion(dir, cases[i].keys, &ds), IM_OK);
        ck_assert_msg(strstr(ctx.err, cases[i].expect) != NULL, "%s: '%s'", cases[i].name, ctx.err);
        ck_assert_msg(strstr(ctx.err, dir) != NULL || i == 6, "%s: no file named: '%s'", cases[i].name, ctx.err);
    }
    /* a missing file: the folder without its test labels */
    char dir[512], gone[600];
    snprintf(dir, sizeof dir, "%s/fm-missing", test_tmpdir());
    write_fashion(dir, (idx_flaw){ 0 }, (idx_flaw){ 0 }, 12);
    snprintf(gone, sizeof gone, "%s/t10k-labels-idx1-ubyte.gz", dir);
    ck_assert_int_eq(remove(gone), 0);
    im_dataset ds;
    ck_assert_int_ne(load_fashion(dir, "", &ds), IM_OK);
    ck_assert_msg(strstr(ctx.err, "t10k-labels-idx1-ubyte.gz: No such file") != NULL, "'%s'", ctx.err);
}
END_TEST

/* The Debian package's files, when installed: the published counts. */
START_TEST(fashion_mnist_package_files_have_the_published_counts)
{
    if (access("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", R_OK) != 0) {
        fprintf(stderr, "fashion-mnist package files absent: count check not run (apt-get install dataset-fashion-mnist)\n");
        return;
    }
    im_dataset ds;
    ck_assert_msg(load_fashion("/usr/share/datasets/fashion-mnist", "", &ds) == IM_OK, "%s", ctx.err);
    ck_assert_int_eq(ds.train.x.rows, 59998);
    ck_assert_int_eq(ds.val.x.rows, 2);
    ck_assert_int_eq(ds.test.x.rows, 10000);
    ck_assert(ds.x_shape.h == 28 && ds.x_shape.w == 28 && ds.train.x.cols == 784);
    int count[10] = { 0 };
    for (int r = 0; r < ds.test.x.rows; r++) count[(int)im_mat_row(&ds.test.y, r)[0]]++;
    for (int c = 0; c < 10; c++) ck_assert_int_eq(count[c], 1000);   /* the test set is balanced */
    im_dataset_free(&ds);
}
END_TEST

/* ---- generated images: dsprites, and the Fashion-MNIST variants ---- */

static void load_keys(const char *dataset_keys, uint64_t seed, im_dataset *ds)
{
    char text[512];
    snprintf(text, sizeof text, "[task]\nplugin = mi-estimate\n[dataset]\n%s\n[estimator]\nplugin = gaussian\n",
             dataset_keys);
    im_config cfg;
    parse(text, &cfg);
    im_rng rng;
    im_rng_seed(&rng, seed);
    ck_assert_msg(im_dataset_load(&ctx, &cfg, "dataset", &rng, ds) == IM_OK, "%s", ctx.err);
    im_config_free(&cfg);
}

/* Every factor takes its stated number of values (3·6·40·32·32 = 737,280
 * images on the grid); the same seed draws the same images; a square of
 * scale 1 at orientation 0 covers its 20x20 pixels, an ellipse of scale 1
 * its π·10·5. */
START_TEST(dsprites_is_the_grid_it_promises)
{
    im_dataset a, b;
    load_keys("plugin = dsprites\nn_train = 20000\nn_val = 0\nn_test = 100", 5, &a);
    load_keys("plugin = dsprites\nn_train = 20000\nn_val = 0\nn_test = 100", 5, &b);
    ck_assert(a.x_shape.c == 1 && a.x_shape.h == 64 && a.x_shape.w == 64);
    ck_assert_int_eq(a.train.t.cols, 5);
    ck_assert_int_eq(a.y_classes, 3);
    ck_assert_mem_eq(a.train.x.data, b.train.x.data, sizeof(im_real) * 4096 * 100);
    const int sizes[5] = { 3, 6, 40, 32, 32 };
    long grid = 1;
    for (int k = 0; k < 5; k++) {
        char seen[64] = { 0 };
        int distinct = 0;
        for (int r = 0; r < a.train.x.rows; r++) {
            double v = im_mat_row(&a.train.t, r)[k] * (sizes[k] - 1);
            int i = (int)lround(v);
            ck_assert_double_eq_tol(v, i, 1e-4);
            if (!seen[i]) seen[i] = 1, distinct++;
        }
        ck_assert_int_eq(distinct, sizes[k]);
        grid *= distinct;
    }
    ck_assert_int_eq(grid, 737280);
    int squares = 0, ellipses = 0;
    for (int r = 0; r < a.train.x.rows; r++) {
        const im_real *t = im_mat_row(&a.train.t, r), *x = im_mat_row(&a.train.x, r);
        ck_assert_double_eq(im_mat_row(&a.train.y, r)[0], lround(2 * t[0]));   /* Y: the shape */
        if (t[1] != 1 || t[2] != 0) continue;
        double on = 0;
        for (int p = 0; p < 4096; p++) on += x[p];
        if (t[0] == 0) ck_assert_msg(on >= 380 && on <= 441, "square: %g pixels", on), squares++;
        if (t[0] == 0.5) ck_assert_msg(fabs(on - M_PI * 50) < 15, "ellipse: %g pixels", on), ellipses++;
    }
    ck_assert_int_gt(squares + ellipses, 0);
    im_dataset_free(&a);
    im_dataset_free(&b);
}
END_TEST

static int fashion_package(void)
{
    if (access("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", R_OK) == 0) return 1;
    fprintf(stderr, "fashion-mnist package files absent: variant checks not run\n");
    return 0;
}

/* The tint follows the class in training (correlation 0.9 of the rows,
 * plus the uniform draws that land on it), not in test; each pixel is the
 * grey value times its colour. */
START_TEST(colored_fashion_mnist_ties_colour_to_class_in_training_only)
{
    if (!fashion_package()) return;
    im_dataset a, b;
    load_keys("plugin = colored-fashion-mnist\nn_train = 3000\nn_val = 0\nn_test = 3000\ncolours = 3", 2, &a);
    load_keys("plugin = colored-fashion-mnist\nn_train = 3000\nn_val = 0\nn_test = 3000\ncolours = 3", 2, &b);
    ck_assert_mem_eq(a.test.x.data, b.test.x.data, sizeof(im_real) * 2352 * 50);
    ck_assert(a.x_shape.c == 3 && a.train.x.cols == 3 * 784 && a.t_classes == 3);
    const im_split *sp[2] = { &a.train, &a.test };
    double agree[2] = { 0, 0 };
    for (int s = 0; s < 2; s++)
        for (int r = 0; r < sp[s]->x.rows; r++)
            agree[s] += (int)im_mat_row(&sp[s]->t, r)[0] == (int)im_mat_row(&sp[s]->y, r)[0] % 3;
    ck_assert_double_eq_tol(agree[0] / 3000, 0.9 + 0.1 / 3, 0.02);
    ck_assert_double_eq_tol(agree[1] / 3000, 1.0 / 3, 0.03);
    /* red: the green and blue planes are 0.15 of the red one */
    for (int r = 0; r < 50; r++) {
        if (im_mat_row(&a.test.t, r)[0] != 0) continue;
        const im_real *x = im_mat_row(&a.test.x, r);
        for (int p = 0; p < 784; p++) ck_assert_double_eq_tol(x[784 + p], 0.15 * x[p], 1e-6);
    }
    im_dataset_free(&a);
    im_dataset_free(&b);
}
END_TEST

/* Source rows are the grey image three times; target rows are blended
 * (the channels differ); about target_share of each split is target. */
START_TEST(fashion_mnist_m_has_two_domains)
{
    if (!fashion_package()) return;
    im_dataset a, b;
    load_keys("plugin = fashion-mnist-m\nn_train = 2000\nn_val = 0\nn_test = 500\ntextures = 8", 3, &a);
    load_keys("plugin = fashion-mnist-m\nn_train = 2000\nn_val = 0\nn_test = 500\ntextures = 8", 3, &b);
    ck_assert_mem_eq(a.train.x.data, b.train.x.data, sizeof(im_real) * 2352 * 20);
    ck_assert(a.x_shape.c == 3 && a.t_kind == IM_VAR_BINARY);
    int target = 0;
    for (int r = 0; r < a.train.x.rows; r++) {
        const im_real *x = im_mat_row(&a.train.x, r);
        double diff = 0;
        for (int p = 0; p < 784; p++) diff += fabs(x[p] - x[784 + p]) + fabs(x[p] - x[1568 + p]);
        int is_target = im_mat_row(&a.train.t, r)[0] == 1;
        target += is_target;
        if (is_target) ck_assert_double_gt(diff, 1);
        else ck_assert_double_eq(diff, 0);
    }
    ck_assert_double_eq_tol(target / 2000.0, 0.5, 0.04);
    im_dataset_free(&a);
    im_dataset_free(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("datasets");
    TCase *data = tcase_create("datasets");
    tcase_add_checked_fixture(data, setup, teardown);
    tcase_set_timeout(data, 300);
    tcase_add_test(data, student_t_mi_matches_ksg);
    tcase_add_test(data, nonlinear_mi_by_integration);
    tcase_add_test(data, equitability_ini_tiny);
    tcase_add_test(data, csv_loads_columns_and_names_bad_values);
    tcase_add_test(data, csv_columns_by_header_name);
    tcase_add_test(data, csv_path_is_relative_to_the_ini_file);
    tcase_add_test(data, columns_use_training_statistics);
    tcase_add_test(data, csv_rules_across_keys_are_checked_before_any_run);
    tcase_add_test(data, csv_without_training_rows_serves_estimators_that_train_nothing);
    tcase_add_test(data, estimators_that_train_nothing_read_every_row);
    tcase_add_test(data, records_carry_the_digests_of_the_data_files_read);
    tcase_add_test(data, npy_reads_every_dtype_order_and_version);
    tcase_add_test(data, npy_refuses_malformed_files_with_the_reason);
    tcase_add_test(data, npy_written_reads_back);
    tcase_add_test(data, npy_dataset_one_file_or_a_file_per_variable);
    tcase_add_test(data, npy_rules_are_checked_before_any_run);
    tcase_add_test(data, csv_reads_bom_crlf_and_quotes_and_names_the_rest);
    tcase_add_test(data, too_few_rows_are_refused);
    tcase_add_test(data, gaussian_mi_beyond_what_can_be_generated_is_refused);
    tcase_add_test(data, fashion_mnist_reads_idx_files_with_their_shape);
    tcase_add_test(data, fashion_mnist_names_bad_idx_files);
    tcase_add_test(data, fashion_mnist_package_files_have_the_published_counts);
    tcase_add_test(data, dsprites_is_the_grid_it_promises);
    tcase_add_test(data, colored_fashion_mnist_ties_colour_to_class_in_training_only);
    tcase_add_test(data, fashion_mnist_m_has_two_domains);
    suite_add_tcase(s, data);
    return test_run_suite(s);
}
