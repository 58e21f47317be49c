/**
 * The inner loops of the direct conv2d (direct.ts): a plane padded once, and the 3 x 3
 * unit-stride loops that compute four outputs at once from it.
 */

import { copyRow, fillRow } from './rows';

/**
 * Copies the H x W plane at src into a zeroed rows x cols plane at dst, at row `top` and column
 * `left` (parts falling outside are dropped). Each element is written once: the padding is
 * zeroed around the copied rows, not under them.
 */
export function padPlane(src: usize, height: i32, width: i32, dst: usize, rows: i32, cols: i32, top: i32, left: i32): void {
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
export function forward3x3(
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
export function backwardInput3x3(gxPlane: usize, gRow0: usize, cols: i32, height: i32, width: i32, dh: i32, dw: i32, w: usize): void {
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
export function weightDots3x3(acc: usize, gyPlane: usize, xp: usize, cols: i32, outH: i32, outW: i32, sh: i32, dh: i32, dw: i32): void {
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
