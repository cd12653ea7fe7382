"""MINE on arrays that came from a PyTorch model: how much a small network's
features Z = f(X) keep about a label Y, before and after training f to
predict Y. The features leave torch through .numpy(); infomin estimates
I(Z; Y) on a seeded held-out split.

    /usr/bin/python3 examples/python/mine_on_torch_features.py
"""
import os
import sys

import numpy as np

import infomin

try:
    import torch
except ImportError:
    print("PyTorch is not installed (apt-get install python3-torch): nothing to show")
    sys.exit(0)

small = os.environ.get("INFOMIN_EXAMPLE_SIZE") == "small"
n, steps = (2000, 300) if small else (20000, 3000)
torch.manual_seed(0)
rng = np.random.default_rng(0)
x = rng.normal(size=(n, 10)).astype(np.float32)
y = (x[:, 0] + x[:, 1] ** 2 > 1).astype(np.float32)[:, None]  # a label from two of the ten inputs

f = torch.nn.Sequential(torch.nn.Linear(10, 32), torch.nn.Tanh(), torch.nn.Linear(32, 4))
head = torch.nn.Linear(4, 1)


def features():
    with torch.no_grad():
        return f(torch.from_numpy(x)).numpy()


before = infomin.mi(features(), y, estimator="mine", steps=steps, seed=1)
opt = torch.optim.Adam(list(f.parameters()) + list(head.parameters()), lr=1e-2)
for _ in range(200):
    opt.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy_with_logits(head(f(torch.from_numpy(x))), torch.from_numpy(y))
    loss.backward()
    opt.step()
after = infomin.mi(features(), y, estimator="mine", steps=steps, seed=1)
h_y = -np.mean(y) * np.log(np.mean(y)) - (1 - np.mean(y)) * np.log(1 - np.mean(y))
print("I(Z; Y) by MINE (lower bound), nats: untrained f %.3f, trained f %.3f (H(Y) = %.3f)" % (before, after, h_y))
assert after > before and after < h_y + 0.1
