/**
 * The weight gradient of a 3 x 3 stride-1 conv2d by Winograd's F(3 x 3, 4 x 4): each 4 x 4 tile
 * of gy, correlated with the 6 x 6 input window its outputs read, adds to the 3 x 3 gradient
 *
 *   gw[o, c] += A'^T [(G' g G'^T) ⊙ (B^T d B)] A',  g = gy[o]'s tile, d = x[c]'s window,
 *
 * 36 multiplications per tile and channel pair instead of 144, with the interpolation points of
 * F(4 x 4, 3 x 3) (winograd4.ts), whose B^T it shares:
 *
 *   G' = [1/4 0 0 0; -1/6 -1/6 -1/6 -1/6; -1/6 1/6 -1/6 1/6; 1/24 1/12 1/6 1/3;
 *         1/24 -1/12 1/6 -1/3; 0 0 0 1]
 *   A'^T = [1 1 1 1 1 0; 0 1 -1 2 -2 0; 0 1 1 4 4 1]
 *
 * A work item is a run of blocks of TILE_BLOCK tiles of the batch (winograd-span.ts). For each
 * block it transforms the windows into V (B's GEMM layout: panels of 8 input channels, a row per
 * tile) and the gy tiles into Y (A's layout: panels of 4 output channels), then sums the tiles
 * for each point ξ as one GEMM, M[ξ] (O x C) += Y[ξ] (O x tiles) · V[ξ]^T, into the item's own
 * partial at PARTIALS + item `partialBytes`. `winogradWeightGradSum` then adds the items'
 * partials in item order and applies A'. Neither sum depends on how items are split between
 * threads. The relaxed-SIMD build fuses the products into their sums (`madd`), as the forward's.
 */

import { gemmBlockFused, madd } from './gemm';
import { roundUp, TILE_BYTES } from './pack';
import { ConvParams, WINOGRAD_GRADIENT_ITEMS } from './params';
import { addRow, copyRow } from './rows';
import { paddedWidth, STAGING_BYTES } from './winograd-layout';
import { batchTiles, copyBlock, paddedPlaneBytes, spannedCopyBytes } from './winograd-span';
import { inputTiles } from './winograd4';

const POINTS = 36;

/** Bytes of V[ξ] (roundUp(C, 8) x TILE_BLOCK) and a cache line (see winograd-layout.ts's `xiBytes`). */
@inline
function vPointBytes(p: usize): usize {
  const params = changetype<ConvParams>(p);
  return <usize>((roundUp(params.c, 8) * params.tileBlock) << 2) + 64;
}

/** Bytes of Y[ξ] (roundUp(O, 4) x TILE_BLOCK) and a cache line. */
@inline
function yPointBytes(p: usize): usize {
  const params = changetype<ConvParams>(p);
  return <usize>((roundUp(params.o, 4) * params.tileBlock) << 2) + 64;
}

/** Bytes of one item's partial M, [ξ][O][C]. */
@inline
function partialBytes(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  return (POINTS * params.o * params.c) << 2;
}

/** Blocks of TILE_BLOCK tiles in the batch. */
@inline
function blocks(p: usize): i32 {
  const block = changetype<ConvParams>(p).tileBlock;
  return (batchTiles(p, 4) + block - 1) / block;
}

/** Blocks per work item of `winogradWeightGrad`: so that there are WINOGRAD_GRADIENT_ITEMS, at most. */
@inline
function spanBlocks(p: usize): i32 {
  return (blocks(p) + WINOGRAD_GRADIENT_ITEMS - 1) / WINOGRAD_GRADIENT_ITEMS;
}

/** The work items of `winogradWeightGrad`, each a run of `spanBlocks` blocks (the last may be shorter). */
@inline
function weightGradItems(p: usize): i32 {
  const span = spanBlocks(p);
  return (blocks(p) + span - 1) / span;
}

/** Scratch bytes one thread needs for `winogradWeightGrad`. */
export function winogradWeightGradScratch(p: usize): i32 {
  const block = changetype<ConvParams>(p).tileBlock;
  return (
    POINTS * <i32>(vPointBytes(p) + yPointBytes(p)) +
    spannedCopyBytes(p, 4) +
    12 * block +
    TILE_BYTES +
    STAGING_BYTES
  );
}

/** Items [start, end): each item's partial M of its run of blocks (see the file comment). */
export function winogradWeightGrad(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const O = params.o;
  const C = params.c;
  const total = batchTiles(p, 4);
  const block = params.tileBlock;
  const span = spanBlocks(p) * block;
  const vXi = vPointBytes(p);
  const yXi = yPointBytes(p);
  const v = scratch;
  const y = v + <usize>POINTS * vXi;
  const srcAt = y + <usize>POINTS * yXi;
  const gyAt = srcAt + (<usize>block << 2);
  const clip = gyAt + (<usize>block << 2);
  const tile = clip + (<usize>block << 2);
  const staging = tile + <usize>TILE_BYTES;
  const buf = staging + <usize>STAGING_BYTES;
  const mXi = (<usize>O * <usize>C) << 2;
  for (let item = start; item < end; item++) {
    const partial = params.partials + <usize>item * <usize>partialBytes(p);
    const last = min(total, (item + 1) * span);
    for (let g0 = item * span; g0 < last; g0 += block) {
      const nb = min(last, g0 + block) - g0;
      copyBlock(p, 4, g0, g0 + nb, buf, srcAt, gyAt, clip);
      transformWindows(p, buf, srcAt, nb, v, vXi, staging);
      transformGradients(p, gyAt, clip, nb, y, yXi, staging);
      for (let xi = 0; xi < POINTS; xi++) {
        const a = y + <usize>xi * yXi;
        const b = v + <usize>xi * vXi;
        gemmBlockFused(O, C, nb, 1, a, b, <usize>nb << 5, 32, partial + <usize>xi * mXi, C, g0 > item * span, tile);
      }
    }
  }
}

/**
 * V = B^T d B of every window of the block, four input channels at a time (lane k for channel
 * c + k; past C the last channel again, a column of V no product keeps), into B's layout:
 * V[ξ]'s panel of channels [8 q, 8 q + 8) at v + ξ vXi + q (32 nb), a row of 8 per tile.
 */
function transformWindows(p: usize, buf: usize, srcAt: usize, nb: i32, v: usize, vXi: usize, staging: usize): void {
  const C = changetype<ConvParams>(p).c;
  const rowBytes = <usize>paddedWidth(p, 4) << 2;
  const planeBytes = <usize>paddedPlaneBytes(p, 4);
  const last = <usize>(C - 1) * planeBytes;
  for (let c = 0; c < C; c += 4) {
    const panel = v + (<usize>(c >> 3) * <usize>nb << 5) + (<usize>(c & 7) << 2);
    const at = <usize>c * planeBytes;
    const s1 = min(at + planeBytes, last);
    const s2 = min(at + 2 * planeBytes, last);
    const s3 = min(at + 3 * planeBytes, last);
    for (let t = 0; t < nb; t++) {
      const window = buf + <usize>load<u32>(srcAt + (<usize>t << 2));
      inputTiles(window + at, window + s1, window + s2, window + s3, rowBytes, staging, panel + (<usize>t << 5), vXi);
    }
  }
}

/**
 * Y = G' g G'^T of every gy tile of the block, four output channels at a time (lane k for
 * channel o + k; past O the last channel again, a row of M no one reads), into A's packed layout:
 * Y[ξ]'s panel of channels [o, o + 4) at y + ξ yXi + o (4 nb), a row of 4 per tile. A tile cut
 * by OUT_H x OUT_W is read through `staging` with zeros past its edge.
 */
function transformGradients(p: usize, gyAt: usize, clip: usize, nb: i32, y: usize, yXi: usize, staging: usize): void {
  const params = changetype<ConvParams>(p);
  const O = params.o;
  const planeBytes = (<usize>params.outH * <usize>params.outW) << 2;
  const rowBytes = <usize>params.outW << 2;
  const f = staging;
  const part = staging + 384;
  for (let o = 0; o < O; o += 4) {
    const panel = y + (<usize>o * <usize>nb << 2);
    const g0 = params.y + <usize>o * planeBytes;
    const g1 = params.y + <usize>min(o + 1, O - 1) * planeBytes;
    const g2 = params.y + <usize>min(o + 2, O - 1) * planeBytes;
    const g3 = params.y + <usize>min(o + 3, O - 1) * planeBytes;
    for (let t = 0; t < nb; t++) {
      const at = <usize>load<u32>(gyAt + (<usize>t << 2));
      const kept = load<u32>(clip + (<usize>t << 2));
      for (let i: u32 = 0; i < 4; i++) {
        // Row i of the four channels' tiles, turned so that vector j holds column j.
        const off = at + <usize>i * rowBytes;
        let a: v128, b: v128, c: v128, e: v128;
        if (kept == 0x44) {
          a = v128.load(g0 + off);
          b = v128.load(g1 + off);
          c = v128.load(g2 + off);
          e = v128.load(g3 + off);
        } else {
          a = partRow(g0 + off, i, kept, part);
          b = partRow(g1 + off, i, kept, part);
          c = partRow(g2 + off, i, kept, part);
          e = partRow(g3 + off, i, kept, part);
        }
        const ab01 = f32x4.shuffle(a, b, 0, 4, 1, 5);
        const ce01 = f32x4.shuffle(c, e, 0, 4, 1, 5);
        const ab23 = f32x4.shuffle(a, b, 2, 6, 3, 7);
        const ce23 = f32x4.shuffle(c, e, 2, 6, 3, 7);
        gradPoints(
          f32x4.shuffle(ab01, ce01, 0, 1, 4, 5),
          f32x4.shuffle(ab01, ce01, 2, 3, 6, 7),
          f32x4.shuffle(ab23, ce23, 0, 1, 4, 5),
          f32x4.shuffle(ab23, ce23, 2, 3, 6, 7),
          f + (<usize>i * 96),
          16,
        );
      }
      const dst = panel + (<usize>t << 4);
      for (let j: usize = 0; j < 6; j++) {
        const col = f + (j << 4);
        gradPoints(v128.load(col), v128.load(col, 96), v128.load(col, 192), v128.load(col, 288), dst + j * yXi, 6 * yXi);
      }
    }
  }
}

/** Row i of a tile cut to `kept` (rows << 4 | columns): its first columns, zeros after; zeros past its rows. */
function partRow(src: usize, i: u32, kept: u32, part: usize): v128 {
  v128.store(part, f32x4.splat(0));
  if (i < kept >> 4) {
    for (let j: u32 = 0; j < (kept & 15); j++) store<f32>(part + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
  }
  return v128.load(part);
}

/**
 * The 6 values G' s of s0..s3 (a row or a column of a gy tile, lane k for channel o + k), to
 * dst + k stride: with p = s0 + s2, q = s1 + s3, a = s0 + 4 s2 and b = 2 s1 + 8 s3, they are
 * s0 / 4, (p + q) (-1/6), (p - q) (-1/6), (a + b) / 24, (a - b) / 24 and s3.
 */
@inline
function gradPoints(s0: v128, s1: v128, s2: v128, s3: v128, dst: usize, stride: usize): void {
  const p = f32x4.add(s0, s2);
  const q = f32x4.add(s1, s3);
  const a = madd(f32x4.splat(4), s2, s0, true);
  const b = madd(f32x4.splat(8), s3, f32x4.add(s1, s1), true);
  const sixth = f32x4.splat(<f32>(-1.0 / 6.0));
  const twentyFourth = f32x4.splat(<f32>(1.0 / 24.0));
  v128.store(dst, f32x4.mul(s0, f32x4.splat(0.25)));
  v128.store(dst + stride, f32x4.mul(f32x4.add(p, q), sixth));
  v128.store(dst + 2 * stride, f32x4.mul(f32x4.sub(p, q), sixth));
  v128.store(dst + 3 * stride, f32x4.mul(f32x4.add(a, b), twentyFourth));
  v128.store(dst + 4 * stride, f32x4.mul(f32x4.sub(a, b), twentyFourth));
  v128.store(dst + 5 * stride, s3);
}

/** Scratch bytes one thread needs for `winogradWeightGradSum`: row o of every M[ξ], and the transform's. */
export function winogradWeightGradSumScratch(p: usize): i32 {
  return ((POINTS * roundUp(changetype<ConvParams>(p).c, 4)) << 2) + 512;
}

/**
 * Items [start, end) are output channels o: M's row o, the items' partials added in item order
 * (row by row, each read once), then gw[o, c] = A'^T M A' four input channels at a time (the
 * lanes past C are not stored).
 */
export function winogradWeightGradSum(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const O = params.o;
  const C = params.c;
  const items = weightGradItems(p);
  const itemBytes = <usize>partialBytes(p);
  const mXi = (<usize>O * <usize>C) << 2;
  const rowBytes = <usize>C << 2;
  const sumXi = <usize>roundUp(C, 4) << 2;
  const sums = scratch;
  const f = sums + <usize>POINTS * sumXi;
  const out = f + 18 * 16;
  for (let o = start; o < end; o++) {
    const row = params.partials + <usize>o * rowBytes;
    for (let xi = 0; xi < POINTS; xi++) {
      const dst = sums + <usize>xi * sumXi;
      const src = row + <usize>xi * mXi;
      copyRow(dst, src, C);
      for (let item = 1; item < items; item++) addRow(dst, src + <usize>item * itemBytes, C);
    }
    for (let c = 0; c < C; c += 4) {
      const at = sums + (<usize>c << 2);
      // A' along each row i of M: f[i][v] for v < 3, at f + 16 (3 i + v).
      for (let i: usize = 0; i < 6; i++) {
        const m = at + 6 * i * sumXi;
        outputPoints(
          v128.load(m),
          v128.load(m + sumXi),
          v128.load(m + 2 * sumXi),
          v128.load(m + 3 * sumXi),
          v128.load(m + 4 * sumXi),
          v128.load(m + 5 * sumXi),
          f + i * 48,
          16,
        );
      }
      // Then down each column v: gw[o, c + k][u][v] at out + 16 (3 u + v), lane k.
      for (let col: usize = 0; col < 3; col++) {
        const fc = f + (col << 4);
        outputPoints(
          v128.load(fc),
          v128.load(fc, 48),
          v128.load(fc, 96),
          v128.load(fc, 144),
          v128.load(fc, 192),
          v128.load(fc, 240),
          out + (col << 4),
          48,
        );
      }
      const lanes = min(4, C - c);
      for (let k = 0; k < lanes; k++) {
        const dst = params.gw + (<usize>((o * C + c + k) * 9) << 2);
        for (let e = 0; e < 9; e++) store<f32>(dst + (<usize>e << 2), load<f32>(out + (<usize>(e * 4 + k) << 2)));
      }
    }
  }
}

/**
 * The 3 values A'^T m of m0..m5, to dst + k stride: (m0 + m1 + m2) + (m3 + m4),
 * (m1 - m2) + 2 (m3 - m4), ((m1 + m2) + 4 (m3 + m4)) + m5.
 */
@inline
function outputPoints(m0: v128, m1: v128, m2: v128, m3: v128, m4: v128, m5: v128, dst: usize, stride: usize): void {
  const p = f32x4.add(m1, m2);
  const r = f32x4.add(m3, m4);
  v128.store(dst, f32x4.add(f32x4.add(m0, p), r));
  v128.store(dst + stride, madd(f32x4.splat(2), f32x4.sub(m3, m4), f32x4.sub(m1, m2), true));
  v128.store(dst + 2 * stride, f32x4.add(madd(f32x4.splat(4), r, p, true), m5));
}
