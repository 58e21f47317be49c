import { LazyConv2d } from '@fovea/nn';
import { corr2d, manualSeed, tensor } from '@fovea/tensor';
import { edgeImage, edgeKernel } from '../lib/chapter-data.js';
import {
  type Command,
  intOption,
  positiveOption,
  SEED_OPTION,
  seedOption,
  UsageError,
  type Values,
} from '../lib/cli.js';
import { code, heading, show } from '../lib/print.js';

export interface LearnKernelOptions {
  seed: number;
  epochs?: number;
  lr?: number;
  /** A starting kernel [w1, w2] instead of LazyConv2d's random one. */
  init?: [number, number];
}

function parseInit(value: string | boolean | undefined): [number, number] | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !parsed.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new UsageError(
      `learn-kernel: --init must be a JSON pair of numbers such as [0.5,0.5], got '${String(value)}'`,
    );
  }
  return [parsed[0], parsed[1]];
}

/**
 * The chapter's "Learning a kernel": a 1 x 2 kernel (no bias) learned by gradient descent on the
 * squared error between its feature map of the 6 x 8 image and Y = corr2d(X, [[1, -1]]). The
 * starting kernel is LazyConv2d's default initialisation under the seed. Returns the losses.
 */
export function learningKernelCell({ seed, epochs = 10, lr = 3e-2, init }: LearnKernelOptions): number[] {
  heading('Learning a kernel');
  manualSeed(seed);
  code(`manualSeed(${seed}); conv2d = new LazyConv2d(1, [1, 2], { bias: false })`);
  const conv2d = new LazyConv2d(1, [1, 2], { bias: false });
  const image = edgeImage();
  const X = image.reshape([1, 1, 6, 8]);
  const Y = corr2d(image, edgeKernel()).reshape([1, 1, 6, 7]);
  if (init !== undefined) {
    code(`conv2d.initializeParameters(X); conv2d.weight.data.copy_(tensor([[[[${init.join(', ')}]]]]))`);
    conv2d.initializeParameters(X);
    conv2d.weight.data.copy_(tensor([[[init]]]));
  }
  code(`for ${epochs} epochs: l = (conv2d(X) - Y)^2; l.sum().backward(); weight.data -= ${lr} * weight.grad`);
  const losses: number[] = [];
  for (let i = 0; i < epochs; i++) {
    const l = conv2d.forward(X).sub(Y).pow(2);
    conv2d.zeroGrad();
    l.sum().backward();
    conv2d.weight.data.sub_(conv2d.weight.grad!.mul(lr));
    const loss = l.sum().item() as number;
    losses.push(loss);
    if ((i + 1) % 2 === 0) console.log(`epoch ${i + 1}, loss ${loss.toFixed(3)}`);
  }
  code('conv2d.weight.data.reshape([1, 2])  // close to [[1, -1]]');
  show(conv2d.weight.data.reshape([1, 2]));
  code('conv2d');
  show(conv2d);
  return losses;
}

export const learnKernelCommand: Command = {
  name: 'learn-kernel',
  summary: 'learning a kernel: LazyConv2d learns [[1, -1]] back from X and Y',
  usage: `Usage: pnpm examples learn-kernel [--seed N] [--epochs N] [--lr R]

Runs the chapter's "Learning a kernel": a LazyConv2d(1, [1, 2], { bias: false }) learns the
edge kernel [[1, -1]] from the 6x8 image X and its edge map Y by gradient descent on the summed
squared error, printing the loss every two epochs and the learned kernel.

Options:
  --seed N     seed of the starting kernel (default 0)
  --epochs N   number of updates (default 10)
  --lr R       learning rate (default 0.03)
  --init [a,b] start from the kernel [[a, b]] instead of the random one (as in the PyTorch
               reference runs of tooling/golden/data/learn_kernel.json)`,
  options: { ...SEED_OPTION, epochs: { type: 'string' }, lr: { type: 'string' }, init: { type: 'string' } },
  positionals: { min: 0, max: 0 },
  run(values: Values) {
    learningKernelCell({
      seed: seedOption('learn-kernel', values),
      epochs: intOption('learn-kernel', 'epochs', values.epochs, 10, 1),
      lr: positiveOption('learn-kernel', 'lr', values.lr, 3e-2),
      init: parseInit(values.init),
    });
  },
};
