import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
} from '@fovea/nn';
import type { Tensor } from '@fovea/tensor';

// torchvision's models (torchvision/models/resnet.py, alexnet.py, vgg.py), module for module, so
// that traced layer names are PyTorch's.

const conv3x3 = (inPlanes: number, outPlanes: number, stride = 1) =>
  new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false });
const conv1x1 = (inPlanes: number, outPlanes: number, stride = 1) =>
  new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });

export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU();
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Module | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Module | null = null) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.bn2.forward(this.conv2.forward(out));
    const identity = this.downsample === null ? x : (this.downsample.forward(x) as Tensor);
    out.add_(identity); // out += identity
    return this.relu.forward(out);
  }
}

export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  relu = new ReLU();
  downsample: Module | null;

  constructor(inPlanes: number, planes: number, stride = 1, downsample: Module | null = null) {
    super();
    this.conv1 = conv1x1(inPlanes, planes);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes, stride); // ResNet v1.5: the stride sits on the 3x3
    this.bn2 = new BatchNorm2d(planes);
    this.conv3 = conv1x1(planes, planes * 4);
    this.bn3 = new BatchNorm2d(planes * 4);
    this.downsample = downsample;
  }

  override forward(x: Tensor): Tensor {
    let out = this.relu.forward(this.bn1.forward(this.conv1.forward(x)));
    out = this.relu.forward(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    const identity = this.downsample === null ? x : (this.downsample.forward(x) as Tensor);
    out.add_(identity);
    return this.relu.forward(out);
  }
}

type Block = typeof BasicBlock | typeof Bottleneck;

export class ResNet extends Module {
  conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
  bn1 = new BatchNorm2d(64);
  relu = new ReLU();
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc: Linear;
  #inPlanes = 64;

  constructor(block: Block, layers: [number, number, number, number], numClasses = 1000) {
    super();
    this.layer1 = this.#makeLayer(block, 64, layers[0]);
    this.layer2 = this.#makeLayer(block, 128, layers[1], 2);
    this.layer3 = this.#makeLayer(block, 256, layers[2], 2);
    this.layer4 = this.#makeLayer(block, 512, layers[3], 2);
    this.fc = new Linear(512 * block.expansion, numClasses);
  }

  #makeLayer(block: Block, planes: number, blocks: number, stride = 1): Sequential {
    const out = planes * block.expansion;
    const downsample =
      stride !== 1 || this.#inPlanes !== out
        ? new Sequential(conv1x1(this.#inPlanes, out, stride), new BatchNorm2d(out))
        : null;
    const layers: Module[] = [new block(this.#inPlanes, planes, stride, downsample)];
    this.#inPlanes = out;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.#inPlanes, planes));
    return new Sequential(...layers);
  }

  override forward(x: Tensor): Tensor {
    x = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    x = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(x))));
    x = this.avgpool.forward(x).flatten(1);
    return this.fc.forward(x);
  }

  /** `nn.Sequential(*list(model.children())[:-2])`: the feature extractor rf_networks.json measured. */
  features(): Sequential {
    return new Sequential(
      this.conv1,
      this.bn1,
      this.relu,
      this.maxpool,
      this.layer1,
      this.layer2,
      this.layer3,
      this.layer4,
    );
  }
}

export const resnet18 = (numClasses = 1000) => new ResNet(BasicBlock, [2, 2, 2, 2], numClasses);
export const resnet50 = (numClasses = 1000) => new ResNet(Bottleneck, [3, 4, 6, 3], numClasses);

/** torchvision's AlexNet features (the classifier's 37M weights are left out). */
export function alexnetFeatures(): Sequential {
  return new Sequential(
    new Conv2d(3, 64, 11, { stride: 4, padding: 2 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
    new Conv2d(64, 192, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
    new Conv2d(192, 384, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(384, 256, 3, { padding: 1 }),
    new ReLU(),
    new Conv2d(256, 256, 3, { padding: 1 }),
    new ReLU(),
    new MaxPool2d(3, { stride: 2 }),
  );
}

/** AlexNet as torchvision has it, with a small classifier so that it builds quickly. */
export class AlexNet extends Module {
  features = alexnetFeatures();
  avgpool = new AdaptiveAvgPool2d([6, 6]);
  classifier = new Sequential(new Dropout(0.5), new Flatten(), new Linear(256 * 6 * 6, 10));

  override forward(x: Tensor): Tensor {
    return this.classifier.forward(this.avgpool.forward(this.features.forward(x)));
  }
}

/** torchvision's VGG-16 features (configuration 'D'): 3x3 convolutions with padding 1, 2x2 max pools. */
export function vgg16Features(): Sequential {
  const layers: Module[] = [];
  let channels = 3;
  for (const v of [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M']) {
    if (v === 'M') layers.push(new MaxPool2d(2, { stride: 2 }));
    else {
      layers.push(new Conv2d(channels, v as number, 3, { padding: 1 }), new ReLU());
      channels = v as number;
    }
  }
  return new Sequential(...layers);
}
