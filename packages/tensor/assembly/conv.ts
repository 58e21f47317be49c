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
 *
 * Unit-stride forward passes with a patch matrix of one K block go to implicit.ts instead (the
 * same sums without writing the patch matrix), and small weight gradients to implicit-weight.ts
 * (src/kernels/wasm/conv2d.ts chooses).
 */

import { gemmBlockFused, gemmPacked } from './gemm';
import { KC, MR, NR, packA, packedABytes, packedBBytes, roundUp, TILE_BYTES } from './pack';
import { ConvParams, endInside, firstInside } from './params';
import { col2imRows, im2colRows } from './patches';
import { addRow, copyRow, fillRow } from './rows';

@inline
function groupK(params: ConvParams): i32 {
  return (params.c / params.groups) * params.kh * params.kw;
}

@inline
function bandElements(params: ConvParams, rows: i32): i32 {
  return rows * params.band * params.outW;
}

/** Bytes of `convForward`'s patch matrix of a band (none for 1 x 1 kernels). */
@inline
function forwardColsBytes(params: ConvParams): i32 {
  // The GEMM may read the patch matrix in place, its last panel up to NR - 1 floats past the end.
  return params.pointwise ? 0 : (bandElements(params, params.groups * groupK(params)) + NR) << 2;
}

/** Scratch bytes one thread needs for `convForward`. */
export function convForwardScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const Og = params.o / params.groups;
  const Kg = groupK(params);
  const bandL = params.band * params.outW;
  return params.groups * packedABytes(Og, Kg) + forwardColsBytes(params) + packedBBytes(bandL, Kg) + TILE_BYTES;
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
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  const channels = params.c;
  const outChannels = params.o;
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = groupK(params);
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const image = <usize>channels * <usize>params.h * <usize>params.w;
  const band = params.band;
  const bands = (outH + band - 1) / band;
  const pointwise = params.pointwise != 0;
  const x = params.x;
  const w = params.weight;
  const bias = params.bias;
  const y = params.y;
  const packedWBytes = <usize>packedABytes(Og, Kg);
  const packedW = scratch;
  const cols = packedW + <usize>groups * packedWBytes;
  const bp = cols + <usize>forwardColsBytes(params);
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
    if (!pointwise) im2colRows(params, xImage, oh0, oh1, 0, groups * Kg, cols);
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
        gemmPacked(Og, bandL, Kg, 1, a, b, L, 1, yBand, L, bias != 0, bp, tile, true);
        continue;
      }
      const bandBytes = <usize>bandL << 2;
      const b = cols + <usize>(g * Kg) * bandBytes;
      if (!readInPlace(min(KC, Kg), bandBytes)) {
        gemmPacked(Og, bandL, Kg, 1, a, b, bandL, 1, yBand, L, bias != 0, bp, tile, true);
        continue;
      }
      // Packing the patch matrix cost about a sixth of the time of LeNet's conv2 (W3).
      for (let pc = 0; pc < Kg; pc += KC) {
        const kc = min(KC, Kg - pc);
        const aBlock = a + ((<usize>Mp * <usize>pc) << 2);
        gemmBlockFused(Og, bandL, kc, 1, aBlock, b + <usize>pc * bandBytes, 32, bandBytes, yBand, L, bias != 0 || pc > 0, tile);
      }
    }
  }
}

/** Scratch bytes one thread needs for `convBackwardInput`. */
export function convBackwardInputScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const Og = params.o / params.groups;
  const Kg = groupK(params);
  const bandL = params.band * params.outW;
  const cols = params.pointwise ? 0 : bandElements(params, Kg) << 2;
  return params.groups * packedABytes(Kg, Og) + cols + packedBBytes(bandL, Og) + TILE_BYTES;
}

/** Input-gradient items [start, end): item = image * groups + group. */
export function convBackwardInput(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  const channels = params.c;
  const outChannels = params.o;
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = groupK(params);
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const plane = params.h * params.w;
  const band = params.band;
  const pointwise = params.pointwise != 0;
  const w = params.weight;
  const gy = params.y;
  const gx = params.gx;
  const packedBytes = <usize>packedABytes(Kg, Og);
  const packedWT = scratch;
  const cols = packedWT + <usize>groups * packedBytes;
  const bp = cols + (pointwise ? 0 : <usize>bandElements(params, Kg) << 2);
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
      gemmPacked(Kg, L, Og, 1, a, gyGroup, L, 1, gxGroup, L, false, bp, tile, true);
      continue;
    }
    fillRow(gxGroup, Cg * plane, 0);
    for (let oh0 = 0; oh0 < outH; oh0 += band) {
      const oh1 = min(outH, oh0 + band);
      const bandL = (oh1 - oh0) * outW;
      gemmPacked(Kg, bandL, Og, 1, a, gyGroup + (<usize>(oh0 * outW) << 2), L, 1, cols, bandL, false, bp, tile, true);
      col2imRows(params, gxGroup, oh0, oh1, 0, Kg, cols);
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
function transposedWeightProduct(params: ConvParams): bool {
  const Og = params.o / params.groups;
  const chunk = params.kChunk;
  return roundUp(chunk, MR) * roundUp(Og, NR) < roundUp(Og, MR) * roundUp(chunk, NR);
}

/** Bytes of the weight gradient's packed A for a band (gy, or the patch rows when transposed). */
@inline
function weightPackedABytes(params: ConvParams): i32 {
  const Og = params.o / params.groups;
  const bandL = params.band * params.outW;
  return packedABytes(transposedWeightProduct(params) ? params.kChunk : Og, bandL);
}

/** Bytes of the weight gradient's packed B block for a band (the other operand). */
@inline
function weightPackedBBytes(params: ConvParams): i32 {
  const Og = params.o / params.groups;
  const bandL = params.band * params.outW;
  return packedBBytes(transposedWeightProduct(params) ? Og : params.kChunk, bandL);
}

/** Scratch bytes one thread needs for `convBackwardWeight`. */
export function convBackwardWeightScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const Og = params.o / params.groups;
  const chunk = params.kChunk;
  const cols = params.pointwise ? 0 : bandElements(params, chunk) << 2;
  return weightPackedABytes(params) + cols + weightPackedBBytes(params) + TILE_BYTES + ((Og * chunk) << 2);
}

/** Weight-gradient items [start, end): item = group * chunks + chunk of K_CHUNK patch rows. */
export function convBackwardWeight(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const batch = params.n;
  const groups = params.groups;
  const channels = params.c;
  const outChannels = params.o;
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = groupK(params);
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const plane = params.h * params.w;
  const band = params.band;
  const chunk = params.kChunk;
  const chunks = (Kg + chunk - 1) / chunk;
  const pointwise = params.pointwise != 0;
  const x = params.x;
  const gy = params.y;
  const gw = params.gw;
  const transposed = transposedWeightProduct(params);
  const packed = scratch;
  const cols = packed + <usize>weightPackedABytes(params);
  const bp = cols + (pointwise ? 0 : <usize>bandElements(params, chunk) << 2);
  const tile = bp + <usize>weightPackedBBytes(params);
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
          im2colRows(params, xGroup, oh0, oh1, k0, k1, cols);
          b = cols;
          bcs = bandL;
        }
        if (transposed) {
          packA(b, bcs, 1, width, bandL, packed);
          gemmPacked(width, Og, bandL, 1, packed, gyBand, 1, L, c, Og, accumulate, bp, tile, true);
        } else {
          gemmPacked(Og, width, bandL, 1, packed, b, 1, bcs, c, width, accumulate, bp, tile, true);
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
