import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PadMode, pad2d, pad2dBackward, pad2dShape } from '../../src/kernels/pad.js';
import { dot, numel, randomArray } from './helpers.js';

const arange = (n: number) => Float64Array.from({ length: n }, (_, i) => i);
const rows = (data: ArrayLike<number>, width: number) => {
  const out: number[][] = [];
  for (let i = 0; i < data.length; i += width) out.push(Array.from(data).slice(i, i + width));
  return out;
};

describe('pad2d forward (values from torch.nn.functional.pad)', () => {
  const x = arange(9);
  const shape = [1, 1, 3, 3];

  it('reflect', () => {
    const { out, outShape } = pad2d(x, shape, [1, 1, 1, 1], 'reflect');
    expect(outShape).toEqual([1, 1, 5, 5]);
    expect(rows(out, 5)).toEqual([
      [4, 3, 4, 5, 4],
      [1, 0, 1, 2, 1],
      [4, 3, 4, 5, 4],
      [7, 6, 7, 8, 7],
      [4, 3, 4, 5, 4],
    ]);
  });

  it('replicate', () => {
    expect(rows(pad2d(x, shape, [1, 1, 1, 1], 'replicate').out, 5)).toEqual([
      [0, 0, 1, 2, 2],
      [0, 0, 1, 2, 2],
      [3, 3, 4, 5, 5],
      [6, 6, 7, 8, 8],
      [6, 6, 7, 8, 8],
    ]);
  });

  it('circular', () => {
    expect(rows(pad2d(x, shape, [1, 1, 1, 1], 'circular').out, 5)).toEqual([
      [8, 6, 7, 8, 6],
      [2, 0, 1, 2, 0],
      [5, 3, 4, 5, 3],
      [8, 6, 7, 8, 6],
      [2, 0, 1, 2, 0],
    ]);
  });

  it('constant with a value, negative pads cropping, asymmetric', () => {
    const { out, outShape } = pad2d(x, shape, [1, -1, 0, 1], 'constant', 9);
    expect(outShape).toEqual([1, 1, 4, 3]);
    expect(rows(out, 3)).toEqual([
      [9, 0, 1],
      [9, 3, 4],
      [9, 6, 7],
      [9, 9, 9],
    ]);
  });

  it('negative pads in the other modes: reflect and replicate index the original, circular wraps the cropped', () => {
    const v = arange(4);
    expect(Array.from(pad2d(v, [1, 4], [-1, 2], 'reflect').out)).toEqual([1, 2, 3, 2, 1]);
    expect(Array.from(pad2d(v, [1, 4], [-1, 2], 'replicate').out)).toEqual([1, 2, 3, 3, 3]);
    expect(Array.from(pad2d(v, [1, 4], [-1, 2], 'circular').out)).toEqual([1, 2, 3, 1, 2]);
    expect(Array.from(pad2d(v, [1, 4], [2, -1], 'circular').out)).toEqual([1, 2, 0, 1, 2]);
  });

  it('pads only the last dimension with two pads, any leading dimensions, float32 in and out', () => {
    const { out, outShape } = pad2d(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 1, 3], [1, 0], 'replicate');
    expect(out).toBeInstanceOf(Float32Array);
    expect(outShape).toEqual([2, 1, 4]);
    expect(Array.from(out)).toEqual([1, 1, 2, 3, 4, 4, 5, 6]);
  });
});

describe('pad2dBackward', () => {
  it('accumulates replicated corners and edges', () => {
    const gx = pad2dBackward(
      new Float64Array(25).fill(1),
      [1, 1, 5, 5],
      [1, 1, 3, 3],
      [1, 1, 1, 1],
      'replicate',
    );
    expect(rows(gx, 3)).toEqual([
      [4, 2, 4],
      [2, 1, 2],
      [4, 2, 4],
    ]);
  });

  const modes: PadMode[] = ['constant', 'reflect', 'replicate', 'circular'];
  const setup = fc
    .record({
      mode: fc.constantFrom(...modes),
      lead: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
      h: fc.integer({ min: 1, max: 6 }),
      w: fc.integer({ min: 1, max: 6 }),
      pads: fc.array(fc.integer({ min: -3, max: 5 }), { minLength: 4, maxLength: 4 }),
      seed: fc.integer(),
    })
    .map((s) => {
      // Clip the pads into what each mode allows.
      const sizes = [s.w, s.w, s.h, s.h];
      const pads = s.pads.map((p, i) => {
        const size = sizes[i];
        if (s.mode === 'reflect') return Math.min(p, size - 1);
        if (s.mode === 'circular') return Math.min(p, size);
        return p;
      });
      return { ...s, pads };
    });

  it('is the adjoint of pad2d in every mode: <pad(x), gy> = <x, padBackward(gy)>', () => {
    fc.assert(
      fc.property(setup, ({ mode, lead, h, w, pads, seed }) => {
        const xShape = [...lead, h, w];
        let outShape: number[];
        try {
          outShape = pad2dShape(xShape, pads, mode);
        } catch {
          return; // a combination PyTorch rejects too (for example a crop below one element)
        }
        const x = randomArray(seed, numel(xShape));
        const { out } = pad2d(x, xShape, pads, mode);
        expect(out.length).toBe(numel(outShape));
        const gy = randomArray(seed + 1, out.length);
        const gx = pad2dBackward(gy, outShape, xShape, pads, mode);
        expect(Math.abs(dot(out, gy) - dot(x, gx))).toBeLessThanOrEqual(1e-9 * (1 + gy.length));
      }),
      { numRuns: 400 },
    );
  });
});

describe('pad2d errors name pad, the mode, the pads and the shape', () => {
  const x = new Float32Array(9);
  it('reflect needs pads below the size', () => {
    expect(() => pad2d(x, [1, 1, 3, 3], [3, 3, 0, 0], 'reflect')).toThrow(
      "pad: reflect padding must be less than the input size in each padded dimension (mode 'reflect', " +
        'pads [3, 3, 0, 0], input [1, 1, 3, 3])',
    );
  });
  it('circular cannot wrap more than once', () => {
    expect(() => pad2d(x, [1, 1, 3, 3], [0, 0, 4, 0], 'circular')).toThrow(
      "pad: padding would wrap around more than once (mode 'circular', pads [0, 0, 4, 0], input [1, 1, 3, 3])",
    );
  });
  it('rejects unknown modes, odd pad lengths and crops below zero', () => {
    expect(() => pad2d(x, [1, 1, 3, 3], [1, 1, 1, 1], 'wrap' as PadMode)).toThrow(
      "pad: unknown mode, expected one of 'constant', 'reflect', 'replicate', 'circular' (mode 'wrap'",
    );
    expect(() => pad2d(x, [1, 1, 3, 3], [1, 1, 1], 'constant')).toThrow('pad: expected pads [left, right]');
    expect(() => pad2d(x, [1, 1, 3, 3], [-2, -2, 0, 0], 'constant')).toThrow('negative size');
    expect(() => pad2d(x, [1, 1, 3, 3], [-2, -1, 0, 0], 'replicate')).toThrow('the output would be empty');
  });
});
