/**
 * The parameter block of a convolution or pooling call: i32 slots at a pointer the caller
 * fills (src/kernels/wasm/params.ts writes the same slots). Tensors are byte addresses in this
 * module's memory; all data is float32, NCHW.
 */

export const N: i32 = 0;
export const C: i32 = 1;
export const H: i32 = 2;
export const W: i32 = 3;
export const O: i32 = 4;
export const GROUPS: i32 = 5;
export const KH: i32 = 6;
export const KW: i32 = 7;
export const SH: i32 = 8;
export const SW: i32 = 9;
export const PAD_TOP: i32 = 10;
export const PAD_LEFT: i32 = 11;
export const DH: i32 = 12;
export const DW: i32 = 13;
export const OUT_H: i32 = 14;
export const OUT_W: i32 = 15;
/** Input x (forward, weight gradient). */
export const X: i32 = 16;
/** Weight [O, C / groups, kH, kW]. */
export const WEIGHT: i32 = 17;
/** Bias [O], or 0 for none. */
export const BIAS: i32 = 18;
/** Output y (forward) or its gradient gy (backward). */
export const Y: i32 = 19;
/** Input gradient gx. */
export const GX: i32 = 20;
/** Weight gradient gw. */
export const GW: i32 = 21;
/** Output rows per band of the patch matrix. */
export const BAND: i32 = 22;
/** Patch-matrix rows per work item of the weight gradient. */
export const K_CHUNK: i32 = 23;
/** 1 when the kernel is 1 x 1 with unit stride and no padding: x is its own patch matrix. */
export const POINTWISE: i32 = 24;
/** Pooling: padding (symmetric) along H and W, ceil mode, countIncludePad, divisor override. */
export const POOL_PAD_H: i32 = 10;
export const POOL_PAD_W: i32 = 11;
export const COUNT_INCLUDE_PAD: i32 = 25;
export const DIVISOR: i32 = 26;
/** Max pooling: int32 indices of the maxima. */
export const INDICES: i32 = 27;

export const SLOTS: i32 = 32;

@inline
export function get(p: usize, slot: i32): i32 {
  return load<i32>(p + (<usize>slot << 2));
}

@inline
export function ptr(p: usize, slot: i32): usize {
  return <usize>load<i32>(p + (<usize>slot << 2));
}

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
