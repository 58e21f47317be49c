/**
 * conv2d of 3 x 3 kernels with unit stride and dilation by Winograd's F(4 x 4, 3 x 3) (Lavin and
 * Gray 2016, interpolation points 0, 1, -1, 2, -2 and ∞): each 4 x 4 output tile is
 * A^T [(G g G^T) ⊙ (B^T d B)] A over its 6 x 6 input tile d, 36 multiplications per channel pair
 * instead of 144, done as 36 GEMMs per block of tiles (ξ = 6 i + j over the 6 x 6 tile), with
 *
 *   B^T = [4 0 -5 0 1 0; 0 -4 -4 1 1 0; 0 4 -4 -1 1 0; 0 -2 -1 2 1 0; 0 2 -1 -2 1 0; 0 4 0 -5 0 1]
 *   A^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 0; 0 1 -1 8 -8 1]
 *
 * and G in winograd4-weights.ts. Organised as winograd.ts's F(2 x 2) (padded copies, GEMM
 * layout), but a work item's block of tiles runs over the whole batch, so it can span images
 * (the same work items run F(6 x 6) with winograd6.ts's transforms);
 * four tiles go through the transforms at once, lane k for tile k, each tile read from its own
 * place (tile positions are computed once per item), so a group of tiles that crosses a tile
 * row or an image costs the same as any.
 * The float32 operations and their order are written at each transform; the reference,
 * src/kernels/conv2d-winograd4.ts, performs the same ones, so both backends give the same bits.
 * The relaxed-SIMD build fuses each product by a transform's constant into the sum it feeds
 * (`madd`), as its GEMM does: one rounding fewer, and fewer instructions.
 */

import { madd } from './gemm';
import { TILE_BYTES } from './pack';
import { ConvParams } from './params';
import { transformedProducts } from './winograd';
import { paddedWidth, pointsOf, STAGING_BYTES, transformedBytes, xiBytes } from './winograd-layout';
import { batchTiles, copyBlock, paddedPlaneBytes, spannedCopyBytes } from './winograd-span';
import { outputTiles6, transformInput6 } from './winograd6';

/**
 * The 6 values r = B^T d of four tiles' d0..d5 (a row or a column of the tile), to dst + k
 * stride: a = d4 - 4 d2, b = d3 - 4 d1, c = d4 - d2, e = d3 - d1; r0 = 4 (d0 - d2) + c,
 * r1 = a + b, r2 = a - b, r3 = c + 2 e, r4 = c - 2 e, r5 = (d5 - d3) - 4 e. Each product and
 * its sum is one `madd`: fused in the relaxed-SIMD build, else the reference's two roundings
 * (x - k y and x + (-k) y are the same float32).
 */
@inline
function inputPoints(d0: v128, d1: v128, d2: v128, d3: v128, d4: v128, d5: v128, dst: usize, stride: usize): void {
  const a = madd(f32x4.splat(-4), d2, d4, true);
  const b = madd(f32x4.splat(-4), d1, d3, true);
  const c = f32x4.sub(d4, d2);
  const e = f32x4.sub(d3, d1);
  v128.store(dst, madd(f32x4.splat(4), f32x4.sub(d0, d2), c, true));
  v128.store(dst + stride, f32x4.add(a, b));
  v128.store(dst + 2 * stride, f32x4.sub(a, b));
  v128.store(dst + 3 * stride, madd(f32x4.splat(2), e, c, true));
  v128.store(dst + 4 * stride, madd(f32x4.splat(-2), e, c, true));
  v128.store(dst + 5 * stride, madd(f32x4.splat(-4), e, f32x4.sub(d5, d3), true));
}

/**
 * V = B^T d B of the four 6 x 6 windows d that start at s0..s3 (lane k for window k: four tiles
 * of a channel here, one tile of four channels in winograd-weight-grad.ts): first along each
 * row i of d (into `rows`: 6 vectors per row), then down each column j, V[6 i + j] at dst + ξ xi.
 */
export function inputTiles(s0: usize, s1: usize, s2: usize, s3: usize, rowBytes: usize, rows: usize, dst: usize, xi: usize): void {
  for (let i: usize = 0; i < 6; i++) {
    const at = i * rowBytes;
    // Columns 0-3 of row i, turned so that lane k is tile k's; then columns 4 and 5.
    const a = v128.load(s0 + at);
    const b = v128.load(s1 + at);
    const c = v128.load(s2 + at);
    const e = v128.load(s3 + at);
    const ab01 = f32x4.shuffle(a, b, 0, 4, 1, 5);
    const ce01 = f32x4.shuffle(c, e, 0, 4, 1, 5);
    const ab23 = f32x4.shuffle(a, b, 2, 6, 3, 7);
    const ce23 = f32x4.shuffle(c, e, 2, 6, 3, 7);
    const e01 = f32x4.shuffle(v128.load64_zero(s0 + at + 16), v128.load64_zero(s1 + at + 16), 0, 4, 1, 5);
    const e23 = f32x4.shuffle(v128.load64_zero(s2 + at + 16), v128.load64_zero(s3 + at + 16), 0, 4, 1, 5);
    inputPoints(
      f32x4.shuffle(ab01, ce01, 0, 1, 4, 5),
      f32x4.shuffle(ab01, ce01, 2, 3, 6, 7),
      f32x4.shuffle(ab23, ce23, 0, 1, 4, 5),
      f32x4.shuffle(ab23, ce23, 2, 3, 6, 7),
      f32x4.shuffle(e01, e23, 0, 1, 4, 5),
      f32x4.shuffle(e01, e23, 2, 3, 6, 7),
      rows + i * 96,
      16,
    );
  }
  for (let j: usize = 0; j < 6; j++) {
    const c = rows + (j << 4);
    const r0 = v128.load(c);
    const r1 = v128.load(c + 96);
    const r2 = v128.load(c + 192);
    const r3 = v128.load(c + 288);
    const r4 = v128.load(c + 384);
    const r5 = v128.load(c + 480);
    inputPoints(r0, r1, r2, r3, r4, r5, dst + j * xi, 6 * xi);
  }
}

/**
 * V of the item's nb tiles (all channels) into V's GEMM layout (panels of 8 tiles), four tiles
 * at a time: tile k's window starts `srcAt[k]` bytes into channel 0's padded copy, each channel's
 * copy `planeBytes` after the previous. Past nb, the last tile again: a column of V no output reads.
 */
function transformInput4(p: usize, buf: usize, planeBytes: usize, srcAt: usize, nb: i32, v: usize, staging: usize): void {
  const channels = changetype<ConvParams>(p).c;
  const rowBytes = <usize>paddedWidth(p, 4) << 2;
  const xi = xiBytes(p, channels);
  const last = nb - 1;
  for (let jt = 0; jt < nb; jt += 4) {
    let s0 = buf + <usize>load<u32>(srcAt + (<usize>jt << 2));
    let s1 = buf + <usize>load<u32>(srcAt + (<usize>min(jt + 1, last) << 2));
    let s2 = buf + <usize>load<u32>(srcAt + (<usize>min(jt + 2, last) << 2));
    let s3 = buf + <usize>load<u32>(srcAt + (<usize>min(jt + 3, last) << 2));
    let dst = v + ((<usize>((jt >> 3) * channels * 8 + (jt & 7))) << 2);
    for (let ch = 0; ch < channels; ch++, dst += 32) {
      inputTiles(s0, s1, s2, s3, rowBytes, staging, dst, xi);
      s0 += planeBytes;
      s1 += planeBytes;
      s2 += planeBytes;
      s3 += planeBytes;
    }
  }
}

/**
 * The 4 values A^T m of four tiles' m0..m5 (a column or a row of M), to dst + k stride:
 * p = m1 + m2, q = m1 - m2, r = m3 + m4, s = m3 - m4; y0 = (m0 + p) + r, y1 = q + 2 s,
 * y2 = p + 4 r, y3 = (q + 8 s) + m5 (each product and its sum one `madd`, as `inputPoints`).
 */
@inline
function outputPoints(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, dst: usize, stride: usize): void {
  const p = f32x4.add(m1, m2);
  const q = f32x4.sub(m1, m2);
  const r = f32x4.add(m3, m4);
  const s = f32x4.sub(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, p), r));
  v128.store(dst + stride, madd(f32x4.splat(2), s, q, true));
  v128.store(dst + 2 * stride, madd(f32x4.splat(4), r, p, true));
  v128.store(dst + 3 * stride, f32x4.add(madd(f32x4.splat(8), s, q, true), m5));
}

/**
 * Y = A^T m A + bias of the item's nb tiles, four at a time: first down each column j of M
 * (into `staging`, f[a][j] at 16 (6 a + j)), then along each row a of f, then the bias added.
 * Tile k's output starts `yAt[k]` bytes into output channel 0 and keeps `clip[k]` = rows << 4 |
 * columns of its 4 x 4 (the image's OUT_H x OUT_W cut the last ones).
 */
function outputTiles4(p: usize, m: usize, nb: i32, yAt: usize, clip: usize, staging: usize): void {
  const params = changetype<ConvParams>(p);
  const outChannels = params.o;
  const outW = params.outW;
  const planeBytes = (<usize>params.outH * <usize>outW) << 2;
  const block = params.tileBlock;
  const xi = xiBytes(p, outChannels);
  const bias = params.bias;
  const rowBytes = <usize>outW << 2;
  const f = staging;
  const out = staging + 384;
  for (let o = 0; o < outChannels; o++) {
    const b = bias == 0 ? f32x4.splat(0) : f32x4.splat(load<f32>(bias + (<usize>o << 2)));
    const yPlane = params.y + <usize>o * planeBytes;
    for (let t = 0; t < nb; t += 4) {
      const src = m + ((<usize>(o * block + t)) << 2);
      for (let j: usize = 0; j < 6; j++) {
        const c = src + j * xi;
        const m0 = v128.load(c);
        const m1 = v128.load(c + 6 * xi);
        const m2 = v128.load(c + 12 * xi);
        const m3 = v128.load(c + 18 * xi);
        const m4 = v128.load(c + 24 * xi);
        const m5 = v128.load(c + 30 * xi);
        outputPoints(m0, m1, m2, m3, m4, m5, f + (j << 4), 96);
      }
      const tiles = min(4, nb - t);
      const info = <usize>t << 2;
      for (let a = 0; a < 4; a++) {
        // Row a of the four tiles (outputPoints along f's row a, kept in registers), the bias
        // added, turned so that vector k is tile k's row.
        const fa = f + <usize>a * 96;
        const m1 = v128.load(fa, 16);
        const m2 = v128.load(fa, 32);
        const m3 = v128.load(fa, 48);
        const m4 = v128.load(fa, 64);
        const p1 = f32x4.add(m1, m2);
        const q = f32x4.sub(m1, m2);
        const r = f32x4.add(m3, m4);
        const s = f32x4.sub(m3, m4);
        let y0 = f32x4.add(f32x4.add(v128.load(fa), p1), r);
        let y1 = madd(f32x4.splat(2), s, q, true);
        let y2 = madd(f32x4.splat(4), r, p1, true);
        let y3 = f32x4.add(madd(f32x4.splat(8), s, q, true), v128.load(fa, 80));
        if (bias != 0) {
          y0 = f32x4.add(y0, b);
          y1 = f32x4.add(y1, b);
          y2 = f32x4.add(y2, b);
          y3 = f32x4.add(y3, b);
        }
        const ab01 = f32x4.shuffle(y0, y1, 0, 4, 1, 5);
        const ce01 = f32x4.shuffle(y2, y3, 0, 4, 1, 5);
        const ab23 = f32x4.shuffle(y0, y1, 2, 6, 3, 7);
        const ce23 = f32x4.shuffle(y2, y3, 2, 6, 3, 7);
        const rowAt = yPlane + <usize>a * rowBytes;
        storeRow(f32x4.shuffle(ab01, ce01, 0, 1, 4, 5), rowAt, yAt + info, clip + info, a, out);
        if (tiles > 1) storeRow(f32x4.shuffle(ab01, ce01, 2, 3, 6, 7), rowAt, yAt + info + 4, clip + info + 4, a, out);
        if (tiles > 2) storeRow(f32x4.shuffle(ab23, ce23, 0, 1, 4, 5), rowAt, yAt + info + 8, clip + info + 8, a, out);
        if (tiles > 3) storeRow(f32x4.shuffle(ab23, ce23, 2, 3, 6, 7), rowAt, yAt + info + 12, clip + info + 12, a, out);
      }
    }
  }
}

/** Stores row a of one tile's 4 x 4 outputs, clipped as `clip` says, at `rowAt` + the tile's offset. */
@inline
function storeRow(row: v128, rowAt: usize, yAt: usize, clip: usize, a: i32, staging: usize): void {
  const kept = load<u32>(clip);
  if (<u32>a >= kept >> 4) return;
  const dst = rowAt + <usize>load<u32>(yAt);
  if ((kept & 15) == 4) v128.store(dst, row);
  else storePart(row, dst, kept & 15, staging);
}

/** The first `cols` (< 4) values of `row` at dst, through `staging`. */
function storePart(row: v128, dst: usize, cols: u32, staging: usize): void {
  v128.store(staging, row);
  for (let c: u32 = 0; c < cols; c++) store<f32>(dst + (<usize>c << 2), load<f32>(staging + (<usize>c << 2)));
}

/**
 * Scratch bytes one thread needs for `winograd4Forward` (m = 4) or `winograd6Forward` (m = 6):
 * V, M, the padded copies of the images a block spans (each channel's copy of every image the
 * same size), the tiles' positions.
 */
function spanningScratch(p: usize, m: i32): i32 {
  const params = changetype<ConvParams>(p);
  return (
    transformedBytes(p, params.c, m) +
    transformedBytes(p, params.o, m) +
    spannedCopyBytes(p, m) +
    12 * params.tileBlock +
    TILE_BYTES +
    STAGING_BYTES
  );
}

export function winograd4ForwardScratch(p: usize): i32 {
  return spanningScratch(p, 4);
}

export function winograd6ForwardScratch(p: usize): i32 {
  return spanningScratch(p, 6);
}

export function winograd4Forward(p: usize, start: i32, end: i32, scratch: usize): void {
  spanningForward(p, 4, start, end, scratch);
}

export function winograd6Forward(p: usize, start: i32, end: i32, scratch: usize): void {
  spanningForward(p, 6, start, end, scratch);
}

/**
 * Items [start, end) of F(m x m), m = 4 or 6: item = block of TILE_BLOCK m x m tiles of the
 * whole batch (winograd-span.ts), whose input rows are copied with their padding first.
 */
function spanningForward(p: usize, m: i32, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const total = batchTiles(p, m);
  const block = params.tileBlock;
  const planeBytes = <usize>paddedPlaneBytes(p, m);
  const v = scratch;
  const products = v + <usize>transformedBytes(p, channels, m);
  const srcAt = products + <usize>transformedBytes(p, params.o, m);
  const yAt = srcAt + (<usize>block << 2);
  const clip = yAt + (<usize>block << 2);
  const tile = clip + (<usize>block << 2);
  const staging = tile + <usize>TILE_BYTES;
  const buf = staging + <usize>STAGING_BYTES;
  for (let item = start; item < end; item++) {
    const g0 = item * block;
    const g1 = min(total, g0 + block);
    copyBlock(p, m, g0, g1, buf, srcAt, yAt, clip);
    const nb = g1 - g0;
    if (m == 4) transformInput4(p, buf, planeBytes, srcAt, nb, v, staging);
    else transformInput6(p, buf, planeBytes, srcAt, nb, v, staging);
    transformedProducts(p, pointsOf(m), v, products, nb, tile);
    if (m == 4) outputTiles4(p, products, nb, yAt, clip, staging);
    else outputTiles6(p, products, nb, yAt, clip, staging);
  }
}
