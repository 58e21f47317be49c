"""Writes ../data/cross_entropy_weight.json: `F.cross_entropy` with class weights (PyTorch 1.13),
for class-index targets (reductions, ignore_index, label smoothing, K-dimensional inputs, a 1-D
input) and class-probability targets, in float64 and float32: the loss and the input's gradient
for an upstream gradient `gy` of the loss's shape."""

import torch
import torch.nn.functional as F

from common import tensor_json, write

torch.manual_seed(14)


def case(name, shape, dtype, reduction="mean", ignore_index=-100, label_smoothing=0.0,
         probabilities=False, ignored=()):
    classes = shape[0] if len(shape) == 1 else shape[1]
    x = torch.randn(shape, dtype=dtype, requires_grad=True)
    weight = (torch.rand(classes, dtype=dtype) * 2 + 0.1)
    if probabilities:
        target = torch.softmax(torch.randn(shape, dtype=dtype), dim=0 if len(shape) == 1 else 1)
    else:
        target_shape = [] if len(shape) == 1 else [shape[0], *shape[2:]]
        target = torch.randint(0, classes, target_shape)
        flat = target.view(-1)
        for i in ignored:
            flat[i] = ignore_index
    loss = F.cross_entropy(x, target, weight=weight, reduction=reduction,
                           ignore_index=ignore_index, label_smoothing=label_smoothing)
    gy = torch.randn(loss.shape, dtype=dtype)
    loss.backward(gy)
    return {
        "name": name,
        "dtype": "float64" if dtype == torch.float64 else "float32",
        "reduction": reduction,
        "ignore_index": ignore_index,
        "label_smoothing": label_smoothing,
        "probabilities": probabilities,
        "x": tensor_json(x),
        "target": tensor_json(target),
        "weight": tensor_json(weight),
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
    case("ignore_index 2, none", [7, 5], f64, reduction="none", ignore_index=2),
    case("label smoothing, mean", [6, 4], f64, label_smoothing=0.2),
    case("label smoothing and ignore_index, mean", [7, 5], f64, label_smoothing=0.3, ignored=(0, 5)),
    case("label smoothing and ignore_index, sum", [7, 5], f64, reduction="sum", label_smoothing=0.3,
         ignored=(2,)),
    case("label smoothing and ignore_index, none", [7, 5], f64, reduction="none",
         label_smoothing=0.1, ignored=(3,)),
    case("K-dim [2, 3, 4, 5], mean", [2, 3, 4, 5], f64, ignored=(0, 7, 33)),
    case("K-dim [2, 3, 4, 5], label smoothing, mean", [2, 3, 4, 5], f64, label_smoothing=0.25,
         ignored=(3, 12)),
    case("K-dim [2, 3, 4], none", [2, 3, 4], f64, reduction="none"),
    case("1-D input, mean", [5], f64),
    case("probabilities, mean", [6, 4], f64, probabilities=True),
    case("probabilities, sum, label smoothing", [6, 4], f64, reduction="sum", probabilities=True,
         label_smoothing=0.2),
    case("probabilities, K-dim, none", [2, 3, 2, 2], f64, reduction="none", probabilities=True),
    case("float32, label smoothing and ignore_index, mean", [8, 5], f32, label_smoothing=0.1,
         ignored=(6,)),
]

write("cross_entropy_weight.json", cases,
      "F.cross_entropy(x, target, weight=weight, ...) with class weights: loss and x.grad for "
      "loss.backward(gy); float64 unless dtype says float32")
