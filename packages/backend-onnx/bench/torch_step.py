"""PyTorch peer for bench/step.mjs and bench/webgpu-step.mjs: MLP 784-512-512-10, Adam, ms per step.

python3 torch_step.py [threads=2] [device=cpu|cuda] [batch=128]
PyTorch at its best on the CPU: glibc's malloc tuned first, as `pnpm bench` does
(packages/bench/python/allocator.py: with the defaults every step page-faults, 2.5x slower here).
"""
import json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "python"))
try:
    from allocator import tune
    ALLOCATOR = tune()
except ImportError:  # the bench package is not beside this one
    ALLOCATOR = "default (packages/bench/python/allocator.py not found)"
import torch  # noqa: E402

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
device = sys.argv[2] if len(sys.argv) > 2 else "cpu"
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 128
if device == "cuda" and not torch.cuda.is_available():
    print(json.dumps({"torch": torch.__version__, "msPerStep": None, "device": "cuda unavailable"}))
    sys.exit(0)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10)).to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(batch, 784, device=device)
y = torch.randint(0, 10, (batch,), device=device)
loss_fn = torch.nn.CrossEntropyLoss()

def step():
    opt.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()

for _ in range(10):
    step()
n = 50
t0 = time.perf_counter()
for _ in range(n):
    step()
print(json.dumps({"torch": torch.__version__, "device": device, "batch": batch, "allocator": ALLOCATOR, "msPerStep": (time.perf_counter() - t0) * 1000 / n}))
