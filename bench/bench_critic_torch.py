#!/usr/bin/python3
"""The bench_critic workload in PyTorch, for a side-by-side comparison.

Critic 40 -> 256 -> 256 -> 1 (ReLU) on B joint + B shuffled rows, the DV loss
with MINE's EMA-corrected gradient, Adam; 1000 steps at batch 64 and 256, on
one core and on two (PyTorch's threads and its BLAS's both set: see
twin_threads.py), and with one PyTorch thread over a BLAS on both cores.
Run with Debian's python3-torch:

    /usr/bin/python3 bench/bench_critic_torch.py [steps]
"""
import math
import sys
import time

import torch

from twin_threads import CONFIGS, blas_name, set_threads


def run(batch, steps, threads, blas_threads):
    set_threads(threads, blas_threads)
    torch.manual_seed(1)
    n, d = 20000, 20
    x = torch.randn(n, d)
    y = 0.8 * x + 0.6 * torch.randn(n, d)
    critic = torch.nn.Sequential(torch.nn.Linear(2 * d, 256), torch.nn.ReLU(),
                                 torch.nn.Linear(256, 256), torch.nn.ReLU(),
                                 torch.nn.Linear(256, 1))
    opt = torch.optim.Adam(critic.parameters(), lr=1e-4)
    log_ema, alpha = None, 0.01

    def step():
        nonlocal log_ema
        idx = torch.randint(0, n, (batch,))
        xb, yb = x[idx], y[idx]
        perm = torch.randperm(batch)
        t = critic(torch.cat([torch.cat([xb, yb], 1), torch.cat([xb, yb[perm]], 1)], 0))
        t_joint, t_marg = t[:batch], t[batch:]
        lme = torch.logsumexp(t_marg, 0) - math.log(batch)
        with torch.no_grad():
            v = lme.item()
            log_ema = v if log_ema is None else float(
                torch.logaddexp(torch.tensor(math.log1p(-alpha) + log_ema), torch.tensor(math.log(alpha) + v)))
        surrogate = t_joint.mean() - torch.exp(t_marg - log_ema).mean()
        opt.zero_grad(set_to_none=True)
        (-surrogate).backward()
        opt.step()

    for _ in range(20):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return steps / (time.perf_counter() - t0)


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    print(f"pytorch {torch.__version__}: critic 40-256-256-1, DV + EMA, Adam; {steps} steps; {blas_name()}")
    print(f"{'threads':<8} {'B':<5} {'steps/s':>10}")
    for label, threads, blas_threads in CONFIGS:
        for batch in (64, 256):
            print(f"{label:<8} {batch:<5} {run(batch, steps, threads, blas_threads):10.1f}")


if __name__ == "__main__":
    main()
