"""Your own data: a CSV file with named columns and the same rows as .npy
files, read by tasks/mi-estimate/own-data.ini with estimators that train
nothing (every row) and one that trains (the held-out split).

The rows are made so that the truth is known: income is a monotone map
(exp) of a Gaussian whose R² on the first two inputs is 0.61, so
I(age, hours_per_week, education_years; income) = -½ log(1 - 0.61) =
0.4708 nats (education_years is noise).

    /usr/bin/python3 examples/python/own_data.py                   # a temporary folder
    /usr/bin/python3 examples/python/own_data.py tasks/mi-estimate # the files beside the INI
"""
import os
import sys
import tempfile

import numpy as np

import infomin

TRUTH = -0.5 * np.log(1 - 0.61)


def make_rows(n=3000, seed=7):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 3))
    latent = 0.6 * z[:, 0] + 0.5 * z[:, 1] + np.sqrt(1 - 0.61) * rng.normal(size=n)
    columns = {
        "age": 41 + 12 * z[:, 0],
        "hours_per_week": 38 + 9 * z[:, 1],
        "education_years": 13 + 2.5 * z[:, 2],
        "income": np.exp(10.5 + 0.5 * latent),
        "group": (rng.uniform(size=n) < 0.4).astype(int),
    }
    return columns


def write(folder):
    cols = make_rows()
    names = list(cols)
    table = np.column_stack([cols[k] for k in names])
    csv = os.path.join(folder, "own-data.csv")
    np.savetxt(csv, table, delimiter=",", header=",".join(names), comments="", fmt="%.6f")
    np.save(os.path.join(folder, "own-data-x.npy"), table[:, :3])
    np.save(os.path.join(folder, "own-data-y.npy"), table[:, 3])
    return csv


here = os.path.dirname(os.path.abspath(__file__))
ini = os.path.join(here, "..", "..", "tasks", "mi-estimate", "own-data.ini")
folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="infomin-own-")
csv = write(folder)
print("wrote %s and own-data-x.npy, own-data-y.npy (true MI %.4f nats)" % (csv, TRUTH))
small = os.environ.get("INFOMIN_EXAMPLE_SIZE") == "small"
steps = 300 if small else 3000
runs = [
    ("csv, ksg", {"dataset.path": csv}),
    ("csv, ksg, raw units", {"dataset.path": csv, "estimator.ksg.input": "raw"}),
    ("csv, gaussian-copula", {"dataset.path": csv, "estimator.plugin": "gaussian-copula"}),
    ("csv, mine", {"dataset.path": csv, "estimator.plugin": "mine", "estimator.steps": steps}),
]
estimates = {}
for label, overrides in runs:
    m = infomin.run(ini, set=overrides)[0]["metrics"]
    estimates[label] = m["estimate"]
    print("%-22s %4d rows  %.4f nats  (truth %.4f)" % (label, m["n_read"], m["estimate"], TRUTH))
# the same rows from np.save'd files: an INI file of a few lines
npy_ini = os.path.join(folder, "own-npy.ini")
with open(npy_ini, "w") as f:
    f.write("[task]\nplugin = mi-estimate\nseed = 1\n[dataset]\nplugin = npy\n"
            "x_path = own-data-x.npy\ny_path = own-data-y.npy\n[estimator]\nplugin = ksg\ninput = copula\n")
m = infomin.run(npy_ini)[0]["metrics"]
estimates["npy, ksg"] = m["estimate"]
print("%-22s %4d rows  %.4f nats  (truth %.4f)" % ("npy, ksg", m["n_read"], m["estimate"], TRUTH))
assert estimates["csv, ksg"] == estimates["npy, ksg"]  # the same rows, either file
assert abs(estimates["csv, gaussian-copula"] - TRUTH) < 0.05 and abs(estimates["csv, ksg"] - TRUTH) < 0.05
