"""The Python package against the INI path, analytic MI and bad input.

Run by `make check` (tests/python_check.sh) with the build tree's library;
OPENBLAS_NUM_THREADS=1 there, as infomin-run --threads 1 has it."""
import os
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import infomin

RHO = 0.6
TRUTH = -0.5 * np.log(1 - RHO ** 2)


def pairs(n, seed=0, rho=RHO, dx=1):
    """n rows: X (n × dx, first column correlated with Y), Y (n × 1)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, dx))
    y = rho * x[:, :1] + np.sqrt(1 - rho ** 2) * rng.normal(size=(n, 1))
    return x, y


def recorded(v):
    """v as a results file keeps it (9 significant digits)."""
    return float("%.9g" % v)


# ---- every estimator: arrays and an INI file over the same rows ----

ESTIMATORS = [p["name"] for p in infomin.plugins("estimator")]


def small_options(name):
    """Few training steps for the estimators that train: the test compares
    two paths, not accuracy. (ba's q: Gaussian, as Y is continuous.)"""
    keys = {k["key"] for k in infomin.describe(name)["keys"]}
    small = {"steps": 40, "batch": 64, "eval_every": 20, "n_slice": 20, "slices": 10, "median_rows": 200,
             "q": "gaussian"}
    return {k: v for k, v in small.items() if k in keys}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_every_estimator_gives_the_ini_files_number(name, tmp_path):
    x, y = pairs(600, seed=5, dx=2)
    options = small_options(name)
    csv = tmp_path / "rows.csv"
    with open(csv, "w") as f:
        f.write("x0,x1,y\n")
        for a, b in zip(x, y):
            f.write("%r,%r,%r\n" % (a[0], a[1], b[0]))
    lines = "".join("%s = %s\n" % kv for kv in options.items())
    ini = tmp_path / ("%s.ini" % name)
    ini.write_text(textwrap.dedent("""\
        [task]
        plugin = mi-estimate
        seed = 4
        plot = false
        resamples = 0
        [dataset]
        plugin = csv
        path = %s
        x = 0..1
        y = 2
        [estimator]
        plugin = %s
        """) % (csv, name) + lines)
    from_ini = infomin.run(ini, threads=1)[0]["metrics"]["estimate"]
    from_arrays = infomin.mi(x, y, estimator=name, seed=4, threads=1, **options)
    assert recorded(from_arrays) == from_ini, (from_arrays, from_ini)


NPY_LAYOUTS = {
    "float64": lambda a: a,
    "float32": lambda a: a.astype(np.float32),
    "big-endian float32": lambda a: a.astype(">f4"),
    "Fortran order": np.asfortranarray,
    "integers": lambda a: np.round(a * 1e5).astype(np.int32),
}


@pytest.mark.parametrize("layout", sorted(NPY_LAYOUTS))
def test_npy_files_give_the_arrays_number(layout, tmp_path):
    """np.save'd X and Y, one file or a file each, through an INI file:
    the number infomin.mi gives on the arrays np.load reads back."""
    x, y = pairs(700, seed=8, dx=2)
    x, y = NPY_LAYOUTS[layout](x), NPY_LAYOUTS[layout](y)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", y[:, 0])
    np.save(tmp_path / "xy.npy", np.concatenate([x, y], axis=1))
    head = "[task]\nplugin = mi-estimate\nseed = 2\nresamples = 0\n[estimator]\nplugin = ksg\n[dataset]\nplugin = npy\n"
    (tmp_path / "sep.ini").write_text(head + "x_path = x.npy\ny_path = y.npy\n")
    (tmp_path / "one.ini").write_text(head + "path = xy.npy\nx = 0..1\ny = 2\n")
    want = recorded(infomin.mi(np.load(tmp_path / "x.npy"), np.load(tmp_path / "y.npy"), seed=2))
    for ini in ("sep.ini", "one.ini"):
        got = infomin.run(tmp_path / ini, threads=1)[0]["metrics"]
        assert got["estimate"] == want, (layout, ini, got["estimate"], want)
        assert got["n_read"] == 700


def test_ksg_reads_every_row_and_is_near_the_truth():
    x, y = pairs(5000, seed=1)
    v = infomin.mi(x, y)
    assert abs(v - TRUTH) < 0.03
    est = infomin.Estimator("ksg", k=5)
    assert (est.bound, est.unit, est.trains) == ("estimate", "nats", False)
    assert est.parameters()["k"] == 5


# ---- what np.asarray takes ----

def test_any_array_np_asarray_takes_gives_the_same_number():
    x, y = pairs(800, seed=2, dx=2)
    ref = infomin.mi(x, y)
    assert infomin.mi(x.tolist(), y.tolist()) == ref
    assert infomin.mi(np.asfortranarray(x), y) == ref
    wide = np.concatenate([x, np.zeros_like(x)], axis=1)[:, :2]  # a view with a stride
    assert infomin.mi(wide, y) == ref
    assert infomin.mi(x, y[:, 0]) == ref  # 1-D: one column
    assert infomin.mi(x[::2], y[::2]) == infomin.mi(np.ascontiguousarray(x[::2]), y[::2])
    f32 = infomin.mi(x.astype(np.float32), y.astype(np.float32))
    assert abs(f32 - ref) < 1e-6  # the library computes in float32 either way
    ints = infomin.mi(np.arange(50), np.arange(50) % 7, estimator="pearson")
    assert np.isfinite(ints)


def test_a_torch_tensor_through_numpy():
    torch = pytest.importorskip("torch")
    x, y = pairs(500, seed=3)
    tx, ty = torch.from_numpy(x).float(), torch.from_numpy(y).float()
    assert abs(infomin.mi(tx.numpy(), ty.numpy()) - infomin.mi(x, y)) < 1e-6


# ---- refusals ----

@pytest.mark.parametrize("call,message", [
    (lambda x, y: infomin.mi(x, y[:-1]), "x has 400 rows and y has 399"),
    (lambda x, y: infomin.mi(np.where(np.arange(400)[:, None] == 7, np.nan, x), y), "x: row 7, column 0 is NaN"),
    (lambda x, y: infomin.mi(x, np.full_like(y, np.inf)), "y: row 0, column 0 is infinite"),
    (lambda x, y: infomin.mi([], []), "x is empty"),
    (lambda x, y: infomin.mi(np.zeros((4, 2, 2)), y), "x: a 3-D array"),
    (lambda x, y: infomin.mi(np.array(["a", "b"]), [1, 2]), "x: an array of numbers, not of dtype <U1"),
    (lambda x, y: infomin.mi(x, y, estimator="ksgg"), "no estimator plugin named 'ksgg'; did you mean 'ksg'?"),
    (lambda x, y: infomin.mi(x, y, kk=3), "option 'kk=3': estimator.ksg.kk: unknown key for estimator 'ksg'; "
                                          "did you mean 'k'?"),
    (lambda x, y: infomin.mi(x, y, k="abc"), "option 'k=abc': estimator.ksg.k:"),
    (lambda x, y: infomin.mi(x, y, k=-1), "option 'k=-1': estimator.ksg.k: -1 is outside [1, 64]"),
    (lambda x, y: infomin.mi(x, y, steps=10), "unknown key for estimator 'ksg'"),
    (lambda x, y: infomin.mi(x, y, estimator="mine", split=(0.5, 0.5, 0)), "summing to 1"),
    (lambda x, y: infomin.Estimator("mine", steps=20).fit(x, y).estimate(x[:, :0], y), "x is empty"),
])
def test_bad_input_raises_error_with_the_message(call, message):
    x, y = pairs(400, seed=4)
    with pytest.raises(infomin.Error) as e:
        call(x, y)
    assert message in str(e.value)
    assert isinstance(e.value, ValueError)


def test_estimate_after_fit_reads_the_fitted_estimator():
    x, y = pairs(2000, seed=6)
    est = infomin.Estimator("infonce", steps=200, seed=1)
    with pytest.raises(infomin.Error, match="x has 2 columns and y 1, but the estimator was fitted on 1 and 1"):
        est.fit(x, y).estimate(np.hstack([x, x]), y)
    v1 = est.estimate(x[:500], y[:500])
    assert v1 == est.estimate(x[:500], y[:500])
    assert 0 < v1 < 2 * TRUTH


def test_sigint_during_a_fit_raises_keyboardinterrupt_within_a_second():
    # a shell that starts the tests in the background (`make check &` in a
    # script) hands them SIGINT ignored, and Python then installs no handler
    # for it: the script puts Python's own back, as an interactive run has it
    script = textwrap.dedent("""\
        import os, signal, threading, time
        signal.signal(signal.SIGINT, signal.default_int_handler)
        import numpy as np, infomin
        x = np.random.default_rng(0).normal(size=(4000, 2)); y = x[:, :1]
        sent = []
        def interrupt():
            time.sleep(0.5); sent.append(time.monotonic()); os.kill(os.getpid(), signal.SIGINT)
        threading.Thread(target=interrupt).start()
        try:
            infomin.mi(x, y, estimator="mine", steps=10**8)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted %.3f" % (time.monotonic() - sent[0]))
        print("then %.2f" % infomin.mi(x, y, k=3))
        """)
    done = subprocess.run([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120, env=os.environ)
    lines = done.stdout.split("\n")
    assert lines[0].startswith("interrupted"), done.stdout
    assert float(lines[0].split()[1]) < 1.0, done.stdout
    assert lines[1].startswith("then "), done.stdout



def test_a_sigint_as_the_pipe_goes_in_puts_the_wakeup_fd_back():
    # the signal is handled as set_wakeup_fd returns, before the call: the
    # KeyboardInterrupt comes, and the wakeup fd is what it was (-1), not the
    # package's pipe (which kept every later signal's byte)
    script = textwrap.dedent("""\
        import os, signal
        signal.signal(signal.SIGINT, signal.default_int_handler)   # as above
        import numpy as np, infomin
        x = np.random.default_rng(0).normal(size=(400, 2)); y = x[:, :1]
        real = signal.set_wakeup_fd
        def late(fd, **kw):
            previous = real(fd, **kw)
            if fd != -1 and not getattr(late, "done", False):
                late.done = True
                os.kill(os.getpid(), signal.SIGINT)
            return previous
        signal.set_wakeup_fd = late
        try:
            infomin.mi(x, y, estimator="mine", steps=10**8)
            print("finished")
        except KeyboardInterrupt:
            print("interrupted, wakeup fd %d" % real(-1))
        """)
    done = subprocess.run([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120, env=os.environ)
    assert done.stdout.strip() == "interrupted, wakeup fd -1", done.stdout

# ---- the rest of the surface ----

def test_cmi_entropy_and_kl_divergence_against_exact_values():
    # a collider X -> Z <- Y: I(X;Y) = 0, I(X;Y|Z) = log(4/3)/2; ksg by
    # Frenzel-Pompe, gaussian by the chain rule; N = 10,000 (test_knn.c has
    # the tolerances' measurements)
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=10000), rng.normal(size=10000)
    z = x + y + rng.normal(size=10000)
    truth = 0.5 * np.log(4 / 3)
    assert abs(infomin.cmi(x, y, z, k=8) - truth) < 0.02
    assert abs(infomin.cmi(x, y, z, estimator="gaussian") - truth) < 0.02
    assert abs(infomin.mi(x, y, k=8)) < 0.02
    h = infomin.entropy(rng.normal(size=(10000, 2)) * 2)
    assert abs(h - (np.log(2 * np.pi * np.e) + 2 * np.log(2))) < 0.04
    d = infomin.kl_divergence(rng.normal(size=(10000, 2)), rng.normal(size=(10000, 2)) + [1, 0], k=5)
    assert abs(d - 0.5) < 0.05
    with pytest.raises(infomin.Error, match="row 0 of the sample has at least k = 3 exact copies"):
        infomin.entropy(np.zeros(10))
    with pytest.raises(infomin.Error, match="reads a correlation, not nats"):
        infomin.cmi(x, y, z, estimator="dcor")
    with pytest.raises(infomin.Error, match="p has 2 columns and q has 1"):
        infomin.kl_divergence(np.ones((5, 2)), np.ones(5))


def test_auto_says_what_it_chose():
    x, y = pairs(3000, seed=9)
    with infomin.Estimator("auto") as est:
        assert est.note == ""
        assert est.estimate(x, y) == pytest.approx(TRUTH, abs=0.05)
        assert est.note.startswith("ksg (k = 3) on normal scores:")   # 2 dimensions
        labels = np.floor(x * 2)   # a discrete column
        est.estimate(labels, y)
        assert est.note.startswith("mixed")


def test_crossfit_gives_an_estimate_inside_its_interval():
    x, y = pairs(3000, seed=11)
    r = infomin.crossfit(x, y, estimator="infonce", folds=5, critic="separable", steps=300, batch=128)
    assert r.low < r.estimate < r.high and abs(r.estimate - TRUTH) < 0.08   # 300 steps: a loose bound
    with infomin.Estimator("gaussian", seed=3) as est:
        g = est.crossfit(x, y, folds=4, ci=0.9)
        assert g.low < g.estimate < g.high
    with pytest.raises(infomin.Error, match="1 folds"):
        infomin.crossfit(x, y, estimator="gaussian", folds=1)


def test_interval_and_independence_test():
    x, y = pairs(3000, seed=7)
    r = infomin.interval(x, y, resamples=30)
    assert r.low < r.estimate < r.high and r.low < TRUTH + 0.02 and TRUTH - 0.02 < r.high
    t = infomin.independence_test(x[:500], y[:500], permutations=49)
    assert t.p_value == pytest.approx(0.02)
    rng = np.random.default_rng(8)
    t = infomin.independence_test(rng.normal(size=300), rng.normal(size=300), permutations=49)
    assert t.p_value > 0.05


def test_mutual_info_columns_one_estimate_per_column():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(3000, 4))
    y = X[:, 0] + X[:, 1] ** 2 + 0.5 * rng.normal(size=3000)
    mi = infomin.mutual_info_columns(X, y, threads=2)
    assert mi.shape == (4,)
    assert mi[0] > 0.2 and mi[1] > 0.2 and abs(mi[2]) < 0.05 and abs(mi[3]) < 0.05
    one = infomin.mutual_info_columns(X, y, threads=1)
    assert np.array_equal(mi, one)
    assert mi[0] == infomin.mi(X[:, 0] / X[:, 0].std(), y / y.std())


def test_mutual_info_columns_agrees_with_scikit_learn():
    feature_selection = pytest.importorskip("sklearn.feature_selection")
    rng = np.random.default_rng(10)
    X = rng.normal(size=(2000, 5))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.3 * rng.normal(size=2000)
    ours = infomin.mutual_info_columns(X, y)
    theirs = np.array([feature_selection.mutual_info_regression(X, y, n_neighbors=3, random_state=s)
                       for s in range(5)])
    lo, hi = theirs.min(axis=0), theirs.max(axis=0)
    # scikit-learn clips at 0 and jitters ties: ours within its spread, or
    # both at the noise floor
    for j in range(5):
        assert lo[j] - 0.01 <= max(ours[j], 0) <= hi[j] + 0.01, (j, ours, theirs)


def test_split_is_the_seeded_csv_split():
    train, val, test = infomin.split(100, seed=3)
    assert (len(train), len(val), len(test)) == (70, 10, 20)
    assert sorted(np.concatenate([train, val, test])) == list(range(100))
    again = infomin.split(100, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip((train, val, test), again))
    assert not np.array_equal(train, infomin.split(100, seed=4)[0])


def test_plugins_and_describe():
    names = {p["name"] for p in infomin.plugins("estimator")}
    assert {"ksg", "mine", "infonce", "club"} <= names
    assert "mi-estimate" in {p["name"] for p in infomin.plugins("task")}
    ksg = infomin.describe("ksg")
    assert ksg["keys"][0] == {"key": "k", "type": "int", "default": "3", "doc": "neighbours", "range": "1..64"}
    with pytest.raises(infomin.Error, match="no estimator plugin named 'nope'"):
        infomin.describe("nope")
    assert infomin.version() == infomin.__version__


def test_run_and_read_results(tmp_path):
    ini = os.path.join(os.environ.get("INFOMIN_TEST_SRCDIR", "."), "tasks/mi-estimate/quickstart.ini")
    out = tmp_path / "q.jsonl"
    records = infomin.run(ini, set={"estimator.steps": 30, "dataset.n_train": 400, "dataset.n_val": 100,
                                    "dataset.n_test": 400, "task.plot": False}, output=out)
    assert records[0]["status"] == "ok" and "estimate" in records[0]["metrics"]
    assert infomin.read_results(out, pandas=False) == records
    pd = pytest.importorskip("pandas")
    frame = infomin.read_results(out)
    assert isinstance(frame, pd.DataFrame) and frame.loc[0, "estimator.steps"] == 30
    assert frame.loc[0, "estimate"] == records[0]["metrics"]["estimate"]
    with pytest.raises(infomin.Error, match="failed"):
        infomin.run(ini, set={"estimator.plugin": "nope"}, output=tmp_path / "never.jsonl")
    assert not (tmp_path / "never.jsonl").exists()


def test_results_are_typed_for_pandas_and_runs_csv_reads_back(tmp_path):
    """A sweep's records: pandas.read_json gives numbers for numeric keys
    (configuration and metrics, integers as integers); infomin-report
    --runs --format csv reads back into the same values."""
    pd = pytest.importorskip("pandas")
    ini = os.path.join(os.environ.get("INFOMIN_TEST_SRCDIR", "."), "tasks/mi-estimate/quickstart.ini")
    out = tmp_path / "s.jsonl"
    sweep = tmp_path / "sweep.ini"
    sweep.write_text(open(ini).read() + "\n[sweep]\nestimator.lr = 5e-4, 1e-3\ntask.seed = 1, 2\n")
    infomin.run(sweep, set={"estimator.steps": 30, "dataset.n_train": 400, "dataset.n_val": 100,
                            "dataset.n_test": 400, "task.plot": False, "estimator.hidden": [16, 8]}, output=out)
    frame = pd.read_json(out, lines=True)
    assert frame["run"].dtype.kind == "i" and frame["wall_seconds"].dtype.kind == "f"
    config = pd.json_normalize(list(frame["config"]))
    metrics = pd.json_normalize(list(frame["metrics"]))
    for column in ("task.seed", "dataset.dim", "dataset.n_train", "estimator.steps"):
        assert config[column].dtype.kind == "i", (column, config[column].dtype)
    for column in ("estimator.lr", "dataset.mi"):
        assert config[column].dtype.kind == "f", (column, config[column].dtype)
    assert list(config["estimator.lr"]) == [0.0005, 0.0005, 0.001, 0.001]
    assert config["estimator.hidden"][0] == [16, 8]
    for column in ("n_train", "n_test", "n_read"):
        assert metrics[column].dtype.kind == "i", (column, metrics[column].dtype)
    for column in ("estimate", "fit_seconds"):
        assert metrics[column].dtype.kind == "f", (column, metrics[column].dtype)
    report = os.path.join(os.path.dirname(os.environ.get("INFOMIN_RUN", "infomin-run")), "infomin-report")
    if not os.access(report, os.X_OK):
        report = "infomin-report"
    done = subprocess.run([report, str(out), "--runs", "--format", "csv"], capture_output=True, text=True, check=True)
    (tmp_path / "runs.csv").write_text(done.stdout)
    # exact: the records as Python's json reads them, the csv with the
    # round-trip parser (pandas' default float parser may move the last bit,
    # as its read_json does)
    runs = pd.read_csv(tmp_path / "runs.csv", float_precision="round_trip")
    exact = infomin.read_results(out, pandas=False)
    assert len(runs) == 4
    for column in ("estimate", "n_read", "fit_seconds"):
        assert list(runs[column]) == [r["metrics"][column] for r in exact], column
    assert runs["estimator.lr"].dtype.kind == "f" and list(runs["estimator.lr"]) == [0.0005, 0.0005, 0.001, 0.001]


def test_calls_from_other_threads_and_the_wakeup_fd_put_back():
    x, y = pairs(1000, seed=11)
    ref = infomin.mi(x, y)
    out = []
    t = threading.Thread(target=lambda: out.append(infomin.mi(x, y)))
    t.start()
    t.join()
    assert out == [ref]
    r, w = os.pipe()
    os.set_blocking(w, False)
    previous = signal.set_wakeup_fd(w)
    try:
        infomin.mi(x, y)
        assert signal.set_wakeup_fd(w) == w  # the caller's fd is back
    finally:
        signal.set_wakeup_fd(previous)
        os.close(r)
        os.close(w)
