import { corr2d, ones, type Tensor, tensor } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { SGD } from '../src/index.js';
import { loadGolden } from './helpers/golden.js';

/*
 * The chapter's "Learning a Kernel" loop with the manual update `w.data[:] -= lr * w.grad`
 * replaced by `SGD(..., lr=3e-2)`. Written on a leaf weight and corr2d so it needs no @fovea/nn
 * (the same as LazyConv2d(1, [1, 2], {bias: false}) on the reshaped image).
 */

interface LearnKernelRun {
  w0: [number, number];
  lr: number;
  losses: number[];
  final_weight: [number, number];
}

const golden = loadGolden<{ runs: LearnKernelRun[] }>('learn_kernel.json').runs.find(
  (r) => r.w0[0] === 0.5 && r.w0[1] === 0.5,
)!;

function chapterImage(): { X: Tensor; Y: Tensor } {
  const X = ones([6, 8]);
  X.slice(':', '2:6').fill_(0);
  return { X, Y: corr2d(X, tensor([[1, -1]])) };
}

type Update = (w: Tensor) => { zeroGrad: () => void; step: () => void };

function learn(update: Update): { losses: number[]; weight: number[] } {
  const { X, Y } = chapterImage();
  const w = tensor([[0.5, 0.5]], { requiresGrad: true });
  const { zeroGrad, step } = update(w);
  const losses: number[] = [];
  for (let i = 0; i < 10; i++) {
    const l = corr2d(X, w).sub(Y).pow(2);
    zeroGrad();
    l.sum().backward();
    losses.push(l.sum().item() as number);
    step();
  }
  return { losses, weight: Array.from(w.dataSync()) };
}

const withSGD: Update = (w) => {
  const opt = new SGD([w], { lr: 3e-2 });
  return { zeroGrad: () => opt.zeroGrad(), step: () => opt.step() };
};

const manual: Update = (w) => ({
  zeroGrad: () => {
    w.grad = null;
  },
  step: () => {
    w.data.sub_(w.grad!.mul(3e-2));
  },
});

describe("the chapter's kernel-learning loop with SGD", () => {
  const optimized = learn(withSGD);

  it("gives PyTorch's losses (float32, 1e-4 relative)", () => {
    expect(golden.lr).toBe(3e-2);
    optimized.losses.forEach((loss, i) => {
      const expected = golden.losses[i];
      expect(Math.abs(loss - expected), `loss before update ${i + 1}`).toBeLessThanOrEqual(
        1e-4 * Math.abs(expected),
      );
    });
    optimized.weight.forEach((v, i) => {
      expect(Math.abs(v - golden.final_weight[i])).toBeLessThanOrEqual(
        1e-4 * Math.abs(golden.final_weight[i]),
      );
    });
  });

  it('equals the manual update exactly: p + (-lr)·g rounds as p - lr·g', () => {
    const byHand = learn(manual);
    expect(optimized.losses).toEqual(byHand.losses);
    expect(optimized.weight).toEqual(byHand.weight);
  });

  it('ends near the edge detector [1, -1]', () => {
    expect(Math.abs(optimized.weight[0] - 1)).toBeLessThan(0.1);
    expect(Math.abs(optimized.weight[1] + 1)).toBeLessThan(0.1);
  });

  it('gives the same run when zeroGrad zeroes the gradient in place instead of dropping it', () => {
    const inPlace = learn((w) => {
      const opt = new SGD([w], { lr: 3e-2 });
      return { zeroGrad: () => opt.zeroGrad({ setToNone: false }), step: () => opt.step() };
    });
    expect(inPlace).toEqual(optimized);
  });
});
