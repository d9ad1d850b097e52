"""Golden values from PyTorch for the conformance suite.

Run with Debian's Python (PyTorch 1.13, CPU):  /usr/bin/python3 scripts/golden.py
Writes golden/ops.json: for each op id, the fixed inputs (numpy seed 0), the float32 output,
a fixed cotangent, and the gradients of sum(output * cotangent) with respect to every float input.
The suite reads the JSON; it never needs Python.
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(0)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def unif(lo, hi, *shape):
    return rng.uniform(lo, hi, shape).astype(np.float32)


def away(x, margin=0.1):
    return np.where(np.abs(x) < margin, np.where(x < 0, -margin, margin) + x, x).astype(np.float32)


def labels(n, c):
    return rng.integers(0, c, n).astype(np.int32)


OPS = {}


def op(name, inputs, fn):
    OPS[name] = (inputs, fn)


x34 = lambda: randn(3, 4)
op('neg', [x34()], lambda x: -x)
op('abs', [away(x34())], torch.abs)
op('exp', [x34()], torch.exp)
op('log', [unif(0.2, 3, 3, 4)], torch.log)
op('log1p', [unif(-0.5, 3, 3, 4)], torch.log1p)
op('sqrt', [unif(0.2, 3, 3, 4)], torch.sqrt)
op('reciprocal', [away(x34(), 0.3)], torch.reciprocal)
op('tanh', [x34()], torch.tanh)
op('sigmoid', [randn(3, 4) * 3], torch.sigmoid)
op('sin', [x34()], torch.sin)
op('cos', [x34()], torch.cos)
op('square', [x34()], torch.square)
op('rsqrt', [unif(0.2, 3, 3, 4)], torch.rsqrt)
op('relu', [away(x34())], torch.relu)
op('leakyRelu', [away(x34())], lambda x: F.leaky_relu(x, 0.01))
op('softplus', [randn(3, 4) * 3], F.softplus)
op('elu', [away(x34())], F.elu)
op('add', [x34(), randn(4)], torch.add)
op('sub', [randn(3, 1), randn(1, 4)], torch.sub)
op('mul', [randn(2, 3, 4), randn(3, 1)], torch.mul)
op('div', [x34(), away(randn(4), 0.5)], torch.div)
op('pow', [unif(0.3, 2, 3, 4), unif(-2, 2, 3, 4)], torch.pow)
op('maximum', [x34(), x34()], torch.maximum)
op('minimum', [x34(), x34()], torch.minimum)
op('sum', [randn(3, 4, 5)], lambda x: x.sum(dim=(0, 2)))
op('sum/keepDims', [randn(3, 4, 5)], lambda x: x.sum(dim=1, keepdim=True))
op('mean', [randn(3, 4, 5)], lambda x: x.mean(dim=-1))
op('max', [randn(3, 7)], lambda x: x.amax(dim=1))
op('min', [randn(3, 7)], lambda x: x.amin(dim=0))
op('logSumExp', [randn(3, 7) * 3], lambda x: torch.logsumexp(x, dim=1))
op('softmax', [randn(4, 7) * 2], lambda x: torch.softmax(x, dim=-1))
op('softmax/axis0', [randn(4, 7) * 2], lambda x: torch.softmax(x, dim=0))
op('logSoftmax', [randn(4, 7) * 2], lambda x: torch.log_softmax(x, dim=-1))
op('matmul', [randn(5, 7), randn(7, 3)], torch.matmul)
op('matmul/transposeA', [randn(7, 5), randn(7, 3)], lambda a, b: a.T @ b)
op('matmul/transposeB', [randn(5, 7), randn(3, 7)], lambda a, b: a @ b.T)
op('matmul/transposeAB', [randn(7, 5), randn(3, 7)], lambda a, b: a.T @ b.T)
op('matmul/batched', [randn(2, 1, 3, 4), randn(3, 4, 5)], torch.matmul)
op('transpose', [randn(2, 3, 4)], lambda x: x.permute(2, 0, 1))
op('concat', [randn(2, 3), randn(2, 5)], lambda a, b: torch.cat([a, b], dim=1))
op('slice', [randn(4, 6)], lambda x: x[1:3, 2:6])
op('pad', [randn(2, 3)], lambda x: F.pad(x, (2, 1, 1, 0), value=0.5))
op('gather', [randn(5, 3), np.array([4, 0, 4, 2], dtype=np.int32)], lambda x, i: x[i.long()])
op('broadcastTo', [randn(3, 1)], lambda x: x.expand(2, 3, 4))
op('losses/squaredError', [randn(6, 3), randn(6, 3)], lambda h, y: 0.5 * ((h - y) ** 2).sum() / h.shape[0])
op('losses/mse', [randn(6, 3), randn(6, 3)], F.mse_loss)
op('losses/binaryCrossEntropy', [unif(0.05, 0.95, 6, 3), unif(0, 1, 6, 3)], F.binary_cross_entropy)
op('losses/binaryCrossEntropyWithLogits', [randn(6, 3) * 3, unif(0, 1, 6, 3)], F.binary_cross_entropy_with_logits)
op('losses/softmaxCrossEntropy', [randn(6, 5) * 2, labels(6, 5)], lambda z, y: F.cross_entropy(z, y.long()))
op('losses/softmaxCrossEntropy/probabilities', [randn(6, 5) * 2, np.asarray(torch.softmax(torch.tensor(randn(6, 5)), 1))],
   lambda z, t: F.cross_entropy(z, t))


def entry(a):
    return {'shape': list(a.shape), 'dtype': 'int32' if a.dtype == np.int32 else 'float32', 'values': [float(v) for v in a.reshape(-1)]}


out = {'torch': torch.__version__, 'numpy_seed': 0, 'ops': {}}
for name, (inputs, fn) in OPS.items():
    ts = [torch.tensor(a, requires_grad=a.dtype == np.float32) for a in inputs]
    y = fn(*ts)
    cot = rng.uniform(-1, 1, tuple(y.shape)).astype(np.float32)
    (y * torch.tensor(cot)).sum().backward()
    out['ops'][name] = {
        'inputs': [entry(a) for a in inputs],
        'output': entry(y.detach().numpy().astype(np.float32)),
        'cotangent': entry(cot),
        'grads': [entry(t.grad.numpy()) if t.requires_grad else None for t in ts],
    }

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'golden', 'ops.json')
with open(path, 'w') as f:
    json.dump(out, f, separators=(',', ':'))
print(f'wrote {len(out["ops"])} ops to {os.path.normpath(path)}')
