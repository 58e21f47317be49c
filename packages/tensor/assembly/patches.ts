/**
 * The patch matrix of conv2d (im2col) and its adjoint (col2im), a band of rows at a time, as
 * conv.ts's GEMM algorithm reads and writes them.
 */

import { ConvParams, endInside, firstInside } from './params';
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
function windowsInside(params: ConvParams): bool {
  return (
    params.sw == 1 &&
    params.padTop == 0 &&
    params.padLeft == 0 &&
    params.outW + (params.kw - 1) * params.dw <= params.w &&
    (params.outH - 1) * params.sh + (params.kh - 1) * params.dh < params.h
  );
}

/**
 * Rows [k0, k1) of the patch matrix of one image (x at its first channel) for output rows
 * [oh0, oh1), written densely at dst. Row r is (channel, ki, kj) = (r / (kH kW), ...).
 */
export function im2colRows(params: ConvParams, x: usize, oh0: i32, oh1: i32, k0: i32, k1: i32, dst: usize): void {
  const height = params.h;
  const width = params.w;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const padTop = params.padTop;
  const padLeft = params.padLeft;
  const dh = params.dh;
  const dw = params.dw;
  const outH = params.outH;
  const outW = params.outW;
  const taps = kh * kw;
  const rowBytes = <usize>outW << 2;
  if (outW >= 4 && outW <= 12 && windowsInside(params)) {
    patchRowsInside(params, x, oh0, oh1, k0, k1, dst, false);
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
function patchRowsInside(params: ConvParams, x: usize, oh0: i32, oh1: i32, k0: i32, k1: i32, cols: usize, fold: bool): void {
  const height = params.h;
  const width = params.w;
  const kh = params.kh;
  const kw = params.kw;
  const dh = params.dh;
  const dw = params.dw;
  const outW = params.outW;
  const taps = kh * kw;
  const rowBytes = <usize>outW << 2;
  const last = <usize>(outW - 4) << 2;
  const vectorBytes = <usize>(outW & ~3) << 2;
  const pairAt = vectorBytes;
  const singleAt = vectorBytes + (outW & 2 ? 8 : 0);
  const inputStep = <usize>(params.sh * width) << 2;
  const rows = oh1 - oh0;
  let q = cols;
  firstRow(k0, kw, taps);
  for (let r = k0; r < k1; r++, nextRow(kw, kh)) {
    const c = rowC;
    const ki = rowKi;
    const kj = rowKj;
    let s = x + ((<usize>((c * height + oh0 * params.sh + ki * dh) * width) + <usize>(kj * dw)) << 2);
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
export function col2imRows(params: ConvParams, x: usize, oh0: i32, oh1: i32, k0: i32, k1: i32, src: usize): void {
  const height = params.h;
  const width = params.w;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const padTop = params.padTop;
  const padLeft = params.padLeft;
  const dh = params.dh;
  const dw = params.dw;
  const outW = params.outW;
  const taps = kh * kw;
  const rowBytes = <usize>outW << 2;
  if (windowsInside(params)) {
    patchRowsInside(params, x, oh0, oh1, k0, k1, src, true);
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
