/**
 * Direct conv2d loops for groups with few output channels (depthwise convolutions, a final
 * one-channel layer), where a GEMM per group would be a thin product that costs more to pack
 * than to compute. With unit stride the input plane (or, for the input gradient, the output
 * gradient) is first copied into a zero-padded plane, so every tap of every output is in
 * bounds and four outputs are computed at once; other strides use scalar loops over the valid
 * ranges. Work items: forward (image, output channel), input gradient (image, input channel),
 * weight gradient (output channel); none depends on how items are split between threads.
 */

import {
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
  KH,
  KW,
  N,
  O,
  OUT_H,
  OUT_W,
  PAD_LEFT,
  PAD_TOP,
  ptr,
  SH,
  SW,
  W,
  WEIGHT,
  X,
  Y,
} from './params';
import { copyRow, fillRow } from './rows';

/** Rows and columns of the padded input plane the unit-stride forward reads. */
@inline
function paddedRows(p: usize): i32 {
  return (get(p, OUT_H) - 1) * get(p, SH) + (get(p, KH) - 1) * get(p, DH) + 1;
}

@inline
function paddedCols(p: usize): i32 {
  return get(p, OUT_W) - 1 + (get(p, KW) - 1) * get(p, DW) + 1;
}

/**
 * Copies the H x W plane at src into a zeroed rows x cols plane at dst, at row `top` and column
 * `left` (parts falling outside are dropped). Each element is written once: the padding is
 * zeroed around the copied rows, not under them.
 */
function padPlane(src: usize, height: i32, width: i32, dst: usize, rows: i32, cols: i32, top: i32, left: i32): void {
  const c0 = max(0, -left);
  const c1 = max(c0, min(width, cols - left));
  const r0 = min(rows, max(0, top));
  const r1 = c1 > c0 ? max(r0, min(rows, height + top)) : r0;
  fillRow(dst, r0 * cols, 0);
  const leftZeros = c0 + left;
  const rightAt = c1 + left;
  for (let r = r0; r < r1; r++) {
    const row = dst + (<usize>(r * cols) << 2);
    fillRow(row, leftZeros, 0);
    copyRow(row + (<usize>leftZeros << 2), src + ((<usize>((r - top) * width) + <usize>c0) << 2), c1 - c0);
    fillRow(row + (<usize>rightAt << 2), cols - rightAt, 0);
  }
  fillRow(dst + (<usize>(r1 * cols) << 2), (rows - r1) * cols, 0);
}

/**
 * One padded plane through a 3 x 3 kernel with the nine weights held in registers (the common
 * case of depthwise layers): y[oh, ow] += sum over (ki, kj) of w[ki, kj] xp[oh sh + ki dh,
 * ow + kj dw], summed in the same order as the general loop, so both give the same bits. For
 * the group's first channel (`first`) the sums start from `init` (the bias) instead of y.
 */
function forward3x3(
  yPlane: usize,
  xp: usize,
  cols: i32,
  outH: i32,
  outW: i32,
  sh: i32,
  dh: i32,
  dw: i32,
  w: usize,
  first: bool,
  init: f32,
): void {
  const start = f32x4.splat(init);
  const w0 = v128.load32_splat(w);
  const w1 = v128.load32_splat(w, 4);
  const w2 = v128.load32_splat(w, 8);
  const w3 = v128.load32_splat(w, 12);
  const w4 = v128.load32_splat(w, 16);
  const w5 = v128.load32_splat(w, 20);
  const w6 = v128.load32_splat(w, 24);
  const w7 = v128.load32_splat(w, 28);
  const w8 = v128.load32_splat(w, 32);
  const s1 = <usize>dw << 2;
  const s2 = <usize>dw << 3;
  const rowStep = <usize>(dh * cols) << 2;
  for (let oh = 0; oh < outH; oh++) {
    const yRow = yPlane + (<usize>(oh * outW) << 2);
    const r0 = xp + (<usize>(oh * sh * cols) << 2);
    const r1 = r0 + rowStep;
    const r2 = r1 + rowStep;
    let ow = 0;
    // Two groups of four outputs per step: two independent chains of nine adds.
    for (; ow + 8 <= outW; ow += 8) {
      const o = <usize>ow << 2;
      const q = o + 16;
      let a = first ? start : v128.load(yRow + o);
      let b = first ? start : v128.load(yRow + q);
      a = f32x4.add(a, f32x4.mul(w0, v128.load(r0 + o)));
      b = f32x4.add(b, f32x4.mul(w0, v128.load(r0 + q)));
      a = f32x4.add(a, f32x4.mul(w1, v128.load(r0 + o + s1)));
      b = f32x4.add(b, f32x4.mul(w1, v128.load(r0 + q + s1)));
      a = f32x4.add(a, f32x4.mul(w2, v128.load(r0 + o + s2)));
      b = f32x4.add(b, f32x4.mul(w2, v128.load(r0 + q + s2)));
      a = f32x4.add(a, f32x4.mul(w3, v128.load(r1 + o)));
      b = f32x4.add(b, f32x4.mul(w3, v128.load(r1 + q)));
      a = f32x4.add(a, f32x4.mul(w4, v128.load(r1 + o + s1)));
      b = f32x4.add(b, f32x4.mul(w4, v128.load(r1 + q + s1)));
      a = f32x4.add(a, f32x4.mul(w5, v128.load(r1 + o + s2)));
      b = f32x4.add(b, f32x4.mul(w5, v128.load(r1 + q + s2)));
      a = f32x4.add(a, f32x4.mul(w6, v128.load(r2 + o)));
      b = f32x4.add(b, f32x4.mul(w6, v128.load(r2 + q)));
      a = f32x4.add(a, f32x4.mul(w7, v128.load(r2 + o + s1)));
      b = f32x4.add(b, f32x4.mul(w7, v128.load(r2 + q + s1)));
      a = f32x4.add(a, f32x4.mul(w8, v128.load(r2 + o + s2)));
      b = f32x4.add(b, f32x4.mul(w8, v128.load(r2 + q + s2)));
      v128.store(yRow + o, a);
      v128.store(yRow + q, b);
    }
    for (; ow + 4 <= outW; ow += 4) {
      const o = <usize>ow << 2;
      let acc = first ? start : v128.load(yRow + o);
      acc = f32x4.add(acc, f32x4.mul(w0, v128.load(r0 + o)));
      acc = f32x4.add(acc, f32x4.mul(w1, v128.load(r0 + o + s1)));
      acc = f32x4.add(acc, f32x4.mul(w2, v128.load(r0 + o + s2)));
      acc = f32x4.add(acc, f32x4.mul(w3, v128.load(r1 + o)));
      acc = f32x4.add(acc, f32x4.mul(w4, v128.load(r1 + o + s1)));
      acc = f32x4.add(acc, f32x4.mul(w5, v128.load(r1 + o + s2)));
      acc = f32x4.add(acc, f32x4.mul(w6, v128.load(r2 + o)));
      acc = f32x4.add(acc, f32x4.mul(w7, v128.load(r2 + o + s1)));
      acc = f32x4.add(acc, f32x4.mul(w8, v128.load(r2 + o + s2)));
      v128.store(yRow + o, acc);
    }
    for (; ow < outW; ow++) {
      const o = <usize>ow << 2;
      let acc = first ? init : load<f32>(yRow + o);
      acc += load<f32>(w) * load<f32>(r0 + o);
      acc += load<f32>(w, 4) * load<f32>(r0 + o + s1);
      acc += load<f32>(w, 8) * load<f32>(r0 + o + s2);
      acc += load<f32>(w, 12) * load<f32>(r1 + o);
      acc += load<f32>(w, 16) * load<f32>(r1 + o + s1);
      acc += load<f32>(w, 20) * load<f32>(r1 + o + s2);
      acc += load<f32>(w, 24) * load<f32>(r2 + o);
      acc += load<f32>(w, 28) * load<f32>(r2 + o + s1);
      acc += load<f32>(w, 32) * load<f32>(r2 + o + s2);
      store<f32>(yRow + o, acc);
    }
  }
}

/**
 * The unit-stride input gradient of one plane through a 3 x 3 kernel, weights in registers:
 * gx[ih, iw] += sum over (ki, kj) of w[ki, kj] gp[row(ih) - ki dh, col(iw) - kj dw], where
 * gRow0 is gp's row for ih = 0 at the column of iw = 0.
 */
function backwardInput3x3(gxPlane: usize, gRow0: usize, cols: i32, height: i32, width: i32, dh: i32, dw: i32, w: usize): void {
  const w0 = v128.load32_splat(w);
  const w1 = v128.load32_splat(w, 4);
  const w2 = v128.load32_splat(w, 8);
  const w3 = v128.load32_splat(w, 12);
  const w4 = v128.load32_splat(w, 16);
  const w5 = v128.load32_splat(w, 20);
  const w6 = v128.load32_splat(w, 24);
  const w7 = v128.load32_splat(w, 28);
  const w8 = v128.load32_splat(w, 32);
  const s1 = <usize>dw << 2;
  const s2 = <usize>dw << 3;
  const rowStep = <usize>(dh * cols) << 2;
  for (let ih = 0; ih < height; ih++) {
    const gxRow = gxPlane + (<usize>(ih * width) << 2);
    const r0 = gRow0 + (<usize>(ih * cols) << 2);
    const r1 = r0 - rowStep;
    const r2 = r1 - rowStep;
    let iw = 0;
    // Two groups of four outputs per step: two independent chains of nine adds.
    for (; iw + 8 <= width; iw += 8) {
      const o = <usize>iw << 2;
      const q = o + 16;
      let a = v128.load(gxRow + o);
      let b = v128.load(gxRow + q);
      a = f32x4.add(a, f32x4.mul(w0, v128.load(r0 + o)));
      b = f32x4.add(b, f32x4.mul(w0, v128.load(r0 + q)));
      a = f32x4.add(a, f32x4.mul(w1, v128.load(r0 + o - s1)));
      b = f32x4.add(b, f32x4.mul(w1, v128.load(r0 + q - s1)));
      a = f32x4.add(a, f32x4.mul(w2, v128.load(r0 + o - s2)));
      b = f32x4.add(b, f32x4.mul(w2, v128.load(r0 + q - s2)));
      a = f32x4.add(a, f32x4.mul(w3, v128.load(r1 + o)));
      b = f32x4.add(b, f32x4.mul(w3, v128.load(r1 + q)));
      a = f32x4.add(a, f32x4.mul(w4, v128.load(r1 + o - s1)));
      b = f32x4.add(b, f32x4.mul(w4, v128.load(r1 + q - s1)));
      a = f32x4.add(a, f32x4.mul(w5, v128.load(r1 + o - s2)));
      b = f32x4.add(b, f32x4.mul(w5, v128.load(r1 + q - s2)));
      a = f32x4.add(a, f32x4.mul(w6, v128.load(r2 + o)));
      b = f32x4.add(b, f32x4.mul(w6, v128.load(r2 + q)));
      a = f32x4.add(a, f32x4.mul(w7, v128.load(r2 + o - s1)));
      b = f32x4.add(b, f32x4.mul(w7, v128.load(r2 + q - s1)));
      a = f32x4.add(a, f32x4.mul(w8, v128.load(r2 + o - s2)));
      b = f32x4.add(b, f32x4.mul(w8, v128.load(r2 + q - s2)));
      v128.store(gxRow + o, a);
      v128.store(gxRow + q, b);
    }
    for (; iw + 4 <= width; iw += 4) {
      const o = <usize>iw << 2;
      let acc = v128.load(gxRow + o);
      acc = f32x4.add(acc, f32x4.mul(w0, v128.load(r0 + o)));
      acc = f32x4.add(acc, f32x4.mul(w1, v128.load(r0 + o - s1)));
      acc = f32x4.add(acc, f32x4.mul(w2, v128.load(r0 + o - s2)));
      acc = f32x4.add(acc, f32x4.mul(w3, v128.load(r1 + o)));
      acc = f32x4.add(acc, f32x4.mul(w4, v128.load(r1 + o - s1)));
      acc = f32x4.add(acc, f32x4.mul(w5, v128.load(r1 + o - s2)));
      acc = f32x4.add(acc, f32x4.mul(w6, v128.load(r2 + o)));
      acc = f32x4.add(acc, f32x4.mul(w7, v128.load(r2 + o - s1)));
      acc = f32x4.add(acc, f32x4.mul(w8, v128.load(r2 + o - s2)));
      v128.store(gxRow + o, acc);
    }
    for (; iw < width; iw++) {
      const o = <usize>iw << 2;
      let acc = load<f32>(gxRow + o);
      acc += load<f32>(w) * load<f32>(r0 + o);
      acc += load<f32>(w, 4) * load<f32>(r0 + o - s1);
      acc += load<f32>(w, 8) * load<f32>(r0 + o - s2);
      acc += load<f32>(w, 12) * load<f32>(r1 + o);
      acc += load<f32>(w, 16) * load<f32>(r1 + o - s1);
      acc += load<f32>(w, 20) * load<f32>(r1 + o - s2);
      acc += load<f32>(w, 24) * load<f32>(r2 + o);
      acc += load<f32>(w, 28) * load<f32>(r2 + o - s1);
      acc += load<f32>(w, 32) * load<f32>(r2 + o - s2);
      store<f32>(gxRow + o, acc);
    }
  }
}

/**
 * The vector part of the unit-stride weight gradient of one plane through a 3 x 3 kernel: the
 * nine dot products of gy with the shifted padded input over columns [0, outW & ~3), in one pass,
 * added lane-wise to acc[0..8] (nine vectors at `acc`).
 */
function weightDots3x3(acc: usize, gyPlane: usize, xp: usize, cols: i32, outH: i32, outW: i32, sh: i32, dh: i32, dw: i32): void {
  let a0 = v128.load(acc);
  let a1 = v128.load(acc, 16);
  let a2 = v128.load(acc, 32);
  let a3 = v128.load(acc, 48);
  let a4 = v128.load(acc, 64);
  let a5 = v128.load(acc, 80);
  let a6 = v128.load(acc, 96);
  let a7 = v128.load(acc, 112);
  let a8 = v128.load(acc, 128);
  const s1 = <usize>dw << 2;
  const s2 = <usize>dw << 3;
  const rowStep = <usize>(dh * cols) << 2;
  const vectorEnd = outW & ~3;
  for (let oh = 0; oh < outH; oh++) {
    const gyRow = gyPlane + (<usize>(oh * outW) << 2);
    const r0 = xp + (<usize>(oh * sh * cols) << 2);
    const r1 = r0 + rowStep;
    const r2 = r1 + rowStep;
    for (let ow = 0; ow < vectorEnd; ow += 4) {
      const o = <usize>ow << 2;
      const g = v128.load(gyRow + o);
      a0 = f32x4.add(a0, f32x4.mul(g, v128.load(r0 + o)));
      a1 = f32x4.add(a1, f32x4.mul(g, v128.load(r0 + o + s1)));
      a2 = f32x4.add(a2, f32x4.mul(g, v128.load(r0 + o + s2)));
      a3 = f32x4.add(a3, f32x4.mul(g, v128.load(r1 + o)));
      a4 = f32x4.add(a4, f32x4.mul(g, v128.load(r1 + o + s1)));
      a5 = f32x4.add(a5, f32x4.mul(g, v128.load(r1 + o + s2)));
      a6 = f32x4.add(a6, f32x4.mul(g, v128.load(r2 + o)));
      a7 = f32x4.add(a7, f32x4.mul(g, v128.load(r2 + o + s1)));
      a8 = f32x4.add(a8, f32x4.mul(g, v128.load(r2 + o + s2)));
    }
  }
  v128.store(acc, a0);
  v128.store(acc, a1, 16);
  v128.store(acc, a2, 32);
  v128.store(acc, a3, 48);
  v128.store(acc, a4, 64);
  v128.store(acc, a5, 80);
  v128.store(acc, a6, 96);
  v128.store(acc, a7, 112);
  v128.store(acc, a8, 128);
}

export function directForwardScratch(p: usize): i32 {
  return get(p, SW) == 1 ? (paddedRows(p) * paddedCols(p)) << 2 : 0;
}

/** y[n, o] = bias[o] + sum over the group's channels and taps. Items: n * O + o. */
export function directForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const channels = get(p, C);
  const height = get(p, H);
  const width = get(p, W);
  const outChannels = get(p, O);
  const groups = get(p, GROUPS);
  const Cg = channels / groups;
  const Og = outChannels / groups;
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const padTop = get(p, PAD_TOP);
  const padLeft = get(p, PAD_LEFT);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const L = outH * outW;
  const x = ptr(p, X);
  const w = ptr(p, WEIGHT);
  const bias = ptr(p, BIAS);
  const y = ptr(p, Y);
  const rows = paddedRows(p);
  const cols = paddedCols(p);
  const xp = scratch;
  const threeByThree = sw == 1 && kh == 3 && kw == 3;
  for (let item = start; item < end; item++) {
    const n = item / outChannels;
    const o = item - n * outChannels;
    const g = o / Og;
    const yPlane = y + ((<usize>item * <usize>L) << 2);
    const init: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
    // The 3 x 3 unit-stride loops start the first channel's sums from the bias themselves.
    if (!threeByThree) fillRow(yPlane, L, init);
    for (let cl = 0; cl < Cg; cl++) {
      const xPlane = x + ((<usize>(n * channels + g * Cg + cl) * <usize>(height * width)) << 2);
      const wBase = w + ((<usize>((o * Cg + cl) * kh * kw)) << 2);
      if (sw == 1) {
        padPlane(xPlane, height, width, xp, rows, cols, padTop, padLeft);
        if (threeByThree) {
          forward3x3(yPlane, xp, cols, outH, outW, sh, dh, dw, wBase, cl == 0, init);
          continue;
        }
        for (let oh = 0; oh < outH; oh++) {
          const yRow = yPlane + ((<usize>(oh * outW)) << 2);
          const xRow = xp + ((<usize>(oh * sh * cols)) << 2);
          let ow = 0;
          for (; ow + 4 <= outW; ow += 4) {
            let acc = v128.load(yRow + (<usize>ow << 2));
            for (let ki = 0; ki < kh; ki++) {
              const src = xRow + ((<usize>(ki * dh * cols + ow)) << 2);
              const wk = wBase + ((<usize>(ki * kw)) << 2);
              for (let kj = 0; kj < kw; kj++) {
                acc = f32x4.add(
                  acc,
                  f32x4.mul(v128.load32_splat(wk + (<usize>kj << 2)), v128.load(src + ((<usize>(kj * dw)) << 2))),
                );
              }
            }
            v128.store(yRow + (<usize>ow << 2), acc);
          }
          for (; ow < outW; ow++) {
            let acc = load<f32>(yRow + (<usize>ow << 2));
            for (let ki = 0; ki < kh; ki++) {
              const src = xRow + ((<usize>(ki * dh * cols + ow)) << 2);
              for (let kj = 0; kj < kw; kj++) {
                acc += load<f32>(wBase + ((<usize>(ki * kw + kj)) << 2)) * load<f32>(src + ((<usize>(kj * dw)) << 2));
              }
            }
            store<f32>(yRow + (<usize>ow << 2), acc);
          }
        }
      } else {
        for (let ki = 0; ki < kh; ki++) {
          const rowShift = ki * dh - padTop;
          const ohLo = firstInside(rowShift, sh, outH);
          const ohHi = endInside(rowShift, sh, height, ohLo, outH);
          for (let kj = 0; kj < kw; kj++) {
            const colShift = kj * dw - padLeft;
            const owLo = firstInside(colShift, sw, outW);
            const owHi = endInside(colShift, sw, width, owLo, outW);
            const wv = load<f32>(wBase + ((<usize>(ki * kw + kj)) << 2));
            for (let oh = ohLo; oh < ohHi; oh++) {
              let src = xPlane + ((<usize>((oh * sh + rowShift) * width + owLo * sw + colShift)) << 2);
              const step = <usize>sw << 2;
              const yRow = yPlane + ((<usize>(oh * outW)) << 2);
              for (let ow = owLo; ow < owHi; ow++, src += step) {
                const at = yRow + (<usize>ow << 2);
                store<f32>(at, load<f32>(at) + wv * load<f32>(src));
              }
            }
          }
        }
      }
    }
  }
}

/** The padded output-gradient plane of the unit-stride input gradient. */
@inline
function gradRows(p: usize): i32 {
  return get(p, OUT_H) + 2 * (get(p, KH) - 1) * get(p, DH);
}

@inline
function gradCols(p: usize): i32 {
  return get(p, OUT_W) + 2 * (get(p, KW) - 1) * get(p, DW);
}

@inline
function unitStride(p: usize): bool {
  return get(p, SH) == 1 && get(p, SW) == 1;
}

export function directBackwardInputScratch(p: usize): i32 {
  return unitStride(p) ? (gradRows(p) * gradCols(p)) << 2 : 0;
}

/**
 * gx[n, c] = sum over the group's output channels of gy correlated with the flipped kernel.
 * With unit stride: gx[ih, iw] = sum w[ki, kj] gy[ih + padTop - ki dh, iw + padLeft - kj dw],
 * read from gy padded by (k - 1) d on every side. Items: n * C + c.
 */
export function directBackwardInput(p: usize, start: i32, end: i32, scratch: usize): void {
  const channels = get(p, C);
  const height = get(p, H);
  const width = get(p, W);
  const outChannels = get(p, O);
  const groups = get(p, GROUPS);
  const Cg = channels / groups;
  const Og = outChannels / groups;
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const padTop = get(p, PAD_TOP);
  const padLeft = get(p, PAD_LEFT);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const L = outH * outW;
  const w = ptr(p, WEIGHT);
  const gy = ptr(p, Y);
  const gx = ptr(p, GX);
  const unit = unitStride(p);
  const rows = gradRows(p);
  const cols = gradCols(p);
  const ph = (kh - 1) * dh;
  const pw = (kw - 1) * dw;
  const gp = scratch;
  for (let item = start; item < end; item++) {
    const n = item / channels;
    const c = item - n * channels;
    const g = c / Cg;
    const cl = c - g * Cg;
    const gxPlane = gx + ((<usize>item * <usize>(height * width)) << 2);
    fillRow(gxPlane, height * width, 0);
    for (let o = g * Og; o < (g + 1) * Og; o++) {
      const gyPlane = gy + ((<usize>(n * outChannels + o) * <usize>L) << 2);
      const wBase = w + ((<usize>((o * Cg + cl) * kh * kw)) << 2);
      if (unit) {
        padPlane(gyPlane, outH, outW, gp, rows, cols, ph, pw);
        if (kh == 3 && kw == 3) {
          const gRow0 = gp + ((<usize>((padTop + ph) * cols + padLeft + pw)) << 2);
          backwardInput3x3(gxPlane, gRow0, cols, height, width, dh, dw, wBase);
          continue;
        }
        for (let ih = 0; ih < height; ih++) {
          const gxRow = gxPlane + ((<usize>(ih * width)) << 2);
          // Row of gp for tap ki: ih + padTop - ki dh + ph.
          const gRow = gp + ((<usize>((ih + padTop + ph) * cols + padLeft + pw)) << 2);
          let iw = 0;
          for (; iw + 4 <= width; iw += 4) {
            let acc = v128.load(gxRow + (<usize>iw << 2));
            for (let ki = 0; ki < kh; ki++) {
              const src = gRow - ((<usize>(ki * dh * cols)) << 2) + (<usize>iw << 2);
              const wk = wBase + ((<usize>(ki * kw)) << 2);
              for (let kj = 0; kj < kw; kj++) {
                acc = f32x4.add(
                  acc,
                  f32x4.mul(v128.load32_splat(wk + (<usize>kj << 2)), v128.load(src - ((<usize>(kj * dw)) << 2))),
                );
              }
            }
            v128.store(gxRow + (<usize>iw << 2), acc);
          }
          for (; iw < width; iw++) {
            let acc = load<f32>(gxRow + (<usize>iw << 2));
            for (let ki = 0; ki < kh; ki++) {
              const src = gRow - ((<usize>(ki * dh * cols)) << 2) + (<usize>iw << 2);
              for (let kj = 0; kj < kw; kj++) {
                acc += load<f32>(wBase + ((<usize>(ki * kw + kj)) << 2)) * load<f32>(src - ((<usize>(kj * dw)) << 2));
              }
            }
            store<f32>(gxRow + (<usize>iw << 2), acc);
          }
        }
      } else {
        for (let ki = 0; ki < kh; ki++) {
          const rowShift = ki * dh - padTop;
          const ohLo = firstInside(rowShift, sh, outH);
          const ohHi = endInside(rowShift, sh, height, ohLo, outH);
          for (let kj = 0; kj < kw; kj++) {
            const colShift = kj * dw - padLeft;
            const owLo = firstInside(colShift, sw, outW);
            const owHi = endInside(colShift, sw, width, owLo, outW);
            const wv = load<f32>(wBase + ((<usize>(ki * kw + kj)) << 2));
            const step = <usize>sw << 2;
            for (let oh = ohLo; oh < ohHi; oh++) {
              let dst = gxPlane + ((<usize>((oh * sh + rowShift) * width + owLo * sw + colShift)) << 2);
              const gyRow = gyPlane + ((<usize>(oh * outW)) << 2);
              for (let ow = owLo; ow < owHi; ow++, dst += step) {
                store<f32>(dst, load<f32>(dst) + wv * load<f32>(gyRow + (<usize>ow << 2)));
              }
            }
          }
        }
      }
    }
  }
}

/** Nine f32x4 accumulators of the 3 x 3 weight gradient, before the padded plane. */
const DOTS_BYTES: i32 = 9 * 16;

export function directBackwardWeightScratch(p: usize): i32 {
  return DOTS_BYTES + (get(p, SW) == 1 ? (paddedRows(p) * paddedCols(p)) << 2 : 0);
}

/** Horizontal sum of a vector, lanes in order. */
@inline
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** gw[o, cl, ki, kj] = sum over images and positions of gy[n, o] times the tap's input. Items: o. */
export function directBackwardWeight(p: usize, start: i32, end: i32, scratch: usize): void {
  const batch = get(p, N);
  const channels = get(p, C);
  const height = get(p, H);
  const width = get(p, W);
  const outChannels = get(p, O);
  const groups = get(p, GROUPS);
  const Cg = channels / groups;
  const Og = outChannels / groups;
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const padTop = get(p, PAD_TOP);
  const padLeft = get(p, PAD_LEFT);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const L = outH * outW;
  const x = ptr(p, X);
  const gy = ptr(p, Y);
  const gw = ptr(p, GW);
  const rows = paddedRows(p);
  const cols = paddedCols(p);
  const dots = scratch;
  const xp = scratch + <usize>DOTS_BYTES;
  const taps = kh * kw;
  const three = kh == 3 && kw == 3 && sw == 1;
  for (let o = start; o < end; o++) {
    const g = o / Og;
    for (let cl = 0; cl < Cg; cl++) {
      const gwBase = gw + ((<usize>((o * Cg + cl) * taps)) << 2);
      fillRow(gwBase, taps, 0);
      for (let n = 0; n < batch; n++) {
        const xPlane = x + ((<usize>(n * channels + g * Cg + cl) * <usize>(height * width)) << 2);
        const gyPlane = gy + ((<usize>(n * outChannels + o) * <usize>L) << 2);
        if (sw == 1) padPlane(xPlane, height, width, xp, rows, cols, padTop, padLeft);
        if (three) {
          fillRow(dots, DOTS_BYTES >> 2, 0);
          weightDots3x3(dots, gyPlane, xp, cols, outH, outW, sh, dh, dw);
        }
        for (let ki = 0; ki < kh; ki++) {
          for (let kj = 0; kj < kw; kj++) {
            let sum: f32 = 0;
            if (sw == 1) {
              // The same sums as weightDots3x3 computes for 3 x 3 kernels, in the same order.
              let acc = three ? v128.load(dots + (<usize>(ki * 3 + kj) << 4)) : f32x4.splat(0);
              let tail: f32 = 0;
              const vectorEnd = outW & ~3;
              for (let oh = 0; oh < outH; oh++) {
                const gyRow = gyPlane + ((<usize>(oh * outW)) << 2);
                const xRow = xp + ((<usize>((oh * sh + ki * dh) * cols + kj * dw)) << 2);
                if (!three) {
                  for (let ow = 0; ow < vectorEnd; ow += 4) {
                    const off = <usize>ow << 2;
                    acc = f32x4.add(acc, f32x4.mul(v128.load(gyRow + off), v128.load(xRow + off)));
                  }
                }
                for (let ow = vectorEnd; ow < outW; ow++) {
                  tail += load<f32>(gyRow + (<usize>ow << 2)) * load<f32>(xRow + (<usize>ow << 2));
                }
              }
              sum = lanes(acc) + tail;
            } else {
              const rowShift = ki * dh - padTop;
              const ohLo = firstInside(rowShift, sh, outH);
              const ohHi = endInside(rowShift, sh, height, ohLo, outH);
              const colShift = kj * dw - padLeft;
              const owLo = firstInside(colShift, sw, outW);
              const owHi = endInside(colShift, sw, width, owLo, outW);
              const step = <usize>sw << 2;
              for (let oh = ohLo; oh < ohHi; oh++) {
                let src = xPlane + ((<usize>((oh * sh + rowShift) * width + owLo * sw + colShift)) << 2);
                const gyRow = gyPlane + ((<usize>(oh * outW)) << 2);
                for (let ow = owLo; ow < owHi; ow++, src += step) sum += load<f32>(gyRow + (<usize>ow << 2)) * load<f32>(src);
              }
            }
            const at = gwBase + ((<usize>(ki * kw + kj)) << 2);
            store<f32>(at, load<f32>(at) + sum);
          }
        }
      }
    }
  }
}
