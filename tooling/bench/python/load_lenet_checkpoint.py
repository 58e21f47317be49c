"""Loads a Fovea LeNet checkpoint (`pnpm examples lenet` writes lenet.safetensors) into PyTorch's
nn.Sequential LeNet with load_state_dict(strict=True) and measures its test accuracy on
Fashion-MNIST in PyTorch, to compare with the accuracy Fovea printed. Run by hand:

    /usr/bin/python3 tooling/bench/python/load_lenet_checkpoint.py test-output/examples/lenet/lenet.safetensors [DATA_DIR]

It reads safetensors itself (the format is an 8-byte little-endian header length, a JSON header
of dtype, shape and byte offsets per tensor, then the bytes), so the `safetensors` Python
package is not needed; Debian does not ship it."""

import json
import struct
import sys

import torch

from fashion_lenet import find, lenet, read_idx

DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "I32": torch.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    metadata = header.pop("__metadata__", {})
    body = data[8 + length:]
    tensors = {}
    for key, entry in header.items():
        start, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(body[start:end]), dtype=DTYPES[entry["dtype"]])
        tensors[key] = flat.reshape(entry["shape"])
    return tensors, metadata


def main():
    checkpoint = sys.argv[1]
    data_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    state, metadata = read_safetensors(checkpoint)
    model = lenet(metadata.get("activation", "sigmoid"), metadata.get("pool", "avg"))
    result = model.load_state_dict(state, strict=True)
    print(f"loaded {checkpoint} into PyTorch {torch.__version__}'s nn.Sequential LeNet "
          f"({metadata.get('activation', 'sigmoid')}, {metadata.get('pool', 'avg')} pooling): {result}")
    images = read_idx(find(data_dir, "t10k-images-idx3-ubyte")).float().div(255).unsqueeze(1)
    labels = read_idx(find(data_dir, "t10k-labels-idx1-ubyte")).long()
    model.eval()
    with torch.no_grad():
        predicted = torch.cat([model(images[i:i + 1000]).argmax(1) for i in range(0, len(images), 1000)])
    print(f"test accuracy in PyTorch on {len(images)} images of {data_dir}: {(predicted == labels).float().mean().item():.4f}")


main()
