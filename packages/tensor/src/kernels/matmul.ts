import { gemmFloat32 } from './gemm-float32.js';
import type { FloatArray } from './shape.js';

/**
 * General matrix product over row-major typed arrays, BLAS-style:
 *
 *   C = alpha * op(A) * op(B) + beta * C
 *
 * with op(A) of size M x K and op(B) of size K x N. Without transposition, element (i, k) of A
 * is `A[aOffset + i * lda + k]`; with `transA` A is stored K x M and the element is
 * `A[aOffset + k * lda + i]` (likewise for B). When `beta` is 0, C is not read (NaN in C does not
 * leak), as in BLAS; C must not overlap A or B.
 *
 * Blocked as in BLIS (Goto and van de Geijn, "Anatomy of High-Performance Matrix
 * Multiplication", 2008): a KC x NC block of op(B) and an MC x KC block of op(A) are packed into
 * Float64Array panels of NR columns and MR rows, and a MR x NR micro-kernel keeps its
 * accumulators in local variables, so every product is summed in double precision within a
 * K block of up to KC terms. Float32 operands take gemm-float32.ts instead, which sums in float32
 * in the order of the WebAssembly GEMM, so both backends agree bit for bit.
 */

const MR = 4;
const NR = 4;
const MC = 64;
const KC = 256;
const NC = 1024;

/**
 * Up to this many multiply-adds, or for a matrix-vector product (M or N is 1, where 3/4 of a
 * 4 x 4 tile would be padding), plain dot products beat packing (measured: 2 x 2 x 2 1.5x and
 * 256 x 1 x 256 1.8x faster; 8 x 8 x 8 is already 1.8x faster packed).
 */
const SMALL = 64;

let packedA = new Float64Array(MC * KC);
let packedB = new Float64Array(KC * NC);
const edgeTile = new Float64Array(MR * NR);

/**
 * BLAS's GEMM arguments (above), written once: every backend's GEMM takes them, the float32 ones
 * with `T` = Float32Array.
 */
export type GemmArguments<T extends FloatArray = FloatArray> = [
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: T,
  aOffset: number,
  lda: number,
  B: T,
  bOffset: number,
  ldb: number,
  beta: number,
  C: T,
  cOffset: number,
  ldc: number,
];

/** The signature every backend's GEMM kernel shares. */
export type Gemm = (...args: GemmArguments) => void;

export const gemm: Gemm = (
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
  if (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) {
    gemmFloat32(transA, transB, M, N, K, alpha, A, aOffset, lda, B, bOffset, ldb, beta, C, cOffset, ldc);
    return;
  }
  if (M <= 0 || N <= 0) return;
  if (beta !== 1) scaleMatrix(C, cOffset, ldc, M, N, beta);
  if (K <= 0 || alpha === 0) return;
  if (M * N * K <= SMALL || M === 1 || N === 1) {
    gemmSmall(transA, transB, M, N, K, alpha, A, aOffset, lda, B, bOffset, ldb, C, cOffset, ldc);
    return;
  }
  // A-element (i, k) is at aOffset + i * aRow + k * aCol; likewise B-element (k, j).
  const aRow = transA ? 1 : lda;
  const aCol = transA ? lda : 1;
  const bRow = transB ? 1 : ldb;
  const bCol = transB ? ldb : 1;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(B, bOffset + pc * bRow + jc * bCol, bRow, bCol, kc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(A, aOffset + ic * aRow + pc * aCol, aRow, aCol, mc, kc);
        macroKernel(mc, nc, kc, alpha, C, cOffset + ic * ldc + jc, ldc);
      }
    }
  }
};

function scaleMatrix(C: FloatArray, cOffset: number, ldc: number, M: number, N: number, beta: number): void {
  for (let i = 0; i < M; i++) {
    const row = cOffset + i * ldc;
    if (beta === 0) C.fill(0, row, row + N);
    else for (let j = row; j < row + N; j++) C[j] *= beta;
  }
}

function gemmSmall(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: FloatArray,
  aOffset: number,
  lda: number,
  B: FloatArray,
  bOffset: number,
  ldb: number,
  C: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  const aRow = transA ? 1 : lda;
  const aCol = transA ? lda : 1;
  const bRow = transB ? 1 : ldb;
  const bCol = transB ? ldb : 1;
  for (let i = 0; i < M; i++) {
    const a0 = aOffset + i * aRow;
    const c0 = cOffset + i * ldc;
    for (let j = 0; j < N; j++) {
      let acc = 0;
      let pa = a0;
      let pb = bOffset + j * bCol;
      for (let k = 0; k < K; k++, pa += aCol, pb += bRow) acc += A[pa] * B[pb];
      C[c0 + j] += alpha * acc;
    }
  }
}

/** Packs an mc x kc block of op(A) into panels of MR rows: panel p holds, for each k, MR values. */
function packA(A: FloatArray, offset: number, aRow: number, aCol: number, mc: number, kc: number): void {
  const size = Math.ceil(mc / MR) * MR * kc;
  if (packedA.length < size) packedA = new Float64Array(size);
  const dst = packedA;
  let q = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = Math.min(MR, mc - i0);
    const base = offset + i0 * aRow;
    if (rows === MR) {
      for (let k = 0, pk = base; k < kc; k++, pk += aCol) {
        dst[q] = A[pk];
        dst[q + 1] = A[pk + aRow];
        dst[q + 2] = A[pk + 2 * aRow];
        dst[q + 3] = A[pk + 3 * aRow];
        q += MR;
      }
    } else {
      for (let k = 0, pk = base; k < kc; k++, pk += aCol) {
        for (let r = 0; r < MR; r++) dst[q + r] = r < rows ? A[pk + r * aRow] : 0;
        q += MR;
      }
    }
  }
}

/** Packs a kc x nc block of op(B) into panels of NR columns: panel p holds, for each k, NR values. */
function packB(B: FloatArray, offset: number, bRow: number, bCol: number, kc: number, nc: number): void {
  const size = Math.ceil(nc / NR) * NR * kc;
  if (packedB.length < size) packedB = new Float64Array(size);
  const dst = packedB;
  let q = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    const base = offset + j0 * bCol;
    if (cols === NR) {
      for (let k = 0, pk = base; k < kc; k++, pk += bRow) {
        dst[q] = B[pk];
        dst[q + 1] = B[pk + bCol];
        dst[q + 2] = B[pk + 2 * bCol];
        dst[q + 3] = B[pk + 3 * bCol];
        q += NR;
      }
    } else {
      for (let k = 0, pk = base; k < kc; k++, pk += bRow) {
        for (let c = 0; c < NR; c++) dst[q + c] = c < cols ? B[pk + c * bCol] : 0;
        q += NR;
      }
    }
  }
}

/** C[mc x nc] += alpha * packedA * packedB, one MR x NR tile at a time. */
function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  alpha: number,
  C: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  const pa = packedA;
  const pb = packedB;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = Math.min(NR, nc - j0);
    const bBase = j0 * kc;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const rows = Math.min(MR, mc - i0);
      let a = i0 * kc;
      let b = bBase;
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      for (let k = 0; k < kc; k++, a += MR, b += NR) {
        const a0 = pa[a];
        const a1 = pa[a + 1];
        const a2 = pa[a + 2];
        const a3 = pa[a + 3];
        const b0 = pb[b];
        const b1 = pb[b + 1];
        const b2 = pb[b + 2];
        const b3 = pb[b + 3];
        c00 += a0 * b0;
        c01 += a0 * b1;
        c02 += a0 * b2;
        c03 += a0 * b3;
        c10 += a1 * b0;
        c11 += a1 * b1;
        c12 += a1 * b2;
        c13 += a1 * b3;
        c20 += a2 * b0;
        c21 += a2 * b1;
        c22 += a2 * b2;
        c23 += a2 * b3;
        c30 += a3 * b0;
        c31 += a3 * b1;
        c32 += a3 * b2;
        c33 += a3 * b3;
      }
      const c = cOffset + i0 * ldc + j0;
      if (rows === MR && cols === NR) {
        C[c] += alpha * c00;
        C[c + 1] += alpha * c01;
        C[c + 2] += alpha * c02;
        C[c + 3] += alpha * c03;
        const c1 = c + ldc;
        C[c1] += alpha * c10;
        C[c1 + 1] += alpha * c11;
        C[c1 + 2] += alpha * c12;
        C[c1 + 3] += alpha * c13;
        const c2 = c1 + ldc;
        C[c2] += alpha * c20;
        C[c2 + 1] += alpha * c21;
        C[c2 + 2] += alpha * c22;
        C[c2 + 3] += alpha * c23;
        const c3 = c2 + ldc;
        C[c3] += alpha * c30;
        C[c3 + 1] += alpha * c31;
        C[c3 + 2] += alpha * c32;
        C[c3 + 3] += alpha * c33;
      } else {
        const t = edgeTile;
        t[0] = c00;
        t[1] = c01;
        t[2] = c02;
        t[3] = c03;
        t[4] = c10;
        t[5] = c11;
        t[6] = c12;
        t[7] = c13;
        t[8] = c20;
        t[9] = c21;
        t[10] = c22;
        t[11] = c23;
        t[12] = c30;
        t[13] = c31;
        t[14] = c32;
        t[15] = c33;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < cols; j++) C[c + r * ldc + j] += alpha * t[r * NR + j];
        }
      }
    }
  }
}
