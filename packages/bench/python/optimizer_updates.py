"""PyTorch side of `pnpm bench`'s optimizer-update benchmark: ms per `optimizer.step()` over N parameters.

Run by packages/bench/src/systems/torch.ts through mlp_step.py's `serve` mode (which imports
`updates` from here, in a process started with the thread count), or alone:
  optimizer_updates.py <params> <steps> [threads=1]
which prints one JSON object on the last line of stdout.
The parameters have the shapes of @backprop/optimizers' `benchmarkUpdates` (an MLP's: a large
weight, a bias, a second weight, a bias; 1000 columns), the gradients are fixed, each optimizer
updates untimed for a while (the bench's warm-up; alone, 50 ms; at least one step), then `steps` steps are timed one by one, and the result is their median (as
`benchmarkUpdates`' `medianMsPerStep` on the Backprop side). Optimizers use PyTorch's defaults,
with the learning rates of `benchmarkUpdates` (SGD 0.01, momentum 0.9). PyTorch at its best: each
optimizer runs both of PyTorch's CPU implementations, one kernel per tensor (`foreach=False`, the
CPU default) and one call over the list (`foreach=True`), and the faster median is reported, with
which one it was; the process's allocator is tuned first (allocator.py). The lecture's momentum
form has no PyTorch counterpart and is left out.
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from allocator import tune  # noqa: E402

tune()  # before torch allocates anything

import torch  # noqa: E402


def shapes(params):
    cols = 1000
    rows1 = max(1, int(params * 0.8) // cols)
    rows2 = max(1, (params - rows1 * cols - 2 * cols) // cols)
    return [(rows1, cols), (cols,), (rows2, cols), (cols,)]


OPTIMIZERS = [
    ("SGD", lambda p, f: torch.optim.SGD(p, lr=0.01, foreach=f)),
    ("SGD momentum", lambda p, f: torch.optim.SGD(p, lr=0.01, momentum=0.9, foreach=f)),
    ("Adagrad", lambda p, f: torch.optim.Adagrad(p, foreach=f)),
    ("RMSprop", lambda p, f: torch.optim.RMSprop(p, foreach=f)),
    ("Adam", lambda p, f: torch.optim.Adam(p, foreach=f)),
    ("AdamW", lambda p, f: torch.optim.AdamW(p, foreach=f)),
    ("Adamax", lambda p, f: torch.optim.Adamax(p, foreach=f)),
    ("NAdam", lambda p, f: torch.optim.NAdam(p, foreach=f)),
    ("Adadelta", lambda p, f: torch.optim.Adadelta(p, foreach=f)),
]

_params = {}

# Untimed updates per optimizer and implementation before the timed ones, in ms, when run alone
# (the bench passes its own, the one the Backprop side uses): memory-bound updates run slower for
# their first few milliseconds after other work.
WARMUP_MS = 50


def parameters(params):
    """The parameters (with fixed gradients) for `params`, made once per process and size."""
    if params not in _params:
        torch.manual_seed(0)
        ps = [torch.nn.Parameter(torch.randn(s) * 0.01) for s in shapes(params)]
        for p in ps:
            p.grad = torch.randn(p.shape) * 0.01
        _params[params] = ps
    return _params[params]


def median_ms(opt, steps, warmup_ms=WARMUP_MS):
    """Untimed `opt.step()`s for `warmup_ms` (at least one), then the median of `steps` timed one by one, in ms."""
    start = time.perf_counter()
    opt.step()
    while (time.perf_counter() - start) * 1000 < warmup_ms:
        opt.step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        opt.step()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def updates(params, steps, warmup_ms=WARMUP_MS):
    """Per optimizer name, the faster of its two implementations: `{"msPerStep": {...}, "foreach": {...}}`."""
    ps = parameters(params)
    ms, foreach = {}, {}
    for name, make in OPTIMIZERS:
        timed = {}
        for f in (False, True):
            opt = make(ps, f)
            timed[f] = median_ms(opt, steps, warmup_ms)
            del opt
        best = min(timed, key=timed.get)
        ms[name], foreach[name] = timed[best], best
    return {"msPerStep": ms, "foreach": foreach}


def main(params, steps, threads):
    torch.set_num_threads(threads)
    out = updates(params, steps)
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), **out}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 1)
