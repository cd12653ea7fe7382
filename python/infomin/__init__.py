"""infomin: mutual information between arrays, with the estimators of the
infomin C library (KSG, Gaussian, MINE, InfoNCE, NWJ, SMILE, CLUB, ...).

    >>> import numpy as np, infomin
    >>> x = np.random.default_rng(0).normal(size=(5000, 2))
    >>> y = x[:, :1] + np.random.default_rng(1).normal(size=(5000, 1))
    >>> infomin.mi(x, y)                                  # KSG, every row
    >>> infomin.mi(x, y, estimator="infonce", steps=2000, seed=1)

Arrays: anything np.asarray takes (lists, float32/float64, Fortran order,
views, a CPU torch tensor); one sample a row, a 1-D array is one column.
Estimators that train nothing read every row; trained ones are fitted on
a seeded 70% / 10% split of the rows (training / validation) and read on
the other 20%, exactly as `infomin-run` does with the csv dataset, so the
same rows and seed give the INI file's number. Options are the estimator's
INI keys (`infomin-run --describe NAME`, or infomin.describe(NAME)).

Errors raise infomin.Error (a ValueError) with the library's message;
Ctrl-C during a fit raises KeyboardInterrupt within a moment.
"""
import collections
import concurrent.futures
import ctypes
import os
import signal
import threading

import numpy as np

from . import _lib
from ._lib import lib
from ._results import read_results, run

__all__ = ["Error", "Estimator", "mi", "cmi", "entropy", "kl_divergence", "interval", "crossfit",
           "independence_test", "mutual_info_columns", "split",
           "plugins", "describe", "run", "read_results", "version", "__version__"]

__version__ = lib.im_version().decode()


def version():
    """The version of the C library in use ("0.6.0")."""
    return lib.im_version().decode()


class Error(ValueError):
    """A refusal or a failure of the library; str(error) is its message."""


TestResult = collections.namedtuple("TestResult", "statistic p_value")
Interval = collections.namedtuple("Interval", "estimate low high")


def _rows(a, name):
    """a as a C-contiguous float64 matrix, one sample a row."""
    try:
        arr = np.asarray(a)
    except Exception as e:  # a ragged list, an object that refuses
        raise Error("%s: not an array of numbers (%s)" % (name, e)) from None
    if arr.dtype.kind not in "biuf":
        raise Error("%s: an array of numbers, not of dtype %s" % (name, arr.dtype))
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim != 2:
        raise Error("%s: a %d-D array; pass one sample a row (2-D) or one column (1-D)" % (name, arr.ndim))
    return np.ascontiguousarray(arr, dtype=np.float64)


def _ptr(arr):
    return arr.ctypes.data_as(_lib.c_double_p)


def _shape_args(x, y):
    return (_ptr(x), x.shape[0], x.shape[1], _ptr(y), y.shape[0], y.shape[1])


def _option_text(key, value):
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, (list, tuple)):
        value = ",".join(_option_text(key, v).split("=", 1)[1] for v in value)
    elif isinstance(value, float):
        value = repr(value)
    return "%s=%s" % (key, value)


class _Watch:
    """Ctrl-C during a C call made on the main thread. Python's own SIGINT
    handler runs at the C level in whatever thread the signal hits and
    writes the signal's number to the wakeup fd (signal.set_wakeup_fd): for
    the length of a call that fd is this pipe, and a helper thread reading
    it asks the running call to stop (im_mi_interrupt). The call returns
    IM_EINTERRUPTED soon after, and Python raises KeyboardInterrupt as it
    does for any signal. The call itself stays on the main thread: run on
    another thread it cost 0.2-0.4 ms more (its allocations in another
    malloc arena). A wakeup fd set before (an asyncio loop's) gets every
    byte forwarded and is put back after the call."""

    def __init__(self):
        self._r, self._w = os.pipe()
        os.set_blocking(self._w, False)
        self.handle = None
        self.forward = -1
        threading.Thread(target=self._loop, name="infomin-sigint", daemon=True).start()

    def _loop(self):
        while True:
            data = os.read(self._r, 64)
            handle, forward = self.handle, self.forward
            if handle is not None and signal.SIGINT in data:
                lib.im_mi_interrupt(handle)
            if forward != -1:
                try:
                    os.write(forward, data)
                except OSError:
                    pass

    def call(self, handle, fn, args):
        # The handle is in place before the pipe is: a byte the helper reads
        # finds it. A signal that came just before the pipe went in is
        # handled at the first check after it, as a KeyboardInterrupt here:
        # the wakeup fd that was there is put back all the same.
        self.handle, armed, previous = handle, False, None
        try:
            try:
                armed = True
                previous = signal.set_wakeup_fd(self._w, warn_on_full_buffer=False)
            except ValueError:  # not the main thread of the main interpreter
                armed = False
                return fn(*args)
            self.forward = previous
            return fn(*args)
        finally:
            self.handle = None
            if armed:
                if previous is None:  # interrupted as it went in: is the pipe there?
                    current = signal.set_wakeup_fd(-1)
                    previous = -1 if current == self._w else current
                signal.set_wakeup_fd(previous)
            self.forward = -1


_watch = None


def _interruptible(handle, fn, *args):
    """fn(*args), a C call on handle; from the main thread, Ctrl-C stops it."""
    global _watch
    if threading.current_thread() is not threading.main_thread():
        return fn(*args)
    if _watch is None:
        _watch = _Watch()
    return _watch.call(handle, fn, args)


class Estimator:
    """One estimator with its options (bmi's protocol: estimate(x, y) gives a
    number; parameters() says how it was made).

        est = infomin.Estimator("mine", steps=3000, seed=2)
        est.estimate(x, y)        # fit on the seeded split, read the held-out rows
        est.fit(x, y)             # or: fit on these rows ...
        est.estimate(x2, y2)      # ... and read the fitted estimator on others

    bound is "lower", "upper" or "estimate"; unit "nats" or "correlation".
    threads > 0 splits large products over that many threads of the
    estimator's own (0: the calling thread, OpenBLAS as the process set it).
    """

    def __init__(self, name="ksg", seed=0, threads=0, split=(0.7, 0.1, 0.2), **options):
        self.name = name
        self.seed = int(seed)
        self._options = dict(options)
        self._h = ctypes.c_void_p()
        if self.seed < 0:
            raise Error("seed = %d: a seed is 0 or more" % self.seed)
        texts = [_option_text(k, v).encode() for k, v in options.items()]
        arr = (ctypes.c_char_p * max(1, len(texts)))(*texts)
        st = lib.im_mi_open(ctypes.byref(self._h), str(name).encode(), arr, len(texts), self.seed)
        if not self._h:
            raise MemoryError("infomin: out of memory")
        if st:
            msg = lib.im_mi_message(self._h).decode()
            self.close()
            raise Error(msg)
        self._split = tuple(float(f) for f in split)
        self._threads = int(threads)
        self._check(lib.im_mi_set_split(self._h, *self._split))
        self._check(lib.im_mi_set_threads(self._h, self._threads))
        self._fitted = False
        self.bound = lib.im_mi_bound(self._h).decode()
        self.unit = lib.im_mi_unit(self._h).decode()
        self.trains = bool(lib.im_mi_trains(self._h))

    def _check(self, st):
        if st == _lib.OK:
            return
        msg = lib.im_mi_message(self._h).decode()
        if st == _lib.EINTERRUPTED:
            raise KeyboardInterrupt(msg)
        raise Error(msg)

    def _call(self, fn, *args):
        if not self._h:
            raise Error("this estimator is closed")
        self._check(_interruptible(self._h, fn, self._h, *args))

    def parameters(self):
        """How this estimator was made: name, seed, split, threads and options."""
        return dict(estimator=self.name, seed=self.seed, split=self._split, threads=self._threads, **self._options)

    def fit(self, x, y):
        """Fit on these rows (a trained estimator keeps the split's validation
        share of them for model selection). Returns self."""
        x, y = _rows(x, "x"), _rows(y, "y")
        self._call(lib.im_mi_fit, *_shape_args(x, y))
        self._fitted = True
        return self

    def estimate(self, x, y):
        """I(X;Y) in nats (or the estimator's unit). After fit(): the fitted
        estimator read on these rows. Without: fitted and read on these rows
        as infomin.mi does."""
        x, y = _rows(x, "x"), _rows(y, "y")
        out = ctypes.c_double()
        fn = lib.im_mi_estimate if self._fitted else lib.im_mi_run
        self._call(fn, *_shape_args(x, y), ctypes.byref(out))
        return out.value

    @property
    def note(self):
        """What the last estimate did, "" when the estimator says nothing
        (auto: the estimator it chose and why)."""
        return lib.im_mi_note(self._h).decode()

    def interval(self, x, y, resamples=50, ci=0.9):
        """(estimate, low, high): a half-sampling interval of coverage ci over
        the rows the estimate reads (for a trained estimator: the held-out
        rows with the critic as fitted, so the readout's noise only)."""
        x, y = _rows(x, "x"), _rows(y, "y")
        est, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        self._call(lib.im_mi_interval, *_shape_args(x, y), int(resamples), float(ci), ctypes.byref(est),
                   ctypes.byref(lo), ctypes.byref(hi))
        return Interval(est.value, lo.value, hi.value)

    def crossfit(self, x, y, folds=5, ci=0.95):
        """(estimate, low, high): the cross-fitted estimate, every row read
        once by one of `folds` instances each fitted on the other folds, and
        mean +- t * sd / sqrt(folds) of the folds' readings. For a trained
        estimator the interval holds the refits' spread as well as the
        readout's (interval() holds the readout's only)."""
        x, y = _rows(x, "x"), _rows(y, "y")
        est, lo, hi = ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        self._call(lib.im_mi_crossfit, *_shape_args(x, y), int(folds), float(ci), ctypes.byref(est),
                   ctypes.byref(lo), ctypes.byref(hi))
        return Interval(est.value, lo.value, hi.value)

    def independence_test(self, x, y, permutations=200):
        """(statistic, p_value) of the permutation test of X independent of Y."""
        x, y = _rows(x, "x"), _rows(y, "y")
        s, p = ctypes.c_double(), ctypes.c_double()
        self._call(lib.im_mi_pvalue, *_shape_args(x, y), int(permutations), ctypes.byref(s), ctypes.byref(p))
        return TestResult(s.value, p.value)

    def close(self):
        if getattr(self, "_h", None):
            lib.im_mi_close(self._h)
            self._h = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def __repr__(self):
        opts = "".join(", %s=%r" % kv for kv in self._options.items())
        return "infomin.Estimator(%r, seed=%d%s)" % (self.name, self.seed, opts)


def mi(x, y, estimator="ksg", seed=0, **options):
    """I(X;Y) of paired rows x, y with one estimator (nats, or its unit)."""
    with Estimator(estimator, seed=seed, **options) as est:
        return est.estimate(x, y)


def cmi(x, y, z, estimator="ksg", seed=0, **options):
    """I(X;Y|Z) in nats, of paired rows x, y, z. An estimator with a
    conditional form of its own (ksg: Frenzel & Pompe) reads every row; any
    other in nats takes the chain rule I(X;[Y,Z]) - I(X;Z), each term as
    infomin.mi makes it (the same seed and split): an estimate, not a bound."""
    x, y, z = _rows(x, "x"), _rows(y, "y"), _rows(z, "z")
    with Estimator(estimator, seed=seed, **options) as est:
        if lib.im_mi_has_given(est._h):
            out = ctypes.c_double()
            est._call(lib.im_mi_run_given, *_shape_args(x, y), _ptr(z), z.shape[0], z.shape[1], ctypes.byref(out))
            return out.value
        if est.unit != "nats":
            raise Error("estimator %s reads a %s, not nats: the chain rule I(X;[Y,Z]) - I(X;Z) needs MI"
                        % (est.name, est.unit))
        if z.shape[0] != y.shape[0]:
            raise Error("y has %d rows and z has %d: row i of each is one sample" % (y.shape[0], z.shape[0]))
        return est.estimate(x, np.hstack([y, z])) - est.estimate(x, z)


def _knn_call(fn, *args):
    out, err = ctypes.c_double(), ctypes.create_string_buffer(1024)
    if fn(*args, ctypes.byref(out), err, len(err)) != _lib.OK:
        raise Error(err.value.decode())
    return out.value


def entropy(x, k=3):
    """The differential entropy of the rows of x in nats: Kozachenko &
    Leonenko's kNN estimate (max-norm, k neighbours)."""
    x = _rows(x, "x")
    return _knn_call(lib.im_entropy, _ptr(x), x.shape[0], x.shape[1], int(k))


def kl_divergence(p, q, k=3):
    """D(P||Q) in nats from samples p and q of the same width: Wang,
    Kulkarni & Verdu's kNN estimate (k neighbours)."""
    p, q = _rows(p, "p"), _rows(q, "q")
    if p.shape[1] != q.shape[1]:
        raise Error("p has %d columns and q has %d: the two samples must have the same width"
                    % (p.shape[1], q.shape[1]))
    return _knn_call(lib.im_kl_divergence, _ptr(p), p.shape[0], _ptr(q), q.shape[0], p.shape[1], int(k))


def interval(x, y, estimator="ksg", seed=0, resamples=50, ci=0.9, **options):
    """(estimate, low, high): the estimate with a half-sampling interval."""
    with Estimator(estimator, seed=seed, **options) as est:
        return est.interval(x, y, resamples=resamples, ci=ci)


def crossfit(x, y, estimator="infonce", seed=0, folds=5, ci=0.95, **options):
    """(estimate, low, high): the cross-fitted estimate and its interval
    (Estimator.crossfit)."""
    with Estimator(estimator, seed=seed, **options) as est:
        return est.crossfit(x, y, folds=folds, ci=ci)


def independence_test(x, y, estimator="ksg", permutations=200, seed=0, **options):
    """(statistic, p_value): the permutation test of X independent of Y with
    the estimate as the statistic (task independence-test)."""
    with Estimator(estimator, seed=seed, **options) as est:
        return est.independence_test(x, y, permutations=permutations)


def mutual_info_columns(X, y, estimator="ksg", seed=0, threads=None, standardize=True, **options):
    """One estimate per column of X with y (scikit-learn's
    mutual_info_regression shape), columns split over `threads` threads
    (default: every CPU). standardize: each column and y divided by its
    standard deviation first, as scikit-learn does (KSG's max-norm
    neighbours depend on the scales). Returns X.shape[1] float64 values."""
    X = _rows(X, "X")
    y = _rows(y, "y")
    if standardize:
        X = X / np.where(X.std(axis=0) > 0, X.std(axis=0), 1)
        y = y / np.where(y.std(axis=0) > 0, y.std(axis=0), 1)
    threads = int(threads or os.cpu_count() or 1)
    live, lock, stop = set(), threading.Lock(), threading.Event()

    def one(j):
        if stop.is_set():
            return np.nan
        with Estimator(estimator, seed=seed, **options) as est:
            with lock:
                live.add(est._h.value)
            try:
                return est.estimate(np.ascontiguousarray(X[:, j:j + 1]), y)
            finally:
                with lock:
                    live.discard(est._h.value)

    if threads == 1 or X.shape[1] == 1:
        return np.array([one(j) for j in range(X.shape[1])])
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        futures = [pool.submit(one, j) for j in range(X.shape[1])]
        try:
            while not all(f.done() for f in futures):
                concurrent.futures.wait(futures, timeout=0.05)
        except KeyboardInterrupt:
            stop.set()
            with lock:
                for h in live:
                    lib.im_mi_interrupt(h)
            raise
        return np.array([f.result() for f in futures])


def split(n, seed=0, fractions=(0.7, 0.1, 0.2)):
    """(train, validation, held_out) row indices: the seeded split a trained
    estimator uses (and the csv dataset of an INI file with this seed)."""
    with Estimator("ksg", seed=seed, split=fractions) as est:
        order = (ctypes.c_int * int(n))()
        counts = (ctypes.c_long * 3)()
        est._check(lib.im_mi_split(est._h, int(n), order, counts))
    idx = np.frombuffer(order, dtype=np.intc).astype(np.int64)
    a, b = counts[0], counts[0] + counts[1]
    return idx[:a], idx[a:b], idx[b:]


def _catalog():
    out = []
    kind, name, summary = ctypes.c_char_p(), ctypes.c_char_p(), ctypes.c_char_p()
    for i in range(lib.im_catalog_count()):
        lib.im_catalog_plugin(i, ctypes.byref(kind), ctypes.byref(name), ctypes.byref(summary))
        out.append((i, kind.value.decode(), name.value.decode(), (summary.value or b"").decode()))
    return out


def plugins(kind=None):
    """Every plugin found, [{kind, name, summary}], of one kind when asked
    ("estimator", "encoder", "dataset", "task")."""
    return [dict(kind=k, name=n, summary=s) for _, k, n, s in _catalog() if kind is None or k == kind]


def describe(name, kind="estimator"):
    """A plugin's summary and INI keys: {name, kind, summary, keys: [{key,
    type, default, doc, range}]}."""
    for i, k, n, s in _catalog():
        if n == name and k == kind:
            keys, j, out = [], 0, (ctypes.c_char_p * 5)()
            while lib.im_catalog_key(i, j, ctypes.byref(out)) == _lib.OK:
                keys.append({f: (v.decode() if v is not None else None)
                             for f, v in zip(("key", "type", "default", "doc", "range"), out)})
                j += 1
            return dict(name=n, kind=k, summary=s, keys=keys)
    names = [n for _, k, n, _ in _catalog() if k == kind]
    raise Error("no %s plugin named '%s' (found: %s)" % (kind, name, ", ".join(names)))
