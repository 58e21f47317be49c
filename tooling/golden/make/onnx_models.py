"""Small seeded CNNs exported with PyTorch's torch.onnx.export (opsets 13 to 17) into
../data/onnx/*.onnx, and onnx_models.json with, per model, its file, opset, an input and
PyTorch's logits for it; for LeNet also the gradients of a cross-entropy loss with respect to
every parameter, keyed by state-dict name, so an import can be checked to train like PyTorch.

Run: /usr/bin/python3 tooling/golden/make/onnx_models.py (Debian's PyTorch 1.13; torch.onnx.export
needs no `onnx` Python module)."""

import io
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import DATA_DIR, tensor_json, write

ONNX_DIR = os.path.join(DATA_DIR, "onnx")


class LeNet(nn.Module):
    """LeNet-5 as in Dive into Deep Learning, with narrower fully connected layers (small file)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.pool2 = nn.AvgPool2d(2)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool1(torch.sigmoid(self.conv1(x)))
        x = self.pool2(torch.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        return self.fc2(torch.tanh(self.fc1(x)))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + identity)


class TinyResNet(nn.Module):
    """ResNet-18's structure in miniature: a stem, a plain block, a strided block with a 1x1 shortcut."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True)
        self.layer1 = nn.Sequential(BasicBlock(8, 8, 1), BasicBlock(8, 16, 2))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.avgpool(self.layer1(x))
        return self.fc(torch.flatten(x, 1))


class MobileBlock(nn.Module):
    """A MobileNet-style block: reflection padding, a depthwise 3x3, a pointwise 1x1, a pooled
    branch joined by concatenation, then a classifier ending in log-softmax."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 12, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(12)
        self.depthwise = nn.Conv2d(12, 12, 3, groups=12, dilation=1, padding=0, padding_mode="zeros")
        self.pointwise = nn.Conv2d(12, 16, 1)
        self.pool = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
        self.classifier = nn.Linear(28, 4)

    def forward(self, x):
        x = torch.sigmoid(self.bn(self.stem(x)))
        x = F.pad(x, (1, 1, 1, 1), mode="reflect")
        x = torch.relu(self.depthwise(x))
        y = torch.cat([self.pointwise(x), self.pool(x)], dim=1)
        y = F.adaptive_avg_pool2d(y, 1).flatten(1)
        return F.log_softmax(self.classifier(y), dim=1)


def randomize_batch_norm(model):
    """Running statistics away from 0 and 1, so the exported graph really uses them."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.5, 0.5)


def float32_json(t):
    """tensor_json of a float32 tensor with 9 significant digits, which float32 round-trips
    exactly, instead of the 17 of its float64 repr: the file is half the size."""
    out = tensor_json(t)
    out["data"] = [float(f"{v:.9g}") for v in out["data"]]
    return out


def export(model, x, name, opset, **options):
    buffer = io.BytesIO()
    torch.onnx.export(model, x, buffer, opset_version=opset, input_names=["input"], output_names=["logits"], **options)
    with open(os.path.join(ONNX_DIR, name), "wb") as f:
        f.write(buffer.getvalue())
    return len(buffer.getvalue())


def main():
    os.makedirs(ONNX_DIR, exist_ok=True)
    torch.manual_seed(0)
    cases = []
    lenet = LeNet().eval()
    resnet = TinyResNet()
    randomize_batch_norm(resnet)
    resnet.eval()
    mobile = MobileBlock()
    randomize_batch_norm(mobile)
    mobile.eval()
    models = [
        ("lenet", lenet, [2, 1, 28, 28], 13, {}),
        ("tiny_resnet", resnet, [2, 3, 16, 16], 17, {}),
        # Batch norm kept as BatchNormalization nodes instead of folded into the convolutions.
        ("tiny_resnet_bn", resnet, [2, 3, 16, 16], 15, {"training": torch.onnx.TrainingMode.PRESERVE, "do_constant_folding": False}),
        ("mobile_block", mobile, [2, 3, 16, 16], 14, {}),
    ]
    for name, model, shape, opset, options in models:
        x = torch.rand(shape) * 2 - 1
        size = export(model, x, f"{name}.onnx", opset, **options)
        with torch.no_grad():
            logits = model(x)
        case = {"name": name, "file": f"onnx/{name}.onnx", "opset": opset, "bytes": size, "input": float32_json(x), "logits": float32_json(logits)}
        if name == "lenet":
            target = torch.tensor([3, 7])
            loss = F.cross_entropy(model(x), target)
            model.zero_grad()
            loss.backward()
            case["target"] = target.tolist()
            case["loss"] = loss.item()
            case["grads"] = {k: float32_json(p.grad) for k, p in model.named_parameters()}
        cases.append(case)
    write(
        "onnx_models.json",
        cases,
        "Seeded CNNs exported by torch.onnx.export into onnx/<name>.onnx, with an input and PyTorch's "
        "logits for it (models in eval mode); for lenet also a cross-entropy loss on `target` and its "
        "gradients for every parameter, by state-dict name.",
    )


if __name__ == "__main__":
    main()
