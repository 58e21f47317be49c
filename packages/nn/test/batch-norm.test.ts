import { gradcheck, noGrad } from '@fovea/autograd';
import { randn, type Tensor, tensor, zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import { BatchNorm2d } from '../src/index.js';
import { expectClose } from './helpers/golden.js';

/** Per-channel mean and biased/unbiased variance of [N, C, H, W] values, in float64. */
function channelStats(x: Tensor): { mean: number[]; biased: number[]; unbiased: number[] } {
  const [n, c, h, w] = x.shape;
  const values = x.dataSync();
  const mean: number[] = [];
  const biased: number[] = [];
  const unbiased: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    const xs: number[] = [];
    for (let b = 0; b < n; b++) for (let i = 0; i < h * w; i++) xs.push(values[(b * c + ch) * h * w + i]);
    const m = xs.reduce((s, v) => s + v, 0) / xs.length;
    const ss = xs.reduce((s, v) => s + (v - m) ** 2, 0);
    mean.push(m);
    biased.push(ss / xs.length);
    unbiased.push(ss / (xs.length - 1));
  }
  return { mean, biased, unbiased };
}

/** (x - mean_c) / sqrt(var_c + eps) * weight_c + bias_c, in float64. */
function normalize(
  x: Tensor,
  mean: number[],
  variance: number[],
  eps: number,
  weight: number[],
  bias: number[],
) {
  const [, c, h, w] = x.shape;
  return Array.from(x.dataSync(), (v, i) => {
    const ch = Math.floor(i / (h * w)) % c;
    return ((v - mean[ch]) / Math.sqrt(variance[ch] + eps)) * weight[ch] + bias[ch];
  });
}

describe('BatchNorm2d', () => {
  const x = tensor([
    [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [-1, 0.5],
        [2, 8],
      ],
    ],
    [
      [
        [0, -2],
        [5, 1],
      ],
      [
        [3, 3],
        [-4, 1],
      ],
    ],
  ]);

  it('normalises with batch statistics (biased variance) in training and updates the running ones (unbiased)', () => {
    const bn = new BatchNorm2d(2);
    noGrad(() => {
      bn.weight!.copy_(tensor([2, 0.5]));
      bn.bias!.copy_(tensor([0.1, -1]));
    });
    const { mean, biased, unbiased } = channelStats(x);
    const y = bn.forward(x);
    expectClose(y, normalize(x, mean, biased, 1e-5, [2, 0.5], [0.1, -1]), 'training output');
    expectClose(
      bn.running_mean!,
      mean.map((m) => 0.1 * m),
      'running_mean',
    );
    expectClose(
      bn.running_var!,
      unbiased.map((v) => 0.9 + 0.1 * v),
      'running_var',
    );
    expect(bn.num_batches_tracked!.item()).toBe(1);
    bn.forward(x);
    expect(bn.num_batches_tracked!.item()).toBe(2);
    expectClose(
      bn.running_mean!,
      mean.map((m) => 0.9 * 0.1 * m + 0.1 * m),
      'running_mean after two',
    );
  });

  it('uses the running statistics in evaluation and leaves them alone', () => {
    const bn = new BatchNorm2d(2, { eps: 1e-3 });
    noGrad(() => {
      bn.running_mean!.copy_(tensor([0.5, -1]));
      bn.running_var!.copy_(tensor([2, 0.25]));
    });
    bn.eval();
    const y = bn.forward(x);
    expectClose(y, normalize(x, [0.5, -1], [2, 0.25], 1e-3, [1, 1], [0, 0]), 'eval output');
    expect(bn.num_batches_tracked!.item()).toBe(0);
    expect(bn.running_mean!.toArray()).toEqual([0.5, -1]);
  });

  it('with momentum null keeps the cumulative average of the batch statistics', () => {
    const bn = new BatchNorm2d(2, { momentum: null });
    const x2 = x.mul(2).add(1);
    bn.forward(x);
    bn.forward(x2);
    const a = channelStats(x).mean;
    const b = channelStats(x2).mean;
    expectClose(bn.running_mean!, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], 'cumulative mean');
  });

  it('without running statistics always uses the batch, and without affine has no parameters', () => {
    const bn = new BatchNorm2d(2, { affine: false, trackRunningStats: false });
    expect(bn.parameters()).toEqual([]);
    expect(Object.keys(bn.stateDict())).toEqual([]);
    bn.eval();
    const { mean, biased } = channelStats(x);
    expectClose(bn.forward(x), normalize(x, mean, biased, 1e-5, [1, 1], [0, 0]), 'batch stats in eval');
  });

  it('backpropagates through the batch statistics (gradcheck in float64)', () => {
    const bn = new BatchNorm2d(2);
    const input = x.double().requiresGrad_();
    const weights = randn([2, 2, 2, 2], { dtype: 'float64' });
    expect(gradcheck((t: Tensor) => bn.forward(t).mul(weights), [input], { atol: 1e-6 })).toBe(true);
  });

  it('keeps PyTorch buffer names and an int32 num_batches_tracked, and checks its input', () => {
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual([
      'weight',
      'bias',
      'running_mean',
      'running_var',
      'num_batches_tracked',
    ]);
    expect(bn.num_batches_tracked!.dtype).toBe('int32');
    expect(() => bn.forward(zeros([3, 4, 4]))).toThrow(/expected 4D input \(got 3D input/);
    expect(() => bn.forward(zeros([2, 2, 4, 4]))).toThrow(
      /expected input with 3 channels, got \[2, 2, 4, 4\]/,
    );
    expect(() => bn.forward(zeros([1, 3, 1, 1]))).toThrow(
      'Expected more than 1 value per channel when training, got input size [1, 3, 1, 1]',
    );
    bn.resetParameters();
    expect(bn.running_var!.toArray()).toEqual([1, 1, 1]);
  });
});
