/**
 * The float32 GEMM of the reference kernels: C = alpha op(A) op(B) + beta C, arguments as
 * kernels/matmul.ts's `gemm`, all float32. It performs, for every element of C, the float32
 * operations of the WebAssembly GEMM (assembly/gemm.ts) in the same order, so the two backends
 * give bit-identical results and a program's numbers never depend on whether the WebAssembly
 * module happened to be loaded when a product ran:
 *
 *   for each block of KC terms:  acc = 0;  acc = f32(acc + f32(a_ik b_kj)) for k in order
 *                                c = f32(acc alpha) for the first block when beta = 0,
 *                                c = f32(c + f32(acc alpha)) otherwise
 *
 * after C = f32(beta C) when beta is neither 0 nor 1. Every sum of two float32 values computed
 * in float64 and rounded is the float32 sum (float64 has more than 2 x 24 + 2 bits), so the
 * float32 rounding is reproduced exactly by storing into a Float32Array and by Math.fround.
 */

import type { GemmArguments } from './matmul.js';
import { GEMM_KC } from './wasm/abi.generated.js';

let panel = new Float32Array(GEMM_KC * 64);
let row = new Float32Array(64);

export const gemmFloat32: (...args: GemmArguments<Float32Array>) => void = (
  transA,
  transB,
  M,
  N,
  K,
  alpha,
  A,
  aOffset,
  lda,
  B,
  bOffset,
  ldb,
  beta,
  C,
  cOffset,
  ldc,
) => {
  if (M <= 0 || N <= 0) return;
  const a32 = Math.fround(alpha);
  const b32 = Math.fround(beta);
  if ((b32 !== 0 && b32 !== 1) || K <= 0 || a32 === 0) {
    for (let i = 0; i < M; i++) {
      const c = cOffset + i * ldc;
      for (let j = c; j < c + N; j++) C[j] = b32 === 0 ? 0 : b32 * C[j];
    }
    if (K <= 0 || a32 === 0) return;
  }
  const aRow = transA ? 1 : lda;
  const aCol = transA ? lda : 1;
  const bRow = transB ? 1 : ldb;
  const bCol = transB ? ldb : 1;
  if (row.length < N) row = new Float32Array(N);
  for (let pc = 0; pc < K; pc += GEMM_KC) {
    const kc = Math.min(GEMM_KC, K - pc);
    const b = packRows(B, bOffset + pc * bRow, bRow, bCol, kc, N);
    const store = b32 === 0 && pc === 0;
    for (let i = 0; i < M; i++) {
      const acc = row;
      acc.fill(0, 0, N);
      let pa = aOffset + i * aRow + pc * aCol;
      for (let k = 0, base = 0; k < kc; k++, pa += aCol, base += N) {
        const aik = A[pa];
        for (let j = 0; j < N; j++) acc[j] += Math.fround(aik * b[base + j]);
      }
      const c = cOffset + i * ldc;
      if (store) for (let j = 0; j < N; j++) C[c + j] = acc[j] * a32;
      else for (let j = 0; j < N; j++) C[c + j] += Math.fround(acc[j] * a32);
    }
  }
};

/** Copies kc rows of op(B) (element (k, j) at offset + k bRow + j bCol) into a kc x N panel. */
function packRows(
  B: Float32Array,
  offset: number,
  bRow: number,
  bCol: number,
  kc: number,
  N: number,
): Float32Array {
  if (panel.length < kc * N) panel = new Float32Array(kc * N);
  const dst = panel;
  for (let k = 0, q = 0; k < kc; k++) {
    const p = offset + k * bRow;
    if (bCol === 1) {
      dst.set(B.subarray(p, p + N), q);
      q += N;
    } else {
      for (let j = 0; j < N; j++, q++) dst[q] = B[p + j * bCol];
    }
  }
  return dst;
}
