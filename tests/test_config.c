/* test_config.c — INI parsing, validation against plugin specs, --set,
 * sweeps and typed getters; every error checked for its exact message. */
#include <sys/wait.h>
#include "config.h"   /* autoconf: PACKAGE_VERSION */
#include "registry_fixture.h"


static const char *base_ini =
    "[task]\n"
    "plugin = mi-estimate\n"
    "\n"
    "[dataset]\n"
    "plugin = gaussian\n"
    "dim = 3\n"
    "\n"
    "[estimator]\n"
    "plugin = mine\n"
    "%s\n";

/* Parse base_ini with one extra estimator line and validate. */
static im_status validate_with(const char *extra_line, im_config *cfg)
{
    char text[2048];
    snprintf(text, sizeof text, base_ini, extra_line);
    im_status st = im_config_parse_string(&ctx, text, "t.ini", cfg);
    if (st) return st;
    st = im_config_validate(&ctx, cfg, reg);
    im_config_free(cfg);
    return st;
}

/* Like validate_with, but the caller keeps (and frees) the config. */
static im_status parse_valid(const char *extra_line, im_config *cfg)
{
    char text[2048];
    snprintf(text, sizeof text, base_ini, extra_line);
    im_status st = im_config_parse_string(&ctx, text, "t.ini", cfg);
    if (!st) st = im_config_validate(&ctx, cfg, reg);
    if (st && cfg->path) im_config_free(cfg);
    return st;
}

START_TEST(valid_config_passes)
{
    im_config cfg;
    ck_assert_int_eq(validate_with("hidden = 64, 64\nlr = 1e-3\nema_alpha = 0.1", &cfg), IM_OK);
}
END_TEST

START_TEST(unknown_key_names_file_line_key_and_suggests)
{
    im_config cfg;
    ck_assert_int_eq(validate_with("hiden = 64", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.hiden: unknown key for estimator 'mine' or any other estimator; did you mean 'hidden'?");
}
END_TEST

START_TEST(bad_type_is_named)
{
    im_config cfg;
    ck_assert_int_eq(validate_with("steps = many", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.steps: expected an integer, got 'many'");
    ck_assert_int_eq(validate_with("lr = 1e-3x", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.lr: expected a number, got '1e-3x'");
    ck_assert_int_eq(validate_with("hidden = 64,x", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.hidden: expected a comma list of integers, got '64,x'");
    ck_assert_int_eq(validate_with("lr = nan", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.lr: expected a number, got 'nan'");
}
END_TEST

START_TEST(out_of_range_is_named)
{
    im_config cfg;
    ck_assert_int_eq(validate_with("lr = -0.1", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.lr: -0.1 is out of range: must be >0");
    ck_assert_int_eq(validate_with("ema_alpha = 1.5", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.ema_alpha: 1.5 is outside [0, 1]");
    ck_assert_int_eq(validate_with("activation = swish", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.activation: 'swish' is not one of "
                              "relu|leaky_relu|elu|tanh|sigmoid|softplus|sin|none");
    ck_assert_int_eq(validate_with("hidden = 64,0", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.hidden: 0 is out of range: must be >=1");
}
END_TEST

START_TEST(missing_file_is_named)
{
    im_config cfg;
    ck_assert_int_eq(im_config_load(&ctx, "/nonexistent/dir/task.ini", &cfg), IM_EIO);
    ck_assert_str_eq(ctx.err, "/nonexistent/dir/task.ini: cannot open: No such file or directory");
}
END_TEST

START_TEST(malformed_lines_and_structure)
{
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\nthis is not ini\n", "m.ini", &cfg),
                     IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "m.ini:3: malformed line (expected [section], key = value, or a comment)");
    ck_assert_int_eq(im_config_parse_string(&ctx, "seed = 1\n", "m.ini", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "m.ini:1: seed: key outside any section (start with [task])");
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nseed = 1\nseed = 2\n", "m.ini", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "m.ini:3: task.seed: given twice (first at line 2)");
    /* a value continues on indented lines, joined with a space; a key
     * repeated after another key, or unindented, is still a repeat */
    ck_assert_int_eq(im_config_parse_string(&ctx, "[sweep]\ndataset.task = a, b,\n    c, d,\n\td\ntask.seed = 1\n",
                                            "m.ini", &cfg), IM_OK);
    ck_assert_str_eq(im_config_find(&cfg, "sweep", "dataset.task")->value, "a, b, c, d, d");
    ck_assert_int_eq(im_config_find(&cfg, "sweep", "dataset.task")->line, 2);
    im_config_free(&cfg);
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nseed = 1\nplugin = x\n  seed = 2\n", "m.ini", &cfg),
                     IM_ECONFIG);   /* inih would make plugin "x seed = 2" */
    ck_assert_str_eq(ctx.err, "m.ini:4: an indented line continues the value of task.plugin above; start a key at "
                              "the beginning of its line");
    ck_assert_int_eq(validate_with("[estimatr]\nplugin = mine", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:11: [estimatr]: unknown section (expected task, dataset, encoder, estimator, "
                              "KIND:LABEL, KIND.PLUGIN or sweep)");
    ck_assert_int_eq(validate_with("plugin2 = x\n[estimator:probe]\nsteps = 3", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:10: estimator.plugin2: unknown key for estimator 'mine' or any other estimator; did you mean 'plugin'?");
}
END_TEST

START_TEST(unknown_plugin_suggests_and_lists_the_known_ones)
{
    im_config cfg;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[estimator]\nplugin = mien\n", "p.ini",
                                            &cfg),
                     IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_EPLUGIN);
    const char *head = "p.ini:4: estimator.plugin: no estimator plugin named 'mien'; did you mean 'mine'? (found: ";
    ck_assert_msg(strncmp(ctx.err, head, strlen(head)) == 0, "got: %s", ctx.err);
    ck_assert_ptr_nonnull(strstr(ctx.err, "infonce"));
    im_config_free(&cfg);
}
END_TEST

START_TEST(set_overrides_and_is_validated)
{
    char text[2048];
    im_config cfg;
    snprintf(text, sizeof text, base_ini, "");
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "t.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "estimator.steps=12"), IM_OK);
    ck_assert_str_eq(im_config_find(&cfg, "estimator", "steps")->value, "12");
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "estimator.stepz=12"), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "--set: estimator.stepz: unknown key for estimator 'mine' or any other estimator; did you mean 'steps'?");
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "nodot=1"), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "--set nodot=1: expected section.key=value");
    im_config_free(&cfg);
}
END_TEST

START_TEST(typed_getters_use_ini_then_defaults)
{
    im_config cfg;
    char text[2048];
    snprintf(text, sizeof text, base_ini, "hidden = 8..10, 32\nlr = 0.25");
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "t.ini", &cfg), IM_OK);
    im_section sec;
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "estimator", &sec), IM_OK);
    int hidden[8], n, steps;
    double lr;
    ck_assert_int_eq(im_section_ints(&ctx, &sec, "hidden", hidden, 8, &n), IM_OK);
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(hidden[0], 8);
    ck_assert_int_eq(hidden[2], 10);
    ck_assert_int_eq(hidden[3], 32);
    ck_assert_int_eq(im_section_float(&ctx, &sec, "lr", &lr), IM_OK);
    ck_assert_double_eq(lr, 0.25);
    ck_assert_int_eq(im_section_int(&ctx, &sec, "steps", &steps), IM_OK);   /* the plugin's default */
    ck_assert_int_eq(steps, 4000);
    ck_assert_int_eq(im_section_int(&ctx, &sec, "lr", &steps), IM_EINVAL);   /* wrong type: plugin bug */
    ck_assert_str_eq(ctx.err, "estimator 'mine' reads float key 'lr' as int");
    ck_assert_int_eq(im_section_int(&ctx, &sec, "nothing", &steps), IM_EINVAL);
    ck_assert_str_eq(ctx.err, "estimator 'mine' reads key 'nothing' it does not declare");
    im_config_free(&cfg);
}
END_TEST

/* [KIND.PLUGIN]: keys for one plugin, used when it is selected, checked
 * always; [KIND] keys another plugin of the kind takes are ignored. */
START_TEST(per_plugin_sections)
{
    im_config cfg;
    im_section sec;
    int steps;
    const char *neg;
    ck_assert_int_eq(parse_valid("steps = 10\nnegatives = all\n[estimator.mine]\nsteps = 20\nnegatives = shuffle\n"
                                   "[estimator.nwj]\nsteps = 30\n", &cfg), IM_OK);
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "estimator", &sec), IM_OK);
    ck_assert_int_eq(im_section_int(&ctx, &sec, "steps", &steps), IM_OK);
    ck_assert_int_eq(steps, 20);   /* [estimator.mine] before [estimator] */
    ck_assert_int_eq(im_section_string(&ctx, &sec, "negatives", &neg), IM_OK);
    ck_assert_str_eq(neg, "shuffle");
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "estimator.plugin=infonce"), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_OK);   /* negatives: infonce lacks it, mine has it */
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "estimator", &sec), IM_OK);
    ck_assert_int_eq(im_section_int(&ctx, &sec, "steps", &steps), IM_OK);
    ck_assert_int_eq(steps, 10);   /* no [estimator.infonce]: [estimator] */
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "estimator.nwj.steps=40"), IM_OK);
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "estimator.plugin=nwj"), IM_OK);
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "estimator", &sec), IM_OK);
    ck_assert_int_eq(im_section_int(&ctx, &sec, "steps", &steps), IM_OK);
    ck_assert_int_eq(steps, 40);   /* --set reaches a per-plugin section */
    im_config_free(&cfg);

    /* an unselected plugin's section is still checked */
    ck_assert_int_eq(validate_with("[estimator.nwj]\nnegatives = shufle\n", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:11: estimator.nwj.negatives: 'shufle' is not one of all|shuffle");
    ck_assert_int_eq(validate_with("[estimator.nwj]\nstepz = 3\n", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:11: estimator.nwj.stepz: unknown key for estimator 'nwj'; did you mean 'steps'?");
    ck_assert_int_eq(validate_with("[estimator.nwj]\nplugin = mine\n", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:11: estimator.nwj.plugin: the plugin is chosen in [estimator], not in its own section");
    ck_assert_int_eq(validate_with("[estimator.minee]\nsteps = 3\n", &cfg), IM_EPLUGIN);
    ck_assert_ptr_nonnull(strstr(ctx.err, "t.ini:11: [estimator.minee]: "));
    ck_assert_ptr_nonnull(strstr(ctx.err, "minee"));
    ck_assert_int_eq(validate_with("[encoder.mlp]\nhidden = 3\n", &cfg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "t.ini:11: [encoder.mlp] refines [encoder], which is missing");
    /* a [estimator] key no estimator takes is still a typo; a value must fit */
    ck_assert_int_eq(validate_with("k = 3\n", &cfg), IM_OK);   /* ksg's: ignored by mine */
    ck_assert_int_eq(validate_with("k = -3\n", &cfg), IM_ECONFIG);
    ck_assert_ptr_nonnull(strstr(ctx.err, "t.ini:10: estimator.k: "));
}
END_TEST

/* The resolved configuration: one spelling for one computation. */
START_TEST(resolved_configuration_and_hash)
{
    im_config a, b, ra, rb;
    char ignored[256];
    ck_assert_int_eq(parse_valid("", &a), IM_OK);
    ck_assert_int_eq(parse_valid("[estimator.mine]\nsteps = 4000\n[estimator.nwj]\nsteps = 5\n", &b), IM_OK);
    ck_assert_int_eq(im_config_resolve(&ctx, &a, reg, &ra, ignored, sizeof ignored), IM_OK);
    ck_assert_str_eq(ignored, "");
    ck_assert_int_eq(im_config_resolve(&ctx, &b, reg, &rb, NULL, 0), IM_OK);
    ck_assert_str_eq(im_config_find(&ra, "estimator", "steps")->value, "4000");   /* the default, spelled out */
    ck_assert_ptr_null(im_config_find(&rb, "estimator.nwj", "steps"));            /* not selected: not there */
    ck_assert_uint_eq(im_config_hash(&ra, "v"), im_config_hash(&rb, "v"));
    ck_assert_int_eq(im_config_set(&ctx, &b, "task.output=elsewhere.jsonl"), IM_OK);   /* where, not what */
    im_config_free(&rb);
    ck_assert_int_eq(im_config_resolve(&ctx, &b, reg, &rb, NULL, 0), IM_OK);
    ck_assert_uint_eq(im_config_hash(&ra, "v"), im_config_hash(&rb, "v"));
    ck_assert_int_eq(im_config_set(&ctx, &b, "estimator.mine.steps=4001"), IM_OK);
    im_config_free(&rb);
    ck_assert_int_eq(im_config_resolve(&ctx, &b, reg, &rb, NULL, 0), IM_OK);
    ck_assert_uint_ne(im_config_hash(&ra, "v"), im_config_hash(&rb, "v"));
    /* a --set of [estimator] that [estimator.mine] shadows changes nothing,
     * and says so */
    ck_assert_int_eq(im_config_set(&ctx, &b, "estimator.steps=7"), IM_OK);
    im_config_free(&rb);
    char shadowed[512];
    ck_assert_int_eq(im_config_resolve(&ctx, &b, reg, &rb, shadowed, sizeof shadowed), IM_OK);
    ck_assert_str_eq(im_config_find(&rb, "estimator", "steps")->value, "4001");
    ck_assert_msg(strstr(shadowed, "estimator.steps=7 from --set (shadowed by [estimator.mine] steps = 4001: --set "
                                   "estimator.mine.steps=... changes it)"), "%s", shadowed);
    im_config_free(&ra);
    im_config_free(&rb);
    im_config_free(&a);
    im_config_free(&b);
}
END_TEST

START_TEST(sweep_expands_cartesian_product)
{
    char text[2048];
    im_config cfg, *runs;
    int n;
    snprintf(text, sizeof text, base_ini,
             "[sweep]\nestimator.hidden = 16,16; 32\ntask.seed = 1..3\nestimator.plugin = mine, pearson\n");
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "s.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_expand_sweep(&ctx, &cfg, &runs, &n), IM_OK);
    ck_assert_int_eq(n, 12);
    ck_assert_str_eq(runs[0].sweep_label, "estimator.hidden=16,16 task.seed=1 estimator.plugin=mine");
    ck_assert_str_eq(runs[1].sweep_label, "estimator.hidden=16,16 task.seed=1 estimator.plugin=pearson");
    ck_assert_str_eq(runs[11].sweep_label, "estimator.hidden=32 task.seed=3 estimator.plugin=pearson");
    ck_assert_ptr_null(im_config_find(&runs[0], "sweep", "task.seed"));
    ck_assert_str_eq(im_config_find(&runs[5], "task", "seed")->value, "3");
    /* pearson takes no `hidden`, mine does: the pearson runs ignore it
     * (and name it), so one file sweeps over both */
    ck_assert_int_eq(im_config_validate(&ctx, &runs[0], reg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &runs[1], reg), IM_OK);
    im_config resolved;
    char ignored[256];
    ck_assert_int_eq(im_config_resolve(&ctx, &runs[1], reg, &resolved, ignored, sizeof ignored), IM_OK);
    ck_assert_str_eq(ignored, "estimator.hidden (not keys of estimator 'pearson')");
    ck_assert_ptr_null(im_config_find(&resolved, "estimator", "hidden"));
    im_config_free(&resolved);
    /* runs 1 and 3 differ only in a key pearson ignores: one configuration */
    ck_assert_uint_ne(im_config_hash(&runs[0], "v"), im_config_hash(&runs[1], "v"));
    im_config r1, r7;
    ck_assert_int_eq(im_config_resolve(&ctx, &runs[1], reg, &r1, NULL, 0), IM_OK);
    ck_assert_int_eq(im_config_resolve(&ctx, &runs[7], reg, &r7, NULL, 0), IM_OK);
    ck_assert_str_eq(runs[7].sweep_label, "estimator.hidden=32 task.seed=1 estimator.plugin=pearson");
    ck_assert_uint_eq(im_config_hash(&r1, "v"), im_config_hash(&r7, "v"));
    ck_assert_uint_ne(im_config_hash(&r1, "v"), im_config_hash(&r1, "w"));   /* the version salts it */
    im_config_free(&r1);
    im_config_free(&r7);
    im_config_free_all(runs, n);
    im_config_free(&cfg);
}
END_TEST

START_TEST(set_pins_a_swept_key)
{
    /* without the pin the [sweep] line would overwrite --set in every run */
    char text[2048];
    im_config cfg, *runs;
    int n;
    snprintf(text, sizeof text, base_ini, "[sweep]\ntask.seed = 1..3\nestimator.plugin = mine, pearson\n");
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "s.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_set(&ctx, &cfg, "task.seed=7"), IM_OK);
    ck_assert_int_eq(im_config_expand_sweep(&ctx, &cfg, &runs, &n), IM_OK);
    ck_assert_int_eq(n, 2);
    for (int i = 0; i < n; i++) ck_assert_str_eq(im_config_find(&runs[i], "task", "seed")->value, "7");
    ck_assert_str_eq(runs[1].sweep_label, "estimator.plugin=pearson");
    im_config_free_all(runs, n);
    im_config_free(&cfg);
}
END_TEST

START_TEST(cli_misspelled_key_exits_2_naming_file_line_key)
{
    char ini[512], out[8192], args[1024];
    test_write_file(ini, sizeof ini, "typo.ini",
                    "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n[estimator]\nplugin = mine\nstpes = 5\n");
    snprintf(args, sizeof args, "%s -q", ini);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    char expect[1024];
    snprintf(expect, sizeof expect, "infomin-run: %s:7: estimator.stpes: unknown key for estimator 'mine' or any other estimator; did you mean 'steps'?\n", ini);
    ck_assert_str_eq(out, expect);
    ck_assert_int_eq(test_run_cli("/nonexistent.ini", out, sizeof out), 2);
    ck_assert_str_eq(out, "infomin-run: /nonexistent.ini: cannot open: No such file or directory\n");
    ck_assert_int_eq(test_run_cli("--threads zero x.ini", out, sizeof out), 2);
    ck_assert_int_eq(test_run_cli("", out, sizeof out), 2);
    ck_assert_int_eq(test_run_cli("--describe nosuch", out, sizeof out), 2);
    ck_assert_int_eq(test_run_cli("--help", out, sizeof out), 0);
    ck_assert_int_eq(test_run_cli("--version", out, sizeof out), 0);
    ck_assert_str_eq(out, "infomin-run " PACKAGE_VERSION "\n");
}
END_TEST

/* What the INI reader used to take silently or name badly: a section
 * header without ']', a control character, an over-long line, a folder. */
START_TEST(ini_lines_inih_would_misread_are_named)
{
    char big[600];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char long_ini[800];
    snprintf(long_ini, sizeof long_ini, "[task]\nplugin = mi-estimate\nseed = %s\n", big);
    const struct {
        const char *text, *message;
    } cases[] = {
        { "[task\nplugin = mi-estimate\n", "b.ini:1: a section header without its closing ']'" },
        { "[task]\nplugin = mi\x1b[31m\n", "b.ini:2: control character 0x1b (not a text INI file?)" },
        { long_ini, "b.ini:3: line longer than 198 characters" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        im_config cfg;
        ck_assert_int_eq(im_config_parse_string(&ctx, cases[i].text, "b.ini", &cfg), IM_ECONFIG);
        ck_assert_str_eq(ctx.err, cases[i].message);
    }
    im_config cfg;
    ck_assert_int_eq(im_config_load(&ctx, test_srcdir(), &cfg), IM_EIO);
    ck_assert_ptr_nonnull(strstr(ctx.err, ": is a directory, not an INI file"));
    /* a device never ends (/dev/zero spun at 100% CPU): refused; NUL bytes
     * (which fgets hides) in a file or a pipe end the read with a message */
    ck_assert_int_eq(im_config_load(&ctx, "/dev/zero", &cfg), IM_EIO);
    ck_assert_str_eq(ctx.err, "/dev/zero: is a device, not an INI file");
    char path[512];
    test_write_file(path, sizeof path, "nul.ini", "[task]\nplugin = mi-estimate\n");
    FILE *f = fopen(path, "ab");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 5000; i++) fputc('\0', f);
    fclose(f);
    ck_assert_int_eq(im_config_load(&ctx, path, &cfg), IM_ECONFIG);
    ck_assert_msg(strstr(ctx.err, "nul.ini:3: a NUL byte (not a text INI file?)") != NULL, "%s", ctx.err);
}
END_TEST

/* Command-line mistakes, named as the user typed them. */
START_TEST(cli_option_mistakes_are_named)
{
    char out[4096];
    ck_assert_int_eq(test_run_cli("--bogus", out, sizeof out), 2);
    ck_assert_ptr_nonnull(strstr(out, "infomin-run: unknown option or missing value: '--bogus'"));
    ck_assert_ptr_null(strstr(out, ".libs/"));
    ck_assert_int_eq(test_run_cli("--threads 10000 x.ini", out, sizeof out), 2);
    ck_assert_ptr_nonnull(strstr(out, "--threads: expected a thread count from 1 to 1024, got '10000'"));
}
END_TEST

/* Messages that named the wrong thing: an INI without [task] run with -o
 * (blamed -o), an INI path longer than the system's (printed cut with no
 * reason), -o under a file (failed after the run, naming a .tmp file), a
 * misspelt section (each run said the right name is missing). */
START_TEST(cli_messages_name_the_real_mistake)
{
    char ini[512], args[8192], out[16384], path[4600];
    test_write_file(ini, sizeof ini, "notask.ini", "[dataset]\nplugin = gaussian\n");
    snprintf(args, sizeof args, "%s -q -o %s/x.jsonl", ini, test_tmpdir());
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "notask.ini: missing section [task] (it names the application") != NULL, "%s", out);
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    ck_assert_int_eq(test_run_cli(path, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "...: a path of 4599 characters, longer than the system's 4095") != NULL, "%s", out);
    char file[512];
    test_write_file(file, sizeof file, "plain-file", "not a folder\n");
    snprintf(args, sizeof args, "%s/tasks/mi-estimate/quickstart.ini -q -o %s/x.jsonl", test_srcdir(), file);
    ck_assert_int_eq(test_run_cli(args, out, sizeof out), 2);
    ck_assert_msg(strstr(out, "plain-file is not a directory") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "mine on gaussian") == NULL, "a run started: %s", out);
    im_config cfg;
    im_section sec;
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = gan\n[encoder:discriminatr]\nplugin = mlp\n",
                                            "g.ini", &cfg),
                     IM_OK);
    ck_assert_int_eq(im_config_section(&ctx, &cfg, reg, "encoder:discriminator", &sec), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "g.ini: missing section [encoder:discriminator]; the file has "
                              "[encoder:discriminatr]: a misspelling?");
    im_config_free(&cfg);
}
END_TEST

/* A task declares the labelled sections it reads: validation (and so
 * --dry-run) refuses any other, naming the nearest it reads. */
START_TEST(labelled_sections_a_task_does_not_read_are_refused)
{
    static const char *const gan_text = "[task]\nplugin = gan\n[dataset]\nplugin = gaussian-grid\n"
                                        "[encoder:generator]\nplugin = mlp\n[encoder:%s]\nplugin = mlp\n";
    char text[512];
    im_config cfg;
    snprintf(text, sizeof text, gan_text, "discriminator");
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "g.ini", &cfg), IM_OK);
    ck_assert_msg(im_config_validate(&ctx, &cfg, reg) == IM_OK, "%s", ctx.err);
    im_config_free(&cfg);
    snprintf(text, sizeof text, gan_text, "discriminatr");
    ck_assert_int_eq(im_config_parse_string(&ctx, text, "g.ini", &cfg), IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "g.ini:8: [encoder:discriminatr]: task 'gan' reads no such section; did you mean "
                              "[encoder:discriminator]?");
    im_config_free(&cfg);
    ck_assert_int_eq(im_config_parse_string(&ctx, "[task]\nplugin = mi-estimate\n[dataset]\nplugin = gaussian\n"
                                                  "[estimator]\nplugin = ksg\n[estimator:second]\nplugin = ksg\n",
                                            "m.ini", &cfg),
                     IM_OK);
    ck_assert_int_eq(im_config_validate(&ctx, &cfg, reg), IM_ECONFIG);
    ck_assert_str_eq(ctx.err, "m.ini:8: [estimator:second]: task 'mi-estimate' reads no such section (it reads no "
                              "labelled section)");
    im_config_free(&cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("ini");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, valid_config_passes);
    tcase_add_test(tc, labelled_sections_a_task_does_not_read_are_refused);
    tcase_add_test(tc, ini_lines_inih_would_misread_are_named);
    tcase_add_test(tc, cli_option_mistakes_are_named);
    tcase_add_test(tc, cli_messages_name_the_real_mistake);
    tcase_add_test(tc, unknown_key_names_file_line_key_and_suggests);
    tcase_add_test(tc, bad_type_is_named);
    tcase_add_test(tc, out_of_range_is_named);
    tcase_add_test(tc, missing_file_is_named);
    tcase_add_test(tc, malformed_lines_and_structure);
    tcase_add_test(tc, unknown_plugin_suggests_and_lists_the_known_ones);
    tcase_add_test(tc, set_overrides_and_is_validated);
    tcase_add_test(tc, typed_getters_use_ini_then_defaults);
    tcase_add_test(tc, sweep_expands_cartesian_product);
    tcase_add_test(tc, per_plugin_sections);
    tcase_add_test(tc, resolved_configuration_and_hash);
    tcase_add_test(tc, set_pins_a_swept_key);
    tcase_add_test(tc, cli_misspelled_key_exits_2_naming_file_line_key);
    suite_add_tcase(s, tc);
    return test_run_suite(s);
}
