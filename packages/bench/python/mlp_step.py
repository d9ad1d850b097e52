"""PyTorch side of `pnpm bench`: times the MLP training step, square matmuls and optimizer updates on the CPU.

Run by packages/bench/src/systems/torch.ts with /usr/bin/python3, once per thread count, in
`serve` mode: the process stays alive for the whole run and answers one JSON command per stdin
line with one JSON line on stdout, so Python's start, `import torch` and the model's setup
happen once per system, outside every timed part, and the bench can interleave rounds.
  mlp_step.py <threads> serve
    {"cmd": "info"}
    {"cmd": "mlp", "dir": <workload-dir>, "opt": "sgd"|"adam", "lr": <lr>, "timing": [warmup, min_seconds, min_runs, max_runs]}
        (the first call for a workload builds the model and takes the first step: its loss is firstLoss;
        later calls only time further steps of the same model)
    {"cmd": "matmul", "n": <n>, "timing": [...]}
    {"cmd": "updates", "params": <params>, "steps": <steps>, "warmupMs": <untimed ms per optimizer>}
  mlp_step.py <threads> info
  mlp_step.py <threads> mlp <workload-dir> <sgd|adam> <lr> <warmup> <min_seconds> <min_runs> <max_runs>
  mlp_step.py <threads> matmul <n> <warmup> <min_seconds> <min_runs> <max_runs>
The one-shot forms print one JSON object on the last line of stdout. The workload directory
holds the bench's exact initial weights and batches (meta.json and raw little-endian float32 /
int32 files), so the first loss matches the other systems.
"""

import json
import os
import resource
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from allocator import tune  # noqa: E402

ALLOCATOR = tune()  # before torch allocates anything: PyTorch at its best (allocator.py)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from optimizer_updates import updates  # noqa: E402


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


def build_mlp(directory, opt_name, lr):
    """The model, optimizer and a step function on the workload in `directory`; takes the first step."""
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
    return {"step": step, "firstLoss": first_loss, "rss0": rss0}


def mlp(directory, opt_name, lr, timing, cache=None):
    key = (directory, opt_name, lr)
    built = cache.get(key) if cache is not None else None
    if built is None:
        built = build_mlp(directory, opt_name, lr)
        if cache is not None:
            cache[key] = built
    result = time_runs(built["step"], *timing)
    return {"timing": result, "firstLoss": built["firstLoss"], "rssDeltaBytes": rss_max_bytes() - built["rss0"]}


_matrices = {}


def matmul(n, timing):
    if n not in _matrices:
        g = torch.Generator().manual_seed(1)
        _matrices[n] = (torch.rand(n, n, generator=g), torch.rand(n, n, generator=g))
    a, b = _matrices[n]
    return {"timing": time_runs(lambda: torch.mm(a, b).numpy(), *timing)}


def blas():
    """The BLAS library torch's matmuls run on, read from this process's mapped files after one matmul
    (Debian's alternatives decide it: the reference BLAS is ~10x slower than OpenBLAS)."""
    torch.mm(torch.ones(64, 64), torch.ones(64, 64))
    try:
        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:  # not Linux
        return "unknown"
    for path in sorted(paths):
        name = path.rsplit("/", 1)[-1]
        if name.startswith(("libopenblas", "libmkl", "libblis")):
            return name
    return next((p for p in sorted(paths) if p.rsplit("/", 1)[-1].startswith("libblas.so")), "unknown")


def info():
    return {
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas(),
        "blasThreads": os.environ.get("OPENBLAS_NUM_THREADS", "unset"),
        "allocator": ALLOCATOR,
    }


def serve():
    models = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            c = json.loads(line)
            if c["cmd"] == "info":
                out = info()
            elif c["cmd"] == "mlp":
                out = mlp(c["dir"], c["opt"], float(c["lr"]), tuple(c["timing"]), models)
            elif c["cmd"] == "matmul":
                out = matmul(int(c["n"]), tuple(c["timing"]))
            elif c["cmd"] == "updates":
                warmup = {"warmup_ms": float(c["warmupMs"])} if "warmupMs" in c else {}
                out = updates(int(c["params"]), int(c["steps"]), **warmup)
            else:
                out = {"error": f"unknown command {c['cmd']}"}
        except Exception as e:  # reported to the bench, which skips the measurement
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


def main(argv):
    threads = int(argv[0])
    torch.set_num_threads(threads)
    task = argv[1]
    if task == "serve":
        serve()
        return
    if task == "mlp":
        timing = (int(argv[5]), float(argv[6]), int(argv[7]), int(argv[8]))
        out = mlp(argv[2], argv[3], float(argv[4]), timing)
    elif task == "matmul":
        timing = (int(argv[3]), float(argv[4]), int(argv[5]), int(argv[6]))
        out = matmul(int(argv[2]), timing)
    elif task == "info":
        out = {}
    else:
        raise SystemExit(f"unknown task {task}")
    print(json.dumps({**info(), **out}))


if __name__ == "__main__":
    main(sys.argv[1:])
