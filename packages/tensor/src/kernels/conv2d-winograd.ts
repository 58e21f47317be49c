import type { Conv2dGeometry, WinogradTile } from './conv2d-geometry.js';
import { winogradTileBlock } from './conv2d-tuning.js';
import { separableTransforms } from './conv2d-winograd-transforms.js';
import { winograd4Transforms } from './conv2d-winograd4.js';
import { winograd6Transforms } from './conv2d-winograd6.js';
import { gemm } from './matmul.js';
import { allocLike, type FloatArray } from './shape.js';

/**
 * conv2d of 3 x 3 kernels with unit stride and dilation by Winograd's minimal filtering
 * F(2 x 2, 3 x 3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016):
 * each 2 x 2 output tile is A^T [(G g G^T) ⊙ (B^T d B)] A over its 4 x 4 input tile d, with
 *
 *   G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]
 *   A^T = [1 1 1 0; 0 1 -1 -1]
 *
 * so a tile costs 16 multiplications per channel pair instead of 36, done as 16 GEMMs
 * M[ξ] (O x tiles) = U[ξ] (O x C) · V[ξ] (C x tiles) with U = G g G^T and V = B^T d B.
 *
 * This is the reference of assembly/winograd.ts. On float32 it performs the same float32
 * operations in the same order (written at each transform; the products through gemm-float32.ts,
 * which follows the WebAssembly GEMM), so both backends give the same bits. The input gradient
 * of a 3 x 3 stride-1 conv2d is such a conv of gy with each kernel turned by 180 degrees and the
 * channels swapped (`winogradInputGradientCall`).
 */

/** A Winograd conv: the forward of a conv2d, or its input gradient written as one. */
export interface WinogradCall {
  readonly batch: number;
  readonly inChannels: number;
  readonly height: number;
  readonly width: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly outH: number;
  readonly outW: number;
  /** Input row (column) of the first output's window: minus the top (left) padding. */
  readonly padTop: number;
  readonly padLeft: number;
  /** Output channel c takes input channel o's taps from the weight [o, c, 2 - i, 2 - j]. */
  readonly flip: boolean;
  /** The output tile's side: F(2 x 2, 3 x 3) here, F(4 x 4, 3 x 3) (conv2d-winograd4.ts) or F(6 x 6, 3 x 3) (conv2d-winograd6.ts). */
  readonly tile: WinogradTile;
}

export function winogradForwardCall(g: Conv2dGeometry, tile: WinogradTile): WinogradCall {
  const { batch, inChannels, height, width, outChannels, groups, outH, outW, padTop, padLeft } = g;
  return {
    batch,
    inChannels,
    height,
    width,
    outChannels,
    groups,
    outH,
    outW,
    padTop,
    padLeft,
    flip: false,
    tile,
  };
}

/**
 * gx[c, r, s] = sum over o, i, j of gy[o, r + padTop - i, s + padLeft - j] w[o, c, i, j]: with
 * i' = 2 - i, a conv of gy padded by 2 - padTop (2 - padLeft), output H x W, kernels turned.
 */
export function winogradInputGradientCall(g: Conv2dGeometry, tile: WinogradTile): WinogradCall {
  return {
    batch: g.batch,
    inChannels: g.outChannels,
    height: g.outH,
    width: g.outW,
    outChannels: g.inChannels,
    groups: g.groups,
    outH: g.height,
    outW: g.width,
    padTop: 2 - g.padTop,
    padLeft: 2 - g.padLeft,
    flip: true,
    tile,
  };
}

/** The transforms of one tile size, for `winogradConv`: `round` is Math.fround on float32, else the identity. */
export interface WinogradTransforms {
  /** U = G g G^T of every kernel into u, [ξ][O][C / groups]. */
  weights(w: FloatArray, call: WinogradCall, u: FloatArray, round: (v: number) => number): FloatArray;
  /** V = B^T d B of one tile's input window d (row-major, zero where padded), V[ξ] at v[at + ξ xi]. */
  inputTile(d: Float64Array, round: (v: number) => number, v: FloatArray, at: number, xi: number): void;
  /**
   * Y = A^T M A of the tile whose M[ξ] is at m[at + ξ xi], all tile x tile values row-major
   * into y (the driver clips the tile to the output and adds the bias).
   */
  outputTile(m: FloatArray, at: number, xi: number, round: (v: number) => number, y: Float64Array): void;
}

/** y (overwritten) = the conv of x with w (and bias, or null) that `call` describes. */
export function winogradConv(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  call: WinogradCall,
  y: FloatArray,
): void {
  const transforms =
    call.tile === 6 ? winograd6Transforms : call.tile === 4 ? winograd4Transforms : winograd2Transforms;
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, tile } = call;
  const round = x instanceof Float32Array ? Math.fround : (v: number) => v;
  const points = (tile + 2) * (tile + 2);
  const Og = O / groups;
  const Cg = C / groups;
  const tilesW = Math.ceil(call.outW / tile);
  const tiles = Math.ceil(call.outH / tile) * tilesW;
  const u = transforms.weights(w, call, allocLike(x, points * O * Cg), round);
  // A block of tiles at a time, as the WebAssembly kernel does, so memory stays bounded; the
  // products of a tile do not depend on the block it is in.
  const block = winogradTileBlock(call);
  const v = allocLike(x, points * C * block);
  const m = allocLike(x, points * O * block);
  const window = new Float64Array(points);
  for (let n = 0; n < batch; n++) {
    for (let t0 = 0; t0 < tiles; t0 += block) {
      const nb = Math.min(block, tiles - t0);
      for (let ch = 0; ch < C; ch++) {
        const plane = (n * C + ch) * H * W;
        for (let t = t0; t < t0 + nb; t++) {
          const ty = (t / tilesW) | 0;
          inputWindow(x, plane, call, ty, t - ty * tilesW, window);
          transforms.inputTile(window, round, v, ch * nb + t - t0, C * nb);
        }
      }
      for (let xi = 0; xi < points; xi++) {
        for (let g = 0; g < groups; g++) {
          const uAt = (xi * O + g * Og) * Cg;
          const vAt = (xi * C + g * Cg) * nb;
          const mAt = (xi * O + g * Og) * nb;
          gemm(false, false, Og, nb, Cg, 1, u, uAt, Cg, v, vAt, nb, 0, m, mAt, nb);
        }
      }
      writeOutputTiles(transforms, m, bias, call, n, t0, nb, round, y);
    }
  }
}

/**
 * Y (+ bias) of tiles [t0, t0 + nb) of image n: each tile from `transforms.outputTile`, clipped
 * to outH x outW, the bias added last (as the WebAssembly kernel adds it).
 */
function writeOutputTiles(
  transforms: WinogradTransforms,
  m: FloatArray,
  bias: FloatArray | null,
  call: WinogradCall,
  n: number,
  t0: number,
  nb: number,
  round: (v: number) => number,
  y: FloatArray,
): void {
  const { outChannels: O, outH, outW, tile } = call;
  const tilesW = Math.ceil(outW / tile);
  const xi = O * nb;
  const out = new Float64Array(tile * tile);
  for (let o = 0; o < O; o++) {
    const plane = (n * O + o) * outH * outW;
    for (let t = t0; t < t0 + nb; t++) {
      transforms.outputTile(m, o * nb + t - t0, xi, round, out);
      const ty = (t / tilesW) | 0;
      const tx = t - ty * tilesW;
      for (let a = 0; a < tile && tile * ty + a < outH; a++) {
        const at = plane + (tile * ty + a) * outW + tile * tx;
        for (let b = 0; b < tile && tile * tx + b < outW; b++) {
          const value = out[tile * a + b];
          y[at + b] = bias === null ? value : round(value + bias[o]);
        }
      }
    }
  }
}

/**
 * The (tile + 2) x (tile + 2) input window of output tile (ty, tx) of the plane at x[plane],
 * row-major into d, zero where it lies in the padding: what both tile sizes transform.
 */
function inputWindow(
  x: FloatArray,
  plane: number,
  call: WinogradCall,
  ty: number,
  tx: number,
  d: Float64Array,
): void {
  const { height: H, width: W, tile } = call;
  const size = tile + 2;
  for (let i = 0; i < size; i++) {
    const iy = tile * ty + i - call.padTop;
    for (let j = 0; j < size; j++) {
      const ix = tile * tx + j - call.padLeft;
      d[size * i + j] = iy >= 0 && iy < H && ix >= 0 && ix < W ? x[plane + iy * W + ix] : 0;
    }
  }
}

/** (B^T s)[k] of s = src[at], src[at + step], ... (4 values): s0 - s2, s1 + s2, s2 - s1, s1 - s3. */
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
  out[to] = round(s0 - s2);
  out[to + 1] = round(s1 + s2);
  out[to + 2] = round(s2 - s1);
  out[to + 3] = round(s1 - s3);
}

/** (G s)[k] of s = (s0, s1, s2), with p = s0 + s2: s0, (p + s1) .5, (p - s1) .5, s2. */
function weightPoints(
  s0: number,
  s1: number,
  s2: number,
  round: (v: number) => number,
  out: Float64Array,
  to: number,
): void {
  const p = round(s0 + s2);
  out[to] = s0;
  out[to + 1] = round(round(p + s1) * 0.5);
  out[to + 2] = round(round(p - s1) * 0.5);
  out[to + 3] = s2;
}

/** (A^T s)[k] of s = s[at..at + 3]: (s0 + s1) + s2, (s1 - s2) - s3. */
function outputPoints(s: Float64Array, at: number, round: (v: number) => number, out: Float64Array): void {
  out[0] = round(round(s[at] + s[at + 1]) + s[at + 2]);
  out[1] = round(round(s[at + 1] - s[at + 2]) - s[at + 3]);
}

const winograd2Transforms: WinogradTransforms = separableTransforms({
  m: 2,
  input: inputPoints,
  weight: weightPoints,
  output: outputPoints,
});
