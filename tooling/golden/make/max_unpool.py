"""max_pool2d with return_indices=True and max_unpool2d, in float64: for each geometry the input
x, the pooled values and their indices (flat h * W + w within each plane), max_unpool2d of them
(back to x's size, or the default size when output_size is None), a random gradient gu of the
unpooled tensor and the gradients it gives: on the pooled values (gvalues) and, through both ops,
on x (gx). Writes ../data/max_unpool.json; options in Fovea's names (camelCase)."""

import torch
import torch.nn.functional as F

from common import tensor_json, write

torch.manual_seed(0)

# (input shape, kernel, stride, padding, dilation, ceil_mode, unpool output_size: 'input' or None)
GEOMETRIES = [
    ([1, 2, 4, 4], 2, None, 0, 1, False, None),
    ([2, 3, 6, 5], 2, None, 0, 1, False, "input"),
    ([1, 2, 7, 6], 3, 2, 1, 1, True, "input"),
    ([2, 5, 7], [2, 3], [1, 2], [1, 1], 1, False, "input"),
    ([1, 1, 8, 8], 3, 3, 0, 2, False, "input"),
    ([1, 2, 6, 7], 3, 2, 1, [2, 1], True, "input"),
    ([1, 2, 5, 5], 3, 1, 1, 1, False, "input"),
    ([1, 1, 9, 8], [3, 2], [2, 3], [1, 0], 1, True, None),
]


def case(shape, kernel, stride, padding, dilation, ceil, size):
    x = torch.randn(shape, dtype=torch.float64, requires_grad=True)
    values, indices = F.max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=ceil, return_indices=True)
    values.retain_grad()
    output_size = list(shape[-2:]) if size == "input" else None
    unpooled = F.max_unpool2d(values, indices, kernel, stride, padding, output_size)
    gu = torch.randn(unpooled.shape, dtype=torch.float64)
    unpooled.backward(gu)
    return {
        "kernelSize": kernel,
        "options": {"stride": stride, "padding": padding, "dilation": dilation, "ceilMode": ceil},
        "outputSize": output_size,
        "x": tensor_json(x),
        "values": tensor_json(values),
        "indices": tensor_json(indices),
        "unpooled": tensor_json(unpooled),
        "gu": tensor_json(gu),
        "gvalues": tensor_json(values.grad),
        "gx": tensor_json(x.grad),
    }


write(
    "max_unpool.json",
    [case(*g) for g in GEOMETRIES],
    "float64 max_pool2d(return_indices=True) then max_unpool2d: values, indices, unpooled tensor, "
    "and the gradients of a random gu on the pooled values and on x",
)
