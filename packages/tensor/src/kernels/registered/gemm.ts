import { gemm as gemmReference } from '../matmul.js';
import { defineKernel } from '../registry.js';
import { wasmGemmKernel } from '../wasm/gemm.js';

/**
 * C = alpha op(A) op(B) + beta C over row-major arrays with offsets and leading dimensions
 * (kernels/matmul.ts): the GEMM matmul calls. The WebAssembly kernel takes float32 products of
 * at least `limits.minFlops` once the module is loaded; both give bit-identical float32 results.
 */
export let gemm = /* @__PURE__ */ defineKernel('gemm', gemmReference, { wasm: wasmGemmKernel }, (kernel) => {
  gemm = kernel;
});
