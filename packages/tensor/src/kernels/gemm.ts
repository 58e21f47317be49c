import type { TypedArray } from '../dtype.js';

/**
 * C = alpha * op(A) op(B) + beta * C for row-major matrices with leading dimensions, where
 * op(X) is X or its transpose. op(A) is M x K, op(B) is K x N. The loop order (i, p, j) walks
 * B and C along rows so the inner loop is contiguous.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: TypedArray,
  aOffset: number,
  lda: number,
  B: TypedArray,
  bOffset: number,
  ldb: number,
  beta: number,
  C: TypedArray,
  cOffset: number,
  ldc: number,
): void {
  const row = new Float64Array(N);
  for (let i = 0; i < M; i++) {
    row.fill(0);
    for (let p = 0; p < K; p++) {
      const aip = transA ? A[aOffset + p * lda + i] : A[aOffset + i * lda + p];
      if (transB) {
        for (let j = 0; j < N; j++) row[j] += aip * B[bOffset + j * ldb + p];
      } else {
        const b0 = bOffset + p * ldb;
        for (let j = 0; j < N; j++) row[j] += aip * B[b0 + j];
      }
    }
    const c0 = cOffset + i * ldc;
    if (beta === 0) for (let j = 0; j < N; j++) C[c0 + j] = alpha * row[j];
    else for (let j = 0; j < N; j++) C[c0 + j] = alpha * row[j] + beta * C[c0 + j];
  }
}
