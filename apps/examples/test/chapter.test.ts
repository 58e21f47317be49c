import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  APP_DIR,
  cells,
  chapterRepr,
  epochLosses,
  indexOfBlock,
  loadGolden,
  ROOT,
  type RunResult,
  runExamples,
} from './helpers/run.js';

const HEADINGS = [
  'The cross-correlation operation',
  'Convolutional layers',
  'Object edge detection in images',
  'Learning a kernel',
  'Cross-correlation and convolution',
  'Feature map and receptive field',
];

/** Checks that each block appears, as whole lines, after the previous one. */
function expectBlocksInOrder(text: string, blocks: string[]): void {
  let from = 0;
  for (const block of blocks) {
    const at = indexOfBlock(text, block, from);
    expect(at, `expected, after line ${from}:\n${block}\nin:\n${text}`).toBeGreaterThanOrEqual(0);
    from = at + block.split('\n').length;
  }
}

describe('pnpm examples: the whole chapter', () => {
  let run: RunResult;
  let byCell: Map<string, string>;
  beforeAll(() => {
    run = runExamples([]);
    byCell = cells(run.stdout);
  });

  it('exits 0 with nothing on stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('prints a heading per cell, in the chapter order', () => {
    expect([...byCell.keys()]).toEqual(HEADINGS);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('## '))).toEqual(HEADINGS.map((h) => `## ${h}`));
  });

  it('prints corr2d(X, K) exactly as PyTorch', () => {
    expectBlocksInOrder(byCell.get('The cross-correlation operation')!, [chapterRepr('chapter_corr2d')]);
  });

  it("shows the from-scratch Conv2D: PyTorch's rand after manual_seed(0), a zero bias, a forward", () => {
    expectBlocksInOrder(byCell.get('Convolutional layers')!, [
      'Conv2D()',
      '[1, 2]',
      // torch.manual_seed(0); torch.rand(1, 2)
      'Parameter containing:\ntensor([[0.4963, 0.7682]], requires_grad=True)',
      'Parameter containing:\ntensor([0.], requires_grad=True)',
      'tensor([[0.7682, 2.0327],\n        [4.5617, 5.8261],\n        [8.3551, 9.6196]], grad_fn=<AddBackward0>)',
    ]);
  });

  it('prints the 6x8 image, its edges and the transposed image character for character', () => {
    expectBlocksInOrder(byCell.get('Object edge detection in images')!, [
      chapterRepr('chapter_X'),
      chapterRepr('chapter_Y'),
      chapterRepr('chapter_zeros_8x5'),
    ]);
  });

  it('learns the kernel: a loss every two epochs, decreasing to below 0.5 by epoch 10', () => {
    const cell = byCell.get('Learning a kernel')!;
    const losses = epochLosses(cell);
    expect(losses.map((l) => l.epoch)).toEqual([2, 4, 6, 8, 10]);
    for (let i = 1; i < losses.length; i++) expect(losses[i].loss).toBeLessThan(losses[i - 1].loss);
    expect(losses[losses.length - 1].loss).toBeLessThan(0.5);
  });

  it("prints the learned kernel as PyTorch prints chapter's, close to [[1, -1]]", () => {
    const cell = byCell.get('Learning a kernel')!;
    const line = cell.split('\n').find((l) => l.startsWith('tensor([['))!;
    const digitsAsD = (s: string) => s.replace(/\d/g, 'd');
    expect(digitsAsD(line)).toBe(digitsAsD(chapterRepr('chapter_learned')));
    const [w1, w2] = line.match(/-?\d+\.\d+/g)!.map(Number);
    expect(Math.abs(w1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(w2 + 1)).toBeLessThan(0.1);
    expect(cell).toContain('Conv2d(1, 1, kernel_size=(1, 2), stride=(1, 1), bias=False)');
  });

  it('shows convolve2d(X, K.flip([0, 1])) equal to corr2d(X, K)', () => {
    const cell = byCell.get('Cross-correlation and convolution')!;
    const corr = chapterRepr('chapter_corr2d');
    expectBlocksInOrder(cell, [
      '> convolve2d(X, K.flip([0, 1]))',
      corr,
      '> corr2d(X, K)',
      corr,
      '> convolve2d(X, K.flip([0, 1])) equals corr2d(X, K)',
      'true',
      'tensor([[ 5., 11.],\n        [23., 29.]])',
      'true',
    ]);
  });

  it('finds the 3x3 receptive field of two stacked 2x2 convolutions, and all nine inputs seen', () => {
    expectBlocksInOrder(byCell.get('Feature map and receptive field')!, [
      '> rf.size',
      '[3, 3]',
      'receptive field [3, 3], jump [1, 1], effective padding [0, 0]',
      'rows [0, 2], cols [0, 2]',
      'tensor([[1., 2., 1.],\n        [2., 4., 2.],\n        [1., 2., 1.]])',
      'the output unit depends on 9 of 9 inputs',
    ]);
  });

  it('is deterministic, and --seed changes only the random cells', () => {
    expect(runExamples([]).stdout).toBe(run.stdout);
    const seeded = runExamples(['--seed', '3']);
    expect(seeded.status).toBe(0);
    expect(runExamples(['--seed', '3']).stdout).toBe(seeded.stdout);
    const other = cells(seeded.stdout);
    for (const title of HEADINGS) {
      const random = title === 'Convolutional layers' || title === 'Learning a kernel';
      if (random) expect(other.get(title)).not.toBe(byCell.get(title));
      else expect(other.get(title)).toBe(byCell.get(title));
    }
    expect(runExamples(['chapter', '--seed', '3']).stdout).toBe(seeded.stdout);
  });

  it("runs the learning loop as PyTorch does from the reference runs' starting kernels", () => {
    const golden = loadGolden<{
      runs: { w0: number[]; lr: number; losses: number[]; final_weight: number[] }[];
    }>('learn_kernel.json');
    for (const ref of golden.runs) {
      const out = runExamples(['learn-kernel', '--init', JSON.stringify(ref.w0), '--lr', String(ref.lr)]);
      expect(out.status).toBe(0);
      const losses = epochLosses(out.stdout);
      expect(losses).toHaveLength(5);
      for (const { epoch, loss } of losses) {
        // Printed with 3 decimals: the loss before update `epoch` (golden index epoch - 1).
        expect(Math.abs(loss - ref.losses[epoch - 1])).toBeLessThanOrEqual(
          5e-4 + 1e-4 * ref.losses[epoch - 1],
        );
      }
      const learned = out.stdout.match(/^tensor\(\[\[\s*(-?\d+\.\d+), (-?\d+\.\d+)\]\]\)$/m)!;
      expect(Math.abs(Number(learned[1]) - ref.final_weight[0])).toBeLessThanOrEqual(5e-5 + 1e-4);
      expect(Math.abs(Number(learned[2]) - ref.final_weight[1])).toBeLessThanOrEqual(5e-5 + 1e-4);
    }
  });
});

describe("the app's start script (what the root 'pnpm examples' runs after 'pnpm build')", () => {
  it("'pnpm --filter @fovea/examples start corr2d' prints the first cell", () => {
    const pnpm = spawnSync('pnpm', ['--filter', '@fovea/examples', 'start', 'corr2d'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    });
    if (pnpm.error) throw new Error(`could not run pnpm from ${APP_DIR}: ${pnpm.error.message}`);
    expect(pnpm.status).toBe(0);
    expect(indexOfBlock(pnpm.stdout, chapterRepr('chapter_corr2d'))).toBeGreaterThanOrEqual(0);
  });
});
