import { grad, gradgradcheck } from '@fovea/autograd';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  Generator,
  maxPool2d,
  pad,
  randn,
  type Tensor,
  unfold,
} from '../../src/index.js';

// Second derivatives: gradgradcheck checks the createGraph backward of each op against float64
// central differences of its first derivative (eps 1e-6, atol 1e-5, rtol 1e-3: PyTorch's
// defaults), as a function of the inputs and of random gradOutputs (seeded), on random small
// geometries drawn by fast-check (seeded, so a failure replays).

const double = (shape: number[], seed: number): Tensor =>
  randn(shape, { dtype: 'float64', generator: new Generator(seed) }).requiresGrad_();

const pair = (min: number, max: number) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));

const runs = { numRuns: 8, seed: 20261206 };

describe('gradgradcheck of the convolution family', () => {
  it('conv2d over random strides, paddings, dilations, groups, with and without bias', () => {
    fc.assert(
      fc.property(
        fc.record({
          groups: fc.integer({ min: 1, max: 2 }),
          outPerGroup: fc.integer({ min: 1, max: 2 }),
          kernel: pair(1, 2),
          stride: pair(1, 2),
          dilation: pair(1, 2),
          padding: pair(0, 1),
          extra: pair(1, 2),
          bias: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        (p) => {
          const O = p.groups * p.outPerGroup;
          const H = p.dilation[0] * (p.kernel[0] - 1) + p.extra[0];
          const W = p.dilation[1] * (p.kernel[1] - 1) + p.extra[1];
          const x = double([1, p.groups, H, W], p.seed);
          const w = double([O, 1, ...p.kernel], p.seed + 1);
          const b = p.bias ? double([O], p.seed + 2) : null;
          const inputs = b ? [x, w, b] : [x, w];
          const options = { stride: p.stride, dilation: p.dilation, padding: p.padding, groups: p.groups };
          const f = (...t: Tensor[]) => conv2d(t[0], t[1], t[2] ?? null, options);
          expect(gradgradcheck(f, inputs, { seed: p.seed })).toBe(true);
        },
      ),
      runs,
    );
  });

  it("conv2d with padding 'same' and 'valid', on unbatched 3-D input, with bias", () => {
    const x = double([2, 3, 6], 1);
    const w = double([2, 2, 2, 3], 2);
    const b = double([2], 3);
    for (const padding of ['same', 'valid'] as const) {
      const f = (a: Tensor, k: Tensor, c: Tensor) => conv2d(a, k, c, { padding, dilation: [1, 2] });
      expect(gradgradcheck(f, [x, w, b])).toBe(true);
    }
  });

  it('max pooling over random kernels, strides, paddings, dilations and ceil mode', () => {
    fc.assert(
      fc.property(
        fc.record({
          kernel: pair(1, 3),
          stride: pair(1, 2),
          dilation: pair(1, 2),
          ceilMode: fc.boolean(),
          extra: pair(0, 2),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        (p) => {
          const padding: [number, number] = [
            Math.floor(((p.kernel[0] - 1) * p.dilation[0] + 1) / 2),
            Math.floor(((p.kernel[1] - 1) * p.dilation[1] + 1) / 2),
          ];
          const H = (p.kernel[0] - 1) * p.dilation[0] + 1 + p.extra[0];
          const W = (p.kernel[1] - 1) * p.dilation[1] + 1 + p.extra[1];
          // randn values are distinct, so no window's maximum moves under a 1e-6 step.
          const x = double([1, 2, H, W], p.seed);
          const options = { stride: p.stride, padding, dilation: p.dilation, ceilMode: p.ceilMode };
          expect(gradgradcheck((t: Tensor) => maxPool2d(t, p.kernel, options), [x], { seed: p.seed })).toBe(
            true,
          );
        },
      ),
      runs,
    );
  });

  it('average pooling over random geometries, ceil mode and countIncludePad', () => {
    fc.assert(
      fc.property(
        fc.record({
          kernel: pair(1, 3),
          stride: pair(1, 2),
          padding: pair(0, 1),
          ceilMode: fc.boolean(),
          countIncludePad: fc.boolean(),
          extra: pair(0, 2),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        (p) => {
          const padding: [number, number] = [
            Math.min(p.padding[0], Math.floor(p.kernel[0] / 2)),
            Math.min(p.padding[1], Math.floor(p.kernel[1] / 2)),
          ];
          const x = double([2, p.kernel[0] + p.extra[0], p.kernel[1] + p.extra[1]], p.seed);
          const options = {
            stride: p.stride,
            padding,
            ceilMode: p.ceilMode,
            countIncludePad: p.countIncludePad,
          };
          expect(gradgradcheck((t: Tensor) => avgPool2d(t, p.kernel, options), [x], { seed: p.seed })).toBe(
            true,
          );
        },
      ),
      runs,
    );
  });

  it('adaptive average pooling to random output sizes', () => {
    fc.assert(
      fc.property(pair(1, 5), pair(1, 4), fc.integer({ min: 0, max: 1e6 }), (size, out, seed) => {
        const x = double([1, 2, ...size], seed);
        expect(gradgradcheck((t: Tensor) => adaptiveAvgPool2d(t, out), [x], { seed })).toBe(true);
      }),
      runs,
    );
  });

  it('pad in every mode, with random pads (negative ones crop in constant mode)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('constant', 'reflect', 'replicate', 'circular' as const),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 1e6 }),
        (mode, pads, seed) => {
          const x = double([1, 2, 3, 4], seed);
          const f = (t: Tensor) => pad(t, pads, mode, 0.5);
          expect(gradgradcheck(f, [x], { seed })).toBe(true);
        },
      ),
      runs,
    );
    expect(gradgradcheck((t: Tensor) => pad(t, [-1, 2, 0, -1]), [double([2, 4, 5], 4)])).toBe(true);
    expect(gradgradcheck((t: Tensor) => pad(t, [2, 1], 'reflect'), [double([2, 4], 5)])).toBe(true);
  });

  it('unfold over random kernels, strides, paddings and dilations', () => {
    fc.assert(
      fc.property(
        fc.record({
          kernel: pair(1, 2),
          stride: pair(1, 2),
          dilation: pair(1, 2),
          padding: pair(0, 1),
          extra: pair(0, 2),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        (p) => {
          const H = (p.kernel[0] - 1) * p.dilation[0] + 1 + p.extra[0];
          const W = (p.kernel[1] - 1) * p.dilation[1] + 1 + p.extra[1];
          const x = double([1, 2, H, W], p.seed);
          const options = { stride: p.stride, padding: p.padding, dilation: p.dilation };
          expect(gradgradcheck((t: Tensor) => unfold(t, p.kernel, options), [x], { seed: p.seed })).toBe(
            true,
          );
        },
      ),
      runs,
    );
  });

  it('a gradient penalty through conv2d and max pooling has a second derivative (no error)', () => {
    const x = double([1, 1, 5, 5], 6);
    const w = double([2, 1, 3, 3], 7);
    const y = maxPool2d(conv2d(x, w, null, { padding: 1 }), 2);
    const [gx] = grad(y.sum(), x, { createGraph: true });
    expect(gx!.gradFn?.name).toBe('ConvolutionBackwardBackward0');
    gx!.pow(2).sum().backward();
    expect(w.grad?.shape).toEqual([2, 1, 3, 3]);
  });
});
