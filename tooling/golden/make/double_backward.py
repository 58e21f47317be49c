"""Second-order gradients through Fovea's convolution family, in float64: for each case a
gradient penalty L = sum_i sum(g_i ** 2), where g = autograd.grad(out, inputs, grad_outputs=gy,
create_graph=True), then L.backward(). Writes ../data/double_backward.json with the inputs, gy,
the first gradients g_i and the gradients of L on every leaf (x, weight, bias and gy itself; a
leaf L does not reach gets zeros). Options are written in Fovea's names (camelCase)."""

import torch
import torch.nn.functional as F

from common import tensor_json, write

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


def conv(x_shape, w_shape, bias, **options):
    def run(x, w, b):
        kwargs = {k: options[k] for k in ("stride", "padding", "dilation", "groups") if k in options}
        return F.conv2d(x, w, b, **kwargs)

    return "conv2d", x_shape, w_shape, bias, options, run


def max_pool(x_shape, kernel, stride=None, padding=0, dilation=1, ceil=False):
    options = {"kernelSize": kernel, "stride": stride or kernel, "padding": padding, "dilation": dilation, "ceilMode": ceil}
    return "max_pool2d", x_shape, None, False, options, lambda x, w, b: F.max_pool2d(
        x, kernel, stride, padding, dilation, ceil_mode=ceil
    )


def avg_pool(x_shape, kernel, stride=None, padding=0, ceil=False, include=True, divisor=None):
    options = {
        "kernelSize": kernel,
        "stride": stride or kernel,
        "padding": padding,
        "ceilMode": ceil,
        "countIncludePad": include,
        "divisorOverride": divisor,
    }
    return "avg_pool2d", x_shape, None, False, options, lambda x, w, b: F.avg_pool2d(
        x, kernel, stride, padding, ceil, include, divisor
    )


def adaptive(x_shape, size):
    return "adaptive_avg_pool2d", x_shape, None, False, {"outputSize": size}, lambda x, w, b: F.adaptive_avg_pool2d(
        x, size
    )


def pad(x_shape, pads, mode, value=0.0):
    options = {"pads": pads, "mode": mode, "value": value}
    if mode == "constant":
        return "pad", x_shape, None, False, options, lambda x, w, b: F.pad(x, pads, mode, value)
    return "pad", x_shape, None, False, options, lambda x, w, b: F.pad(x, pads, mode)


def unfold(x_shape, kernel, stride=1, padding=0, dilation=1):
    options = {"kernelSize": kernel, "stride": stride, "padding": padding, "dilation": dilation}
    return "unfold", x_shape, None, False, options, lambda x, w, b: F.unfold(x, kernel, dilation, padding, stride)


CASES = [
    conv([2, 2, 6, 5], [3, 2, 3, 3], True, stride=2, padding=1),
    conv([1, 4, 7, 6], [4, 2, 2, 3], False, padding=[1, 0], dilation=2, groups=2),
    conv([1, 2, 5, 6], [2, 2, 2, 3], True, padding="same", dilation=[1, 2]),
    conv([3, 6, 5], [3, 3, 3, 2], True, stride=[1, 2], padding="valid"),
    conv([1, 3, 8, 7], [6, 1, 2, 3], False, stride=[2, 1], padding=[0, 2], dilation=[2, 1], groups=3),
    max_pool([1, 2, 6, 6], 2),
    max_pool([2, 1, 7, 6], 3, 2, 1, ceil=True),
    max_pool([1, 2, 7, 8], [2, 3], [1, 2], [1, 1], dilation=[2, 1]),
    max_pool([2, 5, 5], 3, 1),
    avg_pool([1, 2, 6, 6], 2),
    avg_pool([2, 1, 7, 6], 3, 2, 1, ceil=True, include=False),
    avg_pool([1, 2, 5, 7], [2, 3], [1, 2], [1, 0], ceil=True),
    avg_pool([2, 5, 6], 2, 1, 1, divisor=3),
    adaptive([1, 2, 7, 6], [3, 4]),
    adaptive([2, 5, 5], 2),
    adaptive([1, 1, 3, 4], [5, 7]),
    pad([1, 2, 4, 5], [2, 1, 1, 3], "constant", 0.5),
    pad([1, 2, 4, 5], [-1, 2, 0, -1], "constant"),
    pad([1, 2, 4, 5], [2, 1, 1, 3], "reflect"),
    pad([1, 2, 4, 5], [2, 1, 1, 3], "replicate"),
    pad([1, 2, 4, 5], [2, 1, 1, 3], "circular"),
    pad([2, 3, 5], [2, 1], "reflect"),
    unfold([1, 2, 5, 6], [2, 3], [2, 1], 1, [1, 2]),
    unfold([2, 1, 4, 4], 2),
    unfold([1, 3, 6, 5], 3, 2, [1, 0]),
]


def case(spec):
    op, x_shape, w_shape, bias, options, run = spec
    x = torch.randn(x_shape, requires_grad=True)
    w = torch.randn(w_shape, requires_grad=True) if w_shape else None
    b = torch.randn(w_shape[0], requires_grad=True) if bias else None
    out = run(x, w, b)
    gy = torch.randn(out.shape, requires_grad=True)
    inputs = [t for t in (x, w, b) if t is not None]
    first = torch.autograd.grad(out, inputs, grad_outputs=gy, create_graph=True)
    penalty = sum((g**2).sum() for g in first)
    penalty.backward()
    leaves = {"x": x, "weight": w, "bias": b, "gy": gy}

    def second(t):
        return tensor_json(t.grad if t.grad is not None else torch.zeros_like(t))

    return {
        "op": op,
        "options": options,
        **{name: tensor_json(t) for name, t in leaves.items() if t is not None},
        "out": tensor_json(out),
        "first": [tensor_json(g) for g in first],
        "penalty": penalty.item(),
        "second": {name: second(t) for name, t in leaves.items() if t is not None},
    }


write(
    "double_backward.json",
    [case(spec) for spec in CASES],
    "float64 gradient penalties sum_i sum(g_i^2) with g = grad(out, (x, weight, bias), gy, create_graph=True), "
    "and the gradients of the penalty on x, weight, bias and gy, through conv2d, max/avg/adaptive pooling, pad and unfold",
)
