import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  sigmoidBackward as sigmoidBackwardReference,
  sigmoidForward as sigmoidForwardReference,
} from '../../src/kernels/activation.js';
import { sigmoidBackward, sigmoidForward } from '../../src/kernels/registered/activation.js';
import { expectSameBits, forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly sigmoid kernels against the TypeScript reference, bit for bit on float32 (both
 * run the same float32 algorithm, kernels/activation.ts), over lengths that exercise the
 * four-lane tail, with values past exp's overflow and underflow, NaN, infinities and signed
 * zeros among them.
 */

forceWasm();

const SPECIAL = [
  Number.NaN,
  0,
  -0,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  88.5,
  -88.5,
  103,
  -103,
  150,
  -150,
];

function values(seed: number, n: number, scale: number): Float32Array {
  const a = randomFloats(seed, n);
  for (let i = 0; i < n; i++) a[i] = (a[i] - 0.5) * scale;
  for (let i = seed % 5; i < n; i += 9) a[i] = SPECIAL[(i + seed) % SPECIAL.length];
  return a;
}

// Short arrays, and long ones that the kernels take through WebAssembly memory in several blocks
// (4096 floats each) with a partial last block.
const LENGTHS = fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 4090, max: 13000 }));

it('sigmoidForward in WebAssembly equals the reference bit for bit', () => {
  fc.assert(
    fc.property(LENGTHS, fc.integer({ min: 0, max: 1000 }), fc.constantFrom(1, 20, 250), (n, seed, scale) => {
      const x = values(seed, n, scale);
      const expected = new Float32Array(n);
      sigmoidForwardReference(x, expected);
      const actual = new Float32Array(n);
      const calls = wasmCalls();
      sigmoidForward(x, actual);
      expect(wasmCalls()).toBe(calls + 1);
      expectSameBits(actual, expected, `sigmoid of ${n} values (seed ${seed})`);
    }),
    { numRuns: 60 },
  );
});

it('sigmoidBackward in WebAssembly equals the reference bit for bit', () => {
  fc.assert(
    fc.property(LENGTHS, fc.integer({ min: 0, max: 1000 }), (n, seed) => {
      const g = values(seed, n, 10);
      const y = randomFloats(seed + 1, n);
      const expected = new Float32Array(n);
      sigmoidBackwardReference(g, y, expected);
      const actual = new Float32Array(n);
      const calls = wasmCalls();
      sigmoidBackward(g, y, actual);
      expect(wasmCalls()).toBe(calls + 1);
      expectSameBits(actual, expected, `sigmoid backward of ${n} values (seed ${seed})`);
    }),
    { numRuns: 60 },
  );
});

it('the float32 sigmoid stays within 3 ulp of the correctly rounded one', () => {
  const x = values(7, 20000, 40);
  const out = new Float32Array(x.length);
  sigmoidForward(x, out);
  for (let i = 0; i < x.length; i++) {
    const exact = Math.fround(1 / (1 + Math.exp(-x[i])));
    if (Number.isNaN(exact)) expect(out[i]).toBeNaN();
    // PyTorch's float32 sigmoid also gives 0 where exp(-x) overflows float32 (x < -88.72).
    else if (x[i] < -88.72) expect(out[i]).toBe(0);
    else
      expect(Math.abs(out[i] - exact), `sigmoid(${x[i]})`).toBeLessThanOrEqual(
        3 * 2 ** -24 * Math.max(exact, 2 ** -126),
      );
  }
});
