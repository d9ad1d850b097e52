"""Golden values from PyTorch for losses.binaryCrossEntropy (test/losses-bce.test.ts reads them).

Run with Debian's Python (PyTorch 1.13, CPU), from packages/core:
    /usr/bin/python3 test/golden/bce.py
Writes test/golden/bce.json: for each case the float32 probabilities p and targets y, and
F.binary_cross_entropy(p, y) (mean reduction) with its gradients with respect to p and y,
all float32 values written exactly as doubles. PyTorch's gradient with respect to y is ±inf
where p is 0 or 1; JSON has no infinities, so those are written as the strings
"Infinity" / "-Infinity". The tests never need Python.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

# 1 - 1e-8 rounds to exactly 1 in float32; 1e-30 is a normal float32 whose log is above -100.
PS = [0.0, 1.0, 1e-30, 1 - 1e-8, 1e-7, 0.3, 0.5, 0.999]
YS = [0.0, 1.0, 0.25]


def f32(values):
    return np.asarray(values, dtype=np.float32)


def encode(values):
    out = []
    for v in np.asarray(values, dtype=np.float32).reshape(-1).tolist():
        out.append(v if np.isfinite(v) else ('Infinity' if v > 0 else '-Infinity' if v < 0 else 'NaN'))
    return out


def case(name, p, y):
    p = torch.tensor(f32(p), requires_grad=True)
    y = torch.tensor(f32(y), requires_grad=True)
    loss = F.binary_cross_entropy(p, y)
    loss.backward()
    return {
        'name': name,
        'shape': list(p.shape),
        'p': encode(p.detach().numpy()),
        'y': encode(y.detach().numpy()),
        'loss': encode(loss.detach().numpy())[0],
        'gradP': encode(p.grad.numpy()),
        'gradY': encode(y.grad.numpy()),
    }


cases = [case(f'p={p!r} y={y!r}', [p], [y]) for p in PS for y in YS]
# Every pair in one batch, [8, 3]: checks the mean's 1/N in the gradients.
grid_p = [[p] * len(YS) for p in PS]
grid_y = [YS for _ in PS]
cases.append(case('all pairs [8, 3]', grid_p, grid_y))

out = {'torch': torch.__version__, 'op': 'torch.nn.functional.binary_cross_entropy (mean)', 'cases': cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bce.json')
with open(path, 'w') as f:  # one case per line
    head = json.dumps({k: v for k, v in out.items() if k != 'cases'})[:-1]
    f.write(head + ', "cases": [\n' + ',\n'.join(json.dumps(c) for c in cases) + '\n]}\n')
print(f'wrote {len(cases)} cases to {path}')
