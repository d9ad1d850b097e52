"""Golden values from PyTorch (run with Debian's /usr/bin/python3, torch 1.13 CPU) for BatchNorm1d and LayerNorm.

Writes test/golden/batch-norm.json and test/golden/layer-norm.json. Inputs are float32 draws from a seeded
NumPy generator, stored in the JSON so the TypeScript tests feed exactly the same values; PyTorch runs in float32.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "golden")
rng = np.random.default_rng(20240607)


def f32(*shape, scale=1.0, shift=0.0):
    return (rng.standard_normal(shape) * scale + shift).astype(np.float32)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def batch_norm_case(name, momentum, features=5, batches=(8, 4, 6), eval_rows=3):
    gamma, beta = f32(features, scale=0.5, shift=1.0), f32(features, scale=0.3)
    bn = torch.nn.BatchNorm1d(features, eps=1e-5, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
    bn.train()
    steps = []
    for i, n in enumerate(batches):
        # per-feature scales and shifts so the statistics differ across features
        x = (f32(n, features) * np.linspace(0.5, 3.0, features) + np.linspace(-2, 2, features)).astype(np.float32)
        dy = f32(n, features)
        xt = torch.from_numpy(x).requires_grad_(True)
        bn.zero_grad()
        y = bn(xt)
        y.backward(torch.from_numpy(dy))
        steps.append({
            "x": flat(xt), "shape": [n, features], "dy": flat(torch.from_numpy(dy)), "y": flat(y),
            "dx": flat(xt.grad), "dGamma": flat(bn.weight.grad), "dBeta": flat(bn.bias.grad),
            "runningMean": flat(bn.running_mean), "runningVar": flat(bn.running_var),
            "numBatchesTracked": int(bn.num_batches_tracked),
        })
    bn.eval()
    xe = f32(eval_rows, features, scale=2.0)
    ye = bn(torch.from_numpy(xe))
    return {
        "name": name, "momentum": momentum, "eps": 1e-5, "features": features,
        "gamma": [float(v) for v in gamma], "beta": [float(v) for v in beta], "steps": steps,
        "eval": {"x": [float(v) for v in xe.reshape(-1)], "shape": [eval_rows, features], "y": flat(ye)},
    }


def layer_norm_case(name, shape):
    d = shape[-1]
    gamma, beta = f32(d, scale=0.5, shift=1.0), f32(d, scale=0.3)
    ln = torch.nn.LayerNorm(d, eps=1e-5)
    with torch.no_grad():
        ln.weight.copy_(torch.from_numpy(gamma))
        ln.bias.copy_(torch.from_numpy(beta))
    x = f32(*shape, scale=2.0, shift=0.5)
    dy = f32(*shape)
    xt = torch.from_numpy(x).requires_grad_(True)
    y = ln(xt)
    y.backward(torch.from_numpy(dy))
    return {
        "name": name, "eps": 1e-5, "shape": list(shape), "gamma": [float(v) for v in gamma],
        "beta": [float(v) for v in beta], "x": flat(xt), "dy": flat(torch.from_numpy(dy)), "y": flat(y),
        "dx": flat(xt.grad), "dGamma": flat(ln.weight.grad), "dBeta": flat(ln.bias.grad),
    }


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    bn = {
        "torch": torch.__version__,
        "cases": [batch_norm_case("momentum 0.1", 0.1), batch_norm_case("momentum 0.3", 0.3),
                  batch_norm_case("cumulative (momentum None)", None)],
    }
    ln = {"torch": torch.__version__, "cases": [layer_norm_case("2-D", (4, 6)), layer_norm_case("3-D", (2, 3, 4))]}
    for fname, data in (("batch-norm.json", bn), ("layer-norm.json", ln)):
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
