import type { WinogradCall, WinogradTransforms } from './conv2d-winograd.js';
import type { FloatArray } from './shape.js';

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
 * overflows where float64 does not), so both backends give the same bits.
 */
const r = new Float64Array(36);
const col = new Float64Array(6);

/** V = B^T d B of one 6 x 6 window: r = B^T along each row i of d, then V = B^T down each column j of r. */
function inputTile(
  d: Float64Array,
  round: (v: number) => number,
  v: FloatArray,
  at: number,
  xi: number,
): void {
  for (let i = 0; i < 6; i++) inputPoints(d, 6 * i, 1, round, r, 6 * i);
  for (let j = 0; j < 6; j++) {
    inputPoints(r, j, 6, round, col, 0);
    for (let i = 0; i < 6; i++) v[at + (6 * i + j) * xi] = col[i];
  }
}

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

/** U = G g G^T for every (output, input) channel pair, [ξ][O][C / groups]: down each column of g, then along each row. */
function transformWeight(
  w: FloatArray,
  call: WinogradCall,
  u: FloatArray,
  round: (v: number) => number,
): FloatArray {
  const { groups, outChannels: O, flip } = call;
  const Og = O / groups;
  const Cg = call.inChannels / groups;
  const a = new Float64Array(18);
  const row = new Float64Array(6);
  for (let g = 0; g < groups; g++) {
    for (let q = 0; q < Og; q++) {
      for (let r = 0; r < Cg; r++) {
        const base = flip ? ((g * Cg + r) * Og + q) * 9 : ((g * Og + q) * Cg + r) * 9;
        const tap = (i: number, j: number) => w[base + (flip ? 8 - 3 * i - j : 3 * i + j)];
        // a[i][j] = (G g)[i][j], row i at 3 i.
        for (let j = 0; j < 3; j++) {
          weightPoints(tap(0, j), tap(1, j), tap(2, j), round, row, 0);
          for (let i = 0; i < 6; i++) a[3 * i + j] = row[i];
        }
        const at = (g * Og + q) * Cg + r;
        const xi = O * Cg;
        for (let i = 0; i < 6; i++) {
          weightPoints(a[3 * i], a[3 * i + 1], a[3 * i + 2], round, row, 0);
          for (let k = 0; k < 6; k++) u[at + (6 * i + k) * xi] = row[k];
        }
      }
    }
  }
  return u;
}

/** `outputTile`'s A^T M, one column of M and one row of results, reused from tile to tile (the reference runs on one thread). */
const outputScratch = { f: new Float64Array(24), col: new Float64Array(6), res: new Float64Array(4) };

/**
 * Y = A^T M A of one tile: down each column j of M, then along each row of f, with p = m1 + m2,
 * q = m1 - m2, r = m3 + m4, s = m3 - m4: y0 = (m0 + p) + r, y1 = q + 2 s, y2 = p + 4 r,
 * y3 = (q + 8 s) + m5.
 */
function outputTile(
  m: FloatArray,
  at: number,
  xi: number,
  round: (v: number) => number,
  y: Float64Array,
): void {
  const { f, col, res } = outputScratch;
  for (let j = 0; j < 6; j++) {
    for (let i = 0; i < 6; i++) col[i] = m[at + (6 * i + j) * xi];
    outputPoints(col, 0, round, res);
    for (let a = 0; a < 4; a++) f[6 * a + j] = res[a];
  }
  for (let a = 0; a < 4; a++) {
    outputPoints(f, 6 * a, round, res);
    for (let b = 0; b < 4; b++) y[4 * a + b] = res[b];
  }
}

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

export const winograd4Transforms: WinogradTransforms = { weights: transformWeight, inputTile, outputTile };
