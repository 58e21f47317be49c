import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import {
  sigmoidBackward as sigmoidBackwardReference,
  sigmoidForward as sigmoidForwardReference,
} from '../../src/kernels/activation.js';
import { setNumThreads, threadPool, wasmRuntime } from '../../src/kernels/backend.js';
import { sigmoidBackward, sigmoidForward } from '../../src/kernels/registered/activation.js';
import { expectSameBits, forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * Sigmoid's forward split over threads (every size takes the threaded path here): each element
 * is computed alone, so 1, 2 and 3 threads give the reference's bits, for lengths that end
 * mid-chunk (16384 floats a work item), mid-vector, and that give a thread no chunk at all. Its
 * backward stays on one thread whatever the count, with the same bits.
 */

forceWasm(2);

afterAll(() => setNumThreads(1));

const LENGTHS = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 16380, max: 50000 }));

it('starts the workers', () => {
  setNumThreads(2);
  expect(threadPool(wasmRuntime()!)).not.toBeNull();
});

it('sigmoidForward on 1, 2 and 3 threads equals the reference bit for bit', () => {
  fc.assert(
    fc.property(LENGTHS, fc.integer({ min: 0, max: 1000 }), (n, seed) => {
      const x = randomFloats(seed, n).map((v) => v * 120);
      const expected = new Float32Array(n);
      sigmoidForwardReference(x, expected);
      for (const threads of [1, 2, 3]) {
        setNumThreads(threads);
        const actual = new Float32Array(n);
        const calls = wasmCalls();
        sigmoidForward(x, actual);
        expect(wasmCalls()).toBe(calls + 1);
        expectSameBits(actual, expected, `sigmoid of ${n} values on ${threads} threads (seed ${seed})`);
      }
    }),
    { numRuns: 12 },
  );
});

it('sigmoidBackward (one thread whatever the count) on 1, 2 and 3 threads equals the reference bit for bit', () => {
  fc.assert(
    fc.property(LENGTHS, fc.integer({ min: 0, max: 1000 }), (n, seed) => {
      const g = randomFloats(seed, n).map((v) => v * 10);
      const y = randomFloats(seed + 1, n).map((v) => (v + 1) / 2);
      const expected = new Float32Array(n);
      sigmoidBackwardReference(g, y, expected);
      for (const threads of [1, 2, 3]) {
        setNumThreads(threads);
        const actual = new Float32Array(n);
        sigmoidBackward(g, y, actual);
        expectSameBits(
          actual,
          expected,
          `sigmoid backward of ${n} values on ${threads} threads (seed ${seed})`,
        );
      }
    }),
    { numRuns: 12 },
  );
});
