import type { WinogradTransforms } from './conv2d-winograd.js';
import { separableTransforms } from './conv2d-winograd-transforms.js';

/**
 * conv2d of 3 x 3 kernels with unit stride and dilation by Winograd's F(4 x 4, 3 x 3) (Lavin and
 * Gray 2016, interpolation points 0, 1, -1, 2, -2 and ∞): each 4 x 4 output tile is
 * A^T [(G g G^T) ⊙ (B^T d B)] A over its 6 x 6 input tile d, with
 *
 *   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
 *   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
 *   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
 *
 * so a tile costs 36 multiplications per channel pair instead of 144 (F(2 x 2): 64), done as
 * 36 GEMMs M[ξ] (O x tiles) = U[ξ] (O x C) · V[ξ] (C x tiles), ξ = 6 i + j, by conv2d-winograd.ts's
 * `winogradConv` with the transforms here. Larger transforms
 * round more: the error against float64 is about 4x F(2 x 2)'s (test/kernels/conv2d-winograd.test.ts).
 *
 * This is the reference of assembly/winograd4.ts: on float32 the same float32 operations in the
 * same order (written at each transform; every product by 2, 4 or 8 rounded too, as float32
 * overflows where float64 does not), so both backends give the same bits. Below are the 1-D
 * transforms; conv2d-winograd-transforms.ts applies them along rows and columns.
 */

/**
 * out[k] (k < 6) = (B^T s)[k] of s = src[at], src[at + step], ... (6 values): a = s4 - 4 s2,
 * b = s3 - 4 s1, c = s4 - s2, e = 2 (s3 - s1); r0 = 4 (s0 - s2) + c, r1 = a + b, r2 = a - b,
 * r3 = c + e, r4 = c - e, r5 = 4 (s1 - s3) + (s5 - s3).
 */
function inputPoints(
  src: Float64Array,
  at: number,
  step: number,
  round: (v: number) => number,
  out: Float64Array,
  to: number,
): void {
  const s0 = src[at];
  const s1 = src[at + step];
  const s2 = src[at + 2 * step];
  const s3 = src[at + 3 * step];
  const s4 = src[at + 4 * step];
  const s5 = src[at + 5 * step];
  const a = round(s4 - round(4 * s2));
  const b = round(s3 - round(4 * s1));
  const c = round(s4 - s2);
  const e = round(2 * round(s3 - s1));
  out[to] = round(round(4 * round(s0 - s2)) + c);
  out[to + 1] = round(a + b);
  out[to + 2] = round(a - b);
  out[to + 3] = round(c + e);
  out[to + 4] = round(c - e);
  out[to + 5] = round(round(4 * round(s1 - s3)) + round(s5 - s3));
}

/**
 * out[k] (k < 6) = (G s)[k] of s = (s0, s1, s2): s0 / 4, with p = s0 + s2 and t = s0 + 4 s2,
 * (p + s1) / -6, (p - s1) / -6, (t + 2 s1) / 24, (t - 2 s1) / 24, s2.
 */
function weightPoints(
  s0: number,
  s1: number,
  s2: number,
  round: (v: number) => number,
  out: Float64Array,
  to: number,
): void {
  const p = round(s0 + s2);
  const t = round(s0 + round(4 * s2));
  out[to] = round(s0 * 0.25);
  out[to + 1] = round(round(p + s1) / -6);
  out[to + 2] = round(round(p - s1) / -6);
  out[to + 3] = round(round(t + round(2 * s1)) / 24);
  out[to + 4] = round(round(t - round(2 * s1)) / 24);
  out[to + 5] = s2;
}

/**
 * The 4 values (A^T s)[k] of s = s[at..at + 5], with p = s1 + s2, q = s1 - s2, r = s3 + s4,
 * d = s3 - s4: y0 = (s0 + p) + r, y1 = q + 2 d, y2 = p + 4 r, y3 = (q + 8 d) + s5.
 */
function outputPoints(s: Float64Array, at: number, round: (v: number) => number, out: Float64Array): void {
  const p = round(s[at + 1] + s[at + 2]);
  const q = round(s[at + 1] - s[at + 2]);
  const r = round(s[at + 3] + s[at + 4]);
  const d = round(s[at + 3] - s[at + 4]);
  out[0] = round(round(s[at] + p) + r);
  out[1] = round(q + round(2 * d));
  out[2] = round(p + round(4 * r));
  out[3] = round(round(q + round(8 * d)) + s[at + 5]);
}

export const winograd4Transforms: WinogradTransforms = separableTransforms({
  m: 4,
  input: inputPoints,
  weight: weightPoints,
  output: outputPoints,
});
