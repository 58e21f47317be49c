import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptiveAvgPool2dBackward, adaptiveAvgPool2dForward } from '../../src/kernels/adaptive-pool2d.js';
import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from '../../src/kernels/pool2d.js';
import { dot, expectClose, numel, randomArray } from './helpers.js';

const arange = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

/** Random pooling setups PyTorch accepts: pad at most half the effective kernel, output >= 1. */
const poolSetup = fc
  .record({
    lead: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padFraction: fc.tuple(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
    ),
    extra: fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    seed: fc.integer(),
  })
  .map((s) => {
    const eff = [0, 1].map((a) => (s.kernel[a] - 1) * s.dilation[a] + 1);
    const padding: [number, number] = [0, 1].map((a) =>
      Math.floor(s.padFraction[a] * Math.floor(eff[a] / 2)),
    ) as [number, number];
    const xShape = [...s.lead, eff[0] + s.extra[0], eff[1] + s.extra[1]];
    return { ...s, padding, xShape };
  });

describe('maxPool2d', () => {
  it('takes the first maximum on ties, and a NaN (the last one) over any number', () => {
    const params = {
      kernel: [1, 4] as [number, number],
      stride: 4,
      padding: 0,
      dilation: 1,
      ceilMode: false,
    };
    const ties = maxPool2dForward(Float64Array.from([1, 3, 3, 2]), [1, 1, 4], params);
    expect(Array.from(ties.out)).toEqual([3]);
    expect(Array.from(ties.indices)).toEqual([1]);
    const nan = maxPool2dForward(Float64Array.from([Number.NaN, 5, Number.NaN, 1]), [1, 1, 4], params);
    expect(Number.isNaN(nan.out[0])).toBe(true);
    expect(Array.from(nan.indices)).toEqual([2]);
  });

  it('pads with -inf and reports flat h * W + w indices within each plane', () => {
    const x = Float32Array.from([-5, -4, -3, -2, -1, -6, -7, -8, -9, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const params = { kernel: 2, stride: 2, padding: 1, dilation: 1, ceilMode: false };
    const { out, outShape, indices } = maxPool2dForward(x, [2, 3, 3], params);
    expect(outShape).toEqual([2, 2, 2]);
    expect(Array.from(out)).toEqual([-5, -3, -2, -1, 1, 3, 7, 9]);
    expect(Array.from(indices)).toEqual([0, 2, 3, 4, 0, 2, 6, 8]);
  });

  it('its backward matches central differences on distinct values', () => {
    fc.assert(
      fc.property(poolSetup, (s) => {
        const params = {
          kernel: s.kernel,
          stride: s.stride,
          padding: s.padding,
          dilation: s.dilation,
          ceilMode: s.ceilMode,
        };
        const x = randomArray(s.seed, numel(s.xShape));
        const { out, outShape, indices } = maxPool2dForward(x, s.xShape, params);
        const gy = randomArray(s.seed + 1, out.length);
        const gx = maxPool2dBackward(gy, outShape, indices, s.xShape);
        const loss = () => dot(maxPool2dForward(x, s.xShape, params).out, gy);
        for (let i = 0; i < x.length; i += 3) {
          const keep = x[i];
          x[i] = keep + 1e-7;
          const up = loss();
          x[i] = keep - 1e-7;
          const down = loss();
          x[i] = keep;
          expect(gx[i]).toBeCloseTo((up - down) / 2e-7, 5);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('rejects padding over half the effective kernel, zero stride and kernel, with the op named', () => {
    const x = new Float32Array(16);
    const base = { kernel: 2, stride: 2, padding: 0, dilation: 1, ceilMode: false };
    expect(() => maxPool2dForward(x, [1, 1, 4, 4], { ...base, padding: 2 })).toThrow(
      'max_pool2d: pad should be at most half of effective kernel size, but got pad=[2, 2], kernel_size=[2, 2] and dilation=[1, 1]',
    );
    expect(() => maxPool2dForward(x, [1, 1, 4, 4], { ...base, stride: [0, 1] })).toThrow(
      'max_pool2d: stride must be positive integers, got [0, 1]',
    );
    expect(() => maxPool2dForward(x, [1, 1, 4, 4], { ...base, kernel: 0 })).toThrow(
      'max_pool2d: kernel_size must be positive integers, got [0, 0]',
    );
    expect(() => maxPool2dForward(x, [1, 1, 4, 4], { ...base, kernel: 5, padding: 0 })).toThrow(
      'max_pool2d: given input [1, 1, 4, 4], the calculated output size [0, 0] is too small',
    );
    // With dilation 3 the effective kernel is 4, so a pad of 2 is allowed.
    expect(maxPool2dForward(x, [1, 1, 4, 4], { ...base, dilation: 3, padding: 2 }).outShape).toEqual([
      1, 1, 3, 3,
    ]);
  });
});

describe('avgPool2d', () => {
  it('in ceil mode, divides by the window clipped to the padded input, not by the kernel area', () => {
    // 4x4, kernel 3, stride 2, ceil: the second window [2, 5) is clipped to [2, 4).
    const params = { kernel: 3, stride: 2, padding: 0, ceilMode: true, countIncludePad: true };
    const { out, outShape } = avgPool2dForward(arange(16), [1, 1, 4, 4], params);
    expect(outShape).toEqual([1, 1, 2, 2]);
    expect(Array.from(out)).toEqual([5, 6.5, 11, 12.5]);
  });

  it('counts padding only with countIncludePad; divisorOverride replaces the count', () => {
    const x = Float64Array.from([1, 2, 3, 4]);
    const base = { kernel: 2, stride: 2, padding: 1, ceilMode: false };
    expect(Array.from(avgPool2dForward(x, [1, 2, 2], { ...base, countIncludePad: true }).out)).toEqual([
      0.25, 0.5, 0.75, 1,
    ]);
    expect(Array.from(avgPool2dForward(x, [1, 2, 2], { ...base, countIncludePad: false }).out)).toEqual([
      1, 2, 3, 4,
    ]);
    const over = avgPool2dForward(x, [1, 2, 2], { ...base, countIncludePad: false, divisorOverride: 2 });
    expect(Array.from(over.out)).toEqual([0.5, 1, 1.5, 2]);
    expect(() =>
      avgPool2dForward(x, [1, 2, 2], { ...base, countIncludePad: true, divisorOverride: 0 }),
    ).toThrow('avg_pool2d: divisor must be a non-zero integer');
  });

  it('its backward is the adjoint of the forward', () => {
    fc.assert(
      fc.property(poolSetup, (s) => {
        const params = {
          kernel: s.kernel,
          stride: s.stride,
          padding: [Math.min(s.padding[0], s.kernel[0] >> 1), Math.min(s.padding[1], s.kernel[1] >> 1)] as [
            number,
            number,
          ],
          ceilMode: s.ceilMode,
          countIncludePad: s.countIncludePad,
        };
        const x = randomArray(s.seed, numel(s.xShape));
        const { out, outShape } = avgPool2dForward(x, s.xShape, params);
        const gy = randomArray(s.seed + 1, out.length);
        const gx = avgPool2dBackward(gy, outShape, s.xShape, params);
        expect(Math.abs(dot(out, gy) - dot(x, gx))).toBeLessThanOrEqual(1e-10 * (1 + out.length));
      }),
      { numRuns: 200 },
    );
  });
});

describe('adaptiveAvgPool2d', () => {
  it('averages [floor(i n / out), ceil((i + 1) n / out)) along each axis', () => {
    const { out, outShape } = adaptiveAvgPool2dForward(arange(5), [1, 1, 1, 5], [1, 3]);
    expect(outShape).toEqual([1, 1, 1, 3]);
    expect(Array.from(out)).toEqual([0.5, 2, 3.5]);
    // Larger than the input: windows repeat pixels.
    expect(Array.from(adaptiveAvgPool2dForward(Float64Array.from([1, 2]), [1, 1, 2], [1, 3]).out)).toEqual([
      1, 1.5, 2,
    ]);
  });

  it('equals avg_pool2d when the size divides evenly', () => {
    const x = randomArray(3, 2 * 3 * 8 * 6);
    const adaptive = adaptiveAvgPool2dForward(x, [2, 3, 8, 6], [4, 2]);
    const avg = avgPool2dForward(x, [2, 3, 8, 6], {
      kernel: [2, 3],
      stride: [2, 3],
      padding: 0,
      ceilMode: false,
      countIncludePad: true,
    });
    expect(adaptive.outShape).toEqual(avg.outShape);
    expectClose(adaptive.out, avg.out, 'adaptive vs avg', 1e-15, 1e-15);
  });

  it('its backward is the adjoint of the forward', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer(),
        (h, w, oh, ow, seed) => {
          const x = randomArray(seed, 2 * h * w);
          const { out, outShape } = adaptiveAvgPool2dForward(x, [2, h, w], [oh, ow]);
          const gy = randomArray(seed + 1, out.length);
          const gx = adaptiveAvgPool2dBackward(gy, outShape, [2, h, w]);
          expect(Math.abs(dot(out, gy) - dot(x, gx))).toBeLessThanOrEqual(1e-10 * (1 + out.length));
        },
      ),
      { numRuns: 200 },
    );
  });
});
