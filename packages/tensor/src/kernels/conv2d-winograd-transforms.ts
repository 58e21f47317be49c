import type { WinogradCall, WinogradTransforms } from './conv2d-winograd.js';
import type { FloatArray } from './shape.js';

/** The product of a float32 rounding, or the identity on float64. */
type Round = (v: number) => number;

/**
 * The 1-D transforms of one Winograd F(m x m, 3 x 3), each applied to one vector: every tile
 * size writes these, and `separableTransforms` applies them along rows and columns.
 */
export interface WinogradPoints {
  /** The output tile's side m; the input tile's side is m + 2. */
  readonly m: number;
  /** out[to + k] = (B^T s)[k] of the m + 2 values s = src[at], src[at + step], .... */
  input(src: Float64Array, at: number, step: number, round: Round, out: Float64Array, to: number): void;
  /** out[to + k] = (G s)[k] of s = (s0, s1, s2): m + 2 values. */
  weight(s0: number, s1: number, s2: number, round: Round, out: Float64Array, to: number): void;
  /** out[k] = (A^T s)[k] of the m + 2 values s = src[at], src[at + 1], ...: m values. */
  output(src: Float64Array, at: number, round: Round, out: Float64Array): void;
}

/**
 * The 2-D transforms of a tile size from its 1-D ones, in the order the WebAssembly kernels
 * (assembly/winograd*.ts) compute them, so that both give the same bits: V = B^T d B along each
 * row of d, then down each column; U = G g G^T down each column of g, then along each row;
 * Y = A^T M A down each column of M, then along each row. The scratch is the reference's own
 * (it runs on one thread).
 */
export function separableTransforms(points: WinogradPoints): WinogradTransforms {
  const { m } = points;
  const size = m + 2;
  const rows = new Float64Array(size * size);
  const column = new Float64Array(size);
  const columns = new Float64Array(m * size);
  const result = new Float64Array(size);

  function inputTile(d: Float64Array, round: Round, v: FloatArray, at: number, xi: number): void {
    for (let i = 0; i < size; i++) points.input(d, size * i, 1, round, rows, size * i);
    for (let j = 0; j < size; j++) {
      points.input(rows, j, size, round, column, 0);
      for (let i = 0; i < size; i++) v[at + (size * i + j) * xi] = column[i];
    }
  }

  function weights(w: FloatArray, call: WinogradCall, u: FloatArray, round: Round): FloatArray {
    const { groups, outChannels: O, flip } = call;
    const Og = O / groups;
    const Cg = call.inChannels / groups;
    // a[3 i + j] = (G g)[i][j].
    const a = new Float64Array(3 * size);
    for (let g = 0; g < groups; g++) {
      for (let q = 0; q < Og; q++) {
        for (let r = 0; r < Cg; r++) {
          const base = flip ? ((g * Cg + r) * Og + q) * 9 : ((g * Og + q) * Cg + r) * 9;
          const tap = (i: number, j: number) => w[base + (flip ? 8 - 3 * i - j : 3 * i + j)];
          for (let j = 0; j < 3; j++) {
            points.weight(tap(0, j), tap(1, j), tap(2, j), round, column, 0);
            for (let i = 0; i < size; i++) a[3 * i + j] = column[i];
          }
          const at = (g * Og + q) * Cg + r;
          const xi = O * Cg;
          for (let i = 0; i < size; i++) {
            points.weight(a[3 * i], a[3 * i + 1], a[3 * i + 2], round, column, 0);
            for (let k = 0; k < size; k++) u[at + (size * i + k) * xi] = column[k];
          }
        }
      }
    }
    return u;
  }

  function outputTile(mt: FloatArray, at: number, xi: number, round: Round, y: Float64Array): void {
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) column[i] = mt[at + (size * i + j) * xi];
      points.output(column, 0, round, result);
      for (let a = 0; a < m; a++) columns[size * a + j] = result[a];
    }
    for (let a = 0; a < m; a++) {
      points.output(columns, size * a, round, result);
      for (let b = 0; b < m; b++) y[m * a + b] = result[b];
    }
  }

  return { weights, inputTile, outputTile };
}
