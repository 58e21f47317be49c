import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Conv2d, load, MaxPool2d, ReLU, Sequential } from '@fovea/nn';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerSpecs, modelReceptiveField } from '../src/lib/receptive.js';
import { lossCurveSvg } from '../src/lib/svg.js';
import { type RunResult, runExamples, tempDir } from './helpers/run.js';

const SOBEL_X = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];

describe('train', () => {
  let dir: string;
  let run: RunResult;
  beforeAll(() => {
    dir = tempDir('train');
    run = runExamples(['train', '--steps', '120', '--out', dir]);
  });

  it('trains with periodic loss lines when stdout is not a terminal', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = [...run.stdout.matchAll(/^train: step (\d+)\/120, loss (\S+)$/gm)];
    expect(lines.map((m) => Number(m[1]))).toEqual([12, 24, 36, 48, 60, 72, 84, 96, 108, 120]);
    const losses = lines.map((m) => Number(m[2]));
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 100);
    expect(run.stdout).not.toContain('\r');
  });

  it('learns the Sobel kernels and saves a checkpoint @fovea/nn loads', () => {
    const checkpoint = join(dir, 'edge-bank.safetensors');
    expect(run.stdout).toContain(`wrote ${checkpoint} (0.weight [4, 1, 3, 3])`);
    const { '0.weight': weight } = load(checkpoint);
    expect(weight.shape).toEqual([4, 1, 3, 3]);
    const learned = weight.toArray() as number[][][][];
    learned[0][0].flat().forEach((w, i) => {
      expect(Math.abs(w - SOBEL_X.flat()[i])).toBeLessThan(0.05);
    });
  });

  it('writes the kernels as a PNG and the loss curve as an SVG', () => {
    const png = PNG.sync.read(readFileSync(join(dir, 'kernels.png')));
    // 4 kernels of 3x3 cells of 24 px, 8 px gaps; two rows (learned, targets).
    expect([png.width, png.height]).toEqual([8 + 4 * (3 * 24 + 8), 8 + 2 * (3 * 24 + 8)]);
    const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const points = svg.match(/points="([^"]*)"/)![1].split(' ');
    expect(points).toHaveLength(120);
  });

  it('prints the receptive-field table of the model it trained', () => {
    expect(run.stdout).toMatch(/receptive field of the model \((receptiveField, traced|analyzeLayers)\):/);
    expect(run.stdout).toContain('receptive field [3, 3], jump [1, 1], effective padding [1, 1]');
  });

  it('writes to test-output/examples/train in the folder pnpm ran in by default', () => {
    const cwd = tempDir('train-default');
    const out = runExamples(['train', '--steps', '2', '--batch', '2'], { env: { INIT_CWD: cwd } });
    expect(out.status).toBe(0);
    for (const file of ['kernels.png', 'loss.svg', 'edge-bank.safetensors']) {
      expect(existsSync(join(cwd, 'test-output', 'examples', 'train', file))).toBe(true);
    }
  });

  it('rejects bad numbers', () => {
    const out = runExamples(['train', '--lr=-1']);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("train: --lr must be a positive number, got '-1'");
  });
});

describe('helpers of train', () => {
  it('reads a plain stack into analyzeLayers specs when receptiveField is not there to trace it', () => {
    const model = new Sequential(
      new Conv2d(1, 4, 3, { padding: 1 }),
      new ReLU(),
      new MaxPool2d(2),
      new Conv2d(4, 4, 3, { padding: 'same', dilation: 2 }),
    );
    const specs = layerSpecs(model);
    expect(specs.map((s) => [s.name, s.type])).toEqual([
      ['0', 'conv'],
      ['2', 'pool'],
      ['3', 'conv'],
    ]);
    expect(specs[2].padding).toEqual({ top: 2, bottom: 2, left: 2, right: 2 });
    const { result } = modelReceptiveField(model, [1, 1, 32, 32]);
    // r = 3, then pool 2 (jump 2): 4, then a dilated 3x3 (effective 5) at jump 2: 4 + 4 * 2 = 12.
    expect(result.size).toEqual([12, 12]);
  });

  it('draws a loss curve inside its axes', () => {
    const svg = lossCurveSvg([10, 1, 0.1, 0.01]);
    const points = svg
      .match(/points="([^"]*)"/)![1]
      .split(' ')
      .map((p) => p.split(',').map(Number));
    for (const [x, y] of points) {
      expect(x).toBeGreaterThanOrEqual(64);
      expect(x).toBeLessThanOrEqual(624);
      expect(y).toBeGreaterThanOrEqual(32);
      expect(y).toBeLessThanOrEqual(320);
    }
  });
});
