/**
 * conv2d of 3 x 3 kernels with unit stride and dilation by Winograd's minimal filtering
 * F(2 x 2, 3 x 3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016).
 * Each 2 x 2 output tile is A^T [(G g G^T) ⊙ (B^T d B)] A over its 4 x 4 input tile d, so a
 * tile costs 16 multiplications per channel pair instead of 36, done as 16 GEMMs per block of
 * tiles, ξ = 4 i + j over the 4 x 4 tile:
 *
 *   M[ξ] (O x tiles) = U[ξ] (O x C) · V[ξ] (C x tiles),  U = G g G^T,  V = B^T d B
 *
 * U is computed once per call (`winogradWeights`, its items split between threads), straight
 * into the GEMM's packed layout; V a block of TILE_BLOCK tiles at a time, from a zero-padded
 * copy of the input rows the block reads. The
 * float32 operations and their order are fixed and written at each transform; the reference,
 * src/kernels/conv2d-winograd.ts, performs the same ones, so both backends give the same bits.
 *
 * With FLIP the call is the input gradient of a 3 x 3 stride-1 conv2d, which is this conv of gy
 * with each kernel turned by 180 degrees and input and output channels swapped.
 * Work items are (image, block of tiles); no item depends on how items are split.
 */

import { gemmBlockFused } from './gemm';
import { KC, MR, roundUp, TILE_BYTES } from './pack';
import { ConvParams } from './params';
import { copyRow, fillRow } from './rows';
import { paddedRows, paddedWidth, pointsOf, STAGING_BYTES, tilesAlong, transformedBytes, uMatrixBytes, xiBytes } from './winograd-layout';

/** Scratch bytes one thread needs for `winogradForward`. */
function forwardScratch(p: usize, m: i32): i32 {
  const params = changetype<ConvParams>(p);
  const padded = (params.c * paddedRows(p, m) * paddedWidth(p, m)) << 2;
  return transformedBytes(p, params.c, m) + transformedBytes(p, params.o, m) + padded + TILE_BYTES + STAGING_BYTES;
}

export function winogradForwardScratch(p: usize): i32 {
  return forwardScratch(p, 2);
}

/**
 * Copies the input rows a block reads into `buf` ([C][planeRows][paddedWidth], planeRows >= rows)
 * with its zero padding.
 */
export function copyPadded(p: usize, m: i32, xImage: usize, firstRow: i32, rows: i32, buf: usize, planeRows: i32 = rows): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const height = params.h;
  const width = params.w;
  const Wp = paddedWidth(p, m);
  const padLeft = params.padLeft;
  const lo = min(Wp, max(0, padLeft));
  const hi = max(lo, min(Wp, padLeft + width));
  for (let ch = 0; ch < channels; ch++) {
    const plane = xImage + ((<usize>ch * <usize>height * <usize>width) << 2);
    let dst = buf + ((<usize>ch * <usize>planeRows * <usize>Wp) << 2);
    for (let rb = 0; rb < rows; rb++, dst += <usize>Wp << 2) {
      const iy = firstRow + rb;
      if (iy < 0 || iy >= height) {
        fillRow(dst, Wp, 0);
        continue;
      }
      fillRow(dst, lo, 0);
      copyRow(dst + (<usize>lo << 2), plane + ((<usize>iy * <usize>width + <usize>(lo - padLeft)) << 2), hi - lo);
      fillRow(dst + (<usize>hi << 2), Wp - hi, 0);
    }
  }
}

/**
 * V = B^T d B of four tiles, lane k for tile k, with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0;
 * 0 1 0 -1]: first along each row i, r0 = d0 - d2, r1 = d1 + d2, r2 = d2 - d1, r3 = d1 - d3,
 * then the same down each column of r. Row i of d is read at src + i rowStride (see `column`);
 * V[ξ] is written at dst + ξ xiStride.
 */
@inline
function inputTile(src: usize, rowStride: usize, inRow: bool, dst: usize, xiStride: usize): void {
  let d0 = column(src, 0, inRow);
  let d1 = column(src, 1, inRow);
  let d2 = column(src, 2, inRow);
  let d3 = column(src, 3, inRow);
  const r00 = f32x4.sub(d0, d2);
  const r01 = f32x4.add(d1, d2);
  const r02 = f32x4.sub(d2, d1);
  const r03 = f32x4.sub(d1, d3);
  const row2 = src + 2 * rowStride;
  d0 = column(row2, 0, inRow);
  d1 = column(row2, 1, inRow);
  d2 = column(row2, 2, inRow);
  d3 = column(row2, 3, inRow);
  const r20 = f32x4.sub(d0, d2);
  const r21 = f32x4.add(d1, d2);
  const r22 = f32x4.sub(d2, d1);
  const r23 = f32x4.sub(d1, d3);
  v128.store(dst, f32x4.sub(r00, r20));
  v128.store(dst + xiStride, f32x4.sub(r01, r21));
  v128.store(dst + 2 * xiStride, f32x4.sub(r02, r22));
  v128.store(dst + 3 * xiStride, f32x4.sub(r03, r23));
  const row1 = src + rowStride;
  d0 = column(row1, 0, inRow);
  d1 = column(row1, 1, inRow);
  d2 = column(row1, 2, inRow);
  d3 = column(row1, 3, inRow);
  const r10 = f32x4.sub(d0, d2);
  const r11 = f32x4.add(d1, d2);
  const r12 = f32x4.sub(d2, d1);
  const r13 = f32x4.sub(d1, d3);
  v128.store(dst + 4 * xiStride, f32x4.add(r10, r20));
  v128.store(dst + 5 * xiStride, f32x4.add(r11, r21));
  v128.store(dst + 6 * xiStride, f32x4.add(r12, r22));
  v128.store(dst + 7 * xiStride, f32x4.add(r13, r23));
  v128.store(dst + 8 * xiStride, f32x4.sub(r20, r10));
  v128.store(dst + 9 * xiStride, f32x4.sub(r21, r11));
  v128.store(dst + 10 * xiStride, f32x4.sub(r22, r12));
  v128.store(dst + 11 * xiStride, f32x4.sub(r23, r13));
  const row3 = src + 3 * rowStride;
  d0 = column(row3, 0, inRow);
  d1 = column(row3, 1, inRow);
  d2 = column(row3, 2, inRow);
  d3 = column(row3, 3, inRow);
  v128.store(dst + 12 * xiStride, f32x4.sub(r10, f32x4.sub(d0, d2)));
  v128.store(dst + 13 * xiStride, f32x4.sub(r11, f32x4.add(d1, d2)));
  v128.store(dst + 14 * xiStride, f32x4.sub(r12, f32x4.sub(d2, d1)));
  v128.store(dst + 15 * xiStride, f32x4.sub(r13, f32x4.sub(d1, d3)));
}

/**
 * Column j of one row of four tiles' d: with `inRow`, the tiles are neighbours in a row of the
 * padded copy starting at `row`, so column j is every other value from j on; else four
 * vectors staged at `row`, one per column.
 */
@inline
function column(row: usize, j: i32, inRow: bool): v128 {
  if (!inRow) return v128.load(row + (<usize>j << 4));
  const lo = v128.load(row + (j >= 2 ? 8 : 0));
  const hi = v128.load(row + (j >= 2 ? 24 : 16));
  return (j & 1) == 0 ? f32x4.shuffle(lo, hi, 0, 2, 4, 6) : f32x4.shuffle(lo, hi, 1, 3, 5, 7);
}

/** V of tiles [t0, t1) (all channels) from the padded copy, into V's GEMM layout (panels of 8 tiles). */
function transformInput(p: usize, buf: usize, rows: i32, ty0: i32, t0: i32, t1: i32, v: usize, cols: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const tilesW = tilesAlong(params.outW, 2);
  const rowBytes = <usize>paddedWidth(p, 2) << 2;
  const xi = xiBytes(p, channels);
  for (let ch = 0; ch < channels; ch++) {
    const plane = buf + <usize>ch * <usize>rows * rowBytes;
    for (let t = t0; t < t1; t += 4) {
      const jt = t - t0;
      const dst = v + ((<usize>(((jt >> 3) * channels + ch) * 8 + (jt & 7))) << 2);
      const ty = t / tilesW;
      const tx = t - ty * tilesW;
      if (t + 3 < t1 && tx + 3 < tilesW) {
        inputTile(plane + <usize>(2 * (ty - ty0)) * rowBytes + (<usize>(2 * tx) << 2), rowBytes, true, dst, xi);
        continue;
      }
      // Four tiles across a tile row (or past t1: the last tile again, a column no output reads):
      // each tile's rows loaded whole and turned into columns.
      const s0 = tileAt(plane, rowBytes, tilesW, ty0, t, t1);
      const s1 = tileAt(plane, rowBytes, tilesW, ty0, t + 1, t1);
      const s2 = tileAt(plane, rowBytes, tilesW, ty0, t + 2, t1);
      const s3 = tileAt(plane, rowBytes, tilesW, ty0, t + 3, t1);
      for (let i: usize = 0; i < 4; i++) {
        const at = i * rowBytes;
        transposeStore(v128.load(s0 + at), v128.load(s1 + at), v128.load(s2 + at), v128.load(s3 + at), cols + (i << 6), 16);
      }
      inputTile(cols, 64, false, dst, xi);
    }
  }
}

/** Where tile min(t, t1 - 1)'s input starts in a channel's padded copy. */
@inline
function tileAt(plane: usize, rowBytes: usize, tilesW: i32, ty0: i32, t: i32, t1: i32): usize {
  const tk = min(t, t1 - 1);
  const ty = tk / tilesW;
  return plane + <usize>(2 * (ty - ty0)) * rowBytes + (<usize>(2 * (tk - ty * tilesW)) << 2);
}

/** Stores the 4 x 4 transpose of rows a, b, c, e: its row j (lane k from row k) at dst + j stride. */
@inline
function transposeStore(a: v128, b: v128, c: v128, e: v128, dst: usize, stride: usize): void {
  const ab01 = f32x4.shuffle(a, b, 0, 4, 1, 5);
  const ce01 = f32x4.shuffle(c, e, 0, 4, 1, 5);
  const ab23 = f32x4.shuffle(a, b, 2, 6, 3, 7);
  const ce23 = f32x4.shuffle(c, e, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(ab01, ce01, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(ab01, ce01, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(ab23, ce23, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(ab23, ce23, 2, 3, 6, 7));
}

/**
 * Y = A^T m A + bias of four tiles of output channel o, A^T = [1 1 1 0; 0 1 -1 -1]: first down
 * each column j, f0 = (m0 + m1) + m2, f1 = (m1 - m2) - m3, then along each row of f the same,
 * then the bias added; written to the image `yPlane`, clipped to its OUT_H x OUT_W.
 */
function outputTiles(p: usize, m: usize, t0: i32, t1: i32, yImage: usize, staging: usize): void {
  const params = changetype<ConvParams>(p);
  const outChannels = params.o;
  const outH = params.outH;
  const outW = params.outW;
  const tilesW = tilesAlong(outW, 2);
  const block = params.tileBlock;
  const xi = xiBytes(p, outChannels);
  const bias = params.bias;
  const rowBytes = <usize>outW << 2;
  for (let o = 0; o < outChannels; o++) {
    const b = bias == 0 ? f32x4.splat(0) : f32x4.splat(load<f32>(bias + (<usize>o << 2)));
    const yPlane = yImage + ((<usize>o * <usize>outH * <usize>outW) << 2);
    for (let t = t0; t < t1; t += 4) {
      const src = m + ((<usize>(o * block + t - t0)) << 2);
      const f00 = colTerm(src, xi, 0, 0);
      const f01 = colTerm(src, xi, 0, 1);
      const f02 = colTerm(src, xi, 0, 2);
      const f03 = colTerm(src, xi, 0, 3);
      let y00 = f32x4.add(f32x4.add(f00, f01), f02);
      let y01 = f32x4.sub(f32x4.sub(f01, f02), f03);
      const f10 = colTerm(src, xi, 1, 0);
      const f11 = colTerm(src, xi, 1, 1);
      const f12 = colTerm(src, xi, 1, 2);
      const f13 = colTerm(src, xi, 1, 3);
      let y10 = f32x4.add(f32x4.add(f10, f11), f12);
      let y11 = f32x4.sub(f32x4.sub(f11, f12), f13);
      if (bias != 0) {
        y00 = f32x4.add(y00, b);
        y01 = f32x4.add(y01, b);
        y10 = f32x4.add(y10, b);
        y11 = f32x4.add(y11, b);
      }
      const ty = t / tilesW;
      const tx = t - ty * tilesW;
      if (t + 3 < t1 && tx + 3 < tilesW && 2 * tx + 8 <= outW && 2 * ty + 2 <= outH) {
        const dst = yPlane + <usize>(2 * ty) * rowBytes + (<usize>(2 * tx) << 2);
        v128.store(dst, f32x4.shuffle(y00, y01, 0, 4, 1, 5));
        v128.store(dst, f32x4.shuffle(y00, y01, 2, 6, 3, 7), 16);
        v128.store(dst + rowBytes, f32x4.shuffle(y10, y11, 0, 4, 1, 5));
        v128.store(dst + rowBytes, f32x4.shuffle(y10, y11, 2, 6, 3, 7), 16);
        continue;
      }
      v128.store(staging, y00);
      v128.store(staging, y01, 16);
      v128.store(staging, y10, 32);
      v128.store(staging, y11, 48);
      for (let k = 0; k < 4 && t + k < t1; k++) {
        const tyk = (t + k) / tilesW;
        const txk = t + k - tyk * tilesW;
        for (let a = 0; a < 2; a++) {
          for (let c = 0; c < 2; c++) {
            const row = 2 * tyk + a;
            const col = 2 * txk + c;
            if (row < outH && col < outW) {
              const value = load<f32>(staging + (<usize>((a * 2 + c) * 4 + k) << 2));
              store<f32>(yPlane + <usize>row * rowBytes + (<usize>col << 2), value);
            }
          }
        }
      }
    }
  }
}

/** Row i of f = A^T m at column j for four tiles (see `outputTiles`). */
@inline
function colTerm(src: usize, xiStride: usize, i: i32, j: i32): v128 {
  const m0 = v128.load(src + <usize>j * xiStride);
  const m1 = v128.load(src + <usize>(4 + j) * xiStride);
  const m2 = v128.load(src + <usize>(8 + j) * xiStride);
  const m3 = v128.load(src + <usize>(12 + j) * xiStride);
  return i == 0 ? f32x4.add(f32x4.add(m0, m1), m2) : f32x4.sub(f32x4.sub(m1, m2), m3);
}

/** Items [start, end): item = image * blocks + block of TILE_BLOCK tiles (row-major over the image's tiles). */
export function winogradForward(p: usize, start: i32, end: i32, scratch: usize): void {
  forwardItems(p, 2, start, end, scratch);
}

/** The items of `winogradForward` (winograd4.ts's `winograd4Forward` has its own, spanning images). */
function forwardItems(p: usize, m: i32, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const outChannels = params.o;
  const outH = params.outH;
  const outW = params.outW;
  const tilesW = tilesAlong(outW, m);
  const tiles = tilesAlong(outH, m) * tilesW;
  const block = params.tileBlock;
  const blocks = (tiles + block - 1) / block;
  const image = <usize>channels * <usize>params.h * <usize>params.w;
  const yImageBytes = (<usize>outChannels * <usize>outH * <usize>outW) << 2;
  const v = scratch;
  const products = v + <usize>transformedBytes(p, channels, m);
  const buf = products + <usize>transformedBytes(p, outChannels, m);
  const tile = buf + <usize>((channels * paddedRows(p, m) * paddedWidth(p, m)) << 2);
  const staging = tile + <usize>TILE_BYTES;
  for (let item = start; item < end; item++) {
    const n = item / blocks;
    const t0 = (item - n * blocks) * block;
    const t1 = min(tiles, t0 + block);
    const ty0 = t0 / tilesW;
    const rows = m * ((t1 - 1) / tilesW - ty0) + m + 2;
    const yImage = params.y + <usize>n * yImageBytes;
    copyPadded(p, m, params.x + ((<usize>n * image) << 2), m * ty0 - params.padTop, rows, buf);
    transformInput(p, buf, rows, ty0, t0, t1, v, staging);
    transformedProducts(p, pointsOf(m), v, products, t1 - t0, tile);
    outputTiles(p, products, t0, t1, yImage, staging);
  }
}

/** M[ξ] = U[ξ] · V[ξ] for each of the `points` ξ and each group, over nb tiles. */
export function transformedProducts(p: usize, points: i32, v: usize, m: usize, nb: i32, tile: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const outChannels = params.o;
  const groups = params.groups;
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const block = params.tileBlock;
  const u = params.winogradU;
  const vXi = xiBytes(p, channels);
  const mXi = xiBytes(p, outChannels);
  const matrixBytes = uMatrixBytes(p);
  const Mp = roundUp(Og, MR);
  for (let xi = 0; xi < points; xi++) {
    for (let g = 0; g < groups; g++) {
      const a = u + <usize>(xi * groups + g) * matrixBytes;
      const b = v + <usize>xi * vXi + (<usize>(g * Cg) << 5);
      const c = m + <usize>xi * mXi + ((<usize>(g * Og) * <usize>block) << 2);
      for (let pc = 0; pc < Cg; pc += KC) {
        const kc = min(KC, Cg - pc);
        const aBlock = a + ((<usize>Mp * <usize>pc) << 2);
        gemmBlockFused(Og, nb, kc, 1, aBlock, b + (<usize>pc << 5), <usize>channels << 5, 32, c, block, pc > 0, tile);
      }
    }
  }
}
