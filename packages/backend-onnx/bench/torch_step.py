"""PyTorch CPU peer for bench/step.mjs: MLP 784-512-512-10, batch 128, Adam, ms per step with 2 threads."""
import json, sys, time
import torch

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
x = torch.rand(128, 784)
y = torch.randint(0, 10, (128,))
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
print(json.dumps({"torch": torch.__version__, "msPerStep": (time.perf_counter() - t0) * 1000 / n}))
