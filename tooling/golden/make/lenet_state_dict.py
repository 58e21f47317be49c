"""The state dict of d2l's LeNet (section 7.6) as PyTorch's nn.Sequential names it: each key
with its shape and dtype, in order, for the sigmoid/average-pooling recipe and the ReLU/max-pooling
variant (which have the same keys). Writes ../data/lenet_state_dict.json."""

from torch import nn

from common import write


def lenet(activation, pool):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), activation(), pool(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), activation(), pool(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), activation(),
        nn.Linear(120, 84), activation(),
        nn.Linear(84, 10))


cases = {}
for name, activation, pool in [("sigmoid-avg", nn.Sigmoid, nn.AvgPool2d), ("relu-max", nn.ReLU, nn.MaxPool2d)]:
    model = lenet(activation, pool)
    cases[name] = {
        "repr": repr(model),
        "stateDict": [{"key": k, "shape": list(v.shape), "dtype": str(v.dtype)} for k, v in model.state_dict().items()],
    }

write("lenet_state_dict.json", cases, "d2l's LeNet as nn.Sequential: repr and state_dict keys, shapes and dtypes")
