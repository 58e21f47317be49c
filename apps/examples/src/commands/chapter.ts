import { type Command, SEED_OPTION, seedOption, type Values } from '../lib/cli.js';
import { crossCorrelationCell } from './corr2d.js';
import { edgeDetectionCell } from './edges.js';
import { crossCorrelationAndConvolutionCell } from './flip.js';
import { convolutionalLayersCell } from './layer.js';
import { learningKernelCell } from './learn-kernel.js';
import { receptiveFieldCell } from './receptive-field.js';

/** Every cell of "Convolutions for Images" in order, a blank line between cells. */
export function runChapter(seed: number): void {
  const cells = [
    crossCorrelationCell,
    () => convolutionalLayersCell(seed),
    edgeDetectionCell,
    () => learningKernelCell({ seed }),
    crossCorrelationAndConvolutionCell,
    receptiveFieldCell,
  ];
  cells.forEach((cell, i) => {
    if (i > 0) console.log('');
    cell();
  });
}

export const chapterCommand: Command = {
  name: 'chapter',
  summary: 'every cell of the chapter in order (the default)',
  usage: `Usage: pnpm examples [chapter] [--seed N]

Runs every cell of "Convolutions for Images" (Dive into Deep Learning) in order, with a heading
per cell, printing what PyTorch prints. Cells that draw random numbers (the Conv2D layer, the
kernel-learning loop) reseed with --seed first, so each prints the same alone or in the chapter.

Options:
  --seed N   the seed (default 0)`,
  options: SEED_OPTION,
  positionals: { min: 0, max: 0 },
  run: (values: Values) => runChapter(seedOption('chapter', values)),
};
