import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  isShapesOnly,
  maxPool2d,
  pad,
  randn,
  type Tensor,
  unfold,
  withShapesOnly,
  zeros,
} from '../src/index.js';

describe('shapes-only execution', () => {
  it('computes the shapes and the graph of a large network without its arithmetic', () => {
    const w1 = randn([64, 3, 7, 7]).requiresGrad_();
    const w2 = randn([64, 64, 3, 3]).requiresGrad_();
    const started = performance.now();
    const y = withShapesOnly(() => {
      expect(isShapesOnly()).toBe(true);
      const x = zeros([1, 3, 1023, 1023]);
      let h: Tensor = conv2d(x, w1, null, { stride: 2, padding: 3 }).relu();
      h = maxPool2d(h, 3, { stride: 2, padding: 1 });
      for (let i = 0; i < 8; i++) h = conv2d(h, w2, null, { padding: 1 }).add(h).relu();
      h = avgPool2d(pad(h, [1, 1, 1, 1], 'reflect'), 2);
      return adaptiveAvgPool2d(h, [4, 4]).mean([2, 3]);
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(isShapesOnly()).toBe(false);
    expect(y.shape).toEqual([1, 64]);
    expect(y.gradFn?.name).toBe('MeanBackward1');
  });

  it('records op geometry and shapes on the graph nodes', () => {
    const w = randn([4, 2, 3, 2]).requiresGrad_();
    const y = withShapesOnly(() =>
      conv2d(zeros([1, 2, 9, 8]), w, null, { stride: [2, 1], dilation: [1, 2], padding: 1 }),
    );
    expect(y.shape).toEqual([1, 4, 5, 8]);
    expect(y.gradFn?.attributes).toMatchObject({
      op: 'conv2d',
      kernel: [3, 2],
      stride: [2, 1],
      dilation: [1, 2],
      padding: [1, 1, 1, 1],
      groups: 1,
      inputShapes: [[1, 2, 9, 8], [4, 2, 3, 2], null],
      outputShape: [1, 4, 5, 8],
    });
    const p = withShapesOnly(() =>
      maxPool2d(zeros([1, 1, 7, 7]).requiresGrad_(), 3, { stride: 2, ceilMode: true }),
    );
    expect(p.shape).toEqual([1, 1, 3, 3]);
    expect(p.gradFn?.attributes).toMatchObject({ op: 'max_pool2d', kernel: 3, stride: 2, ceilMode: true });
  });

  it('gives the same shapes as real execution', () => {
    const x = randn([2, 3, 10, 9]);
    const w = randn([6, 1, 3, 3]);
    const real = [
      conv2d(x, w, null, { groups: 3, padding: 'same' }),
      unfold(x, [2, 3], { stride: 2 }),
      avgPool2d(x, 3, { ceilMode: true, padding: 1 }),
      pad(x, [2, -1, 0, 3]),
    ].map((t) => t.shape);
    const traced = withShapesOnly(() => [
      conv2d(x, w, null, { groups: 3, padding: 'same' }),
      unfold(x, [2, 3], { stride: 2 }),
      avgPool2d(x, 3, { ceilMode: true, padding: 1 }),
      pad(x, [2, -1, 0, 3]),
    ]).map((t) => t.shape);
    expect(traced).toEqual(real);
  });

  it('still checks shapes', () => {
    expect(() => withShapesOnly(() => conv2d(zeros([1, 3, 8, 8]), zeros([2, 4, 3, 3])))).toThrow(
      /conv2d: input has 3 channels but weight expects 4/,
    );
  });
});
