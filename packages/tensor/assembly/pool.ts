/**
 * 2-D max and average pooling over planes (items are planes, the leading dimensions flattened),
 * following PyTorch's CPU kernels (aten/src/ATen/native/cpu/MaxPoolKernel.cpp, AvgPoolKernel.cpp)
 * exactly as the TypeScript reference (src/kernels/pool2d.ts) does: the first maximum wins ties,
 * a NaN wins; averages are summed in double precision.
 */

import {
  COUNT_INCLUDE_PAD,
  DH,
  DIVISOR,
  DW,
  GX,
  get,
  H,
  INDICES,
  KH,
  KW,
  OUT_H,
  OUT_W,
  POOL_PAD_H,
  POOL_PAD_W,
  ptr,
  SH,
  SW,
  W,
  X,
  Y,
} from './params';
import { fillRow } from './rows';

export function maxPoolForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const height = get(p, H);
  const width = get(p, W);
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const ph = get(p, POOL_PAD_H);
  const pw = get(p, POOL_PAD_W);
  const dh = get(p, DH);
  const dw = get(p, DW);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const x = ptr(p, X);
  const y = ptr(p, Y);
  const indices = ptr(p, INDICES);
  const plane = height * width;
  for (let item = start; item < end; item++) {
    const xPlane = x + ((<usize>item * <usize>plane) << 2);
    let q = (<usize>item * <usize>(outH * outW)) << 2;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sh - ph;
      const h1 = min(h0 + (kh - 1) * dh + 1, height);
      while (h0 < 0) h0 += dh;
      for (let ow = 0; ow < outW; ow++, q += 4) {
        let w0 = ow * sw - pw;
        const w1 = min(w0 + (kw - 1) * dw + 1, width);
        while (w0 < 0) w0 += dw;
        let best = -Infinity as f32;
        let at = h0 * width + w0;
        for (let h = h0; h < h1; h += dh) {
          const row = h * width;
          for (let w = w0; w < w1; w += dw) {
            const v = load<f32>(xPlane + (<usize>(row + w) << 2));
            if (v > best || isNaN(v)) {
              best = v;
              at = row + w;
            }
          }
        }
        store<f32>(y + q, best);
        store<i32>(indices + q, at);
      }
    }
  }
}

export function maxPoolBackward(p: usize, start: i32, end: i32, scratch: usize): void {
  const plane = get(p, H) * get(p, W);
  const outPlane = get(p, OUT_H) * get(p, OUT_W);
  const gy = ptr(p, Y);
  const gx = ptr(p, GX);
  const indices = ptr(p, INDICES);
  for (let item = start; item < end; item++) {
    const gxPlane = gx + ((<usize>item * <usize>plane) << 2);
    fillRow(gxPlane, plane, 0);
    let q = (<usize>item * <usize>outPlane) << 2;
    for (let i = 0; i < outPlane; i++, q += 4) {
      const at = load<i32>(indices + q);
      if (at >= 0 && at < plane) {
        const dst = gxPlane + (<usize>at << 2);
        store<f32>(dst, load<f32>(dst) + load<f32>(gy + q));
      }
    }
  }
}

/** The divisor of one window (see the reference). */
@inline
function windowSize(hStart: i32, hEnd: i32, wStart: i32, wEnd: i32, h0: i32, h1: i32, w0: i32, w1: i32, p: usize): f64 {
  const divisor = get(p, DIVISOR);
  if (divisor != 0) return <f64>divisor;
  return get(p, COUNT_INCLUDE_PAD) != 0 ? <f64>((hEnd - hStart) * (wEnd - wStart)) : <f64>((h1 - h0) * (w1 - w0));
}

export function avgPoolForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const height = get(p, H);
  const width = get(p, W);
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const ph = get(p, POOL_PAD_H);
  const pw = get(p, POOL_PAD_W);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const x = ptr(p, X);
  const y = ptr(p, Y);
  const plane = height * width;
  for (let item = start; item < end; item++) {
    const xPlane = x + ((<usize>item * <usize>plane) << 2);
    let q = y + ((<usize>item * <usize>(outH * outW)) << 2);
    for (let oh = 0; oh < outH; oh++) {
      const hStart = oh * sh - ph;
      const hEnd = min(hStart + kh, height + ph);
      const h0 = max(hStart, 0);
      const h1 = min(hEnd, height);
      for (let ow = 0; ow < outW; ow++, q += 4) {
        const wStart = ow * sw - pw;
        const wEnd = min(wStart + kw, width + pw);
        const w0 = max(wStart, 0);
        const w1 = min(wEnd, width);
        if (h0 >= h1 || w0 >= w1) {
          store<f32>(q, 0);
          continue;
        }
        let sum: f64 = 0;
        for (let h = h0; h < h1; h++) {
          const row = xPlane + (<usize>(h * width) << 2);
          for (let w = w0; w < w1; w++) sum += <f64>load<f32>(row + (<usize>w << 2));
        }
        store<f32>(q, <f32>(sum / windowSize(hStart, hEnd, wStart, wEnd, h0, h1, w0, w1, p)));
      }
    }
  }
}

export function avgPoolBackward(p: usize, start: i32, end: i32, scratch: usize): void {
  const height = get(p, H);
  const width = get(p, W);
  const kh = get(p, KH);
  const kw = get(p, KW);
  const sh = get(p, SH);
  const sw = get(p, SW);
  const ph = get(p, POOL_PAD_H);
  const pw = get(p, POOL_PAD_W);
  const outH = get(p, OUT_H);
  const outW = get(p, OUT_W);
  const gy = ptr(p, Y);
  const gx = ptr(p, GX);
  const plane = height * width;
  for (let item = start; item < end; item++) {
    const gxPlane = gx + ((<usize>item * <usize>plane) << 2);
    fillRow(gxPlane, plane, 0);
    let q = gy + ((<usize>item * <usize>(outH * outW)) << 2);
    for (let oh = 0; oh < outH; oh++) {
      const hStart = oh * sh - ph;
      const hEnd = min(hStart + kh, height + ph);
      const h0 = max(hStart, 0);
      const h1 = min(hEnd, height);
      for (let ow = 0; ow < outW; ow++, q += 4) {
        const wStart = ow * sw - pw;
        const wEnd = min(wStart + kw, width + pw);
        const w0 = max(wStart, 0);
        const w1 = min(wEnd, width);
        if (h0 >= h1 || w0 >= w1) continue;
        const share = <f64>load<f32>(q) / windowSize(hStart, hEnd, wStart, wEnd, h0, h1, w0, w1, p);
        for (let h = h0; h < h1; h++) {
          const row = gxPlane + (<usize>(h * width) << 2);
          for (let w = w0; w < w1; w++) {
            const at = row + (<usize>w << 2);
            store<f32>(at, <f32>(<f64>load<f32>(at) + share));
          }
        }
      }
    }
  }
}
