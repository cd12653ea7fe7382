#!/usr/bin/python3
"""The all-pairs concat critic of bench_estimators in PyTorch (Poole et al.'s
setting): 20-D x and y, critic [x, y] -> 256 -> 256 -> 1 (ReLU) scored on all
B x B batch pairs, the NWJ bound (joint pairs on the diagonal, the others
the product of marginals), Adam 5e-4. The first layer is applied to the B
rows of each side and broadcast-added (W [x; y] = Wx x + Wy y), as an expert
would write it and as infomin does, rather than on B^2 concatenated rows.
On one core and on two (PyTorch's and its BLAS's threads: twin_threads.py).

    /usr/bin/python3 bench/bench_estimators_torch.py [steps]
"""
import math
import sys
import time

import torch

from twin_threads import CONFIGS, blas_name, set_threads


def run(batch, steps, threads, blas_threads):
    set_threads(threads, blas_threads)
    torch.manual_seed(1)
    n, d, h = 20000, 20, 256
    x = torch.randn(n, d)
    y = 0.8 * x + 0.6 * torch.randn(n, d)
    wx, wy = torch.nn.Linear(d, h), torch.nn.Linear(d, h, bias=False)
    rest = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(h, h), torch.nn.ReLU(), torch.nn.Linear(h, 1))
    params = list(wx.parameters()) + list(wy.parameters()) + list(rest.parameters())
    opt = torch.optim.Adam(params, lr=5e-4)
    off = ~torch.eye(batch, dtype=torch.bool)

    def step():
        idx = torch.randint(0, n, (batch,))
        xb, yb = x[idx], y[idx]
        pre = wx(xb)[:, None, :] + wy(yb)[None, :, :]          # B x B x h: T(x_i, y_j)
        scores = rest(pre.reshape(batch * batch, h)).reshape(batch, batch)
        nwj = scores.diagonal().mean() - torch.exp(scores[off] - 1).mean()
        opt.zero_grad(set_to_none=True)
        (-nwj).backward()
        opt.step()

    for _ in range(5):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - t0)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    print(f"pytorch {torch.__version__}: all-pairs concat critic 40-256-256-1, NWJ, Adam; "
          f"{steps} steps (B = 256: {steps // 8 + 1}); {blas_name()}")
    print(f"{'threads':<8} {'B':<5} {'steps/s':>10}")
    for label, threads, blas_threads in CONFIGS:
        for batch in (64, 256):
            rate = run(batch, steps if batch == 64 else steps // 8 + 1, threads, blas_threads)
            print(f"{label:<8} {batch:<5} {rate:10.1f}")


if __name__ == "__main__":
    main()
