#!/usr/bin/env python3
"""bench_fairness_torch.py — PyTorch twin of the fairness task's slice step
at the published reference's recipe (Chen et al., "Scalable Infomin
Learning", NeurIPS 2022), printed beside infomin's figures from the same run.

The twin trains what bench/fairness-recipe.ini trains, on data of UCI
Adult's shape (31,655 rows, 102 columns, generated): an MLP encoder
102-200-200-80 (ReLU) and a linear head, BCE + beta * slice(Z, T), Adam 1e-3,
batch 500; before every step, new slices (100 unit directions for Z, one for
the 1-column T) and a CCA fitted on the batch's own Z, as the reference
code does: features [u, u^2, u^3] of u = tanh(standardised Z . dirs^T), the
CCA in float64 NumPy with ridge 1e-3 and inverse square roots by eigh (the
reference's linear_cca), then the penalty |corr| of the top canonical pair
on the batch, differentiated through the fixed directions and weights.

usage: bench_fairness_torch.py [infomin results JSONL ...]
Prints seconds per epoch (one thread), and with infomin's results the ratio.
"""
import json
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")   # NumPy's BLAS too: one thread, like infomin's side
os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np
import torch

ROWS, COLS, DZ, BATCH, SLICES, BETA = 31655, 102, 80, 500, 100, 10.0


def standardise(v):
    return (v - v.mean(0)) / (v.std(0) + 1e-6)


def features(v, dirs):
    u = torch.tanh(standardise(v) @ dirs.T)
    return torch.cat([u, u * u, u * u * u], dim=1)


def inverse_sqrt(s):
    d, v = np.linalg.eigh(s)
    return (v / np.sqrt(d)) @ v.T


def cca(f, g, ridge=1e-3):
    """top canonical pair of f and g (float64), as the reference's linear_cca"""
    n = f.shape[0]
    mf, mg = f.mean(0), g.mean(0)
    fc, gc = f - mf, g - mg
    sff = fc.T @ fc / (n - 1) + ridge * np.eye(f.shape[1])
    sgg = gc.T @ gc / (n - 1) + ridge * np.eye(g.shape[1])
    sfg = fc.T @ gc / (n - 1)
    kf, kg = inverse_sqrt(sff), inverse_sqrt(sgg)
    u, _, vt = np.linalg.svd(kf @ sfg @ kg)
    return mf, mg, kf @ u[:, :1], kg @ vt[:1, :].T


def unit_rows(k, d):
    v = torch.randn(k, d)
    return v / v.norm(dim=1, keepdim=True)


def slice_penalty(z, t):
    theta, phi = unit_rows(SLICES, DZ), unit_rows(1, 1)
    with torch.no_grad():
        f = features(z, theta).double().numpy()
        g = features(t, phi).double().numpy()
    mf, mg, wf, wg = (torch.from_numpy(a).float() for a in cca(f, g))
    a = (features(z, theta) - mf) @ wf
    b = (features(t, phi) - mg) @ wg
    return (standardise(a) * standardise(b)).mean().abs()


def epoch_seconds():
    torch.manual_seed(1)
    x = torch.randn(ROWS, COLS)
    t = (torch.rand(ROWS, 1) < 0.5).float()
    y = (torch.rand(ROWS, 1) < 0.5).float()
    enc = torch.nn.Sequential(torch.nn.Linear(COLS, 200), torch.nn.ReLU(), torch.nn.Linear(200, 200),
                              torch.nn.ReLU(), torch.nn.Linear(200, DZ))
    head = torch.nn.Linear(DZ, 1)
    opt = torch.optim.Adam(list(enc.parameters()) + list(head.parameters()), lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def step(rows):
        z = enc(x[rows])
        loss = loss_fn(head(z), y[rows]) + BETA * slice_penalty(z, t[rows])
        opt.zero_grad()
        loss.backward()
        opt.step()

    perm = torch.randperm(ROWS)
    for k in range(3):   # warm-up
        step(perm[k * BATCH:(k + 1) * BATCH])
    t0 = time.perf_counter()
    for k in range(0, ROWS, BATCH):
        step(perm[k:k + BATCH])
    return time.perf_counter() - t0


def ours(paths):
    """infomin's seconds per epoch by recipe, from its results files"""
    out = {}
    for path in paths:
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                task = rec["config"]["task"]
                recipe = "reference" if task.get("refit_on") == "batch" else "default"
                out[recipe] = rec["metrics"]["seconds_per_epoch"]
    return out


def main():
    torch.set_num_threads(1)
    ref = ours(sys.argv[1:])
    torch_s = epoch_seconds()
    print("fairness slice step, Adult-shaped data (31,655 x 102), one thread, seconds per epoch:")
    print(f"{'recipe':<46} {'infomin':>9} {'PyTorch':>9} {'ratio':>7}")
    if "reference" in ref:
        r = ref["reference"]
        print(f"{'reference: batch 500, 100 slices, CCA per batch':<46} {r:9.3f} {torch_s:9.3f} {torch_s / r:6.1f}x")
    else:
        print(f"{'reference: batch 500, 100 slices, CCA per batch':<46} {'-':>9} {torch_s:9.3f}")
    if "default" in ref:
        print(f"{'default: batch 256, 200 slices, 20k rows / 5':<46} {ref['default']:9.3f} {'-':>9}")


if __name__ == "__main__":
    main()
