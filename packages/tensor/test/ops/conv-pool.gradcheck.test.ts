import { gradcheck } from '@fovea/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  cat,
  conv2d,
  convolve2d,
  corr2d,
  Generator,
  maxPool2d,
  pad,
  randn,
  type Tensor,
  tensor,
  unfold,
} from '../../src/index.js';

// float64 central differences (eps 1e-6, atol 1e-5, rtol 1e-3: PyTorch's defaults) on random
// geometries drawn by fast-check; inputs come from a seeded generator so a failure replays.

const double = (shape: number[], seed: number): Tensor =>
  randn(shape, { dtype: 'float64', generator: new Generator(seed) }).requiresGrad_();

const pair = (max: number) => fc.tuple(fc.integer({ min: 1, max }), fc.integer({ min: 1, max }));

describe('gradcheck of the convolution family', () => {
  it('conv2d over random strides, paddings, dilations and groups', () => {
    fc.assert(
      fc.property(
        fc.record({
          groups: fc.integer({ min: 1, max: 3 }),
          inPerGroup: fc.integer({ min: 1, max: 2 }),
          outPerGroup: fc.integer({ min: 1, max: 2 }),
          kernel: pair(3),
          stride: pair(2),
          dilation: pair(2),
          padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
          extra: pair(3),
          bias: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        (p) => {
          const C = p.groups * p.inPerGroup;
          const O = p.groups * p.outPerGroup;
          const H = p.dilation[0] * (p.kernel[0] - 1) + p.extra[0];
          const W = p.dilation[1] * (p.kernel[1] - 1) + p.extra[1];
          const x = double([1, C, H, W], p.seed);
          const w = double([O, p.inPerGroup, ...p.kernel], p.seed + 1);
          const b = p.bias ? double([O], p.seed + 2) : null;
          const inputs = b ? [x, w, b] : [x, w];
          const options = { stride: p.stride, dilation: p.dilation, padding: p.padding, groups: p.groups };
          expect(gradcheck((...t: Tensor[]) => conv2d(t[0], t[1], t[2] ?? null, options), inputs)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("conv2d with padding 'same' (even kernels pad more at the end) and unbatched input", () => {
    const x = double([2, 5, 6], 1);
    const w = double([3, 2, 2, 3], 2);
    expect(
      gradcheck((a: Tensor, b: Tensor) => conv2d(a, b, null, { padding: 'same', dilation: [2, 1] }), [x, w]),
    ).toBe(true);
  });

  it('pad in every mode', () => {
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      const x = double([1, 2, 4, 5], 3);
      expect(gradcheck((t: Tensor) => pad(t, [2, 1, 1, 3], mode), [x])).toBe(true);
    }
    expect(gradcheck((t: Tensor) => pad(t, [-1, 2, 0, -1]), [double([2, 4, 5], 4)])).toBe(true);
  });

  it('max, average and adaptive average pooling', () => {
    // Distinct values keep max pooling away from ties, where the derivative is not defined.
    const x = tensor(Float64Array.from({ length: 2 * 7 * 6 }, (_, i) => ((i * 37) % 84) / 7 + i * 1e-3))
      .reshape([1, 2, 7, 6])
      .requiresGrad_();
    expect(
      gradcheck(
        (t: Tensor) =>
          maxPool2d(t, [3, 2], { stride: [2, 1], padding: [1, 1], dilation: [1, 2], ceilMode: true }),
        [x],
      ),
    ).toBe(true);
    expect(
      gradcheck(
        (t: Tensor) => avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
        [x],
      ),
    ).toBe(true);
    expect(gradcheck((t: Tensor) => avgPool2d(t, [2, 3], { stride: [1, 2], padding: [1, 0] }), [x])).toBe(
      true,
    );
    expect(gradcheck((t: Tensor) => adaptiveAvgPool2d(t, [3, 4]), [x])).toBe(true);
  });

  it('unfold, corr2d and convolve2d', () => {
    expect(
      gradcheck(
        (t: Tensor) => unfold(t, [2, 3], { stride: [2, 1], padding: 1, dilation: [1, 2] }),
        [double([1, 2, 5, 6], 5)],
      ),
    ).toBe(true);
    expect(gradcheck((a: Tensor, b: Tensor) => corr2d(a, b), [double([5, 6], 6), double([2, 3], 7)])).toBe(
      true,
    );
    expect(
      gradcheck((a: Tensor, b: Tensor) => convolve2d(a, b), [double([4, 4], 8), double([3, 2], 9)]),
    ).toBe(true);
  });
});

describe('convolution, cross-correlation and matrix products', () => {
  it('convolve2d(X, K.flip([0, 1])) equals corr2d(X, K)', () => {
    const X = randn([7, 9], { generator: new Generator(11) });
    const K = randn([3, 2], { generator: new Generator(12) });
    expect(convolve2d(X, K.flip([0, 1])).toArray()).toEqual(corr2d(X, K).toArray());
  });

  it('unfold + matmul equals conv2d', () => {
    const x = randn([2, 4, 6, 7], { dtype: 'float64', generator: new Generator(13) });
    const w = randn([6, 2, 3, 2], { dtype: 'float64', generator: new Generator(14) });
    const options = {
      stride: [2, 1] as [number, number],
      padding: 1,
      dilation: [1, 2] as [number, number],
      groups: 2,
    };
    const y = conv2d(x, w, null, options);
    // Per group g: W_g [O/G, C/G kH kW] times the group's patch rows.
    const cols = unfold(x, [3, 2], options); // [N, C kH kW, L]
    const perGroup = 2 * 3 * 2;
    const groups = [0, 1].map((g) =>
      w
        .narrow(0, g * 3, 3)
        .reshape([3, perGroup])
        .matmul(cols.narrow(1, g * perGroup, perGroup)),
    );
    const product = cat(groups, 1).reshape(y.shape);
    const expected = y.dataSync();
    product.dataSync().forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12));
  });
});
