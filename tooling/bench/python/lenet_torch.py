"""The PyTorch side of `pnpm bench`'s LeNet rows: d2l's LeNet recipe (section 7.6: sigmoid,
average pooling, Xavier-uniform init, cross-entropy, SGD lr 0.9, batch 256) on Fashion-MNIST,
timed as the bench times Fovea (src/lenet-fashion.ts), with Debian's PyTorch 1.13 CPU:

    /usr/bin/python3 lenet_torch.py --data DIR --threads N epoch [--epochs K]
    /usr/bin/python3 lenet_torch.py --data DIR --threads N steps --batches 1,16,64,256,1024 --reps R

`epoch`: K epochs over the training set through torch.utils.data.DataLoader (shuffled by a
generator seeded with 0), each timed from the first batch read to the last optimizer step; the
dataset turns each image into float32 [1, 28, 28] in [0, 1] as torchvision's ToTensor does, so
reading and collating are timed as Fovea's are. `steps`: the time of one step (zero_grad,
forward, loss, backward, SGD step, loss.item()) on the first B training images, the median of
R repetitions (each the mean of the steps that fit in 0.1 s, at least one) after a warm-up (at
least two steps and 3 s, so that JIT-compiled peers time steady steps). Prints one JSON object on stdout."""

import argparse
import json
import resource
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from fashion_lenet import find, lenet, read_idx

# As the bench's Fovea side (src/lenet-fashion.ts): seconds of warm-up, and the least time one
# repetition times (as many steps as fit, at least one; its time is their mean).
WARM_UP_SECONDS = 3.0
REP_SECONDS = 0.1


class FashionMNIST(Dataset):
    def __init__(self, folder):
        self.images = read_idx(find(folder, "train-images-idx3-ubyte"))
        self.labels = read_idx(find(folder, "train-labels-idx1-ubyte"))

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i].unsqueeze(0).float().div(255), int(self.labels[i])


def xavier_lenet():
    net = lenet()

    def init(m):
        if type(m) in (nn.Linear, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)

    net.apply(init)
    return net


def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def epochs(data, count, batch):
    torch.manual_seed(0)
    net = xavier_lenet()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(data, batch_size=batch, shuffle=True, generator=torch.Generator().manual_seed(0))
    out = []
    for _ in range(count):
        net.train()
        total, seen = 0.0, 0
        start = time.perf_counter()
        for X, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(net(X), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            seen += len(y)
        out.append({"seconds": time.perf_counter() - start, "images": seen, "trainLoss": total / seen, "rssMB": rss_mb()})
    return out


def steps(data, batches, reps):
    torch.manual_seed(0)
    net = xavier_lenet()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.9)
    loss_fn = nn.CrossEntropyLoss()
    out = []
    for batch in batches:
        X = data.images[:batch].unsqueeze(1).float().div(255)
        y = data.labels[:batch].long()

        def step():
            optimizer.zero_grad()
            loss = loss_fn(net(X), y)
            loss.backward()
            optimizer.step()
            return loss.item()

        # Warm-up as on Fovea's side: at least two steps and WARM_UP_SECONDS.
        warm_start = time.perf_counter()
        for _ in range(2):
            step()
        while time.perf_counter() - warm_start < WARM_UP_SECONDS:
            step()
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            count = 0
            while True:
                step()
                count += 1
                if time.perf_counter() - start >= REP_SECONDS:
                    break
            times.append((time.perf_counter() - start) / count)
        out.append({"batch": batch, "ms": 1000 * statistics.median(times), "reps": reps})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("mode", choices=["epoch", "steps"])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--batches", default="1,16,64,256,1024")
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = FashionMNIST(args.data)
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "images": len(data)}
    if args.mode == "epoch":
        result["epochs"] = epochs(data, args.epochs, args.batch)
    else:
        result["steps"] = steps(data, [int(b) for b in args.batches.split(",")], args.reps)
    print(json.dumps(result))


main()
