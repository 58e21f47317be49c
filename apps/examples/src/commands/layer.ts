import { Conv2D } from '@fovea/nn';
import { manualSeed } from '@fovea/tensor';
import { inputX } from '../lib/chapter-data.js';
import { type Command, SEED_OPTION, seedOption, type Values } from '../lib/cli.js';
import { code, heading, show } from '../lib/print.js';

/**
 * The chapter's own layer: a kernel drawn from rand(kernelSize) and a zero bias, forward =
 * corr2d(x, weight) + bias. Seeded, so the weight is the one PyTorch draws after manual_seed.
 */
export function convolutionalLayersCell(seed: number): void {
  heading('Convolutional layers');
  manualSeed(seed);
  code(`manualSeed(${seed}); layer = new Conv2D([1, 2])`);
  const layer = new Conv2D([1, 2]);
  show(layer);
  code('layer.weight.shape');
  show(layer.weight.shape);
  code('layer.weight');
  show(layer.weight);
  code('layer.bias');
  show(layer.bias);
  code('layer.forward(X)  // X: the 3x3 input of the first cell');
  show(layer.forward(inputX()));
}

export const layerCommand: Command = {
  name: 'layer',
  summary: 'convolutional layers: the from-scratch Conv2D (weight, bias, forward)',
  usage: `Usage: pnpm examples layer [--seed N]

Builds the chapter's from-scratch layer, new Conv2D([1, 2]) (weight = rand([1, 2]),
bias = zeros(1)), prints its weight and bias, and runs it on the 3x3 input of the first cell.

Options:
  --seed N   seed of the random weight (default 0; PyTorch's torch.manual_seed(N) draws the same)`,
  options: SEED_OPTION,
  positionals: { min: 0, max: 0 },
  run: (values: Values) => convolutionalLayersCell(seedOption('layer', values)),
};
