import { wasmRuntime } from '../backend.js';
import type { Gemm, GemmArguments } from '../matmul.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { GemmSlot, SLOT_COUNT } from './abi.generated.js';
import { limits } from './limits.js';
import { runItems, threadsFor } from './run.js';
import type { WasmRuntime } from './runtime.js';

/** Micro-kernel height and width: threads split C into blocks of rows or columns, multiples of them. */
const MR = 4;
const NR = 8;

/**
 * C = alpha op(A) op(B) + beta C on the WebAssembly GEMM (assembly/gemm.ts), with the operands'
 * spans copied in and C's rows copied back; arguments as kernels/matmul.ts's `gemm`, all float32,
 * M, N, K > 0. Threads take blocks of rows of C (of columns when C has few rows).
 */
export const wasmGemm: (rt: WasmRuntime, ...args: GemmArguments<Float32Array>) => void = (
  rt,
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
  try {
    const a = rt.write(A, aOffset, transA ? (K - 1) * lda + M : (M - 1) * lda + K);
    const b = rt.write(B, bOffset, transB ? (N - 1) * ldb + K : (K - 1) * ldb + N);
    const cSpan = (M - 1) * ldc + N;
    const c = beta === 0 ? rt.result(cSpan * 4) : rt.write(C, cOffset, cSpan);
    const threads = threadsFor(rt, 2 * M * N * K, M * N);
    const byRows = M >= 8 * MR * threads || M >= N;
    const extent = byRows ? M : N;
    const unit = byRows ? MR : NR;
    const block = threads > 1 ? Math.ceil(extent / threads / unit) * unit : extent;
    const items = Math.ceil(extent / block);
    const slots = new Array<number>(SLOT_COUNT).fill(0);
    slots[GemmSlot.GEMM_M] = M;
    slots[GemmSlot.GEMM_N] = N;
    slots[GemmSlot.GEMM_K] = K;
    slots[GemmSlot.GEMM_A] = a;
    slots[GemmSlot.GEMM_A_ROW] = transA ? 1 : lda;
    slots[GemmSlot.GEMM_A_COL] = transA ? lda : 1;
    slots[GemmSlot.GEMM_B] = b;
    slots[GemmSlot.GEMM_B_ROW] = transB ? 1 : ldb;
    slots[GemmSlot.GEMM_B_COL] = transB ? ldb : 1;
    slots[GemmSlot.GEMM_C] = c;
    slots[GemmSlot.GEMM_LDC] = ldc;
    slots[GemmSlot.GEMM_BLOCK] = block;
    slots[GemmSlot.GEMM_BY_ROWS] = byRows ? 1 : 0;
    const p = rt.params(slots);
    const f32 = rt.floats;
    f32[(p >> 2) + GemmSlot.GEMM_ALPHA] = alpha;
    f32[(p >> 2) + GemmSlot.GEMM_BETA] = beta;
    const scratch = byRows
      ? rt.exports.gemmScratchBytes(block, N, K)
      : rt.exports.gemmScratchBytes(M, block, K);
    runItems(rt, 'gemmItems', p, items, scratch, threads);
    if (ldc === N) rt.read(c, C, cOffset, M * N);
    else for (let i = 0; i < M; i++) rt.read(c + i * ldc * 4, C, cOffset + i * ldc, N);
  } finally {
    rt.reset();
  }
};

/**
 * The 'wasm' kernel `gemm` (registered/gemm.ts), with the signature of kernels/matmul.ts's:
 * float32 products of at least `limits.minFlops` once the module is loaded; every other call is
 * declined to the reference, which computes the same float32 results bit for bit.
 */
export const wasmGemmKernel: BackendKernel<Gemm> = (
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
  if (M <= 0 || N <= 0 || K <= 0 || 2 * M * N * K < limits.minFlops) return DECLINED;
  if (!(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)) return DECLINED;
  const rt = wasmRuntime();
  if (rt === null) return DECLINED;
  wasmGemm(rt, transA, transB, M, N, K, alpha, A, aOffset, lda, B, bOffset, ldb, beta, C, cOffset, ldc);
};
