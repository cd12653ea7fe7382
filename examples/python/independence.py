"""Is Y independent of X? A permutation test with three statistics on a
dependence that has no correlation (Y = X² + noise): Pearson's correlation
misses it, KSG's MI and distance correlation find it.

    /usr/bin/python3 examples/python/independence.py
"""
import os

import numpy as np

import infomin

small = os.environ.get("INFOMIN_EXAMPLE_SIZE") == "small"
n, permutations = (400, 99) if small else (2000, 999)
rng = np.random.default_rng(0)
x = rng.normal(size=n)
dependent = x ** 2 + 0.5 * rng.normal(size=n)
independent = rng.normal(size=n)
print("%d rows, %d permutations: p-values" % (n, permutations))
print("statistic   Y = X² + noise   Y independent of X")
p = {}
for name in ("pearson", "ksg", "dcor"):
    p[name] = [infomin.independence_test(x, y, estimator=name, permutations=permutations, seed=1).p_value
               for y in (dependent, independent)]
    print("%-9s   %14.3f   %18.3f" % (name, p[name][0], p[name][1]))
assert p["ksg"][0] <= 0.02 and p["dcor"][0] <= 0.02 and p["pearson"][0] > 0.05
