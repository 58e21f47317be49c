/**
 * conv2d over NCHW float32 as im2col + packed GEMM, per image and group, a band of output rows
 * at a time (the patch matrix of a band stays in L2). With Kg = C / groups * kH * kW and
 * L = outH * outW:
 *
 *   forward          y[n, g]  = W[g] (Og x Kg) · cols(x[n, g]) (Kg x L) + bias
 *   backward input   gx[n, g] = col2im(W[g]^T · gy[n, g])
 *   backward weight  gW[g]   += gy[n, g] (Og x L) · cols(x[n, g])^T
 *
 * Each export computes work items [start, end) of one call, so threads split a call by items:
 * forward by (image, band), input gradient by (image, group), weight gradient by (group, chunk
 * of patch rows). No item's arithmetic depends on which thread runs it or on how items are
 * split, so results do not depend on the thread count.
 */

import { gemmBlock, gemmPacked, KC, MR, NR, packA, packedABytes, packedBBytes, roundUp, TILE_BYTES } from './gemm';
import {
  BAND,
  BIAS,
  C,
  DH,
  DW,
  endInside,
  firstInside,
  GROUPS,
  GW,
  GX,
  get,
  H,
  K_CHUNK,
  KH,
  KW,
  N,
  O,
  OUT_H,
  OUT_W,
  PAD_LEFT,
  PAD_TOP,
  POINTWISE,
  ptr,
  SH,
  SW,
  W,
  WEIGHT,
  X,
  Y,
} from './params';
import { addRow, copyRow, fillRow } from './rows';

/**
 * (channel, ki, kj) of the patch row being visited, row r = (channel * kH + ki) * kW + kj,
 * stepped along with r (divisions cost tens of cycles). Globals of the instance: each thread
 * has its own.
 */
let rowC: i32 = 0;
let rowKi: i32 = 0;
let rowKj: i32 = 0;

@inline
function firstRow(r: i32, kw: i32, taps: i32): void {
  rowC = r / taps;
  rowKi = (r - rowC * taps) / kw;
  rowKj = r - rowC * taps - rowKi * kw;
}

@inline
function nextRow(kw: i32, kh: i32): void {
  if (++rowKj == kw) {
    rowKj = 0;
    if (++rowKi == kh) {
      rowKi = 0;
      rowC++;
    }
  }
}

/**
 * Whether every window lies inside the image (no padding) with unit column stride: then a
 * patch-matrix row is a plain copy of input rows, with no zeros and no bounds to check.
 */
@inline
function windowsInside(p: usize): bool {
  return (
    get(p, SW) == 1 &&
    get(p, PAD_TOP) == 0 &&
    get(p, PAD_LEFT) == 0 &&
    get(p, OUT_W) + (get(p, KW) - 1) * get(p, DW) <= get(p, W) &&
    (get(p, OUT_H) - 1) * get(p, SH) + (get(p, KH) - 1) * get(p, DH) < get(p, H)
  );
}

/**
 * Rows [k0, k1) of the patch matrix of one image (x at its first channel) for output rows
 * [oh0, oh1), written densely at dst. Row r is (channel, ki, kj) = (r / (kH kW), ...).
 */
export function im2colRows(p: usize, x: usize, oh0: i32, oh1: i32, k0: i32, k1: i32, dst: usize): void {
  const height = get(p, H);
  const width = get(p, W);
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const padTop = get(p, PAD_TOP);
  const padLeft = get(p, PAD_LEFT);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const taps = kh * kw;
  const rowBytes = <usize>outW << 2;
  if (outW >= 4 && outW <= 12 && windowsInside(p)) {
    patchRowsInside(p, x, oh0, oh1, k0, k1, dst, false);
    return;
  }
  let q = dst;
  firstRow(k0, kw, taps);
  for (let r = k0; r < k1; r++, nextRow(kw, kh)) {
    const c = rowC;
    const ki = rowKi;
    const kj = rowKj;
    const plane = x + ((<usize>c * <usize>height * <usize>width) << 2);
    const rowShift = ki * dh - padTop;
    const colShift = kj * dw - padLeft;
    const owLo = firstInside(colShift, sw, outW);
    const owHi = endInside(colShift, sw, width, owLo, outW);
    // Output rows [a, b) of the band read input rows inside the image; the others are padding.
    const a = min(oh1, max(oh0, firstInside(rowShift, sh, outH)));
    const b = max(a, min(oh1, endInside(rowShift, sh, height, a, outH)));
    fillRow(q, (a - oh0) * outW, 0);
    const n = owHi - owLo;
    let src = plane + ((<usize>((a * sh + rowShift) * width) + <usize>(owLo * sw + colShift)) << 2);
    const srcStep = <usize>(sh * width) << 2;
    let dst = q + (<usize>((a - oh0) * outW) << 2);
    if (sw == 1 && n == outW) {
      for (let oh = a; oh < b; oh++, src += srcStep, dst += rowBytes) copyRow(dst, src, n);
    } else {
      const step = <usize>sw << 2;
      for (let oh = a; oh < b; oh++, src += srcStep, dst += rowBytes) {
        fillRow(dst, owLo, 0);
        if (sw == 1) {
          copyRow(dst + (<usize>owLo << 2), src, n);
        } else {
          let s = src;
          for (let ow = owLo; ow < owHi; ow++, s += step) store<f32>(dst + (<usize>ow << 2), load<f32>(s));
        }
        fillRow(dst + (<usize>owHi << 2), outW - owHi, 0);
      }
    }
    fillRow(dst, (oh1 - b) * outW, 0);
    q += <usize>((oh1 - oh0) * outW) << 2;
  }
}

/**
 * `im2colRows` (fold false) or `col2imRows` (fold true) when `windowsInside`: each row of the
 * patch matrix is a plain copy of (or adds onto) input rows, with no zeros and no bounds to
 * check. Copies of output rows of 4 to 12 floats take two or three vectors, the last
 * overlapping; adds go four lanes at a time, then two, then one.
 */
function patchRowsInside(p: usize, x: usize, oh0: i32, oh1: i32, k0: i32, k1: i32, cols: usize, fold: bool): void {
  const height = get(p, H);
  const width = get(p, W);
  const kh = get(p, KH);
  const kw = get(p, KW);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const outW = get(p, OUT_W);
  const taps = kh * kw;
  const rowBytes = <usize>outW << 2;
  const last = <usize>(outW - 4) << 2;
  const vectorBytes = <usize>(outW & ~3) << 2;
  const pairAt = vectorBytes;
  const singleAt = vectorBytes + (outW & 2 ? 8 : 0);
  const inputStep = <usize>(get(p, SH) * width) << 2;
  const rows = oh1 - oh0;
  let q = cols;
  firstRow(k0, kw, taps);
  for (let r = k0; r < k1; r++, nextRow(kw, kh)) {
    const c = rowC;
    const ki = rowKi;
    const kj = rowKj;
    let s = x + ((<usize>((c * height + oh0 * get(p, SH) + ki * dh) * width) + <usize>(kj * dw)) << 2);
    if (fold) {
      for (let i = 0; i < rows; i++, s += inputStep, q += rowBytes) {
        for (let o: usize = 0; o < vectorBytes; o += 16) {
          v128.store(s + o, f32x4.add(v128.load(s + o), v128.load(q + o)));
        }
        if (outW & 2) {
          const sum = f32x4.add(v128.load64_zero(s + pairAt), v128.load64_zero(q + pairAt));
          v128.store64_lane(s + pairAt, sum, 0);
        }
        if (outW & 1) store<f32>(s + singleAt, load<f32>(s + singleAt) + load<f32>(q + singleAt));
      }
    } else if (outW > 8) {
      for (let i = 0; i < rows; i++, s += inputStep, q += rowBytes) {
        v128.store(q, v128.load(s));
        v128.store(q, v128.load(s, 16), 16);
        v128.store(q + last, v128.load(s + last));
      }
    } else {
      for (let i = 0; i < rows; i++, s += inputStep, q += rowBytes) {
        v128.store(q, v128.load(s));
        v128.store(q + last, v128.load(s + last));
      }
    }
  }
}

/** The adjoint of `im2colRows`: adds rows [k0, k1) of a band's patch matrix onto the image x. */
export function col2imRows(p: usize, x: usize, oh0: i32, oh1: i32, k0: i32, k1: i32, src: usize): void {
  const height = get(p, H);
  const width = get(p, W);
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const padTop = get(p, PAD_TOP);
  const padLeft = get(p, PAD_LEFT);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const outW = get(p, OUT_W);
  const taps = kh * kw;
  const rowBytes = <usize>outW << 2;
  if (windowsInside(p)) {
    patchRowsInside(p, x, oh0, oh1, k0, k1, src, true);
    return;
  }
  let q = src;
  firstRow(k0, kw, taps);
  for (let r = k0; r < k1; r++, nextRow(kw, kh)) {
    const c = rowC;
    const ki = rowKi;
    const kj = rowKj;
    const plane = x + ((<usize>c * <usize>height * <usize>width) << 2);
    const rowShift = ki * dh - padTop;
    const colShift = kj * dw - padLeft;
    const owLo = firstInside(colShift, sw, outW);
    const owHi = endInside(colShift, sw, width, owLo, outW);
    for (let oh = oh0; oh < oh1; oh++, q += rowBytes) {
      const ih = oh * sh + rowShift;
      if (ih < 0 || ih >= height) continue;
      const dst = plane + ((<usize>(ih * width) + <usize>(owLo * sw + colShift)) << 2);
      if (sw == 1) {
        addRow(dst, q + (<usize>owLo << 2), owHi - owLo);
      } else {
        const step = <usize>sw << 2;
        let d = dst;
        for (let ow = owLo; ow < owHi; ow++, d += step) {
          store<f32>(d, load<f32>(d) + load<f32>(q + (<usize>ow << 2)));
        }
      }
    }
  }
}

@inline
function groupK(p: usize): i32 {
  return (get(p, C) / get(p, GROUPS)) * get(p, KH) * get(p, KW);
}

@inline
function bandElements(p: usize, rows: i32): i32 {
  return rows * get(p, BAND) * get(p, OUT_W);
}

/** Bytes of `convForward`'s patch matrix of a band (none for 1 x 1 kernels). */
@inline
function forwardColsBytes(p: usize): i32 {
  // The GEMM may read the patch matrix in place, its last panel up to NR - 1 floats past the end.
  return get(p, POINTWISE) ? 0 : (bandElements(p, get(p, GROUPS) * groupK(p)) + NR) << 2;
}

/** Scratch bytes one thread needs for `convForward`. */
export function convForwardScratch(p: usize): i32 {
  const Og = get(p, O) / get(p, GROUPS);
  const Kg = groupK(p);
  const bandL = get(p, BAND) * get(p, OUT_W);
  return get(p, GROUPS) * packedABytes(Og, Kg) + forwardColsBytes(p) + packedBBytes(bandL, Kg) + TILE_BYTES;
}

/**
 * Whether the GEMM should read kc rows of a patch matrix with rows `rowBytes` apart in place
 * rather than pack them: a panel's kc rows must stay in L1 (64 sets of 8 lines of 64 bytes)
 * while A's panels pass over them, and rows a multiple of 128 bytes apart fall into fewer sets.
 */
@inline
function readInPlace(kc: i32, rowBytes: usize): bool {
  const shift = max(0, <i32>ctz(rowBytes) - 6);
  return shift < 8 && kc << shift <= 256;
}

/** Forward items [start, end): item = image * bands + band. */
export function convForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const groups = get(p, GROUPS);
  const channels = get(p, C);
  const outChannels = get(p, O);
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = groupK(p);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const L = outH * outW;
  const image = <usize>channels * <usize>get(p, H) * <usize>get(p, W);
  const band = get(p, BAND);
  const bands = (outH + band - 1) / band;
  const pointwise = get(p, POINTWISE) != 0;
  const x = ptr(p, X);
  const w = ptr(p, WEIGHT);
  const bias = ptr(p, BIAS);
  const y = ptr(p, Y);
  const packedWBytes = <usize>packedABytes(Og, Kg);
  const packedW = scratch;
  const cols = packedW + <usize>groups * packedWBytes;
  const bp = cols + <usize>forwardColsBytes(p);
  const tile = bp + <usize>packedBBytes(band * outW, Kg);
  const Mp = roundUp(Og, MR);
  for (let g = 0; g < groups; g++) {
    packA(w + ((<usize>g * <usize>Og * <usize>Kg) << 2), Kg, 1, Og, Kg, packedW + <usize>g * packedWBytes);
  }
  for (let item = start; item < end; item++) {
    const n = item / bands;
    const oh0 = (item - n * bands) * band;
    const oh1 = min(outH, oh0 + band);
    const bandL = (oh1 - oh0) * outW;
    const xImage = x + ((<usize>n * image) << 2);
    if (!pointwise) im2colRows(p, xImage, oh0, oh1, 0, groups * Kg, cols);
    for (let g = 0; g < groups; g++) {
      const yBand = y + ((<usize>(n * outChannels + g * Og) * <usize>L + <usize>(oh0 * outW)) << 2);
      if (bias != 0) {
        for (let o = 0; o < Og; o++) {
          fillRow(yBand + ((<usize>o * <usize>L) << 2), bandL, load<f32>(bias + (<usize>(g * Og + o) << 2)));
        }
      }
      const a = packedW + <usize>g * packedWBytes;
      if (pointwise) {
        const b = xImage + ((<usize>(g * Cg) * <usize>L + <usize>(oh0 * outW)) << 2);
        gemmPacked(Og, bandL, Kg, 1, a, b, L, 1, yBand, L, bias != 0, bp, tile);
        continue;
      }
      const bandBytes = <usize>bandL << 2;
      const b = cols + <usize>(g * Kg) * bandBytes;
      if (!readInPlace(min(KC, Kg), bandBytes)) {
        gemmPacked(Og, bandL, Kg, 1, a, b, bandL, 1, yBand, L, bias != 0, bp, tile);
        continue;
      }
      // Packing the patch matrix cost about a sixth of the time of LeNet's conv2 (W3).
      for (let pc = 0; pc < Kg; pc += KC) {
        const kc = min(KC, Kg - pc);
        const aBlock = a + ((<usize>Mp * <usize>pc) << 2);
        gemmBlock(Og, bandL, kc, 1, aBlock, b + <usize>pc * bandBytes, 32, bandBytes, yBand, L, bias != 0 || pc > 0, tile);
      }
    }
  }
}

/** Scratch bytes one thread needs for `convBackwardInput`. */
export function convBackwardInputScratch(p: usize): i32 {
  const Og = get(p, O) / get(p, GROUPS);
  const Kg = groupK(p);
  const bandL = get(p, BAND) * get(p, OUT_W);
  const cols = get(p, POINTWISE) ? 0 : bandElements(p, Kg) << 2;
  return get(p, GROUPS) * packedABytes(Kg, Og) + cols + packedBBytes(bandL, Og) + TILE_BYTES;
}

/** Input-gradient items [start, end): item = image * groups + group. */
export function convBackwardInput(p: usize, start: i32, end: i32, scratch: usize): void {
  const groups = get(p, GROUPS);
  const channels = get(p, C);
  const outChannels = get(p, O);
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = groupK(p);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const L = outH * outW;
  const plane = get(p, H) * get(p, W);
  const band = get(p, BAND);
  const pointwise = get(p, POINTWISE) != 0;
  const w = ptr(p, WEIGHT);
  const gy = ptr(p, Y);
  const gx = ptr(p, GX);
  const packedBytes = <usize>packedABytes(Kg, Og);
  const packedWT = scratch;
  const cols = packedWT + <usize>groups * packedBytes;
  const bp = cols + (pointwise ? 0 : <usize>bandElements(p, Kg) << 2);
  const tile = bp + <usize>packedBBytes(band * outW, Og);
  for (let g = 0; g < groups; g++) {
    packA(w + ((<usize>g * <usize>Og * <usize>Kg) << 2), 1, Kg, Kg, Og, packedWT + <usize>g * packedBytes);
  }
  for (let item = start; item < end; item++) {
    const n = item / groups;
    const g = item - n * groups;
    const gxGroup = gx + ((<usize>(n * channels + g * Cg) * <usize>plane) << 2);
    const gyGroup = gy + ((<usize>(n * outChannels + g * Og) * <usize>L) << 2);
    const a = packedWT + <usize>g * packedBytes;
    if (pointwise) {
      gemmPacked(Kg, L, Og, 1, a, gyGroup, L, 1, gxGroup, L, false, bp, tile);
      continue;
    }
    fillRow(gxGroup, Cg * plane, 0);
    for (let oh0 = 0; oh0 < outH; oh0 += band) {
      const oh1 = min(outH, oh0 + band);
      const bandL = (oh1 - oh0) * outW;
      gemmPacked(Kg, bandL, Og, 1, a, gyGroup + (<usize>(oh0 * outW) << 2), L, 1, cols, bandL, false, bp, tile);
      col2imRows(p, gxGroup, oh0, oh1, 0, Kg, cols);
    }
  }
}

/**
 * Whether the weight gradient computes gW^T = cols · gy^T (chunk x Og) rather than gW = gy ·
 * cols^T (Og x chunk): the micro-kernel pads rows to MR and columns to NR, so few output
 * channels (LeNet's first convolution has 6) waste less as columns. Each element is the same
 * sum in the same order either way, so results do not depend on the choice.
 */
@inline
function transposedWeightProduct(p: usize): bool {
  const Og = get(p, O) / get(p, GROUPS);
  const chunk = get(p, K_CHUNK);
  return roundUp(chunk, MR) * roundUp(Og, NR) < roundUp(Og, MR) * roundUp(chunk, NR);
}

/** Bytes of the weight gradient's packed A for a band (gy, or the patch rows when transposed). */
@inline
function weightPackedABytes(p: usize): i32 {
  const Og = get(p, O) / get(p, GROUPS);
  const bandL = get(p, BAND) * get(p, OUT_W);
  return packedABytes(transposedWeightProduct(p) ? get(p, K_CHUNK) : Og, bandL);
}

/** Bytes of the weight gradient's packed B block for a band (the other operand). */
@inline
function weightPackedBBytes(p: usize): i32 {
  const Og = get(p, O) / get(p, GROUPS);
  const bandL = get(p, BAND) * get(p, OUT_W);
  return packedBBytes(transposedWeightProduct(p) ? Og : get(p, K_CHUNK), bandL);
}

/** Scratch bytes one thread needs for `convBackwardWeight`. */
export function convBackwardWeightScratch(p: usize): i32 {
  const Og = get(p, O) / get(p, GROUPS);
  const chunk = get(p, K_CHUNK);
  const cols = get(p, POINTWISE) ? 0 : bandElements(p, chunk) << 2;
  return weightPackedABytes(p) + cols + weightPackedBBytes(p) + TILE_BYTES + ((Og * chunk) << 2);
}

/** Weight-gradient items [start, end): item = group * chunks + chunk of K_CHUNK patch rows. */
export function convBackwardWeight(p: usize, start: i32, end: i32, scratch: usize): void {
  const batch = get(p, N);
  const groups = get(p, GROUPS);
  const channels = get(p, C);
  const outChannels = get(p, O);
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = groupK(p);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const L = outH * outW;
  const plane = get(p, H) * get(p, W);
  const band = get(p, BAND);
  const chunk = get(p, K_CHUNK);
  const chunks = (Kg + chunk - 1) / chunk;
  const pointwise = get(p, POINTWISE) != 0;
  const x = ptr(p, X);
  const gy = ptr(p, Y);
  const gw = ptr(p, GW);
  const transposed = transposedWeightProduct(p);
  const packed = scratch;
  const cols = packed + <usize>weightPackedABytes(p);
  const bp = cols + (pointwise ? 0 : <usize>bandElements(p, chunk) << 2);
  const tile = bp + <usize>weightPackedBBytes(p);
  // Each item sums into its own Og x chunk block (chunk x Og when transposed), copied into gW at
  // the end: threads writing neighbouring columns of gW's rows directly would share (and fight
  // over) cache lines.
  const c = tile + <usize>TILE_BYTES;
  for (let item = start; item < end; item++) {
    const g = item / chunks;
    const k0 = (item - g * chunks) * chunk;
    const k1 = min(Kg, k0 + chunk);
    const width = k1 - k0;
    for (let n = 0; n < batch; n++) {
      const xGroup = x + ((<usize>(n * channels + g * Cg) * <usize>plane) << 2);
      for (let oh0 = 0; oh0 < outH; oh0 += band) {
        const oh1 = min(outH, oh0 + band);
        const bandL = (oh1 - oh0) * outW;
        const gyBand = gy + ((<usize>(n * outChannels + g * Og) * <usize>L + <usize>(oh0 * outW)) << 2);
        const accumulate = n > 0 || oh0 > 0;
        if (!transposed) packA(gyBand, L, 1, Og, bandL, packed);
        let b: usize;
        let bcs: i32;
        if (pointwise) {
          b = xGroup + ((<usize>k0 * <usize>L + <usize>(oh0 * outW)) << 2);
          bcs = L;
        } else {
          im2colRows(p, xGroup, oh0, oh1, k0, k1, cols);
          b = cols;
          bcs = bandL;
        }
        if (transposed) {
          packA(b, bcs, 1, width, bandL, packed);
          gemmPacked(width, Og, bandL, 1, packed, gyBand, 1, L, c, Og, accumulate, bp, tile);
        } else {
          gemmPacked(Og, width, bandL, 1, packed, b, 1, bcs, c, width, accumulate, bp, tile);
        }
      }
    }
    if (transposed) {
      for (let o = 0; o < Og; o++) {
        const row = gw + ((<usize>(g * Og + o) * <usize>Kg + <usize>k0) << 2);
        for (let i = 0; i < width; i++) {
          store<f32>(row + (<usize>i << 2), load<f32>(c + (<usize>(i * Og + o) << 2)));
        }
      }
      continue;
    }
    for (let o = 0; o < Og; o++) {
      copyRow(
        gw + ((<usize>(g * Og + o) * <usize>Kg + <usize>k0) << 2),
        c + ((<usize>o * <usize>width) << 2),
        width,
      );
    }
  }
}
