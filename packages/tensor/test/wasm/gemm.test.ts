import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm as reference } from '../../src/kernels/matmul.js';
import { gemm } from '../../src/kernels/registered/gemm.js';
import { expectNear, forceWasm, randomFloats, wasmCalls } from './setup.js';

/**
 * The WebAssembly GEMM against the reference: transposes, offsets, leading dimensions larger
 * than the matrix, alpha and beta (beta = 0 must not read C: NaN there must not leak). On
 * float32 the two must agree bit for bit (kernels/gemm-float32.ts follows the WebAssembly order
 * of sums), K past one block of 256 terms included.
 */

forceWasm();

const gemmCase = fc.record({
  M: fc.integer({ min: 1, max: 37 }),
  N: fc.integer({ min: 1, max: 41 }),
  K: fc.integer({ min: 1, max: 600 }),
  transA: fc.boolean(),
  transB: fc.boolean(),
  padA: fc.integer({ min: 0, max: 3 }),
  padB: fc.integer({ min: 0, max: 3 }),
  padC: fc.integer({ min: 0, max: 3 }),
  offset: fc.integer({ min: 0, max: 5 }),
  alpha: fc.constantFrom(1, 0.5, -2),
  beta: fc.constantFrom(0, 1, 0.25),
  seed: fc.nat(),
});

describe('WebAssembly GEMM against the TypeScript reference', () => {
  it('matches for every transpose, stride, offset, alpha and beta', () => {
    fc.assert(
      fc.property(gemmCase, (c) => {
        const { M, N, K, transA, transB, alpha, beta, offset } = c;
        const lda = (transA ? M : K) + c.padA;
        const ldb = (transB ? K : N) + c.padB;
        const ldc = N + c.padC;
        const A = randomFloats(c.seed, offset + (transA ? K : M) * lda);
        const B = randomFloats(c.seed + 1, offset + (transB ? N : K) * ldb);
        const C0 = randomFloats(c.seed + 2, offset + M * ldc);
        if (beta === 0) C0.fill(Number.NaN);
        const expected = C0.slice();
        reference(
          transA,
          transB,
          M,
          N,
          K,
          alpha,
          A,
          offset,
          lda,
          B,
          offset,
          ldb,
          beta,
          expected,
          offset,
          ldc,
        );
        const scale = C0.map(Math.abs);
        if (beta === 0) scale.fill(0);
        reference(
          transA,
          transB,
          M,
          N,
          K,
          Math.abs(alpha),
          A.map(Math.abs),
          offset,
          lda,
          B.map(Math.abs),
          offset,
          ldb,
          Math.abs(beta),
          scale,
          offset,
          ldc,
        );
        const actual = C0.slice();
        const calls = wasmCalls();
        gemm(transA, transB, M, N, K, alpha, A, offset, lda, B, offset, ldb, beta, actual, offset, ldc);
        expect(wasmCalls()).toBe(calls + 1);
        // Outside the M x N block (offset, row padding) C is untouched.
        const inside = (i: number) => i >= offset && (i - offset) % ldc < N && i - offset < M * ldc;
        expectNear(
          actual.map((v, i) => (inside(i) ? v : 0)),
          expected.map((v, i) => (inside(i) ? v : 0)),
          scale,
          'C',
        );
        for (let i = 0; i < C0.length; i++) if (!inside(i)) expect(Object.is(actual[i], C0[i])).toBe(true);
        expect(new Uint32Array(actual.buffer)).toEqual(new Uint32Array(expected.buffer));
      }),
      { numRuns: 300 },
    );
  });
});
