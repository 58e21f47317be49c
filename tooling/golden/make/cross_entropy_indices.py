"""Writes ../data/cross_entropy_indices.json: `F.cross_entropy` of logits [N, C] against class
indices with no class weights and no label smoothing (PyTorch 1.13), the case Fovea runs as one
fused op (`sparseSoftmaxCrossEntropy`): each reduction, ignore_index, large logits, float64 and
float32; the loss and the logits' gradient for an upstream gradient `gy` of the loss's shape."""

import torch
import torch.nn.functional as F

from common import tensor_json, write

torch.manual_seed(16)


def case(name, shape, dtype, reduction="mean", ignore_index=-100, ignored=(), scale=1.0):
    classes = shape[1]
    x = (torch.randn(shape, dtype=dtype) * scale).requires_grad_()
    target = torch.randint(0, classes, [shape[0]])
    for i in ignored:
        target[i] = ignore_index
    loss = F.cross_entropy(x, target, reduction=reduction, ignore_index=ignore_index)
    gy = torch.randn(loss.shape, dtype=dtype)
    loss.backward(gy)
    return {
        "name": name,
        "dtype": "float64" if dtype == torch.float64 else "float32",
        "reduction": reduction,
        "ignore_index": ignore_index,
        "x": tensor_json(x),
        "target": tensor_json(target),
        "loss": tensor_json(loss),
        "gy": tensor_json(gy),
        "gx": tensor_json(x.grad),
    }


f64, f32 = torch.float64, torch.float32
cases = [
    case("mean", [6, 4], f64),
    case("sum", [6, 4], f64, reduction="sum"),
    case("none", [6, 4], f64, reduction="none"),
    case("ignore_index default, mean", [7, 5], f64, ignored=(1, 4)),
    case("ignore_index 2, sum", [7, 5], f64, reduction="sum", ignore_index=2, ignored=(0, 3)),
    case("ignore_index, none", [7, 5], f64, reduction="none", ignored=(6,)),
    case("large logits, mean", [5, 10], f64, scale=300.0),
    case("float32 LeNet head [256, 10], mean", [256, 10], f32),
    case("float32, sum", [16, 10], f32, reduction="sum", ignored=(3,)),
    case("float32, none", [9, 7], f32, reduction="none", ignored=(2,)),
    case("float32 large logits, mean", [8, 10], f32, scale=80.0),
    case("float32 one row, mean", [1, 10], f32),
]

write("cross_entropy_indices.json", cases,
      "F.cross_entropy(x, target) with class indices, no weight, no label smoothing: loss and "
      "x.grad for loss.backward(gy); float64 unless dtype says float32")
