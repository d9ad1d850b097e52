"""PyTorch side of `pnpm bench`'s optimizer-update benchmark: ms per `optimizer.step()` over N parameters.

Run by packages/bench/src/systems/torch.ts through mlp_step.py's `serve` mode (which imports
`updates` from here, in a process started with the thread count), or alone:
  optimizer_updates.py <params> <steps> [threads=1]
which prints one JSON object on the last line of stdout.
The parameters have the shapes of @backprop/optimizers' `benchmarkUpdates` (an MLP's: a large
weight, a bias, a second weight, a bias; 1000 columns), the gradients are fixed, each optimizer
gets one warm-up step, then `steps` timed steps. Optimizers use PyTorch's defaults, with the
learning rates of `benchmarkUpdates` (SGD 0.01, momentum 0.9). The lecture's momentum form has
no PyTorch counterpart and is left out.
"""

import json
import sys
import time

import torch


def shapes(params):
    cols = 1000
    rows1 = max(1, int(params * 0.8) // cols)
    rows2 = max(1, (params - rows1 * cols - 2 * cols) // cols)
    return [(rows1, cols), (cols,), (rows2, cols), (cols,)]


OPTIMIZERS = [
    ("SGD", lambda p: torch.optim.SGD(p, lr=0.01)),
    ("SGD momentum", lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
    ("Adagrad", lambda p: torch.optim.Adagrad(p)),
    ("RMSprop", lambda p: torch.optim.RMSprop(p)),
    ("Adam", lambda p: torch.optim.Adam(p)),
    ("AdamW", lambda p: torch.optim.AdamW(p)),
    ("Adamax", lambda p: torch.optim.Adamax(p)),
    ("NAdam", lambda p: torch.optim.NAdam(p)),
    ("Adadelta", lambda p: torch.optim.Adadelta(p)),
]

_params = {}


def parameters(params):
    """The parameters (with fixed gradients) for `params`, made once per process and size."""
    if params not in _params:
        torch.manual_seed(0)
        ps = [torch.nn.Parameter(torch.randn(s) * 0.01) for s in shapes(params)]
        for p in ps:
            p.grad = torch.randn(p.shape) * 0.01
        _params[params] = ps
    return _params[params]


def updates(params, steps):
    """Milliseconds per `optimizer.step()` by optimizer name: one warm-up step, then the mean of `steps`."""
    ps = parameters(params)
    out = {}
    for name, make in OPTIMIZERS:
        opt = make(ps)
        opt.step()
        start = time.perf_counter()
        for _ in range(steps):
            opt.step()
        out[name] = (time.perf_counter() - start) * 1000 / steps
        del opt
    return out


def main(params, steps, threads):
    torch.set_num_threads(threads)
    out = updates(params, steps)
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "msPerStep": out}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
