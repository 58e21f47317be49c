/**
 * Unit-stride conv2d forward as an implicit GEMM: y[n, g] = W[g] (Og x Kg) · cols(x[n, g]) like
 * conv.ts's `convForward`, but the patch matrix (Kg x L) is never written. The image is copied
 * once into kW shifted planes per channel, plane (c, kj) holding x[c] padded and shifted left by
 * kj dW columns, outW columns wide: row k = (c, ki, kj) of the patch matrix is then the run of
 * plane (c, kj) that starts at its row ki dH, contiguous over every output of the image. The
 * micro-kernel reads B's row k at `base + offsets[k]` where `convForward` reads it from the
 * patch matrix. The copy is kH times smaller than the patch matrix; for LeNet's convolutions
 * (5 x 5) the patch matrix cost about a sixth of the forward time.
 *
 * The sums are those of `convForward` in the same order (one K block of at most KC terms, from
 * zero, added to the bias), so the two agree bit for bit; the caller takes this path only for
 * unit strides and Kg <= KC. Items are images, so results do not depend on the thread count.
 */

import { madd } from './gemm';
import { MR, NR, packA, packedABytes, TILE_BYTES } from './pack';
import { ConvParams } from './params';
import { copyRow, fillRow } from './rows';

/** Rows of the padded plane: every tap of every output row. */
@inline
export function paddedRows(params: ConvParams): i32 {
  return (params.outH - 1) * params.sh + (params.kh - 1) * params.dh + 1;
}

/** Bytes of the shifted planes of an image, and room for an edge tile to read 8 floats past them. */
@inline
export function shiftedImageBytes(params: ConvParams): i32 {
  return ((params.c * params.kw * paddedRows(params) * params.outW) << 2) + (NR << 2);
}

/** Scratch bytes one thread needs for `implicitForward`. */
export function implicitForwardScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const Og = params.o / params.groups;
  const Kg = (params.c / params.groups) * params.kh * params.kw;
  return params.groups * packedABytes(Og, Kg) + (Kg << 2) + shiftedImageBytes(params) + TILE_BYTES;
}

/** Bias row r's address, or 0 for none. */
@inline
function biasRow(bias: usize, r: i32): usize {
  return bias == 0 ? 0 : bias + (<usize>r << 2);
}

/** Stores a row of eight sums at c, plus the bias at `bias` when that is not 0. */
@inline
function storeRow8(c: usize, v0: v128, v1: v128, bias: usize): void {
  if (bias != 0) {
    const s = v128.load32_splat(bias);
    v0 = f32x4.add(s, v0);
    v1 = f32x4.add(s, v1);
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

/** `storeRow8` for four sums. */
@inline
function storeRow4(c: usize, v: v128, bias: usize): void {
  v128.store(c, bias == 0 ? v : f32x4.add(v128.load32_splat(bias), v));
}

/**
 * C[4 x 8] (rows ldc bytes apart) = A panel · B, B's row k at b + offsets[k], then row r plus
 * bias[r] when bias (an address) is not 0: the bias added last, as im2col + GEMM adds its sums
 * onto a bias-filled C, without that fill's pass over the output.
 */
@inline
function tile4x8(kc: i32, a: usize, offsets: usize, b: usize, c: usize, ldc: usize, bias: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  const end = offsets + (<usize>kc << 2);
  for (let o = offsets; o < end; o += 4, a += 16) {
    const row = b + <usize>load<i32>(o);
    const b0 = v128.load(row);
    const b1 = v128.load(row, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00, true);
    c01 = madd(av, b1, c01, true);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10, true);
    c11 = madd(av, b1, c11, true);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20, true);
    c21 = madd(av, b1, c21, true);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30, true);
    c31 = madd(av, b1, c31, true);
  }
  storeRow8(c, c00, c01, bias);
  storeRow8(c + ldc, c10, c11, biasRow(bias, 1));
  storeRow8(c + 2 * ldc, c20, c21, biasRow(bias, 2));
  storeRow8(c + 3 * ldc, c30, c31, biasRow(bias, 3));
}

/** `tile4x8` on four columns. */
@inline
function tile4x4(kc: i32, a: usize, offsets: usize, b: usize, c: usize, ldc: usize, bias: usize): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  const end = offsets + (<usize>kc << 2);
  for (let o = offsets; o < end; o += 4, a += 16) {
    const b0 = v128.load(b + <usize>load<i32>(o));
    c0 = madd(v128.load32_splat(a), b0, c0, true);
    c1 = madd(v128.load32_splat(a, 4), b0, c1, true);
    c2 = madd(v128.load32_splat(a, 8), b0, c2, true);
    c3 = madd(v128.load32_splat(a, 12), b0, c3, true);
  }
  storeRow4(c, c0, bias);
  storeRow4(c + ldc, c1, biasRow(bias, 1));
  storeRow4(c + 2 * ldc, c2, biasRow(bias, 2));
  storeRow4(c + 3 * ldc, c3, biasRow(bias, 3));
}

/**
 * `tile4x8` on the first two rows of the A panel: the last rows of a panel of fewer than MR
 * output channels (LeNet's first convolution has 6) at half its cost. Stored in place: through
 * a scratch tile and a scalar copy, LeNet's first convolution took 7% longer.
 */
@inline
function tile2x8(kc: i32, a: usize, offsets: usize, b: usize, c: usize, ldc: usize, bias: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  const end = offsets + (<usize>kc << 2);
  for (let o = offsets; o < end; o += 4, a += 16) {
    const row = b + <usize>load<i32>(o);
    const b0 = v128.load(row);
    const b1 = v128.load(row, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00, true);
    c01 = madd(av, b1, c01, true);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10, true);
    c11 = madd(av, b1, c11, true);
  }
  storeRow8(c, c00, c01, bias);
  storeRow8(c + ldc, c10, c11, biasRow(bias, 1));
}

/**
 * `tile2x8` on sixteen columns: eight accumulators, where `tile2x8`'s four wait on their own
 * additions (LeNet's first convolution: its last two output channels).
 */
@inline
function tile2x16(kc: i32, a: usize, offsets: usize, b: usize, c: usize, ldc: usize, bias: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  const end = offsets + (<usize>kc << 2);
  for (let o = offsets; o < end; o += 4, a += 16) {
    const row = b + <usize>load<i32>(o);
    const b0 = v128.load(row);
    const b1 = v128.load(row, 16);
    const b2 = v128.load(row, 32);
    const b3 = v128.load(row, 48);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00, true);
    c01 = madd(av, b1, c01, true);
    c02 = madd(av, b2, c02, true);
    c03 = madd(av, b3, c03, true);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10, true);
    c11 = madd(av, b1, c11, true);
    c12 = madd(av, b2, c12, true);
    c13 = madd(av, b3, c13, true);
  }
  storeRow8(c, c00, c01, bias);
  storeRow8(c + 32, c02, c03, bias);
  const bias1 = biasRow(bias, 1);
  storeRow8(c + ldc, c10, c11, bias1);
  storeRow8(c + ldc + 32, c12, c13, bias1);
}

/**
 * The shifted planes of one image at e: plane (c, kj), `paddedRows` x outW, holds at (r, ow)
 * the input x[c, r - padTop, ow + kj dW - padLeft], zero outside the input.
 */
export function shiftImage(params: ConvParams, x: usize, e: usize): void {
  const height = params.h;
  const width = params.w;
  const outW = params.outW;
  const rows = paddedRows(params);
  const rowBytes = <usize>outW << 2;
  let dst = e;
  for (let c = 0; c < params.c; c++) {
    const plane = x + ((<usize>(c * height * width)) << 2);
    for (let kj = 0; kj < params.kw; kj++) {
      const shift = kj * params.dw - params.padLeft;
      const lo = min(outW, max(0, -shift));
      const hi = max(lo, min(outW, width - shift));
      for (let r = 0; r < rows; r++, dst += rowBytes) {
        const ih = r - params.padTop;
        if (ih < 0 || ih >= height || hi == lo) {
          fillRow(dst, outW, 0);
          continue;
        }
        if (lo > 0) fillRow(dst, lo, 0);
        copyRow(dst + (<usize>lo << 2), plane + ((<usize>(ih * width + lo + shift)) << 2), hi - lo);
        if (hi < outW) fillRow(dst + (<usize>hi << 2), outW - hi, 0);
      }
    }
  }
}

/** Byte offsets in a group's shifted planes of the patch-matrix rows k = (c, ki, kj) of the group. */
export function shiftedOffsets(params: ConvParams, offsets: usize): void {
  const Cg = params.c / params.groups;
  const planeBytes = (paddedRows(params) * params.outW) << 2;
  let k = 0;
  for (let c = 0; c < Cg; c++) {
    for (let ki = 0; ki < params.kh; ki++) {
      for (let kj = 0; kj < params.kw; kj++, k++) {
        store<i32>(offsets + (<usize>k << 2), (c * params.kw + kj) * planeBytes + ((ki * params.dh * params.outW) << 2));
      }
    }
  }
}

/** Forward items [start, end): item = image. */
export function implicitForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  const channels = params.c;
  const outChannels = params.o;
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const kh = params.kh;
  const kw = params.kw;
  const Kg = Cg * kh * kw;
  const outW = params.outW;
  const L = params.outH * outW;
  const rows = paddedRows(params);
  const planeBytes = <usize>(rows * outW) << 2;
  const image = <usize>channels * <usize>params.h * <usize>params.w;
  const bias = params.bias;
  const y = params.y;
  const packedWBytes = <usize>packedABytes(Og, Kg);
  const packedW = scratch;
  const offsets = packedW + <usize>groups * packedWBytes;
  const e = offsets + (<usize>Kg << 2);
  const tile = e + <usize>shiftedImageBytes(params);
  const ldc = <usize>L << 2;
  for (let g = 0; g < groups; g++) {
    packA(params.weight + ((<usize>g * <usize>Og * <usize>Kg) << 2), Kg, 1, Og, Kg, packedW + <usize>g * packedWBytes);
  }
  shiftedOffsets(params, offsets);
  // Zero past the planes: the edge tile reads (and drops) up to NR - 1 floats beyond them.
  fillRow(e + <usize>shiftedImageBytes(params) - (NR << 2), NR, 0);
  for (let n = start; n < end; n++) {
    shiftImage(params, params.x + ((<usize>n * image) << 2), e);
    for (let g = 0; g < groups; g++) {
      const yGroup = y + ((<usize>(n * outChannels + g * Og) * <usize>L) << 2);
      const biasGroup = biasRow(bias, g * Og);
      const eGroup = e + <usize>(g * Cg * kw) * planeBytes;
      const aGroup = packedW + <usize>g * packedWBytes;
      for (let j = 0; j < L; j += NR) {
        const width = min(NR, L - j);
        const b = eGroup + (<usize>j << 2);
        let a = aGroup;
        for (let o0 = 0; o0 < Og; o0 += MR, a += <usize>Kg << 4) {
          const c = yGroup + <usize>o0 * ldc + (<usize>j << 2);
          const biasRows = biasRow(biasGroup, o0);
          const panelRows = min(MR, Og - o0);
          if (panelRows == MR && width == NR) {
            tile4x8(Kg, a, offsets, b, c, ldc, biasRows);
          } else if (panelRows == MR && width == 4) {
            tile4x4(Kg, a, offsets, b, c, ldc, biasRows);
          } else if (panelRows == 2 && width == NR) {
            // Pairs of column blocks: the first of a pair takes both.
            if ((j & NR) != 0) continue;
            if (j + 2 * NR <= L) tile2x16(Kg, a, offsets, b, c, ldc, biasRows);
            else tile2x8(Kg, a, offsets, b, c, ldc, biasRows);
          } else {
            if (panelRows <= 2) tile2x8(Kg, a, offsets, b, tile, 32, 0);
            else tile4x8(Kg, a, offsets, b, tile, 32, 0);
            for (let r = 0; r < panelRows; r++) {
              const src = tile + (<usize>r << 5);
              const dst = c + <usize>r * ldc;
              for (let q = 0; q < width; q++) {
                const at = <usize>q << 2;
                const sum = load<f32>(src + at);
                store<f32>(dst + at, bias != 0 ? load<f32>(biasRow(biasRows, r)) + sum : sum);
              }
            }
          }
        }
      }
    }
  }
}
