#!/usr/bin/python3
"""The bench_conv workload in PyTorch, for a side-by-side comparison.

The conv encoder's defaults on 28x28 grey images: conv 64, 128, 256 (4x4,
stride 2, padding 1) each with batch norm and ReLU, dense 1024 (batch norm,
ReLU), code 64, a linear head to 10 classes, cross-entropy, Adam; batch 128
of random images; images/s of the median of 5 blocks on one core and on two
(PyTorch's and its BLAS's threads: twin_threads.py).
Run with Debian's python3-torch:

    /usr/bin/python3 bench/bench_conv_torch.py [steps per block]
"""
import sys
import time

import torch
from torch import nn

from twin_threads import CONFIGS, blas_name, set_threads

BATCH = 128


def model():
    return nn.Sequential(
        nn.Conv2d(1, 64, 4, 2, 1), nn.BatchNorm2d(64), nn.ReLU(),
        nn.Conv2d(64, 128, 4, 2, 1), nn.BatchNorm2d(128), nn.ReLU(),
        nn.Conv2d(128, 256, 4, 2, 1), nn.BatchNorm2d(256), nn.ReLU(),
        nn.Flatten(), nn.Linear(256 * 3 * 3, 1024), nn.BatchNorm1d(1024), nn.ReLU(),
        nn.Linear(1024, 64), nn.Linear(64, 10))


def run(threads, blas_threads, steps):
    set_threads(threads, blas_threads)
    torch.manual_seed(1)
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(BATCH, 1, 28, 28)
    y = torch.randint(0, 10, (BATCH,))

    def step():
        loss = nn.functional.cross_entropy(net(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * BATCH / (time.perf_counter() - t0))
    return sorted(rates)[2]


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(f"\nPyTorch {torch.__version__}, the same conv encoder step, batch {BATCH}; {blas_name()}")
    print(f"{'threads':<8} {'images/s':>10}")
    for label, threads, blas_threads in CONFIGS:
        print(f"{label:<8} {run(threads, blas_threads, steps):10.1f}")


if __name__ == "__main__":
    main()
