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
function shiftedImageBytes(params: ConvParams): i32 {
  return ((params.c * params.kw * paddedRows(params) * params.outW) << 2) + (NR << 2);
}

/** Scratch bytes one thread needs for `implicitForward`. */
export function implicitForwardScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const Og = params.o / params.groups;
  const Kg = (params.c / params.groups) * params.kh * params.kw;
  return params.groups * packedABytes(Og, Kg) + (Kg << 2) + shiftedImageBytes(params) + TILE_BYTES;
}

/** C[4 x 8] (rows ldc bytes apart) = or += A panel · B, B's row k at b + offsets[k]. */
@inline
function tile4x8(kc: i32, a: usize, offsets: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
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
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
  }
  if (accumulate) {
    c00 = f32x4.add(v128.load(c), c00);
    c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(c + ldc), c10);
    c11 = f32x4.add(v128.load(c + ldc, 16), c11);
    c20 = f32x4.add(v128.load(c + 2 * ldc), c20);
    c21 = f32x4.add(v128.load(c + 2 * ldc, 16), c21);
    c30 = f32x4.add(v128.load(c + 3 * ldc), c30);
    c31 = f32x4.add(v128.load(c + 3 * ldc, 16), c31);
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/** `tile4x8` on four columns. */
@inline
function tile4x4(kc: i32, a: usize, offsets: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  const end = offsets + (<usize>kc << 2);
  for (let o = offsets; o < end; o += 4, a += 16) {
    const b0 = v128.load(b + <usize>load<i32>(o));
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a, 4), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a, 8), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a, 12), b0));
  }
  if (accumulate) {
    c0 = f32x4.add(v128.load(c), c0);
    c1 = f32x4.add(v128.load(c + ldc), c1);
    c2 = f32x4.add(v128.load(c + 2 * ldc), c2);
    c3 = f32x4.add(v128.load(c + 3 * ldc), c3);
  }
  v128.store(c, c0);
  v128.store(c + ldc, c1);
  v128.store(c + 2 * ldc, c2);
  v128.store(c + 3 * ldc, c3);
}

/**
 * C[2 x 8] (rows 32 bytes apart) = the first two rows of the A panel · B: the last rows of a
 * panel of fewer than MR output channels (LeNet's first convolution has 6) at half the cost of
 * `tile4x8`.
 */
@inline
function tile2x8(kc: i32, a: usize, offsets: usize, b: usize, c: usize): void {
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
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c, c10, 32);
  v128.store(c, c11, 48);
}

/**
 * Zero-padded copies of the C planes of one image at xp, `paddedRows` x `cols` each (the input
 * column j at padded column j + padLeft; columns past the input are zero).
 */
export function padImage(params: ConvParams, x: usize, cols: i32, xp: usize): void {
  const height = params.h;
  const width = params.w;
  const rows = paddedRows(params);
  const top = params.padTop;
  const left = params.padLeft;
  const inRows = min(height, rows - top);
  const inCols = min(width, cols - left);
  fillRow(xp, params.c * rows * cols, 0);
  for (let c = 0; c < params.c; c++) {
    const plane = xp + ((<usize>(c * rows * cols)) << 2);
    const src = x + ((<usize>(c * height * width)) << 2);
    for (let r = 0; r < inRows; r++) copyRow(plane + ((<usize>((r + top) * cols + left)) << 2), src + ((<usize>(r * width)) << 2), inCols);
  }
}

/**
 * Byte offsets of the patch-matrix rows k = (c, ki, kj) of one group in padded planes of
 * `cols` columns: channel c's plane, row ki dh, column kj dw.
 */
export function patchOffsets(params: ConvParams, cols: i32, offsets: usize): void {
  const Cg = params.c / params.groups;
  const planeBytes = (paddedRows(params) * cols) << 2;
  let k = 0;
  for (let c = 0; c < Cg; c++) {
    for (let ki = 0; ki < params.kh; ki++) {
      for (let kj = 0; kj < params.kw; kj++, k++) {
        store<i32>(offsets + (<usize>k << 2), c * planeBytes + ((ki * params.dh * cols + kj * params.dw) << 2));
      }
    }
  }
}

/**
 * The shifted planes of one image at e: plane (c, kj), `paddedRows` x outW, holds at (r, ow)
 * the input x[c, r - padTop, ow + kj dW - padLeft], zero outside the input.
 */
function shiftImage(params: ConvParams, x: usize, e: usize): void {
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
function shiftedOffsets(params: ConvParams, offsets: usize): void {
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
      if (bias != 0) {
        for (let o = 0; o < Og; o++) fillRow(yGroup + <usize>o * ldc, L, load<f32>(bias + (<usize>(g * Og + o) << 2)));
      }
      const add = bias != 0;
      const eGroup = e + <usize>(g * Cg * kw) * planeBytes;
      const aGroup = packedW + <usize>g * packedWBytes;
      for (let j = 0; j < L; j += NR) {
        const width = min(NR, L - j);
        const b = eGroup + (<usize>j << 2);
        let a = aGroup;
        for (let o0 = 0; o0 < Og; o0 += MR, a += <usize>Kg << 4) {
          const c = yGroup + <usize>o0 * ldc + (<usize>j << 2);
          if (o0 + MR <= Og && width == NR) {
            tile4x8(Kg, a, offsets, b, c, ldc, add);
          } else if (o0 + MR <= Og && width == 4) {
            tile4x4(Kg, a, offsets, b, c, ldc, add);
          } else {
            const rows = min(MR, Og - o0);
            if (rows <= 2) tile2x8(Kg, a, offsets, b, tile);
            else tile4x8(Kg, a, offsets, b, tile, 32, false);
            for (let r = 0; r < rows; r++) {
              const src = tile + (<usize>r << 5);
              const dst = c + <usize>r * ldc;
              for (let q = 0; q < width; q++) {
                const at = <usize>q << 2;
                store<f32>(dst + at, add ? load<f32>(dst + at) + load<f32>(src + at) : load<f32>(src + at));
              }
            }
          }
        }
      }
    }
  }
}
