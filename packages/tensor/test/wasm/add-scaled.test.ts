import fc from 'fast-check';
import { expect, it } from 'vitest';
import { addScaledInPlace as reference } from '../../src/kernels/add-scaled.js';
import { addScaledInPlace } from '../../src/kernels/registered/add-scaled.js';
import { expectSameBits, forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly `add_` with alpha (an optimizer's update) against the TypeScript reference,
 * bit for bit on float32: the product rounded to float32, then the sum, in both. Lengths cover
 * the four-lane tail and several blocks of the copy (4096 floats); values mix magnitudes so
 * that a fused or reordered rounding would show, with NaN, infinities and signed zeros.
 */

forceWasm();

const SPECIAL = [Number.NaN, 0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e38, -1e-45];

function values(seed: number, n: number): Float32Array {
  const a = randomFloats(seed, n);
  for (let i = seed % 5; i < n; i += 7) a[i] *= 1e6;
  for (let i = seed % 3; i < n; i += 97) a[i] = SPECIAL[(i + seed) % SPECIAL.length];
  return a;
}

it('addScaledInPlace in WebAssembly equals the reference bit for bit', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 4090, max: 13000 })),
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom(-0.9, 0.1, -1e-3, 1 / 3, 1e30),
      (n, seed, alpha) => {
        const target = values(seed, n);
        const other = values(seed + 1, n);
        const expected = target.slice();
        reference(expected, other, alpha);
        const calls = wasmCalls();
        addScaledInPlace(target, other, alpha);
        expect(wasmCalls()).toBe(calls + 1);
        expectSameBits(target, expected, `${n} elements (seed ${seed}, alpha ${alpha})`);
      },
    ),
    { numRuns: 80 },
  );
});

it('addScaledInPlace leaves float64 to the reference', () => {
  const target = new Float64Array([1, 2]);
  const calls = wasmCalls();
  addScaledInPlace(target, new Float64Array([0.5, 0.25]), 0.1);
  expect(Array.from(target)).toEqual([1 + 0.1 * 0.5, 2 + 0.1 * 0.25]);
  expect(wasmCalls()).toBe(calls);
});
