/**
 * The transforms of Winograd's F(6 x 6, 3 x 3) (points 0, ±1, ±2, ±1/2 and ∞, ncnn's
 * winograd63 matrices): each 6 x 6 output tile is A^T [(G g G^T) ⊙ (B^T d B)] A over its 8 x 8
 * input tile d, 64 multiplications per channel pair instead of 324, done as 64 GEMMs per block
 * of tiles (ξ = 8 i + j over the 8 x 8 tile), with
 *
 *   B^T = [1 0 -21/4 0 21/4 0 -1 0; 0 1 1 -17/4 -17/4 1 1 0; 0 -1 1 17/4 -17/4 -1 1 0;
 *          0 1/2 1/4 -5/2 -5/4 2 1 0; 0 -1/2 1/4 5/2 -5/4 -2 1 0; 0 2 4 -5/2 -5 1/2 1 0;
 *          0 -2 4 5/2 -5 -1/2 1 0; 0 -1 0 21/4 0 -21/4 0 1]
 *   A^T = [1 1 1 1 1 32 32 0; 0 1 -1 2 -2 16 -16 0; 0 1 1 4 4 8 8 0; 0 1 -1 8 -8 4 -4 0;
 *          0 1 1 16 16 2 2 0; 0 1 -1 32 -32 1 -1 1]
 *
 * and G in winograd6-weights.ts. The work items (blocks of tiles over the whole batch) are
 * winograd4.ts's; four tiles go through a transform at once, lane k for tile k.
 * The float32 operations and their order are written at each transform; the reference,
 * src/kernels/conv2d-winograd6.ts, performs the same ones, so both backends give the same bits;
 * the relaxed-SIMD build fuses products into sums, as winograd4.ts says.
 */

import { madd } from './gemm';
import { ConvParams } from './params';
import { paddedWidth, xiBytes } from './winograd-layout';

/**
 * The 8 values r = B^T d of four tiles' d0..d7 (a row or a column of the tile), to dst + k stride:
 * r0 = (d0 - d6) + 5.25 (d4 - d2), r7 = (d7 - d1) + 5.25 (d3 - d5);
 * a = (d2 + d6) - 4.25 d4, b = (d1 + d5) - 4.25 d3, r1 = a + b, r2 = a - b;
 * c = (d6 + .25 d2) - 1.25 d4, e = (.5 d1 - 2.5 d3) + 2 d5, r3 = c + e, r4 = c - e;
 * f = d6 + 4 (d2 - 1.25 d4), h = (2 d1 - 2.5 d3) + .5 d5, r5 = f + h, r6 = f - h.
 * A product that feeds a sum is one `madd` with it, as in winograd4.ts.
 */
@inline
function inputPoints(
  d0: v128,
  d1: v128,
  d2: v128,
  d3: v128,
  d4: v128,
  d5: v128,
  d6: v128,
  d7: v128,
  dst: usize,
  stride: usize,
): void {
  const d4q = f32x4.mul(f32x4.splat(1.25), d4);
  const d3q = f32x4.mul(f32x4.splat(2.5), d3);
  const big = f32x4.splat(5.25);
  v128.store(dst, madd(big, f32x4.sub(d4, d2), f32x4.sub(d0, d6), true));
  v128.store(dst + 7 * stride, madd(big, f32x4.sub(d3, d5), f32x4.sub(d7, d1), true));
  const mid = f32x4.splat(-4.25);
  const a = madd(mid, d4, f32x4.add(d2, d6), true);
  const b = madd(mid, d3, f32x4.add(d1, d5), true);
  v128.store(dst + stride, f32x4.add(a, b));
  v128.store(dst + 2 * stride, f32x4.sub(a, b));
  const half = f32x4.splat(0.5);
  const two = f32x4.splat(2);
  const c = f32x4.sub(madd(f32x4.splat(0.25), d2, d6, true), d4q);
  const e = madd(two, d5, f32x4.sub(f32x4.mul(half, d1), d3q), true);
  v128.store(dst + 3 * stride, f32x4.add(c, e));
  v128.store(dst + 4 * stride, f32x4.sub(c, e));
  const f = madd(f32x4.splat(4), f32x4.sub(d2, d4q), d6, true);
  const h = madd(half, d5, f32x4.sub(f32x4.mul(two, d1), d3q), true);
  v128.store(dst + 5 * stride, f32x4.add(f, h));
  v128.store(dst + 6 * stride, f32x4.sub(f, h));
}

/**
 * V = B^T d B of the four tiles whose inputs start at s0..s3: first along each row i of d (into
 * `rows`: 8 vectors per row), then down each column j, V[8 i + j] at dst + ξ xi.
 */
function inputTiles(s0: usize, s1: usize, s2: usize, s3: usize, rowBytes: usize, rows: usize, dst: usize, xi: usize): void {
  for (let i: usize = 0; i < 8; i++) {
    const at = i * rowBytes;
    // Columns 0-3 and 4-7 of row i, turned so that lane k is tile k's.
    const a = v128.load(s0 + at);
    const b = v128.load(s1 + at);
    const c = v128.load(s2 + at);
    const e = v128.load(s3 + at);
    const ab01 = f32x4.shuffle(a, b, 0, 4, 1, 5);
    const ce01 = f32x4.shuffle(c, e, 0, 4, 1, 5);
    const ab23 = f32x4.shuffle(a, b, 2, 6, 3, 7);
    const ce23 = f32x4.shuffle(c, e, 2, 6, 3, 7);
    const a4 = v128.load(s0 + at, 16);
    const b4 = v128.load(s1 + at, 16);
    const c4 = v128.load(s2 + at, 16);
    const e4 = v128.load(s3 + at, 16);
    const ab45 = f32x4.shuffle(a4, b4, 0, 4, 1, 5);
    const ce45 = f32x4.shuffle(c4, e4, 0, 4, 1, 5);
    const ab67 = f32x4.shuffle(a4, b4, 2, 6, 3, 7);
    const ce67 = f32x4.shuffle(c4, e4, 2, 6, 3, 7);
    inputPoints(
      f32x4.shuffle(ab01, ce01, 0, 1, 4, 5),
      f32x4.shuffle(ab01, ce01, 2, 3, 6, 7),
      f32x4.shuffle(ab23, ce23, 0, 1, 4, 5),
      f32x4.shuffle(ab23, ce23, 2, 3, 6, 7),
      f32x4.shuffle(ab45, ce45, 0, 1, 4, 5),
      f32x4.shuffle(ab45, ce45, 2, 3, 6, 7),
      f32x4.shuffle(ab67, ce67, 0, 1, 4, 5),
      f32x4.shuffle(ab67, ce67, 2, 3, 6, 7),
      rows + (i << 7),
      16,
    );
  }
  for (let j: usize = 0; j < 8; j++) {
    const c = rows + (j << 4);
    inputPoints(
      v128.load(c),
      v128.load(c, 128),
      v128.load(c, 256),
      v128.load(c, 384),
      v128.load(c, 512),
      v128.load(c, 640),
      v128.load(c, 768),
      v128.load(c, 896),
      dst + j * xi,
      8 * xi,
    );
  }
}

/**
 * V of the item's nb tiles (all channels) into V's GEMM layout (panels of 8 tiles), four tiles
 * at a time: tile k's window starts `srcAt[k]` bytes into channel 0's padded copy, each channel's
 * copy `planeBytes` after the previous. Past nb, the last tile again: a column of V no output reads.
 */
export function transformInput6(p: usize, buf: usize, planeBytes: usize, srcAt: usize, nb: i32, v: usize, staging: usize): void {
  const channels = changetype<ConvParams>(p).c;
  const rowBytes = <usize>paddedWidth(p, 6) << 2;
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
 * The 6 values A^T m of four tiles' m0..m7 (a column or a row of M): with p1 = m1 + m2,
 * q1 = m1 - m2, p2 = m3 + m4, q2 = m3 - m4, p3 = m5 + m6, q3 = m5 - m6:
 * y0 = ((m0 + p1) + p2) + 32 p3, y1 = (q1 + 2 q2) + 16 q3, y2 = (p1 + 4 p2) + 8 p3,
 * y3 = (q1 + 8 q2) + 4 q3, y4 = (p1 + 16 p2) + 2 p3, y5 = ((m7 + q1) + 32 q2) + q3;
 * y0..y5 to dst + k stride.
 */
@inline
function outputPoints(
  m0: v128,
  m1: v128,
  m2: v128,
  m3: v128,
  m4: v128,
  m5: v128,
  m6: v128,
  m7: v128,
  dst: usize,
  stride: usize,
): void {
  const p1 = f32x4.add(m1, m2);
  const q1 = f32x4.sub(m1, m2);
  const p2 = f32x4.add(m3, m4);
  const q2 = f32x4.sub(m3, m4);
  const p3 = f32x4.add(m5, m6);
  const q3 = f32x4.sub(m5, m6);
  v128.store(dst, madd(f32x4.splat(32), p3, f32x4.add(f32x4.add(m0, p1), p2), true));
  v128.store(dst + stride, madd(f32x4.splat(16), q3, madd(f32x4.splat(2), q2, q1, true), true));
  v128.store(dst + 2 * stride, madd(f32x4.splat(8), p3, madd(f32x4.splat(4), p2, p1, true), true));
  v128.store(dst + 3 * stride, madd(f32x4.splat(4), q3, madd(f32x4.splat(8), q2, q1, true), true));
  v128.store(dst + 4 * stride, madd(f32x4.splat(2), p3, madd(f32x4.splat(16), p2, p1, true), true));
  v128.store(dst + 5 * stride, f32x4.add(madd(f32x4.splat(32), q2, f32x4.add(m7, q1), true), q3));
}

/**
 * Y = A^T m A + bias of the item's nb tiles, four at a time: first down each column j of M
 * (into `staging`, f[a][j] at 16 (8 a + j)), then along each row a of f (`outputPoints`'
 * sums, in registers), then the bias added. Tile k's output starts `yAt[k]` bytes into output
 * channel 0 and keeps `clip[k]` = rows << 4 | columns of its 6 x 6.
 */
export function outputTiles6(p: usize, m: usize, nb: i32, yAt: usize, clip: usize, staging: usize): void {
  const params = changetype<ConvParams>(p);
  const outChannels = params.o;
  const planeBytes = (<usize>params.outH * <usize>params.outW) << 2;
  const block = params.tileBlock;
  const xi = xiBytes(p, outChannels);
  const bias = params.bias;
  const rowBytes = <usize>params.outW << 2;
  const f = staging;
  const part = staging + 768;
  for (let o = 0; o < outChannels; o++) {
    const b = bias == 0 ? f32x4.splat(0) : f32x4.splat(load<f32>(bias + (<usize>o << 2)));
    const yPlane = params.y + <usize>o * planeBytes;
    for (let t = 0; t < nb; t += 4) {
      const src = m + ((<usize>(o * block + t)) << 2);
      for (let j: usize = 0; j < 8; j++) {
        const c = src + j * xi;
        outputPoints(
          v128.load(c),
          v128.load(c + 8 * xi),
          v128.load(c + 16 * xi),
          v128.load(c + 24 * xi),
          v128.load(c + 32 * xi),
          v128.load(c + 40 * xi),
          v128.load(c + 48 * xi),
          v128.load(c + 56 * xi),
          f + (j << 4),
          128,
        );
      }
      const tiles = min(4, nb - t);
      const info = <usize>t << 2;
      for (let a = 0; a < 6; a++) {
        const fa = f + (<usize>a << 7);
        // outputPoints along f's row a, kept in registers.
        const p1 = f32x4.add(v128.load(fa, 16), v128.load(fa, 32));
        const q1 = f32x4.sub(v128.load(fa, 16), v128.load(fa, 32));
        const p2 = f32x4.add(v128.load(fa, 48), v128.load(fa, 64));
        const q2 = f32x4.sub(v128.load(fa, 48), v128.load(fa, 64));
        const p3 = f32x4.add(v128.load(fa, 80), v128.load(fa, 96));
        const q3 = f32x4.sub(v128.load(fa, 80), v128.load(fa, 96));
        let y0 = madd(f32x4.splat(32), p3, f32x4.add(f32x4.add(v128.load(fa), p1), p2), true);
        let y1 = madd(f32x4.splat(16), q3, madd(f32x4.splat(2), q2, q1, true), true);
        let y2 = madd(f32x4.splat(8), p3, madd(f32x4.splat(4), p2, p1, true), true);
        let y3 = madd(f32x4.splat(4), q3, madd(f32x4.splat(8), q2, q1, true), true);
        let y4 = madd(f32x4.splat(2), p3, madd(f32x4.splat(16), p2, p1, true), true);
        let y5 = f32x4.add(madd(f32x4.splat(32), q2, f32x4.add(v128.load(fa, 112), q1), true), q3);
        if (bias != 0) {
          y0 = f32x4.add(y0, b);
          y1 = f32x4.add(y1, b);
          y2 = f32x4.add(y2, b);
          y3 = f32x4.add(y3, b);
          y4 = f32x4.add(y4, b);
          y5 = f32x4.add(y5, b);
        }
        // Row a of the four tiles turned so that vector k holds tile k's columns 0-3 and the
        // low half of `ends` k its columns 4 and 5.
        const ab01 = f32x4.shuffle(y0, y1, 0, 4, 1, 5);
        const ce01 = f32x4.shuffle(y2, y3, 0, 4, 1, 5);
        const ab23 = f32x4.shuffle(y0, y1, 2, 6, 3, 7);
        const ce23 = f32x4.shuffle(y2, y3, 2, 6, 3, 7);
        const e01 = f32x4.shuffle(y4, y5, 0, 4, 1, 5);
        const e23 = f32x4.shuffle(y4, y5, 2, 6, 3, 7);
        const rowAt = yPlane + <usize>a * rowBytes;
        storeRow(f32x4.shuffle(ab01, ce01, 0, 1, 4, 5), e01, rowAt, yAt + info, clip + info, a, part);
        if (tiles > 1) {
          const ends = f32x4.shuffle(e01, e01, 2, 3, 2, 3);
          storeRow(f32x4.shuffle(ab01, ce01, 2, 3, 6, 7), ends, rowAt, yAt + info + 4, clip + info + 4, a, part);
        }
        if (tiles > 2) storeRow(f32x4.shuffle(ab23, ce23, 0, 1, 4, 5), e23, rowAt, yAt + info + 8, clip + info + 8, a, part);
        if (tiles > 3) {
          const ends = f32x4.shuffle(e23, e23, 2, 3, 2, 3);
          storeRow(f32x4.shuffle(ab23, ce23, 2, 3, 6, 7), ends, rowAt, yAt + info + 12, clip + info + 12, a, part);
        }
      }
    }
  }
}

/**
 * Stores row a of one tile's 6 x 6 outputs (columns 0-3 in `head`, 4 and 5 in the low half of
 * `ends`), clipped as `clip` says, at `rowAt` + the tile's offset.
 */
@inline
function storeRow(head: v128, ends: v128, rowAt: usize, yAt: usize, clip: usize, a: i32, staging: usize): void {
  const kept = load<u32>(clip);
  if (<u32>a >= kept >> 4) return;
  const dst = rowAt + <usize>load<u32>(yAt);
  const cols = kept & 15;
  if (cols == 6) {
    v128.store(dst, head);
    v128.store64_lane(dst, ends, 0, 16);
    return;
  }
  v128.store(staging, head);
  v128.store(staging, ends, 16);
  for (let c: u32 = 0; c < cols; c++) store<f32>(dst + (<usize>c << 2), load<f32>(staging + (<usize>c << 2)));
}
