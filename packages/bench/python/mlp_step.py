"""PyTorch side of `pnpm bench`: times the MLP training step and square matmuls on the CPU.

Run by packages/bench/src/systems/torch.ts with /usr/bin/python3; prints one JSON object on
the last line of stdout. Usage:
  mlp_step.py mlp <workload-dir> <sgd|adam> <lr> <warmup> <min_seconds> <min_runs> <max_runs>
  mlp_step.py matmul <n> <warmup> <min_seconds> <min_runs> <max_runs>
The workload directory holds the bench's exact initial weights and batches (meta.json and raw
little-endian float32 / int32 files), so the first loss matches the other systems.
"""

import json
import os
import resource
import statistics
import sys
import time

import numpy as np
import torch

THREADS = 2
torch.set_num_threads(THREADS)


def time_runs(run, warmup, min_seconds, min_runs, max_runs):
    for _ in range(warmup):
        run()
    times = []
    start = time.perf_counter()
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() - start < min_seconds):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return {"runs": len(times), "medianMs": statistics.median(times), "meanMs": statistics.fmean(times), "minMs": min(times)}


def rss_max_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def mlp(directory, opt_name, lr, timing):
    meta = json.load(open(os.path.join(directory, "meta.json")))
    sizes, batch = meta["sizes"], meta["batchSize"]
    rss0 = rss_max_bytes()
    layers = []
    for i in range(len(sizes) - 1):
        linear = torch.nn.Linear(sizes[i], sizes[i + 1])
        w = np.fromfile(os.path.join(directory, f"w{i}.f32"), dtype="<f4").reshape(sizes[i], sizes[i + 1])
        b = np.fromfile(os.path.join(directory, f"b{i}.f32"), dtype="<f4")
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))  # ours is [in, out]; torch's is [out, in]
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    if opt_name == "adam":
        optimizer = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-8)
    else:
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    batches = []
    for k in range(meta["batchCount"]):
        x = np.fromfile(os.path.join(directory, f"x{k}.f32"), dtype="<f4").reshape(batch, sizes[0])
        y = np.fromfile(os.path.join(directory, f"y{k}.i32"), dtype="<i4").astype(np.int64)
        batches.append((x, y))
    loss_fn = torch.nn.CrossEntropyLoss()
    counter = [0]

    def step():
        x, y = batches[counter[0] % len(batches)]
        counter[0] += 1
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        optimizer.step()
        return loss.item()

    first_loss = step()
    result = time_runs(step, *timing)
    return {"timing": result, "firstLoss": first_loss, "rssDeltaBytes": rss_max_bytes() - rss0}


def matmul(n, timing):
    g = torch.Generator().manual_seed(1)
    a = torch.rand(n, n, generator=g)
    b = torch.rand(n, n, generator=g)
    return {"timing": time_runs(lambda: torch.mm(a, b).numpy(), *timing)}


def main(argv):
    info = {"version": torch.__version__, "threads": torch.get_num_threads()}
    if argv[0] == "mlp":
        timing = (int(argv[4]), float(argv[5]), int(argv[6]), int(argv[7]))
        out = mlp(argv[1], argv[2], float(argv[3]), timing)
    elif argv[0] == "matmul":
        timing = (int(argv[2]), float(argv[3]), int(argv[4]), int(argv[5]))
        out = matmul(int(argv[1]), timing)
    elif argv[0] == "info":
        out = {}
    else:
        raise SystemExit(f"unknown task {argv[0]}")
    print(json.dumps({**info, **out}))


if __name__ == "__main__":
    main(sys.argv[1:])
