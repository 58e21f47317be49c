/**
 * The parameter block of a call: 4-byte slots at a pointer the caller fills, laid out by
 * scripts/wasm-abi.mjs (abi.generated.ts here, src/kernels/wasm/abi.generated.ts for the
 * caller). A kernel reads it as a generated class over the block, `changetype<ConvParams>(p)`,
 * never by slot. Tensors are byte addresses in this module's memory; all data is float32, NCHW.
 */

export { ConvParams, GEMM_KC, GemmParams, WINOGRAD_GRADIENT_ITEMS } from './abi.generated';

/** a / b rounded up, for a >= 0, b > 0. */
@inline
export function ceilDiv(a: i32, b: i32): i32 {
  // Unit strides are the common case; an i32 division costs tens of cycles.
  return b == 1 ? a : (a + b - 1) / b;
}

/** First output index o with o * stride + shift >= 0, clipped to [0, out]. */
@inline
export function firstInside(shift: i32, stride: i32, out: i32): i32 {
  return shift >= 0 ? 0 : min(out, ceilDiv(-shift, stride));
}

/** One past the last output index o with o * stride + shift < size, clipped to [lo, out]. */
@inline
export function endInside(shift: i32, stride: i32, size: i32, lo: i32, out: i32): i32 {
  return size - shift <= 0 ? lo : max(lo, min(out, ceilDiv(size - shift, stride)));
}
