/**
 * Direct conv2d loops for groups with few output channels (depthwise convolutions, a final
 * one-channel layer), where a GEMM per group would be a thin product that costs more to pack
 * than to compute. With unit stride the input plane (or, for the input gradient, the output
 * gradient) is first copied into a zero-padded plane, so every tap of every output is in
 * bounds and four outputs are computed at once; other strides use scalar loops over the valid
 * ranges. Work items: forward (image, output channel), input gradient (image, input channel),
 * weight gradient (output channel); none depends on how items are split between threads.
 */

import { ConvParams, endInside, firstInside } from './params';
import { copyRow, fillRow } from './rows';
import { backwardInput3x3, forward3x3, padPlane, weightDots3x3 } from './direct3x3';

/** Rows and columns of the padded input plane the unit-stride forward reads. */
@inline
function paddedRows(params: ConvParams): i32 {
  return (params.outH - 1) * params.sh + (params.kh - 1) * params.dh + 1;
}

@inline
function paddedCols(params: ConvParams): i32 {
  return params.outW - 1 + (params.kw - 1) * params.dw + 1;
}

export function directForwardScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  return params.sw == 1 ? (paddedRows(params) * paddedCols(params)) << 2 : 0;
}

/** y[n, o] = bias[o] + sum over the group's channels and taps. Items: n * O + o. */
export function directForward(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const height = params.h;
  const width = params.w;
  const outChannels = params.o;
  const groups = params.groups;
  const Cg = channels / groups;
  const Og = outChannels / groups;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const dh = params.dh;
  const dw = params.dw;
  const padTop = params.padTop;
  const padLeft = params.padLeft;
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const x = params.x;
  const w = params.weight;
  const bias = params.bias;
  const y = params.y;
  const rows = paddedRows(params);
  const cols = paddedCols(params);
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
function gradRows(params: ConvParams): i32 {
  return params.outH + 2 * (params.kh - 1) * params.dh;
}

@inline
function gradCols(params: ConvParams): i32 {
  return params.outW + 2 * (params.kw - 1) * params.dw;
}

@inline
function unitStride(params: ConvParams): bool {
  return params.sh == 1 && params.sw == 1;
}

export function directBackwardInputScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  return unitStride(params) ? (gradRows(params) * gradCols(params)) << 2 : 0;
}

/**
 * gx[n, c] = sum over the group's output channels of gy correlated with the flipped kernel.
 * With unit stride: gx[ih, iw] = sum w[ki, kj] gy[ih + padTop - ki dh, iw + padLeft - kj dw],
 * read from gy padded by (k - 1) d on every side. Items: n * C + c.
 */
export function directBackwardInput(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const height = params.h;
  const width = params.w;
  const outChannels = params.o;
  const groups = params.groups;
  const Cg = channels / groups;
  const Og = outChannels / groups;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const dh = params.dh;
  const dw = params.dw;
  const padTop = params.padTop;
  const padLeft = params.padLeft;
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const w = params.weight;
  const gy = params.y;
  const gx = params.gx;
  const unit = unitStride(params);
  const rows = gradRows(params);
  const cols = gradCols(params);
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
  const params = changetype<ConvParams>(p);
  return DOTS_BYTES + (params.sw == 1 ? (paddedRows(params) * paddedCols(params)) << 2 : 0);
}

/** Horizontal sum of a vector, lanes in order. */
@inline
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** gw[o, cl, ki, kj] = sum over images and positions of gy[n, o] times the tap's input. Items: o. */
export function directBackwardWeight(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const batch = params.n;
  const channels = params.c;
  const height = params.h;
  const width = params.w;
  const outChannels = params.o;
  const groups = params.groups;
  const Cg = channels / groups;
  const Og = outChannels / groups;
  const kh = params.kh;
  const kw = params.kw;
  const sh = params.sh;
  const sw = params.sw;
  const dh = params.dh;
  const dw = params.dw;
  const padTop = params.padTop;
  const padLeft = params.padLeft;
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const x = params.x;
  const gy = params.y;
  const gw = params.gw;
  const rows = paddedRows(params);
  const cols = paddedCols(params);
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
