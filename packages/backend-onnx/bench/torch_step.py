"""PyTorch peer for bench/step.mjs and bench/webgpu-step.mjs: MLP 784-512-512-10, Adam, ms per step.

python3 torch_step.py [threads=2] [device=cpu|cuda] [batch=128]
"""
import json, sys, time
import torch

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
print(json.dumps({"torch": torch.__version__, "device": device, "batch": batch, "msPerStep": (time.perf_counter() - t0) * 1000 / n}))
