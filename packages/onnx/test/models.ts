import { noGrad } from '@fovea/autograd';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  LogSoftmax,
  MaxPool2d,
  Module,
  Parameter,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  Tanh,
} from '@fovea/nn';
import { cat, manualSeed, rand, randn, type Tensor } from '@fovea/tensor';

/** LeNet-5 as in Dive into Deep Learning (sigmoid, average pooling), plus a dropout. */
export function lenet(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Conv2d(6, 16, 5),
    new Sigmoid(),
    new AvgPool2d(2, { stride: 2 }),
    new Flatten(),
    new Linear(16 * 5 * 5, 120),
    new Sigmoid(),
    new Dropout(0.5),
    new Linear(120, 84),
    new Tanh(),
    new Linear(84, 10),
  );
}

class BasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null;

  constructor(inChannels: number, outChannels: number, stride: number) {
    super();
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(outChannels);
    this.relu = new ReLU();
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(outChannels);
    this.downsample =
      stride !== 1 || inChannels !== outChannels
        ? new Sequential(
            new Conv2d(inChannels, outChannels, 1, { stride, bias: false }),
            new BatchNorm2d(outChannels),
          )
        : null;
  }

  override forward(x: Tensor): Tensor {
    const identity = this.downsample === null ? x : (this.downsample.forward(x) as Tensor);
    const out = this.bn2.forward(
      this.conv2.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x)))),
    );
    return this.relu.forward(out.add(identity));
  }
}

/** ResNet-18's structure (stem, max pool with ceil mode, four stages of two blocks), narrow. */
export function resnet18Style(width = 4, classes = 10): Sequential {
  const stages: Module[] = [];
  let channels = width;
  for (let stage = 0; stage < 4; stage++) {
    const out = width * 2 ** stage;
    stages.push(
      new Sequential(new BasicBlock(channels, out, stage === 0 ? 1 : 2), new BasicBlock(out, out, 1)),
    );
    channels = out;
  }
  return new Sequential(
    new Conv2d(3, width, 7, { stride: 2, padding: 3, bias: false }),
    new BatchNorm2d(width),
    new ReLU(),
    new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    ...stages,
    new AdaptiveAvgPool2d(1),
    new Flatten(),
    new Linear(channels, classes),
  );
}

/**
 * A MobileNet-style block with the rest of the export's geometry: a reflect-padded stem, a
 * depthwise 3x3 (groups = channels) with 'same' padding and dilation 2, a pointwise 1x1, a
 * branch pooled without counting padding, joined by concatenation and a product, then a
 * classifier ending in log-softmax.
 */
export class MobileBlock extends Module {
  stem: Conv2d;
  bn: BatchNorm2d;
  depthwise: Conv2d;
  pointwise: Conv2d;
  pool: AvgPool2d;
  gate: Conv2d;
  head: Sequential;

  constructor() {
    super();
    this.stem = new Conv2d(3, 8, 3, { stride: 2, padding: 1, paddingMode: 'reflect' });
    this.bn = new BatchNorm2d(8);
    this.depthwise = new Conv2d(8, 8, 3, { padding: 'same', dilation: 2, groups: 8 });
    this.pointwise = new Conv2d(8, 12, 1);
    this.pool = new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false });
    this.gate = new Conv2d(20, 20, 1);
    this.head = new Sequential(
      new MaxPool2d(2, { ceilMode: true }),
      new Flatten(),
      new Linear(20 * 4 * 4, 5),
      new LogSoftmax(1),
    );
  }

  override forward(x: Tensor): Tensor {
    const y = this.depthwise.forward(this.bn.forward(this.stem.forward(x)).relu()) as Tensor;
    const joined = cat([this.pointwise.forward(y) as Tensor, this.pool.forward(y) as Tensor], 1);
    const gated = joined.mul((this.gate.forward(joined) as Tensor).sigmoid());
    return this.head.forward(gated) as Tensor;
  }
}

/** A small classifier that ends in probabilities. */
export function softmaxClassifier(): Sequential {
  return new Sequential(
    new Conv2d(1, 4, 3),
    new ReLU(),
    new Flatten(),
    new Linear(4 * 6 * 6, 10),
    new Softmax(1),
  );
}

/**
 * Parameters used directly rather than through layers: a matrix product with a weight, a
 * per-channel scale and a bias added by broadcasting; and a replicate-padded convolution.
 */
export class DirectParameters extends Module {
  conv = new Conv2d(1, 3, 3, { padding: 1, paddingMode: 'replicate' });
  scale = new Parameter(rand([1, 3, 1, 1]).add(0.5));
  weight = new Parameter(randn([3 * 8 * 8, 4]).mul(0.1));
  shift = new Parameter(randn([4]));

  override forward(x: Tensor): Tensor {
    const y = (this.conv.forward(x) as Tensor).mul(this.scale).relu();
    return y.flatten(1).matmul(this.weight).add(this.shift);
  }
}

/** Running statistics and affine parameters away from 0 and 1, so a test sees them used. */
export function randomizeBatchNorm(model: Module, seed = 1): void {
  manualSeed(seed);
  noGrad(() => {
    for (const m of model.modules()) {
      if (!(m instanceof BatchNorm2d)) continue;
      const n = [m.numFeatures];
      m.running_mean!.copy_(rand(n).sub(0.5));
      m.running_var!.copy_(rand(n).add(0.5));
      m.weight!.copy_(rand(n).add(0.5));
      m.bias!.copy_(rand(n).sub(0.5));
    }
  });
}
