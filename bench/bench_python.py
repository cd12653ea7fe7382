"""The Python package against C and against scikit-learn, in one run.

1. Per-call overhead: infomin.mi (KSG, k = 3) from Python against the same
   call from C (bench/bench_mi: im_mi() on the same rows), N = 10^3 ... 10^6,
   median of several calls each.
2. Per-column MI: infomin.mutual_info_columns against scikit-learn's
   mutual_info_regression (both KSG with k = 3 on standardised columns) on
   one 100,000 x 20 matrix, one thread each (OPENBLAS_NUM_THREADS=1;
   scikit-learn's KSG is single-threaded), then infomin on every CPU.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/bench_python.py BUILDDIR
"""
import ctypes
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import infomin

build = sys.argv[1] if len(sys.argv) > 1 else "."
lib = infomin._lib.lib
try:
    blas = ctypes.CDLL("libopenblas.so.0")
    blas.openblas_get_corename.restype = ctypes.c_char_p
    kernels = blas.openblas_get_corename().decode()
except OSError:
    kernels = "?"
print("infomin %s, Python %s, NumPy %s, OpenBLAS kernels %s, OPENBLAS_NUM_THREADS=%s, %d CPUs"
      % (infomin.__version__, sys.version.split()[0], np.__version__, kernels,
         os.environ.get("OPENBLAS_NUM_THREADS", "unset"), os.cpu_count()))

print("\n1. KSG (k = 3), one call: infomin.mi against C's im_mi() on the same rows, median seconds."
      "\n   C in this process (ctypes, the calls interleaved with Python's, so that the machine's noise hits"
      "\n   both) and in its own program (bench/bench_mi); overhead: the median of (Python - C) per pair")
print("%10s %12s %12s %12s %10s" % ("N", "C program", "C here", "Python", "overhead"))
im_mi = lib.im_mi
im_mi.restype = ctypes.c_int
im_mi.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int, ctypes.c_uint64,
                  infomin._lib.c_double_p, ctypes.c_long, ctypes.c_int, infomin._lib.c_double_p, ctypes.c_long,
                  ctypes.c_int, infomin._lib.c_double_p, ctypes.c_char_p, ctypes.c_size_t]
rng = np.random.default_rng(0)
with tempfile.TemporaryDirectory() as tmp:
    for n, reps in ((1000, 401), (10000, 101), (100000, 21), (1000000, 5)):
        x = rng.normal(size=n)
        y = 0.6 * x + 0.8 * rng.normal(size=n)
        path = os.path.join(tmp, "rows.f64")
        np.concatenate([x, y]).tofile(path)
        out = subprocess.run([os.path.join(build, "bench/bench_mi"), path, str(n), str(reps)], check=True,
                             stdout=subprocess.PIPE, text=True).stdout.split()
        c_program, c_value = float(out[1]), float(out[2])
        opts = (ctypes.c_char_p * 1)(b"k=3")
        value, err = ctypes.c_double(), ctypes.create_string_buffer(512)
        px, py = x.ctypes.data_as(infomin._lib.c_double_p), y.ctypes.data_as(infomin._lib.c_double_p)
        infomin.mi(x, y, k=3)  # the plugins load once per process: not timed
        c_times, py_times = [], []
        for _ in range(reps):
            t0 = time.perf_counter()
            assert im_mi(b"ksg", opts, 1, 0, px, n, 1, py, n, 1, ctypes.byref(value), err, 512) == 0, err.value
            t1 = time.perf_counter()
            v = infomin.mi(x, y, k=3)
            t2 = time.perf_counter()
            c_times.append(t1 - t0)
            py_times.append(t2 - t1)
        assert v == value.value and abs(v - c_value) < 1e-6, (v, value.value, c_value)  # the program prints 6 decimals
        c_here = float(np.median(c_times))
        extra = float(np.median(np.array(py_times) - np.array(c_times)))
        print("%10d %12.6f %12.6f %12.6f %9.1f%%" % (n, c_program, c_here, float(np.median(py_times)),
                                                   100 * extra / c_here))
print("\n2. Per-column MI, 100,000 x 20 (columns 0-4 depend on y), seconds and estimates")
n, d = 100000, 20
X = rng.normal(size=(n, d))
y = X[:, 0] + np.sin(2 * X[:, 1]) + X[:, 2] * X[:, 3] + 0.5 * X[:, 4] ** 2 + 0.5 * rng.normal(size=n)
t_ours1, t_ours_all = [], []
for _ in range(3):  # best of 3, as for scikit-learn below
    t0 = time.perf_counter()
    ours1 = infomin.mutual_info_columns(X, y, threads=1)
    t_ours1.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    ours_all = infomin.mutual_info_columns(X, y)
    t_ours_all.append(time.perf_counter() - t0)
t_ours1, t_ours_all = min(t_ours1), min(t_ours_all)
assert np.array_equal(ours1, ours_all)
try:
    from sklearn import __version__ as sk_version
    from sklearn.feature_selection import mutual_info_regression
except ImportError:
    print("scikit-learn not installed (apt-get install python3-sklearn): infomin's figures only")
    print("infomin, 1 thread: %.2f s; %d threads: %.2f s" % (t_ours1, os.cpu_count(), t_ours_all))
    sys.exit(0)
theirs = []
t_theirs = []
for seed in range(3):  # its run-to-run spread comes from its jitter of the data (random_state)
    t0 = time.perf_counter()
    theirs.append(mutual_info_regression(X, y, n_neighbors=3, random_state=seed))
    t_theirs.append(time.perf_counter() - t0)
theirs = np.array(theirs)
print("scikit-learn %s mutual_info_regression, 3 random states: %.2f s each (best %.2f)"
      % (sk_version, float(np.mean(t_theirs)), min(t_theirs)))
print("infomin mutual_info_columns, best of 3: %.2f s on 1 thread (%.1fx faster than scikit-learn's best), "
      "%.2f s on %d"
      % (t_ours1, min(t_theirs) / t_ours1, t_ours_all, os.cpu_count()))
print("%6s %10s %22s %8s" % ("column", "infomin", "scikit-learn (spread)", "inside"))
inside = 0
for j in range(d):
    lo, hi = theirs[:, j].min(), theirs[:, j].max()
    ok = lo - 1e-3 <= max(ours1[j], 0) <= hi + 1e-3
    inside += ok
    print("%6d %10.4f %10.4f .. %-10.4f %8s" % (j, ours1[j], lo, hi, "yes" if ok else "no"))
print("infomin inside scikit-learn's spread (±0.001) in %d of %d columns" % (inside, d))
