"""PyTorch's twin of lenet-step.ts: d2l's LeNet, one SGD step (lr 0.9), on the number of threads
given as the second argument (1 by default); a third argument `cpu` times by the process's CPU
time (time.process_time) instead of the clock.

Prints the median ms per step for the batch given as the first argument, timed as
tooling/bench/src/timing.ts does (warm up, then the median of 7 repetitions of >= 200 ms).
"""
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
torch.manual_seed(0)
batch = int(sys.argv[1])
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(), nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
x = torch.rand(batch, 1, 28, 28)
y = torch.tensor([(i * 7 + 3) % 10 for i in range(batch)])
loss = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(net.parameters(), lr=0.9)


clock = time.process_time if len(sys.argv) > 3 and sys.argv[3] == "cpu" else time.perf_counter


def step():
    optimizer.zero_grad()
    l = loss(net(x), y)
    l.backward()
    optimizer.step()
    return l.item()


start = clock()
last = 0.0
while clock() - start < 0.3:
    t = clock()
    step()
    last = clock() - t
inner = max(1, int(0.2 / max(last, 1e-7)) + 1)
samples = []
for _ in range(7):
    t = clock()
    for _ in range(inner):
        step()
    samples.append((clock() - t) / inner * 1000)
samples.sort()
print(samples[3])
