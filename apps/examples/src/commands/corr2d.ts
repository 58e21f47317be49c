import { corr2d } from '@fovea/tensor';
import { inputX, kernelK } from '../lib/chapter-data.js';
import type { Command } from '../lib/cli.js';
import { code, heading, show } from '../lib/print.js';

/** The chapter's first cell: the 2-D cross-correlation of a 3 x 3 input with a 2 x 2 kernel. */
export function crossCorrelationCell(): void {
  heading('The cross-correlation operation');
  code('X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]); K = tensor([[0, 1], [2, 3]])');
  code('corr2d(X, K)');
  show(corr2d(inputX(), kernelK()));
}

export const corr2dCommand: Command = {
  name: 'corr2d',
  summary: 'the cross-correlation operation: corr2d(X, K) on the chapter 3x3 input',
  usage: `Usage: pnpm examples corr2d

Runs the chapter's first cell: the 2-D cross-correlation of X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
with K = [[0, 1], [2, 3]], which PyTorch prints as

tensor([[19., 25.],
        [37., 43.]])`,
  options: {},
  positionals: { min: 0, max: 0 },
  run: crossCorrelationCell,
};
