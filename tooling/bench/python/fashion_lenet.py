"""What the PyTorch scripts beside it share: reading the Fashion-MNIST IDX files and d2l's LeNet
(section 7.6) as an nn.Sequential, with the keys Fovea's checkpoints use."""

import gzip
import os
import struct

import torch
from torch import nn


def read_idx(path):
    """An IDX file (gzip or raw) as a uint8 tensor of its shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(shape)


def find(folder, name):
    """The path of `name` in `folder`, gzip-compressed or raw."""
    for candidate in (name + ".gz", name):
        path = os.path.join(folder, candidate)
        if os.path.exists(path):
            return path
    raise SystemExit(f"'{folder}' has neither {name}.gz nor {name}")


def lenet(activation="sigmoid", pool="avg"):
    """d2l's LeNet; the default is the book's (sigmoid, average pooling)."""
    act = nn.ReLU if activation == "relu" else nn.Sigmoid
    down = nn.MaxPool2d if pool == "max" else nn.AvgPool2d
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), act(), down(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), act(), down(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), act(),
        nn.Linear(120, 84), act(),
        nn.Linear(84, 10))
