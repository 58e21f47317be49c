import { arange, Generator, ones, randn, tensor, zeros } from '@fovea/tensor';
import { describe, expect, it } from 'vitest';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  CrossEntropyLoss,
  Dropout,
  Flatten,
  functional,
  Identity,
  Linear,
  LogSoftmax,
  MaxPool2d,
  MSELoss,
  ReLU,
  Sigmoid,
  Softmax,
  Tanh,
} from '../src/index.js';
import { expectClose, expectShape } from './helpers/golden.js';

describe('Dropout', () => {
  it('is the identity in evaluation mode', () => {
    const drop = new Dropout(0.5).eval();
    const x = randn([4, 5]);
    expect(drop.forward(x)).toBe(x);
  });

  it('zeroes about p of the elements in training and scales the rest by 1 / (1 - p)', () => {
    const drop = new Dropout(0.3, { generator: new Generator(7) });
    const x = ones([100, 100]).requiresGrad_();
    const y = drop.forward(x);
    const values = y.dataSync();
    const zeros = values.filter((v) => v === 0).length;
    expect(zeros / values.length).toBeGreaterThan(0.27);
    expect(zeros / values.length).toBeLessThan(0.33);
    expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    y.sum().backward();
    expectClose(x.grad!, values, 'gradient is the scaled mask');
    const again = new Dropout(0.3, { generator: new Generator(7) }).forward(ones([100, 100]));
    expect(again.toArray()).toEqual(y.toArray());
  });

  it('handles p = 0 and p = 1, and rejects p outside [0, 1]', () => {
    const x = randn([3]);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(
      new Dropout(1)
        .forward(x)
        .dataSync()
        .every((v) => v === 0),
    ).toBe(true);
    expect(() => new Dropout(1.5)).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
  });
});

describe('CrossEntropyLoss', () => {
  const logits = tensor([
    [1, 2, 3],
    [1, -1, 0],
    [0.5, 0.5, -2],
  ]);
  const rows = logits.toArray() as number[][];
  const logSoftmaxRow = (row: number[]) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  };
  const logp = rows.map(logSoftmaxRow);

  it('matches a hand computation for each reduction', () => {
    const target = tensor([2, 0, 1], { dtype: 'int32' });
    const per = [-logp[0][2], -logp[1][0], -logp[2][1]];
    expectClose(new CrossEntropyLoss({ reduction: 'none' }).forward(logits, target), per, 'none');
    expectClose(
      new CrossEntropyLoss({ reduction: 'sum' }).forward(logits, target),
      [per[0] + per[1] + per[2]],
      'sum',
    );
    expectClose(new CrossEntropyLoss().forward(logits, target), [(per[0] + per[1] + per[2]) / 3], 'mean');
  });

  it('has the gradient (softmax - one-hot) / N', () => {
    const x = logits.clone().requiresGrad_();
    new CrossEntropyLoss().forward(x, tensor([2, 0, 1], { dtype: 'int32' })).backward();
    const targets = [2, 0, 1];
    const expected = logp.flatMap((row, i) =>
      row.map((v, c) => (Math.exp(v) - (c === targets[i] ? 1 : 0)) / 3),
    );
    expectClose(x.grad!, expected, 'gradient');
  });

  it('skips ignored targets, in the sum and in the mean', () => {
    const target = tensor([2, -100, 1], { dtype: 'int32' });
    expectClose(new CrossEntropyLoss().forward(logits, target), [(-logp[0][2] - logp[2][1]) / 2], 'mean');
    const custom = tensor([2, 5, 5], { dtype: 'int32' });
    expectClose(
      new CrossEntropyLoss({ ignoreIndex: 5 }).forward(logits, custom),
      [-logp[0][2]],
      'ignoreIndex 5',
    );
    expect(
      Number.isNaN(
        new CrossEntropyLoss().forward(logits, tensor([-100, -100, -100], { dtype: 'int32' })).item(),
      ),
    ).toBe(true);
  });

  it("smooths labels with PyTorch's formula", () => {
    const target = tensor([2, 0, -100], { dtype: 'int32' });
    const s = 0.1;
    const nll = (-logp[0][2] - logp[1][0]) / 2;
    const smooth = (-logp[0].reduce((a, b) => a + b) - logp[1].reduce((a, b) => a + b)) / 2;
    expectClose(
      new CrossEntropyLoss({ labelSmoothing: s }).forward(logits, target),
      [(1 - s) * nll + (s / 3) * smooth],
      'smoothed',
    );
  });

  it('takes class probabilities, unbatched input and [N, C, H, W] input', () => {
    const probs = tensor([
      [0.2, 0.3, 0.5],
      [1, 0, 0],
      [0, 0.5, 0.5],
    ]);
    const p = probs.toArray() as number[][];
    const expected = logp.map((row, i) => -row.reduce((acc, v, c) => acc + v * p[i][c], 0));
    expectClose(
      new CrossEntropyLoss({ reduction: 'none' }).forward(logits, probs),
      expected,
      'probabilities',
    );
    expectClose(
      new CrossEntropyLoss().forward(logits.select(0, 0), tensor(2, { dtype: 'int32' })),
      [-logp[0][2]],
      'unbatched',
    );
    // [1, 3, 1, 3] holds the three rows as positions of one image.
    const image = logits.t().reshape([1, 3, 1, 3]);
    const target = tensor([[[2, 0, 1]]], { dtype: 'int32' });
    expectClose(
      new CrossEntropyLoss({ reduction: 'none' }).forward(image, target),
      [-logp[0][2], -logp[1][0], -logp[2][1]],
      'spatial',
    );
  });

  it('is stable for large logits', () => {
    const big = tensor([[1000, 0, -1000]]);
    expectClose(new CrossEntropyLoss().forward(big, tensor([0], { dtype: 'int32' })), [0], 'large logits');
    expectClose(new CrossEntropyLoss().forward(big, tensor([1], { dtype: 'int32' })), [1000], 'large loss');
  });

  it('rejects bad targets and options', () => {
    expect(() => new CrossEntropyLoss().forward(logits, tensor([3, 0, 0], { dtype: 'int32' }))).toThrow(
      'Target 3 is out of bounds.',
    );
    expect(() => new CrossEntropyLoss().forward(logits, tensor([[0, 0, 0]], { dtype: 'int32' }))).toThrow(
      /expected target size \[3\]/,
    );
    expect(() => new CrossEntropyLoss().forward(logits, tensor([true, false, true]))).toThrow(
      /int32 class indices/,
    );
    expect(() => new CrossEntropyLoss({ reduction: 'avg' as 'mean' })).toThrow(
      'avg is not a valid value for reduction',
    );
  });
});

describe('MSELoss, Linear, activations, pooling, Flatten, Identity', () => {
  it('MSELoss reduces the squared differences', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([1, 0, 6]);
    expectClose(new MSELoss().forward(a, b), [(0 + 4 + 9) / 3], 'mean');
    expectClose(new MSELoss({ reduction: 'sum' }).forward(a, b), [13], 'sum');
    expectClose(new MSELoss({ reduction: 'none' }).forward(a, b), [0, 4, 9], 'none');
  });

  it('Linear computes x W^T + b and checks the features', () => {
    const lin = new Linear(3, 2);
    lin.loadStateDict({
      weight: tensor([
        [1, 2, 3],
        [0, -1, 1],
      ]),
      bias: tensor([0.5, -0.5]),
    });
    expectClose(
      lin.forward(
        tensor([
          [1, 1, 1],
          [2, 0, -1],
        ]),
      ),
      [6.5, -0.5, -0.5, -1.5],
      'linear',
    );
    expectClose(lin.forward(tensor([1, 1, 1])), [6.5, -0.5], 'unbatched');
    expect(() => lin.forward(zeros([2, 4]))).toThrow(
      'Linear(in_features=3, out_features=2, bias=True): expected input with 3 features in its last dimension, got [2, 4]',
    );
    const bound = 1 / Math.sqrt(3);
    expect(new Linear(3, 50).weight.dataSync().every((v) => Math.abs(v) <= bound)).toBe(true);
  });

  it('activations apply elementwise', () => {
    const x = tensor([-1, 0, 2]);
    expect(new ReLU().forward(x).toArray()).toEqual([0, 0, 2]);
    expectClose(new Sigmoid().forward(x), [1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-2))], 'sigmoid');
    expectClose(new Tanh().forward(x), [Math.tanh(-1), 0, Math.tanh(2)], 'tanh');
    expectClose(functional.softmax(tensor([[1, 2, 3]]), 1), [0.09003057, 0.24472847, 0.66524096], 'softmax');
    const rows = tensor([
      [1, 2, 3],
      [0, -1, 4],
    ]);
    expect(Array.from(new Softmax(1).forward(rows).dataSync())).toEqual(
      Array.from(functional.softmax(rows, 1).dataSync()),
    );
    expect(Array.from(new LogSoftmax(0).forward(rows).dataSync())).toEqual(
      Array.from(functional.logSoftmax(rows, 0).dataSync()),
    );
    // PyTorch's repr: Softmax(dim=1), LogSoftmax(dim=0).
    expect(String(new Softmax(1))).toBe('Softmax(dim=1)');
    expect(String(new LogSoftmax(0))).toBe('LogSoftmax(dim=0)');
  });

  it('pooling layers pool windows, with the stride defaulting to the kernel', () => {
    const x = arange(16).float().reshape([1, 1, 4, 4]);
    expect(new MaxPool2d(2).forward(x).toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(new AvgPool2d(2).forward(x).toArray()).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    expectShape(new MaxPool2d(3, { stride: 1, padding: 1 }).forward(x), [1, 1, 4, 4]);
    expectShape(new MaxPool2d(3, { stride: 2, ceilMode: true }).forward(x), [1, 1, 2, 2]);
    expect(new AdaptiveAvgPool2d(1).forward(x).toArray()).toEqual([[[[7.5]]]]);
    expect(new AdaptiveAvgPool2d([null, 1]).forward(x).toArray()).toEqual([[[[1.5], [5.5], [9.5], [13.5]]]]);
  });

  it('Flatten keeps the batch axis by default; Identity returns its input', () => {
    expectShape(new Flatten().forward(zeros([2, 3, 4, 5])), [2, 60]);
    expectShape(new Flatten(0, 1).forward(zeros([2, 3, 4])), [6, 4]);
    const x = zeros([1]);
    expect(new Identity().forward(x)).toBe(x);
  });
});
