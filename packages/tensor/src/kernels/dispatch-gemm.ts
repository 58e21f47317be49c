import { wasmRuntime } from './backend.js';
import { gemm as gemmReference } from './matmul.js';
import type { FloatArray } from './shape.js';
import { wasmGemm } from './wasm/gemm.js';
import { limits } from './wasm/limits.js';

/**
 * The GEMM ops call (matmul), with the signature of kernels/matmul.ts: float32 products run in
 * WebAssembly once the module is loaded (by the conv2d and pooling kernels or by
 * setBackend/getBackend, see backend.ts), the reference otherwise.
 */

function runtimeFor(flops: number, ...arrays: FloatArray[]) {
  if (flops < limits.minFlops) return null;
  for (const a of arrays) if (!(a instanceof Float32Array)) return null;
  return wasmRuntime();
}

/**
 * C = alpha op(A) op(B) + beta C over row-major arrays with offsets and leading dimensions
 * (see kernels/matmul.ts). Float32 products of at least `limits.minFlops` go to WebAssembly.
 */
export function gemm(
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
  beta: number,
  C: FloatArray,
  cOffset: number,
  ldc: number,
): void {
  const rt = M > 0 && N > 0 && K > 0 ? runtimeFor(2 * M * N * K, A, B, C) : null;
  if (rt !== null) {
    wasmGemm(
      rt,
      transA,
      transB,
      M,
      N,
      K,
      alpha,
      A as Float32Array,
      aOffset,
      lda,
      B as Float32Array,
      bOffset,
      ldb,
      beta,
      C as Float32Array,
      cOffset,
      ldc,
    );
    return;
  }
  gemmReference(transA, transB, M, N, K, alpha, A, aOffset, lda, B, bOffset, ldb, beta, C, cOffset, ldc);
}
