"""A sweep's records in pandas: run the 1-D Gaussian INI file (estimators ×
correlations × seeds) and tabulate each estimator's error against the true
MI, seeds pooled.

    /usr/bin/python3 examples/python/sweep_to_pandas.py
"""
import os
import sys

import infomin

try:
    import pandas  # noqa: F401
except ImportError:
    print("pandas is not installed (apt-get install python3-pandas): nothing to show")
    sys.exit(0)

here = os.path.dirname(os.path.abspath(__file__))
ini = os.path.join(here, "..", "..", "tasks", "mi-estimate", "gaussian-1d.ini")
small = os.environ.get("INFOMIN_EXAMPLE_SIZE") == "small"
overrides = {"task.resamples": 0}
if small:  # a few seconds: fewer rows and steps, one seed and one correlation (--set pins a swept key)
    overrides.update({"dataset.n_train": 1000, "dataset.n_val": 500, "dataset.n_test": 1000,
                      "estimator.steps": 100, "task.seed": 1, "dataset.rho": 0.9})
frame = infomin.run(ini, set=overrides, jobs=2, pandas=True)
frame["error"] = frame["estimate"] - frame["true_mi"]
table = frame.groupby(["dataset.rho", "estimator.plugin"])["error"].agg(["mean", "std", "count"])
print(table.round(4).to_string())
assert (frame["status"] == "ok").all()
