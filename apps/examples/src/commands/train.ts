import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Conv2d, load, MSELoss, Sequential, save } from '@fovea/nn';
import { Adam } from '@fovea/optim';
import { formatTable } from '@fovea/receptive-field';
import { conv2d, manualSeed, rand, type Tensor, tensor } from '@fovea/tensor';
import { type Command, intOption, positiveOption, SEED_OPTION, seedOption, type Values } from '../lib/cli.js';
import { kernelGrid } from '../lib/kernel-image.js';
import { NAMED_KERNELS } from '../lib/kernels.js';
import { defaultOutputDir, userPath } from '../lib/paths.js';
import { writePng } from '../lib/png.js';
import { progress } from '../lib/progress.js';
import { modelReceptiveField } from '../lib/receptive.js';
import { lossCurveSvg } from '../lib/svg.js';

/** The edge detectors the bank learns back: vertical, horizontal and the two diagonals. */
export const TARGET_NAMES = ['sobel-x', 'sobel-y', 'diagonal-down', 'diagonal-up'] as const;
const IMAGE_SIZE = 32;

function asKernels(weight: Tensor): number[][][] {
  return (weight.toArray() as number[][][][]).map((k) => k[0]);
}

export interface TrainOptions {
  seed: number;
  steps: number;
  batch: number;
  lr: number;
  out: string;
}

/**
 * Learns four 3 x 3 edge detectors at once: a Conv2d(1, 4, 3) regressed with Adam onto the
 * feature maps the Sobel kernels produce on random images. White noise excites every spatial
 * frequency, so the least-squares solution is the target kernels themselves.
 */
export function trainEdgeBank({ seed, steps, batch, lr, out }: TrainOptions): {
  losses: number[];
  error: number;
} {
  manualSeed(seed);
  const targets = tensor(TARGET_NAMES.map((name) => [NAMED_KERNELS[name]]));
  const model = new Sequential(new Conv2d(1, TARGET_NAMES.length, 3, { padding: 1, bias: false }));
  const lossFn = new MSELoss();
  const optimizer = new Adam(model.parameters(), { lr });
  console.log(String(model));
  console.log(
    `learning ${TARGET_NAMES.join(', ')} from random ${IMAGE_SIZE}x${IMAGE_SIZE} images, batch ${batch}, Adam lr ${lr}`,
  );

  const losses: number[] = [];
  const bar = progress('train', steps);
  for (let step = 1; step <= steps; step++) {
    const x = rand([batch, 1, IMAGE_SIZE, IMAGE_SIZE]);
    const y = conv2d(x, targets, null, { padding: 1 });
    const loss = lossFn.forward(model.forward(x) as Tensor, y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    losses.push(loss.item() as number);
    bar.update(step, losses[losses.length - 1]);
  }
  bar.stop();

  const weight = (model[0] as Conv2d).weight;
  const learned = asKernels(weight.detach());
  const error = Math.max(...weight.detach().sub(targets).abs().dataSync());
  console.log(
    `final loss ${losses[losses.length - 1].toExponential(3)}, largest |learned - target| weight ${error.toFixed(4)}`,
  );
  console.log('learned kernels (model[0].weight):');
  console.log(String(weight.detach()));

  mkdirSync(out, { recursive: true });
  const grid = kernelGrid([learned, asKernels(targets)], { cell: 24, scale: 2 });
  const files = {
    kernels: join(out, 'kernels.png'),
    loss: join(out, 'loss.svg'),
    checkpoint: join(out, 'edge-bank.safetensors'),
  };
  writePng(files.kernels, grid.width, grid.height, grid.rgba);
  writeFileSync(files.loss, lossCurveSvg(losses, 'edge-detector bank: MSE loss per step'));
  save(model.stateDict(), files.checkpoint);
  const reloaded = load(files.checkpoint);
  const keys = Object.entries(reloaded).map(([k, t]) => `${k} [${t.shape.join(', ')}]`);
  console.log(`wrote ${files.kernels} (top row learned, bottom row targets: red > 0, blue < 0)`);
  console.log(`wrote ${files.loss}`);
  console.log(`wrote ${files.checkpoint} (${keys.join(', ')})`);

  const { result, traced } = modelReceptiveField(model, [1, 1, IMAGE_SIZE, IMAGE_SIZE]);
  console.log(`receptive field of the model (${traced ? 'receptiveField, traced' : 'analyzeLayers'}):`);
  console.log(formatTable(result));
  return { losses, error };
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a bank of edge detectors with Adam; writes kernels.png, loss.svg, a checkpoint',
  usage: `Usage: pnpm examples train [--steps N] [--batch N] [--lr R] [--seed N] [--out DIR]

Learns a bank of four 3x3 edge detectors (vertical, horizontal and the two diagonals) with a
Conv2d(1, 4, 3, { padding: 1, bias: false }) and @fovea/optim's Adam, from random 32x32 images
and their feature maps under the Sobel kernels. Shows a progress bar with the loss (a line every
tenth of the run when the output is not a terminal), then writes to DIR:

  kernels.png              the learned kernels (top) and the targets (bottom)
  loss.svg                 the loss curve, log scale
  edge-bank.safetensors    the model's state dict (@fovea/nn save; PyTorch's safetensors reads it)

and prints the receptive-field table of the trained model.

Options:
  --steps N   optimizer steps (default 200)
  --batch N   images per step (default 16)
  --lr R      Adam's learning rate (default 0.05)
  --seed N    seed of the initial weights and the images (default 0)
  --out DIR   output folder (default test-output/examples/train)`,
  options: {
    ...SEED_OPTION,
    steps: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    out: { type: 'string' },
  },
  positionals: { min: 0, max: 0 },
  run(values: Values) {
    trainEdgeBank({
      seed: seedOption('train', values),
      steps: intOption('train', 'steps', values.steps, 200, 1),
      batch: intOption('train', 'batch', values.batch, 16, 1),
      lr: positiveOption('train', 'lr', values.lr, 0.05),
      out: values.out === undefined ? defaultOutputDir('train') : userPath(values.out as string),
    });
  },
};
