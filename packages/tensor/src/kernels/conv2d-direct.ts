import type { Conv2dGeometry } from './conv2d-geometry.js';
import type { FloatArray } from './shape.js';

/**
 * Direct conv2d loops for groups with few output channels (depthwise convolutions, a final
 * 1-channel layer), where a GEMM per group would be a thin matrix product that costs more to
 * pack than to compute. Each weight is applied to whole output rows, whose valid column range
 * [owLo, owHi) is computed once per kernel column; sums stay in double precision.
 */

/** Per kernel column kj: the output columns whose input column lies inside [0, width). */
function columnRanges(g: Conv2dGeometry): Int32Array {
  const ranges = new Int32Array(2 * g.kernelW);
  for (let kj = 0; kj < g.kernelW; kj++) {
    const shift = kj * g.dilationW - g.padLeft;
    const lo = shift >= 0 ? 0 : Math.min(g.outW, Math.ceil(-shift / g.strideW));
    const hi =
      g.width - shift <= 0 ? lo : Math.max(lo, Math.min(g.outW, Math.ceil((g.width - shift) / g.strideW)));
    ranges[2 * kj] = lo;
    ranges[2 * kj + 1] = hi;
  }
  return ranges;
}

/** Per kernel row ki: the output rows whose input row lies inside [0, height). */
function rowRanges(g: Conv2dGeometry): Int32Array {
  const ranges = new Int32Array(2 * g.kernelH);
  for (let ki = 0; ki < g.kernelH; ki++) {
    const shift = ki * g.dilationH - g.padTop;
    const lo = shift >= 0 ? 0 : Math.min(g.outH, Math.ceil(-shift / g.strideH));
    const hi =
      g.height - shift <= 0 ? lo : Math.max(lo, Math.min(g.outH, Math.ceil((g.height - shift) / g.strideH)));
    ranges[2 * ki] = lo;
    ranges[2 * ki + 1] = hi;
  }
  return ranges;
}

export function conv2dDirectForward(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  g: Conv2dGeometry,
  y: FloatArray,
): void {
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, outH, outW } = g;
  const { kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, padTop, padLeft, dilationH, dilationW } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const L = outH * outW;
  const rows = rowRanges(g);
  const cols = columnRanges(g);
  const acc = new Float64Array(L);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      acc.fill(bias === null ? 0 : bias[o]);
      const firstChannel = n * C + Math.floor(o / Og) * Cg;
      for (let c = 0; c < Cg; c++) {
        const plane = (firstChannel + c) * H * W;
        const wBase = (o * Cg + c) * kh * kw;
        for (let ki = 0; ki < kh; ki++) {
          const ohLo = rows[2 * ki];
          const ohHi = rows[2 * ki + 1];
          const rowShift = ki * dilationH - padTop;
          for (let kj = 0; kj < kw; kj++) {
            const owLo = cols[2 * kj];
            const owHi = cols[2 * kj + 1];
            const colShift = kj * dilationW - padLeft;
            const wv = w[wBase + ki * kw + kj];
            for (let oh = ohLo; oh < ohHi; oh++) {
              let p = plane + (oh * sh + rowShift) * W + owLo * sw + colShift;
              const q0 = oh * outW;
              for (let q = q0 + owLo, end = q0 + owHi; q < end; q++, p += sw) acc[q] += wv * x[p];
            }
          }
        }
      }
      y.set(acc, (n * O + o) * L);
    }
  }
}

export function conv2dDirectBackwardInput(
  gy: FloatArray,
  w: FloatArray,
  g: Conv2dGeometry,
  gx: FloatArray,
): void {
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, outH, outW } = g;
  const { kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, padTop, padLeft, dilationH, dilationW } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const L = outH * outW;
  const rows = rowRanges(g);
  const cols = columnRanges(g);
  const image = new Float64Array(C * H * W);
  for (let n = 0; n < batch; n++) {
    image.fill(0);
    for (let o = 0; o < O; o++) {
      const gyPlane = (n * O + o) * L;
      const firstChannel = Math.floor(o / Og) * Cg;
      for (let c = 0; c < Cg; c++) {
        const plane = (firstChannel + c) * H * W;
        const wBase = (o * Cg + c) * kh * kw;
        for (let ki = 0; ki < kh; ki++) {
          const ohLo = rows[2 * ki];
          const ohHi = rows[2 * ki + 1];
          const rowShift = ki * dilationH - padTop;
          for (let kj = 0; kj < kw; kj++) {
            const owLo = cols[2 * kj];
            const owHi = cols[2 * kj + 1];
            const colShift = kj * dilationW - padLeft;
            const wv = w[wBase + ki * kw + kj];
            for (let oh = ohLo; oh < ohHi; oh++) {
              let p = plane + (oh * sh + rowShift) * W + owLo * sw + colShift;
              const q0 = gyPlane + oh * outW;
              for (let q = q0 + owLo, end = q0 + owHi; q < end; q++, p += sw) image[p] += wv * gy[q];
            }
          }
        }
      }
    }
    gx.set(image, n * C * H * W);
  }
}

export function conv2dDirectBackwardWeight(
  x: FloatArray,
  gy: FloatArray,
  g: Conv2dGeometry,
  gw: Float64Array,
): void {
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, outH, outW } = g;
  const { kernelH: kh, kernelW: kw, strideH: sh, strideW: sw, padTop, padLeft, dilationH, dilationW } = g;
  const Cg = C / groups;
  const Og = O / groups;
  const L = outH * outW;
  const rows = rowRanges(g);
  const cols = columnRanges(g);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < O; o++) {
      const gyPlane = (n * O + o) * L;
      const firstChannel = n * C + Math.floor(o / Og) * Cg;
      for (let c = 0; c < Cg; c++) {
        const plane = (firstChannel + c) * H * W;
        const wBase = (o * Cg + c) * kh * kw;
        for (let ki = 0; ki < kh; ki++) {
          const ohLo = rows[2 * ki];
          const ohHi = rows[2 * ki + 1];
          const rowShift = ki * dilationH - padTop;
          for (let kj = 0; kj < kw; kj++) {
            const owLo = cols[2 * kj];
            const owHi = cols[2 * kj + 1];
            const colShift = kj * dilationW - padLeft;
            let sum = 0;
            for (let oh = ohLo; oh < ohHi; oh++) {
              let p = plane + (oh * sh + rowShift) * W + owLo * sw + colShift;
              const q0 = gyPlane + oh * outW;
              for (let q = q0 + owLo, end = q0 + owHi; q < end; q++, p += sw) sum += gy[q] * x[p];
            }
            gw[wBase + ki * kw + kj] += sum;
          }
        }
      }
    }
  }
}
