"""Shared by the scripts that make Fovea's reference data: how a tensor is written to JSON and
where a file goes. Each script in this folder writes one file of ../data and is run with
Debian's PyTorch as `/usr/bin/python3 tooling/golden/make/<name>.py` (see ../README.md)."""

import json
import math
import os

import torch

DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def number(v):
    """JSON has no nan or inf: spell them as strings, as the other reference files do."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor_json(t):
    """A tensor as `{shape, data}`, data flat and row-major (float64 values kept as they are)."""
    t = t.detach().contiguous()
    flat = t.reshape(-1).tolist()
    return {"shape": list(t.shape), "data": [number(v) for v in flat]}


def write(name, cases, about):
    """Writes ../data/<name>.json with the PyTorch version that made it."""
    path = os.path.join(DATA_DIR, name)
    body = {"about": about, "torch": torch.__version__, "cases": cases}
    with open(path, "w") as f:
        json.dump(body, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path)} ({len(cases)} cases)")
