"""Golden learning rates from PyTorch 1.13 for schedulers that share an optimizer with something
else changing its rate (PyTorch's chainable schedulers, stepped in the order of fit's callbacks).

Run from packages/optimizers:  /usr/bin/python3 scripts/scheduler_golden.py
Writes test/golden/schedulers.json: for each case, the rate in effect at epochs 0..N (after the
previous epoch's scheduler.step() and plateau.step()). test/scheduler-chaining.test.ts replays them.
"""
import json
import os
import warnings

import torch
from torch.optim import lr_scheduler as L

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'golden', 'schedulers.json')


def opt(lr=0.1):
    return torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def run(o, steppers, epochs):
    lrs = []
    for _ in range(epochs + 1):
        lrs.append(o.param_groups[0]['lr'])
        o.step()
        for s in steppers:
            s()
    return lrs


def plateau(o, metric=1.0, **kw):
    r = L.ReduceLROnPlateau(o, **kw)
    return lambda: r.step(metric)


cases = {}

# The README's example: cosine annealing and reduce-on-plateau (a constant loss, so it fires).
o = opt()
c = L.CosineAnnealingLR(o, 10)
cases['cosinePlateau'] = run(o, [c.step, plateau(o, patience=1, factor=0.1)], 32)

# The same with the callbacks the other way round: the plateau steps first.
o = opt()
c = L.CosineAnnealingLR(o, 10)
cases['plateauCosine'] = run(o, [plateau(o, patience=1, factor=0.1), c.step], 32)

# Two schedulers on one optimizer: warmup, then exponential decay, chained.
o = opt()
a = L.LinearLR(o, total_iters=3)
b = L.ExponentialLR(o, 0.5)
cases['warmupExponential'] = run(o, [a.step, b.step], 10)

# Cosine annealing with eta_min: the change scales lr - eta_min, and a cut at the trough is kept.
o = opt()
c = L.CosineAnnealingLR(o, 4, eta_min=0.01)
cases['cosineEtaMinPlateau'] = run(o, [c.step, plateau(o, patience=2, factor=0.5)], 12)

# Step decay and a plateau cut every epoch (threshold 10: nothing counts as better).
o = opt()
s = L.StepLR(o, 2, 0.5)
cases['stepPlateau'] = run(o, [s.step, plateau(o, patience=0, factor=0.5, threshold=10)], 4)

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, **cases}, f, indent=1)
    f.write('\n')
