"""KSG with infomin beside scikit-learn's mutual_info_regression on the same
arrays: per-column MI of a regression problem whose truth is known for the
Gaussian columns, and the time each took.

    /usr/bin/python3 examples/python/ksg_vs_sklearn.py
"""
import os
import time

import numpy as np

import infomin

small = os.environ.get("INFOMIN_EXAMPLE_SIZE") == "small"
n = 2000 if small else 50000
rng = np.random.default_rng(0)
# columns 0-2: y's Gaussian parents with known MI; 3: a nonlinear one; 4: noise
X = rng.normal(size=(n, 5))
rho = np.array([0.3, 0.6, 0.9])
y = rng.normal(size=n)
for j, r in enumerate(rho):  # X_j = r·y + sqrt(1 - r²)·noise: I(X_j; Y) = -½ log(1 - r²)
    X[:, j] = r * y + np.sqrt(1 - r * r) * X[:, j]
X[:, 3] = np.cos(2 * y) + 0.3 * X[:, 3]
truth = list(-0.5 * np.log(1 - rho ** 2)) + [float("nan"), 0.0]

t0 = time.perf_counter()
ours = infomin.mutual_info_columns(X, y, k=3)
t_ours = time.perf_counter() - t0
try:
    from sklearn.feature_selection import mutual_info_regression
except ImportError:
    mutual_info_regression = None
    print("scikit-learn is not installed (apt-get install python3-sklearn): infomin's column only")

if mutual_info_regression is not None:
    t0 = time.perf_counter()
    theirs = mutual_info_regression(X, y, n_neighbors=3, random_state=0)
    t_theirs = time.perf_counter() - t0
print("%d rows, I(X_j; Y) in nats" % n)
print("column  truth    infomin" + ("   scikit-learn" if mutual_info_regression else ""))
for j in range(5):
    line = "%6d  %6s   %7.4f" % (j, "?" if np.isnan(truth[j]) else "%.4f" % truth[j], ours[j])
    if mutual_info_regression is not None:
        line += "   %12.4f" % theirs[j]
    print(line)
print("seconds: infomin %.3f" % t_ours + (", scikit-learn %.3f" % t_theirs if mutual_info_regression else ""))
for j in range(3):  # KSG's sampling spread: about ±0.04 nats at 2,000 rows, ±0.01 at 50,000
    assert abs(ours[j] - truth[j]) < (0.1 if small else 0.03), (j, ours[j], truth[j])
if mutual_info_regression is not None:
    assert np.allclose(np.maximum(ours, 0), theirs, atol=0.01), (ours, theirs)
