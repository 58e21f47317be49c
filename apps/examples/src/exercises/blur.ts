import { arange, corr2d, full, manualSeed, randn, type Tensor } from '@fovea/tensor';
import { check, checkClose } from '../lib/check.js';
import { code, show } from '../lib/print.js';
import { type Exercise, fromFunction, say } from './exercise.js';

/** A (2 radius + 1)-square Gaussian kernel, normalised to sum to 1. */
export function gaussianKernel(radius: number, sigma: number): Tensor {
  const x = arange(-radius, radius + 1);
  const g = x
    .mul(x)
    .div(-2 * sigma * sigma)
    .exp();
  const g1 = g.div(g.sum());
  return g1.reshape([-1, 1]).mul(g1.reshape([1, -1]));
}

function variance(t: Tensor): number {
  const centred = t.sub(t.mean());
  return centred.mul(centred).mean().item() as number;
}

/** Exercise 2c: a blur kernel, why, and checks that it preserves brightness and removes noise. */
export const blur: Exercise = {
  name: 'blur',
  title: 'A blur kernel',
  run(seed) {
    say(
      'A blur replaces each pixel by a weighted mean of its neighbours: non-negative weights summing to 1',
      '(so flat regions keep their brightness). Uses: removing noise before taking derivatives, which',
      'amplify it; removing high frequencies before downsampling (anti-aliasing); looking at coarser scales.',
    );
    const box = full([3, 3], 1 / 9);
    code('box = full([3, 3], 1 / 9); gaussian = gaussianKernel(2, 1)  // 5x5, sigma 1');
    const gaussian = gaussianKernel(2, 1);
    show(gaussian);
    for (const [name, K] of [
      ['box', box],
      ['gaussian', gaussian],
    ] as const) {
      check(`${name}: the weights sum to 1`, Math.abs((K.sum().item() as number) - 1) < 1e-6);
      const flat = corr2d(full([8, 8], 0.7), K);
      checkClose(`${name}: a flat image keeps its value`, flat, full(flat.shape, 0.7), 1e-6);
    }

    manualSeed(seed);
    const noise = randn([128, 128]);
    for (const [name, K] of [
      ['box', box],
      ['gaussian', gaussian],
    ] as const) {
      // Var(sum w x) = sigma^2 sum w^2 for independent pixels.
      const expected = K.mul(K).sum().item() as number;
      const ratio = variance(corr2d(noise, K)) / variance(noise);
      check(
        `${name}: white noise keeps ${(100 * ratio).toFixed(1)}% of its variance (sum of w^2 = ${(100 * expected).toFixed(1)}%)`,
        Math.abs(ratio / expected - 1) < 0.2,
      );
    }

    code('corr2d(a step from 0 to 1 between columns 3 and 4, box)  // one row');
    const step = corr2d(
      fromFunction(3, 8, (_, j) => (j >= 4 ? 1 : 0)),
      box,
    );
    show(step.slice('0:1', ':'));
    const row = Array.from(step.slice(0, ':').dataSync());
    const jumps = row.slice(1).map((v, j) => v - row[j]);
    check(
      'the step is spread over three pixels (largest jump between neighbours 1 -> 1/3)',
      Math.abs(Math.max(...jumps) - 1 / 3) < 1e-6,
    );
  },
};
