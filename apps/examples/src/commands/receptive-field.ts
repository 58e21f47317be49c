import { analyzeLayers, formatTable } from '@fovea/receptive-field';
import { conv2d, ones, zeros } from '@fovea/tensor';
import { CliError, type Command } from '../lib/cli.js';
import { code, heading, show } from '../lib/print.js';

/**
 * Feature map and receptive field: the chapter's 3 x 3 input through two stacked 2 x 2
 * convolutions gives one output unit, which sees all nine inputs. The analytic answer (Araujo et
 * al., 2019: r_l = r_{l-1} + (k_l - 1) j_{l-1}) is checked against the gradient of that unit.
 */
export function receptiveFieldCell(): void {
  heading('Feature map and receptive field');
  code("rf = analyzeLayers([{ type: 'conv', kernel: 2 }, { type: 'conv', kernel: 2 }], [3, 3])");
  const rf = analyzeLayers(
    [
      { type: 'conv', kernel: 2, stride: 1, padding: 0 },
      { type: 'conv', kernel: 2, stride: 1, padding: 0 },
    ],
    [3, 3],
  );
  code('rf.size');
  show(rf.size);
  code('formatTable(rf)');
  show(formatTable(rf));
  code('rf.region([0, 0])  // the input box of the output unit: all nine inputs');
  const { rows, cols } = rf.region([0, 0]);
  show(`rows [${rows.join(', ')}], cols [${cols.join(', ')}]`);

  code('x = zeros([1, 1, 3, 3], { requiresGrad: true }); w = ones([1, 1, 2, 2])');
  code('conv2d(conv2d(x, w), w).sum().backward(); x.grad.reshape([3, 3])');
  const x = zeros([1, 1, 3, 3], { requiresGrad: true });
  const w = ones([1, 1, 2, 2]);
  conv2d(conv2d(x, w), w).sum().backward();
  const grad = x.grad!.reshape([3, 3]);
  show(grad);
  const seen = Array.from(grad.dataSync()).filter((g) => g !== 0).length;
  console.log(`the output unit depends on ${seen} of 9 inputs`);
  if (rf.size[0] !== 3 || rf.size[1] !== 3 || seen !== 9) {
    throw new CliError(`receptive-field: expected a 3x3 field seeing 9 inputs, got [${rf.size}] and ${seen}`);
  }
}

export const receptiveFieldCommand: Command = {
  name: 'receptive-field',
  summary: 'feature map and receptive field: two stacked 2x2 convolutions see a 3x3 input',
  usage: `Usage: pnpm examples receptive-field

Two stacked 2x2 convolutions on the chapter's 3x3 input: the single output unit has a 3x3
receptive field. Prints @fovea/receptive-field's analysis (analyzeLayers, formatTable) and checks
it against the gradient of the output unit with respect to the input (non-zero on all 9 pixels).`,
  options: {},
  positionals: { min: 0, max: 0 },
  run: receptiveFieldCell,
};
