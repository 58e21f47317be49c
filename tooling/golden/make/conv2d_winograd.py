"""conv2d_winograd.json: torch.nn.Conv2d with 3 x 3 kernels, stride 1 and dilation 1 (the layers
Fovea computes by Winograd F(2 x 2, 3 x 3)), forward and backward, in the case format of
conv2d_visible.json: x, weight, bias and gy are float32 values; y, gx, gweight and gbias are
computed in float64 and rounded to float32. Channel counts reach Fovea's Winograd
threshold (16 per group) and pass its GEMM's 256-term blocks, with odd sizes, groups, padding
as a number, a pair, 'same' and 'valid', padding modes and a larger magnitude. Cases 0 and 2
have enough output tiles per channel that 'auto' takes Winograd for them."""

import torch

from common import tensor_json, write

torch.manual_seed(16)

# (in, out, [N, H, W], padding, groups, bias, padding_mode, scale of x)
CONFIGS = [
    (16, 16, [1, 8, 8], 1, 1, True, "zeros", 1.0),
    (16, 20, [1, 5, 7], "same", 1, False, "zeros", 1.0),
    (32, 32, [2, 8, 8], "valid", 2, True, "zeros", 1.0),
    (16, 16, [1, 5, 6], (2, 1), 1, True, "zeros", 1.0),
    (3, 16, [2, 7, 7], 1, 1, True, "zeros", 1.0),
    (16, 16, [2, 1, 1], 1, 1, False, "zeros", 1.0),
    (16, 16, [1, 6, 5], 1, 1, True, "reflect", 8.0),
    (257, 1, [1, 2, 3], 1, 1, True, "zeros", 1.0),
]


def uniform(*shape, scale=1.0):
    return (torch.rand(*shape) * 2 - 1) * scale


cases = []
for cin, cout, (n, h, w), padding, groups, bias, mode, scale in CONFIGS:
    conv = torch.nn.Conv2d(cin, cout, 3, 1, padding, 1, groups, bias, mode)
    with torch.no_grad():
        conv.weight.copy_(uniform(*conv.weight.shape) / (cin / groups) ** 0.5)
        if bias:
            conv.bias.copy_(uniform(cout))
    x32 = uniform(n, cin, h, w, scale=scale)
    conv64 = conv.double()
    x = x32.double().requires_grad_()
    y = conv64(x)
    gy = uniform(*y.shape).double()
    y.backward(gy)
    config = {
        "in_channels": cin,
        "out_channels": cout,
        "kernel_size": [3, 3],
        "stride": [1, 1],
        "padding": list(padding) if isinstance(padding, tuple) else padding,
        "dilation": [1, 1],
        "groups": groups,
        "bias": bias,
        "padding_mode": mode,
    }
    f32 = lambda t: tensor_json(t.float())
    cases.append(
        {
            "config": config,
            "x": f32(x32),
            "weight": f32(conv64.weight),
            "bias": f32(conv64.bias) if bias else None,
            "y": f32(y),
            "gy": f32(gy),
            "gx": f32(x.grad),
            "gweight": f32(conv64.weight.grad),
            "gbias": f32(conv64.bias.grad) if bias else None,
        }
    )

write(
    "conv2d_winograd.json",
    cases,
    "torch.nn.Conv2d 3 x 3, stride 1, dilation 1: float32 inputs, float64 reference rounded to float32",
)
