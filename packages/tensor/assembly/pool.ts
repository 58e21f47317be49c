/**
 * 2-D max and average pooling over planes (items are planes, the leading dimensions flattened),
 * following PyTorch's CPU kernels (aten/src/ATen/native/cpu/MaxPoolKernel.cpp, AvgPoolKernel.cpp)
 * exactly as the TypeScript reference (src/kernels/pool2d.ts) does: the first maximum wins ties,
 * a NaN wins; averages are summed in double precision.
 */

import { ConvParams } from './params';
import { fillRow } from './rows';

export function maxPoolForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const height = params.h;
  const width = params.w;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const ph = params.padTop;
  const pw = params.padLeft;
  const dh = params.dh;
  const dw = params.dw;
  const outH = params.outH;
  const outW = params.outW;
  const x = params.x;
  const y = params.y;
  const indices = params.indices;
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
  const params = changetype<ConvParams>(p);
  const plane = params.h * params.w;
  const outPlane = params.outH * params.outW;
  const gy = params.y;
  const gx = params.gx;
  const indices = params.indices;
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
function windowSize(hStart: i32, hEnd: i32, wStart: i32, wEnd: i32, h0: i32, h1: i32, w0: i32, w1: i32, params: ConvParams): f64 {
  const divisor = params.divisor;
  if (divisor != 0) return <f64>divisor;
  return params.countIncludePad != 0 ? <f64>((hEnd - hStart) * (wEnd - wStart)) : <f64>((h1 - h0) * (w1 - w0));
}

export function avgPoolForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const height = params.h;
  const width = params.w;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const ph = params.padTop;
  const pw = params.padLeft;
  const outH = params.outH;
  const outW = params.outW;
  const x = params.x;
  const y = params.y;
  const plane = height * width;
  if (isHalving(kh, kw, sh, sw, ph, pw, outH, outW, height, width)) {
    halvingAverage(x, y, start, end, height, width, outH, outW, halvingDivisor(params));
    return;
  }
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
        store<f32>(q, <f32>(sum / windowSize(hStart, hEnd, wStart, wEnd, h0, h1, w0, w1, params)));
      }
    }
  }
}

export function avgPoolBackward(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const height = params.h;
  const width = params.w;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const ph = params.padTop;
  const pw = params.padLeft;
  const outH = params.outH;
  const outW = params.outW;
  const gy = params.y;
  const gx = params.gx;
  const plane = height * width;
  const halving = isHalving(kh, kw, sh, sw, ph, pw, outH, outW, height, width);
  for (let item = start; item < end; item++) {
    const gxPlane = gx + ((<usize>item * <usize>plane) << 2);
    fillRow(gxPlane, plane, 0);
    let q = gy + ((<usize>item * <usize>(outH * outW)) << 2);
    if (halving) {
      halvingAverageBackward(q, gxPlane, width, outH, outW, halvingDivisor(params));
      continue;
    }
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
        const share = <f64>load<f32>(q) / windowSize(hStart, hEnd, wStart, wEnd, h0, h1, w0, w1, params);
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

/**
 * 2 x 2 windows, stride 2, no padding, every window inside the plane (LeNet's and most
 * networks' pooling): the general loops' arithmetic, operation for operation, two or four
 * outputs at a time.
 */
@inline
function isHalving(kh: i32, kw: i32, sh: i32, sw: i32, ph: i32, pw: i32, outH: i32, outW: i32, height: i32, width: i32): bool {
  return kh == 2 && kw == 2 && sh == 2 && sw == 2 && ph == 0 && pw == 0 && 2 * outH <= height && 2 * outW <= width;
}

/** A whole window's divisor: the override, else its 4 elements (none of them padding). */
@inline
function halvingDivisor(params: ConvParams): f64 {
  const divisor = params.divisor;
  return divisor != 0 ? <f64>divisor : 4;
}

/** Sums from +0 in double precision (so four -0 give +0, as the general loop's do), then divides. */
function halvingAverage(x: usize, y: usize, start: i32, end: i32, height: i32, width: i32, outH: i32, outW: i32, d: f64): void {
  const zero = f64x2.splat(0);
  const dv = f64x2.splat(d);
  let q = y + ((<usize>start * <usize>(outH * outW)) << 2);
  for (let item = start; item < end; item++) {
    const xPlane = x + ((<usize>item * <usize>(height * width)) << 2);
    for (let oh = 0; oh < outH; oh++) {
      const r0 = xPlane + (<usize>(2 * oh * width) << 2);
      const r1 = r0 + (<usize>width << 2);
      let ow = 0;
      for (; ow + 2 <= outW; ow += 2, q += 8) {
        const o = <usize>ow << 3;
        const a = v128.load(r0 + o);
        const b = v128.load(r1 + o);
        let sum = f64x2.add(zero, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 0, 2, 0, 2)));
        sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 1, 3, 1, 3)));
        sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 0, 2, 0, 2)));
        sum = f64x2.add(sum, f64x2.promote_low_f32x4(v128.shuffle<f32>(b, b, 1, 3, 1, 3)));
        v128.store64_lane(q, f32x4.demote_f64x2_zero(f64x2.div(sum, dv)), 0);
      }
      for (; ow < outW; ow++, q += 4) {
        const o = <usize>ow << 3;
        let sum: f64 = 0;
        sum += <f64>load<f32>(r0 + o);
        sum += <f64>load<f32>(r0 + o + 4);
        sum += <f64>load<f32>(r1 + o);
        sum += <f64>load<f32>(r1 + o + 4);
        store<f32>(q, <f32>(sum / d));
      }
    }
  }
}

/**
 * Each input element gets its window's gradient over the divisor, added to +0 (a -0 share gives
 * +0, as the general loop's sum does); float32 division of a float32 by an integer divisor rounds
 * as the general loop's double division then float32 store does. The plane was zeroed (rows and
 * columns no window covers keep 0).
 */
function halvingAverageBackward(q: usize, gxPlane: usize, width: i32, outH: i32, outW: i32, d: f64): void {
  const zero = f32x4.splat(0);
  const dv = f32x4.splat(<f32>d);
  // A divisor float32 cannot hold exactly takes the scalar loop.
  const vector = abs(d) <= 16777216;
  for (let oh = 0; oh < outH; oh++) {
    const r0 = gxPlane + (<usize>(2 * oh * width) << 2);
    const r1 = r0 + (<usize>width << 2);
    let ow = 0;
    for (; vector && ow + 4 <= outW; ow += 4, q += 16) {
      const share = f32x4.add(f32x4.div(v128.load(q), dv), zero);
      const lo = v128.shuffle<f32>(share, share, 0, 0, 1, 1);
      const hi = v128.shuffle<f32>(share, share, 2, 2, 3, 3);
      const o = <usize>ow << 3;
      v128.store(r0 + o, lo);
      v128.store(r0 + o + 16, hi);
      v128.store(r1 + o, lo);
      v128.store(r1 + o + 16, hi);
    }
    for (; ow < outW; ow++, q += 4) {
      const share = <f32>(0 + <f64>load<f32>(q) / d);
      const o = <usize>ow << 3;
      store<f32>(r0 + o, share);
      store<f32>(r0 + o + 4, share);
      store<f32>(r1 + o, share);
      store<f32>(r1 + o + 4, share);
    }
  }
}
