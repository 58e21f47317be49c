import {
  AvgPool2d,
  Conv2d,
  CrossEntropyLoss,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
} from '@fovea/nn';
import { manualSeed, randn, type Tensor, tensor } from '@fovea/tensor';
import { Adam, type Optimizer, SGD } from '../../src/index.js';

/**
 * d2l's LeNet (section 7.6) shrunk for a software GPU: the same layers (Conv2d 5x5 with padding
 * 2, an activation, 2x2 pooling, Conv2d 5x5, pooling, Flatten, two Linear layers) on 16 x 16
 * images with fewer channels, in its two variants: sigmoid + average pooling + SGD (d2l's), and
 * ReLU + max pooling + Adam. Shared by the Node test and the Chromium page.
 */
export type Variant = 'sigmoid-avg-sgd' | 'relu-max-adam';
export const VARIANTS: readonly Variant[] = ['sigmoid-avg-sgd', 'relu-max-adam'];

const BATCH = 4;
export const STEPS = 4;

function lenet(variant: Variant): Sequential {
  const relu = variant === 'relu-max-adam';
  const act = () => (relu ? new ReLU() : new Sigmoid());
  const pool = () => (relu ? new MaxPool2d(2, { stride: 2 }) : new AvgPool2d(2, { stride: 2 }));
  return new Sequential(
    new Conv2d(1, 4, 5, { padding: 2 }),
    act(),
    pool(),
    new Conv2d(4, 6, 5),
    act(),
    pool(),
    new Flatten(),
    new Linear(6 * 2 * 2, 12),
    act(),
    new Linear(12, 10),
  );
}

function optimizer(variant: Variant, model: Sequential): Optimizer {
  return variant === 'relu-max-adam'
    ? new Adam(model.parameters(), { lr: 0.01 })
    : new SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
}

/** The batch every step trains on: seeded images in [-1, 1)-ish and fixed labels. */
function batch(): { x: Tensor; y: Tensor } {
  manualSeed(7);
  return { x: randn([BATCH, 1, 16, 16]), y: tensor([3, 7, 0, 9], { dtype: 'int32' }) };
}

/**
 * Trains the variant for STEPS steps on `device` ('cpu' or 'webgpu', the backend already
 * selected) from the same seeded initialisation, returning each step's loss before its update
 * and where the parameters and their gradients ended up.
 */
export async function train(
  variant: Variant,
  device: 'cpu' | 'webgpu',
): Promise<{ losses: number[]; devices: string[] }> {
  manualSeed(0);
  const model = lenet(variant).to(device);
  const opt = optimizer(variant, model);
  const lossFn = new CrossEntropyLoss();
  const { x, y } = batch();
  const input = x.to(device);
  const losses: number[] = [];
  for (let step = 0; step < STEPS; step++) {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(input) as Tensor, y);
    loss.backward();
    opt.step();
    losses.push((await loss.dataAsync())[0]);
  }
  const devices = model.parameters().flatMap((p) => [p.device, p.grad?.device ?? 'none']);
  return { losses, devices };
}
