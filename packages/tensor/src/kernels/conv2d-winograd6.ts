import type { WinogradTransforms } from './conv2d-winograd.js';
import { separableTransforms } from './conv2d-winograd-transforms.js';

/**
 * conv2d of 3 x 3 kernels with unit stride and dilation by Winograd's F(6 x 6, 3 x 3)
 * (interpolation points 0, 1, -1, 2, -2, 1/2, -1/2 and ∞, the matrices of ncnn's winograd63,
 * which scales the rows of the points ±1/2 so that A^T holds powers of 2): each 6 x 6 output
 * tile is A^T [(G g G^T) ⊙ (B^T d B)] A over its 8 x 8 input tile d, with
 *
 *   G = [1 0 0; -2/9 -2/9 -2/9; -2/9 2/9 -2/9; 1/90 1/45 2/45; 1/90 -1/45 2/45;
 *        1/45 1/90 1/180; 1/45 -1/90 1/180; 0 0 1]
 *   B^T = [1 0 -21/4 0 21/4 0 -1 0; 0 1 1 -17/4 -17/4 1 1 0; 0 -1 1 17/4 -17/4 -1 1 0;
 *          0 1/2 1/4 -5/2 -5/4 2 1 0; 0 -1/2 1/4 5/2 -5/4 -2 1 0; 0 2 4 -5/2 -5 1/2 1 0;
 *          0 -2 4 5/2 -5 -1/2 1 0; 0 -1 0 21/4 0 -21/4 0 1]
 *   A^T = [1 1 1 1 1 32 32 0; 0 1 -1 2 -2 16 -16 0; 0 1 1 4 4 8 8 0; 0 1 -1 8 -8 4 -4 0;
 *          0 1 1 16 16 2 2 0; 0 1 -1 32 -32 1 -1 1]
 *
 * so a tile costs 64 multiplications per channel pair instead of 324 (F(4 x 4): 36 per 16
 * outputs, 1.27x more per output), done as 64 GEMMs M[ξ] (O x tiles) = U[ξ] (O x C) · V[ξ]
 * (C x tiles), ξ = 8 i + j, by conv2d-winograd.ts's `winogradConv` with the transforms here.
 * Its transforms mix more values with larger factors, so it rounds more than F(4 x 4)
 * (test/kernels/conv2d-winograd.test.ts measures it against float64).
 *
 * This is the reference of assembly/winograd6.ts: on float32 the same float32 operations in the
 * same order (written at each transform; every product rounded, as float32 overflows where
 * float64 does not), so both backends give the same bits.
 */

/**
 * out[k] (k < 8) = (B^T s)[k] of s = src[at], src[at + step], ... (8 values):
 * r0 = (s0 - s6) + 5.25 (s4 - s2), r7 = (s7 - s1) + 5.25 (s3 - s5);
 * a = (s2 + s6) - 4.25 s4, b = (s1 + s5) - 4.25 s3, r1 = a + b, r2 = a - b;
 * c = (s6 + .25 s2) - 1.25 s4, e = (.5 s1 - 2.5 s3) + 2 s5, r3 = c + e, r4 = c - e;
 * f = s6 + 4 (s2 - 1.25 s4), h = (2 s1 - 2.5 s3) + .5 s5, r5 = f + h, r6 = f - h.
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
  const s6 = src[at + 6 * step];
  const s7 = src[at + 7 * step];
  const s4q = round(1.25 * s4);
  const s3q = round(2.5 * s3);
  out[to] = round(round(s0 - s6) + round(5.25 * round(s4 - s2)));
  out[to + 7] = round(round(s7 - s1) + round(5.25 * round(s3 - s5)));
  const a = round(round(s2 + s6) - round(4.25 * s4));
  const b = round(round(s1 + s5) - round(4.25 * s3));
  out[to + 1] = round(a + b);
  out[to + 2] = round(a - b);
  const c = round(round(s6 + round(0.25 * s2)) - s4q);
  const e = round(round(round(0.5 * s1) - s3q) + round(2 * s5));
  out[to + 3] = round(c + e);
  out[to + 4] = round(c - e);
  const f = round(s6 + round(4 * round(s2 - s4q)));
  const h = round(round(round(2 * s1) - s3q) + round(0.5 * s5));
  out[to + 5] = round(f + h);
  out[to + 6] = round(f - h);
}

/** -2/9, 1/90 and 1/180 as float32, multiplied as assembly/winograd6-weights.ts multiplies them. */
const NINTH = Math.fround(-2 / 9);
const NINETIETH = Math.fround(1 / 90);
const HUNDRED_EIGHTIETH = Math.fround(1 / 180);

/**
 * out[k] (k < 8) = (G s)[k] of s = (s0, s1, s2): s0; with p = s0 + s2, (p + s1) (-2/9),
 * (p - s1) (-2/9); with t = s0 + 4 s2, (t + 2 s1) / 90, (t - 2 s1) / 90; with e = 4 s0 + s2,
 * (e + 2 s1) / 180, (e - 2 s1) / 180; s2. The fractions are the float32 constants above
 * (in float64 too, so that both element types transform with the same G).
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
  const e = round(round(4 * s0) + s2);
  const twice = round(2 * s1);
  out[to] = s0;
  out[to + 1] = round(round(p + s1) * NINTH);
  out[to + 2] = round(round(p - s1) * NINTH);
  out[to + 3] = round(round(t + twice) * NINETIETH);
  out[to + 4] = round(round(t - twice) * NINETIETH);
  out[to + 5] = round(round(e + twice) * HUNDRED_EIGHTIETH);
  out[to + 6] = round(round(e - twice) * HUNDRED_EIGHTIETH);
  out[to + 7] = s2;
}

/**
 * The 6 values A^T s of s = s[at..at + 7]: with p1 = s1 + s2, q1 = s1 - s2, p2 = s3 + s4,
 * q2 = s3 - s4, p3 = s5 + s6, q3 = s5 - s6: y0 = ((s0 + p1) + p2) + 32 p3,
 * y1 = (q1 + 2 q2) + 16 q3, y2 = (p1 + 4 p2) + 8 p3, y3 = (q1 + 8 q2) + 4 q3,
 * y4 = (p1 + 16 p2) + 2 p3, y5 = ((s7 + q1) + 32 q2) + q3.
 */
function outputPoints(s: Float64Array, at: number, round: (v: number) => number, out: Float64Array): void {
  const p1 = round(s[at + 1] + s[at + 2]);
  const q1 = round(s[at + 1] - s[at + 2]);
  const p2 = round(s[at + 3] + s[at + 4]);
  const q2 = round(s[at + 3] - s[at + 4]);
  const p3 = round(s[at + 5] + s[at + 6]);
  const q3 = round(s[at + 5] - s[at + 6]);
  out[0] = round(round(round(s[at] + p1) + p2) + round(32 * p3));
  out[1] = round(round(q1 + round(2 * q2)) + round(16 * q3));
  out[2] = round(round(p1 + round(4 * p2)) + round(8 * p3));
  out[3] = round(round(q1 + round(8 * q2)) + round(4 * q3));
  out[4] = round(round(p1 + round(16 * p2)) + round(2 * p3));
  out[5] = round(round(round(s[at + 7] + q1) + round(32 * q2)) + q3);
}

export const winograd6Transforms: WinogradTransforms = separableTransforms({
  m: 6,
  input: inputPoints,
  weight: weightPoints,
  output: outputPoints,
});
