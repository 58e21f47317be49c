import type { TypedArray } from '../dtype.js';

/**
 * Reductions over consecutive blocks: `src` holds `outer` blocks of `inner` elements each (the
 * reduced axes moved last and made contiguous by the caller).
 */

export function sumBlocks(src: TypedArray, outer: number, inner: number, out: TypedArray): void {
  for (let o = 0, p = 0; o < outer; o++) {
    let acc = 0;
    for (let j = 0; j < inner; j++, p++) acc += src[p];
    out[o] = acc;
  }
}

/** Max (or min, with `sign = -1`) of each block and its first position; NaN wins, as in PyTorch. */
export function extremumBlocks(
  src: TypedArray,
  outer: number,
  inner: number,
  sign: 1 | -1,
  values: TypedArray | null,
  indices: Int32Array | null,
): void {
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let best = src[base];
    let at = 0;
    if (!Number.isNaN(best)) {
      for (let j = 1; j < inner; j++) {
        const v = src[base + j];
        if (Number.isNaN(v)) {
          best = v;
          at = j;
          break;
        }
        if ((v - best) * sign > 0) {
          best = v;
          at = j;
        }
      }
    }
    if (values !== null) values[o] = best;
    if (indices !== null) indices[o] = at;
  }
}
