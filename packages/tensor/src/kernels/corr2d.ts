import type { TypedArray } from '../dtype.js';

/**
 * The chapter's two-dimensional cross-correlation over contiguous row-major arrays:
 * out[i, j] = Σ_a Σ_b x[i + a, j + b] k[a, b] for the (h - kh + 1) x (w - kw + 1) positions where
 * the kernel fits. The caller has checked the shapes; `out` receives the result.
 */
export function corr2d(
  x: TypedArray,
  h: number,
  w: number,
  k: TypedArray,
  kh: number,
  kw: number,
  out: TypedArray,
): void {
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let acc = 0;
      for (let a = 0; a < kh; a++) {
        const row = (i + a) * w + j;
        const krow = a * kw;
        for (let b = 0; b < kw; b++) acc += x[row + b] * k[krow + b];
      }
      out[i * ow + j] = acc;
    }
  }
}
