import fc from 'fast-check';
import { expect, it } from 'vitest';
import { conv2dBackwardBias as reference } from '../../src/kernels/conv2d.js';
import { conv2dBackwardBias } from '../../src/kernels/registered/conv2d.js';
import { expectSameBits, forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly bias gradient of conv2d against the TypeScript reference, bit for bit: both
 * add in the same order (four double-precision sums per channel). Shapes cover planes that are
 * not a multiple of 4 (the tail goes to the first sum), samples larger than a block of the
 * copy (16384 floats) and blocks that end mid-batch, with large and tiny values mixed so that
 * any change of order would show after rounding.
 */

forceWasm();

function values(seed: number, n: number): Float32Array {
  const a = randomFloats(seed, n);
  for (let i = seed % 7; i < n; i += 13) a[i] *= 1e7;
  for (let i = seed % 3; i < n; i += 11) a[i] *= 1e-6;
  return a;
}

it('conv2dBackwardBias in WebAssembly equals the reference bit for bit', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 1, max: 30 }),
      fc.integer({ min: 0, max: 1000 }),
      (batch, channels, h, w, seed) => {
        const shape = [batch, channels, h, w];
        const gy = values(seed, batch * channels * h * w);
        const expected = reference(gy, shape);
        const calls = wasmCalls();
        const actual = conv2dBackwardBias(gy, shape);
        expect(wasmCalls()).toBe(calls + 1);
        expect(actual).toBeInstanceOf(Float32Array);
        expectSameBits(actual, expected, `bias gradient of [${shape}] (seed ${seed})`);
      },
    ),
    { numRuns: 80 },
  );
});

it('conv2dBackwardBias in WebAssembly writes into a given out and keeps NaN and infinities', () => {
  const shape = [3, 2, 5, 7];
  const gy = values(4, 210);
  gy[3] = Number.NaN;
  gy[40] = Number.POSITIVE_INFINITY;
  const out = new Float32Array(2);
  expect(conv2dBackwardBias(gy, shape, out)).toBe(out);
  expect(Array.from(out)).toEqual(Array.from(reference(gy, shape)));
  expect(out[0]).toBeNaN();
  expect(out[1]).toBe(Number.POSITIVE_INFINITY);
});

it('conv2dBackwardBias declines float64 and wrong sizes to the reference, which reports them', () => {
  const calls = wasmCalls();
  expect(Array.from(conv2dBackwardBias(new Float64Array(8).fill(1), [2, 1, 2, 2]))).toEqual([8]);
  expect(() => conv2dBackwardBias(new Float32Array(7), [2, 1, 2, 2])).toThrow(/conv2d backward \(bias\)/);
  expect(wasmCalls()).toBe(calls);
});
