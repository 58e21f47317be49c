import type { TypedArray } from '../dtype.js';

/**
 * Strided traversal: the building block of every elementwise kernel. Shapes are walked in
 * row-major order; each operand has its own strides (0 along broadcast axes) and offset, and
 * the output is written contiguously.
 */

export type UnaryFn = (x: number) => number;
export type BinaryFn = (x: number, y: number) => number;

/** `mapStrided`'s signature as a registered kernel: `op` names the function for other backends. */
export type MapStridedKernel = (
  f: UnaryFn,
  src: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: TypedArray,
  op?: string,
) => void;

/** `zipStrided`'s signature as a registered kernel: `op` names the function for other backends. */
export type ZipStridedKernel = (
  f: BinaryFn,
  a: TypedArray,
  aStrides: readonly number[],
  aOffset: number,
  b: TypedArray,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
  out: TypedArray,
  op?: string,
) => void;

/** out[k] = f(src[offset + Σ idx_i * strides_i]) for the k-th index of `shape` in row-major order. */
export function mapStrided(
  f: UnaryFn,
  src: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  out: TypedArray,
): void {
  const ndim = shape.length;
  const size = out.length;
  if (ndim === 0) {
    if (size > 0) out[0] = f(src[offset]);
    return;
  }
  const inner = shape[ndim - 1];
  const s = strides[ndim - 1];
  const index = new Array<number>(ndim).fill(0);
  let p = offset;
  for (let k = 0; k < size; k += inner) {
    let q = p;
    for (let j = 0; j < inner; j++, q += s) out[k + j] = f(src[q]);
    for (let d = ndim - 2; d >= 0; d--) {
      index[d]++;
      p += strides[d];
      if (index[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/** out[k] = f(a[...], b[...]) over the broadcast `shape`, each operand with its own strides. */
export function zipStrided(
  f: BinaryFn,
  a: TypedArray,
  aStrides: readonly number[],
  aOffset: number,
  b: TypedArray,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
  out: TypedArray,
): void {
  const ndim = shape.length;
  const size = out.length;
  if (ndim === 0) {
    if (size > 0) out[0] = f(a[aOffset], b[bOffset]);
    return;
  }
  const inner = shape[ndim - 1];
  const sa = aStrides[ndim - 1];
  const sb = bStrides[ndim - 1];
  const index = new Array<number>(ndim).fill(0);
  let pa = aOffset;
  let pb = bOffset;
  for (let k = 0; k < size; k += inner) {
    let qa = pa;
    let qb = pb;
    for (let j = 0; j < inner; j++, qa += sa, qb += sb) out[k + j] = f(a[qa], b[qb]);
    for (let d = ndim - 2; d >= 0; d--) {
      index[d]++;
      pa += aStrides[d];
      pb += bStrides[d];
      if (index[d] < shape[d]) break;
      pa -= aStrides[d] * shape[d];
      pb -= bStrides[d] * shape[d];
      index[d] = 0;
    }
  }
}

/**
 * Writes contiguous `values` into the strided positions of `dst` (an in-place write into a
 * view); with `accumulate`, adds instead, so positions seen twice (an expanded view) sum.
 */
export function scatterStrided(
  values: TypedArray,
  dst: TypedArray,
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  accumulate = false,
): void {
  const ndim = shape.length;
  const size = values.length;
  if (ndim === 0) {
    if (size > 0) dst[offset] = accumulate ? dst[offset] + values[0] : values[0];
    return;
  }
  const inner = shape[ndim - 1];
  const s = strides[ndim - 1];
  const index = new Array<number>(ndim).fill(0);
  let p = offset;
  for (let k = 0; k < size; k += inner) {
    let q = p;
    if (accumulate) for (let j = 0; j < inner; j++, q += s) dst[q] += values[k + j];
    else for (let j = 0; j < inner; j++, q += s) dst[q] = values[k + j];
    for (let d = ndim - 2; d >= 0; d--) {
      index[d]++;
      p += strides[d];
      if (index[d] < shape[d]) break;
      p -= strides[d] * shape[d];
      index[d] = 0;
    }
  }
}
