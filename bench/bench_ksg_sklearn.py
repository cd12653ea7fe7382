"""The scikit-learn twin of bench_ksg: mutual_info_regression (KSG, k = 3)
on the files bench_ksg wrote, seconds (best of 3) beside ours.

    bench_ksg 1 DIR > ours.txt; python3 bench_ksg_sklearn.py DIR ours.txt
"""
import sys
import time

import numpy as np
from sklearn import __version__ as sk_version
from sklearn.feature_selection import mutual_info_regression

folder, ours_file = sys.argv[1], sys.argv[2]
ours = {}
for line in open(ours_file):
    parts = line.split()
    if parts and parts[0].isdigit():
        ours[int(parts[0])] = (float(parts[1]), float(parts[2]))
print(f"scikit-learn {sk_version} mutual_info_regression (k = 3), same data, one thread")
print(f"{'N':<12} {'sklearn s':>10} {'estimate':>10} {'infomin s':>10} {'speed-up':>9}")
for n in sorted(ours):
    xy = np.fromfile(f"{folder}/ksg-{n}.f64", dtype=np.float64)
    x, y = xy[:n].reshape(-1, 1), xy[n:]
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        mi = mutual_info_regression(x, y, n_neighbors=3, random_state=0)[0]
        best = min(best, time.perf_counter() - t0)
    print(f"{n:<12} {best:>10.3f} {mi:>10.4f} {ours[n][0]:>10.3f} {best / ours[n][0]:>8.1f}x")
