"""Writes ../data/module_hooks.json: module hooks on a small seeded conv net in float64 (PyTorch
1.13). The net is nn.Sequential(Conv2d(2, 3, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(),
Linear(27, 4)); its parameters are in `state_dict` under PyTorch's keys.

- `recorded`: forward hooks on every layer and on the Sequential record each output, and full
  backward hooks record grad_input / grad_output (null for None) and the order they fired in,
  after `(y * gy).sum().backward()`; once with `x` requiring grad, once without.
- `modified`: a forward pre-hook on the Linear returning `2 * input` (one value, not a tuple) and
  a forward hook on the ReLU returning `output + 0.5`: the net's output and x.grad.
- `several_inputs`: a module with forward(a, b, c, i, s) = (a * b * s, a + 1, i) where a and c
  require grad (c unused), b does not, i is an int64 tensor and s a number: grad_input /
  grad_output of one backward of `(out[0] * g).sum()`, a.grad and c.grad; then the same with a
  hook returning (3 * grad_input[0], None, ones, None, None) in place of grad_input.
- `chained`: two full backward hooks on a ReLU, the first returning 10 * grad_input, the second
  grad_input + 1: x.grad after `relu(x).sum().backward()`."""

import torch
import torch.nn as nn

from common import tensor_json, write

torch.manual_seed(14)
torch.set_default_dtype(torch.float64)

net = nn.Sequential(
    nn.Conv2d(2, 3, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(27, 4),
)
x0 = torch.randn(2, 2, 6, 6)
gy = torch.randn(2, 4)
named = [(name, module) for name, module in net.named_modules()]


def maybe(t):
    return None if t is None else tensor_json(t)


def run(requires_grad, handles):
    """The net on x with the hooks of `handles`, then (y * gy).sum().backward(); removes them."""
    x = x0.clone().requires_grad_(requires_grad)
    y = net(x)
    (y * gy).sum().backward()
    for h in handles:
        h.remove()
    net.zero_grad()
    return x, y


def recorded(requires_grad):
    outputs, backward, order, handles = {}, {}, [], []
    for name, module in named:
        def forward_hook(module, inputs, output, name=name):
            outputs[name] = tensor_json(output)

        def backward_hook(module, grad_input, grad_output, name=name):
            order.append(name)
            backward[name] = {
                "grad_input": [maybe(g) for g in grad_input],
                "grad_output": [maybe(g) for g in grad_output],
            }

        handles.append(module.register_forward_hook(forward_hook))
        handles.append(module.register_full_backward_hook(backward_hook))
    x, y = run(requires_grad, handles)
    return {
        "x_requires_grad": requires_grad,
        "y": tensor_json(y),
        "outputs": outputs,
        "backward": backward,
        "backward_order": order,
        "gx": maybe(x.grad),
    }


def modified():
    handles = [
        net[4].register_forward_pre_hook(lambda module, inputs: 2 * inputs[0]),
        net[1].register_forward_hook(lambda module, inputs, output: output + 0.5),
    ]
    x, y = run(True, handles)
    return {"y": tensor_json(y), "gx": tensor_json(x.grad)}


class SeveralInputs(nn.Module):
    def forward(self, a, b, c, i, s):
        return a * b * s, a + 1, i


def several_inputs():
    module = SeveralInputs()
    a, b, c = torch.randn(2, 3), torch.randn(2, 3), torch.randn(3)
    g = torch.randn(2, 3)
    seen = {}

    def record(module, grad_input, grad_output):
        seen["grad_input"] = [maybe(t) for t in grad_input]
        seen["grad_output"] = [maybe(t) for t in grad_output]

    def replace(module, grad_input, grad_output):
        return (3 * grad_input[0], None, torch.ones(3), None, None)

    result = {"a": tensor_json(a), "b": tensor_json(b), "c": tensor_json(c), "g": tensor_json(g), "s": 2.5}
    for key, hook in (("recorded", record), ("replaced", replace)):
        handle = module.register_full_backward_hook(hook)
        a_, c_ = a.clone().requires_grad_(), c.clone().requires_grad_()
        out = module(a_, b, c_, torch.tensor([1, 2]), 2.5)
        (out[0] * g).sum().backward()
        handle.remove()
        result[key] = {"ga": tensor_json(a_.grad), "gc": tensor_json(c_.grad)}
    result["recorded"].update(seen)
    return result


def chained():
    relu = nn.ReLU()
    relu.register_full_backward_hook(lambda m, gi, go: (10 * gi[0],))
    relu.register_full_backward_hook(lambda m, gi, go: (gi[0] + 1,))
    x = torch.randn(2, 5, requires_grad=True)
    relu(x).sum().backward()
    return {"x": tensor_json(x), "gx": tensor_json(x.grad)}


case = {
    "names": [name for name, _ in named],
    "state_dict": {k: tensor_json(v) for k, v in net.state_dict().items()},
    "x": tensor_json(x0),
    "gy": tensor_json(gy),
    "recorded": [recorded(True), recorded(False)],
    "modified": modified(),
    "several_inputs": several_inputs(),
    "chained": chained(),
}
write("module_hooks.json", [case],
      "forward and full backward hooks on a seeded float64 conv net; see make/module_hooks.py")
