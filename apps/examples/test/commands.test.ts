import { describe, expect, it } from 'vitest';
import { chapterRepr, epochLosses, indexOfBlock, runExamples } from './helpers/run.js';

const COMMANDS = [
  'chapter',
  'corr2d',
  'layer',
  'edges',
  'learn-kernel',
  'flip',
  'receptive-field',
  'exercises',
  'train',
  'onnx',
];

describe('the command line', () => {
  it("'help' lists every command", () => {
    const out = runExamples(['help']);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Usage: pnpm examples \[command\] \[options\]/);
    for (const name of COMMANDS) expect(out.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(runExamples(['--', '--help']).stdout).toBe(out.stdout);
  });

  it.each(COMMANDS)("'%s --help' prints its usage and runs nothing", (name) => {
    const out = runExamples([name, '--help']);
    expect(out.status).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: pnpm examples \\[?${name}`));
    expect(out.stdout).not.toContain('## ');
  });

  it("'help <command>' is '<command> --help'", () => {
    expect(runExamples(['help', 'edges']).stdout).toBe(runExamples(['edges', '--help']).stdout);
  });

  it('rejects an unknown command, naming it and the known ones', () => {
    const out = runExamples(['nope']);
    expect(out.status).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain("error: unknown command 'nope' (expected one of: chapter, corr2d,");
    expect(out.stderr).toContain("Run 'pnpm examples help'");
  });

  it('rejects unknown options, stray arguments and bad numbers', () => {
    const unknown = runExamples(['corr2d', '--bogus']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("error: corr2d: Unknown option '--bogus'");
    expect(unknown.stderr).toContain("Run 'pnpm examples corr2d --help' for its usage.");
    const chapter = runExamples(['--bogus']);
    expect(chapter.status).toBe(1);
    expect(chapter.stderr).toContain("chapter: Unknown option '--bogus'");
    const stray = runExamples(['flip', 'extra']);
    expect(stray.status).toBe(1);
    expect(stray.stderr).toContain('flip: expected 0 argument(s), got 1 (unexpected: extra)');
    const seed = runExamples(['learn-kernel', '--seed', 'x']);
    expect(seed.status).toBe(1);
    expect(seed.stderr).toContain("learn-kernel: --seed must be an integer >= 0, got 'x'");
    const init = runExamples(['learn-kernel', '--init', '[1]']);
    expect(init.status).toBe(1);
    expect(init.stderr).toContain('--init must be a JSON pair of numbers');
  });
});

describe('one cell at a time', () => {
  it('corr2d prints the first cell', () => {
    const out = runExamples(['corr2d']);
    expect(out.status).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('## The cross-correlation operation');
    expect(indexOfBlock(out.stdout, chapterRepr('chapter_corr2d'))).toBeGreaterThan(0);
  });

  it('layer draws its weight from the seed', () => {
    const zero = runExamples(['layer']);
    expect(zero.status).toBe(0);
    expect(zero.stdout).toContain('tensor([[0.4963, 0.7682]], requires_grad=True)');
    const one = runExamples(['layer', '--seed', '1']);
    // torch.manual_seed(1); torch.rand(1, 2)
    expect(one.stdout).toContain('tensor([[0.7576, 0.2793]], requires_grad=True)');
  });

  it('learn-kernel prints the same as in the full chapter, and takes --epochs and --lr', () => {
    const alone = runExamples(['learn-kernel']);
    expect(alone.status).toBe(0);
    const chapter = runExamples([]).stdout;
    const cell = alone.stdout.trimEnd();
    expect(chapter).toContain(cell);
    const longer = epochLosses(runExamples(['learn-kernel', '--epochs', '20', '--lr', '0.01']).stdout);
    expect(longer.map((l) => l.epoch)).toEqual([2, 4, 6, 8, 10, 12, 14, 16, 18, 20]);
    for (let i = 1; i < longer.length; i++) expect(longer[i].loss).toBeLessThan(longer[i - 1].loss);
  });

  it('reaches a loss below 0.5 by epoch 10 from several seeds', () => {
    for (const seed of ['1', '2', '3', '42']) {
      const losses = epochLosses(runExamples(['learn-kernel', '--seed', seed]).stdout);
      expect(losses.at(-1)!.epoch).toBe(10);
      expect(losses.at(-1)!.loss, `seed ${seed}`).toBeLessThan(0.5);
    }
  });

  it('flip shows convolution = cross-correlation with the flipped kernel', () => {
    const out = runExamples(['flip']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('## Cross-correlation and convolution');
    expect(out.stdout.split('\n').filter((l) => l === 'true')).toHaveLength(2);
  });

  it('receptive-field prints the table and the gradient check', () => {
    const out = runExamples(['receptive-field']);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('1 (conv)        [1, 1]      1     1                3');
    expect(out.stdout).toContain('the output unit depends on 9 of 9 inputs');
  });
});
