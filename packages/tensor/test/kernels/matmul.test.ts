import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemm } from '../../src/kernels/matmul.js';
import { expectClose, randomArray } from './helpers.js';

interface GemmCase {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  aOffset: number;
  bOffset: number;
  cOffset: number;
  lda: number;
  ldb: number;
  ldc: number;
  seed: number;
}

/** C = alpha op(A) op(B) + beta C by the definition. */
function naiveGemm(g: GemmCase, A: ArrayLike<number>, B: ArrayLike<number>, C: Float64Array): Float64Array {
  const out = Float64Array.from(C);
  for (let i = 0; i < g.M; i++) {
    for (let j = 0; j < g.N; j++) {
      let s = 0;
      for (let k = 0; k < g.K; k++) {
        const a = g.transA ? A[g.aOffset + k * g.lda + i] : A[g.aOffset + i * g.lda + k];
        const b = g.transB ? B[g.bOffset + j * g.ldb + k] : B[g.bOffset + k * g.ldb + j];
        s += a * b;
      }
      const c = g.cOffset + i * g.ldc + j;
      out[c] = g.alpha * s + (g.beta === 0 ? 0 : g.beta * C[c]);
    }
  }
  return out;
}

function gemmCase(maxDim: number): fc.Arbitrary<GemmCase> {
  return fc
    .record({
      transA: fc.boolean(),
      transB: fc.boolean(),
      M: fc.integer({ min: 1, max: maxDim }),
      N: fc.integer({ min: 1, max: maxDim }),
      K: fc.integer({ min: 1, max: maxDim }),
      alpha: fc.constantFrom(1, -0.5, 2),
      beta: fc.constantFrom(0, 1, 0.25),
      offsets: fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)),
      slack: fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)),
      seed: fc.integer(),
    })
    .map(({ offsets, slack, ...g }) => ({
      ...g,
      aOffset: offsets[0],
      bOffset: offsets[1],
      cOffset: offsets[2],
      lda: (g.transA ? g.M : g.K) + slack[0],
      ldb: (g.transB ? g.K : g.N) + slack[1],
      ldc: g.N + slack[2],
    }));
}

function check(g: GemmCase, tolerance: number): void {
  const aRows = g.transA ? g.K : g.M;
  const bRows = g.transB ? g.N : g.K;
  const A = randomArray(g.seed, g.aOffset + aRows * g.lda);
  const B = randomArray(g.seed + 1, g.bOffset + bRows * g.ldb);
  const C = randomArray(g.seed + 2, g.cOffset + g.M * g.ldc);
  const expected = naiveGemm(g, A, B, C);
  if (g.beta === 0) {
    // BLAS semantics: C is not read when beta is 0, so NaN there must not leak.
    for (let i = 0; i < g.M; i++) C.fill(Number.NaN, g.cOffset + i * g.ldc, g.cOffset + i * g.ldc + g.N);
  }
  gemm(
    g.transA,
    g.transB,
    g.M,
    g.N,
    g.K,
    g.alpha,
    A,
    g.aOffset,
    g.lda,
    B,
    g.bOffset,
    g.ldb,
    g.beta,
    C,
    g.cOffset,
    g.ldc,
  );
  expectClose(C, expected, JSON.stringify(g), tolerance, tolerance);
}

describe('gemm', () => {
  it('matches the definition on small matrices (dot-product and packed paths), any transposition, offsets and strides', () => {
    fc.assert(
      fc.property(gemmCase(12), (g) => check(g, 1e-12)),
      { numRuns: 300 },
    );
  });

  it('matches the definition through the packed, blocked path, edges included', () => {
    fc.assert(
      fc.property(gemmCase(90), (g) => check(g, 1e-12)),
      { numRuns: 60 },
    );
  });

  it('crosses the K, M and N block boundaries', () => {
    for (const [M, N, K] of [
      [70, 1030, 3],
      [130, 9, 300],
      [5, 7, 600],
    ]) {
      for (const [transA, transB] of [
        [false, false],
        [true, true],
      ]) {
        check(
          {
            transA,
            transB,
            M,
            N,
            K,
            alpha: 1,
            beta: 1,
            aOffset: 1,
            bOffset: 2,
            cOffset: 3,
            lda: transA ? M : K,
            ldb: transB ? K : N,
            ldc: N,
            seed: M + N + K,
          },
          1e-11,
        );
      }
    }
  });

  it('scales C by beta when K is 0 and does nothing for empty M or N', () => {
    const C = Float64Array.from([1, 2, 3, 4]);
    gemm(false, false, 2, 2, 0, 1, new Float64Array(0), 0, 0, new Float64Array(0), 0, 2, 0.5, C, 0, 2);
    expect(Array.from(C)).toEqual([0.5, 1, 1.5, 2]);
    gemm(false, false, 0, 2, 3, 1, new Float64Array(0), 0, 3, new Float64Array(6), 0, 2, 0, C, 0, 2);
    expect(Array.from(C)).toEqual([0.5, 1, 1.5, 2]);
  });
});
