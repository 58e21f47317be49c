import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { col2im, fold, im2col, unfold } from '../../src/kernels/im2col.js';
import { dot, numel, randomArray } from './helpers.js';

const arange = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('unfold', () => {
  it("uses F.unfold's layout: [N, C * kH * kW, L], channel then kernel row then kernel column", () => {
    const { out, outShape } = unfold(arange(18), [1, 2, 3, 3], 2);
    expect(outShape).toEqual([1, 8, 4]);
    const rows = Array.from({ length: 8 }, (_, r) => Array.from(out.slice(r * 4, r * 4 + 4)));
    expect(rows).toEqual([
      [0, 1, 3, 4],
      [1, 2, 4, 5],
      [3, 4, 6, 7],
      [4, 5, 7, 8],
      [9, 10, 12, 13],
      [10, 11, 13, 14],
      [12, 13, 15, 16],
      [13, 14, 16, 17],
    ]);
  });

  it('pads with zeros, strides and dilates; a 3-D input gives a 2-D result', () => {
    const { out, outShape } = unfold(Float32Array.from([1, 2, 3, 4]), [1, 2, 2], [1, 2], {
      padding: [0, 1],
      stride: [1, 2],
      dilation: [1, 2],
    });
    expect(out).toBeInstanceOf(Float32Array);
    // Padded rows [0, 1, 2, 0] and [0, 3, 4, 0]; windows at columns 0 and 2 read (c, c + 2).
    expect(outShape).toEqual([2, 2]);
    expect(Array.from(out)).toEqual([0, 0, 2, 4]);
  });

  it('reports too-small outputs like PyTorch', () => {
    expect(() => unfold(new Float32Array(4), [1, 1, 2, 2], 3)).toThrow(
      'unfold: given spatial size [2, 2], kernel_size [3, 3], dilation [1, 1], padding [0, 0] and stride [1, 1], ' +
        'the array of sliding blocks would be 0 x 0; both must be at least one',
    );
    expect(() => unfold(new Float32Array(4), [1, 1, 2, 2], 1, { stride: 0 })).toThrow(
      'unfold: stride must be positive',
    );
  });
});

describe('fold', () => {
  it('inverts unfold for non-overlapping windows and counts coverage for overlapping ones', () => {
    const x = randomArray(1, 2 * 3 * 4 * 6);
    const cols = unfold(x, [2, 3, 4, 6], 2, { stride: 2 });
    const back = fold(cols.out, cols.outShape, [4, 6], 2, { stride: 2 });
    expect(back.outShape).toEqual([2, 3, 4, 6]);
    expect(Array.from(back.out)).toEqual(Array.from(x));

    const ones = new Float64Array(9).fill(1);
    const cover = unfold(ones, [1, 3, 3], 2);
    expect(Array.from(fold(cover.out, cover.outShape, 3, 2).out)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });

  it('checks the number of blocks', () => {
    expect(() => fold(new Float32Array(40), [1, 4, 10], [3, 3], 2)).toThrow(
      'fold: output_size [3, 3] with kernel_size [2, 2] gives 2 * 2 = 4 sliding blocks, but the input [1, 4, 10] has 10',
    );
  });
});

describe('im2col and col2im', () => {
  it('are adjoint for any geometry, asymmetric padding included', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 2 }),
          c: fc.integer({ min: 1, max: 3 }),
          kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
          dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
          padding: fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)),
          extra: fc.tuple(fc.nat(5), fc.nat(5)),
          seed: fc.integer(),
        }),
        (s) => {
          const h = Math.max(
            1,
            (s.kernel[0] - 1) * s.dilation[0] + 1 + s.extra[0] - s.padding[0] - s.padding[1],
          );
          const w = Math.max(
            1,
            (s.kernel[1] - 1) * s.dilation[1] + 1 + s.extra[1] - s.padding[2] - s.padding[3],
          );
          const xShape = [s.n, s.c, h, w];
          const params = { stride: s.stride, dilation: s.dilation, padding: s.padding };
          const x = randomArray(s.seed, numel(xShape));
          const { out, outShape } = im2col(x, xShape, s.kernel, params);
          const cols = randomArray(s.seed + 1, out.length);
          const gx = col2im(cols, outShape, xShape, s.kernel, params);
          expect(Math.abs(dot(out, cols) - dot(x, gx))).toBeLessThanOrEqual(1e-10 * (1 + out.length));
        },
      ),
      { numRuns: 300 },
    );
  });
});
