import { formatShape } from '../shape.js';
import {
  allocLike,
  checkSize,
  expandPair,
  type FloatArray,
  type Pair,
  poolOutputSize,
  requireNonNegative,
  requirePositive,
} from './shape.js';

/**
 * 2-D pooling over the last two dimensions of x (leading dimensions are independent planes,
 * so [N, C, H, W] and [C, H, W] both work), following PyTorch's CPU kernels
 * (aten/src/ATen/native/cpu/MaxPoolKernel.cpp, AvgPoolKernel.cpp, AdaptiveAvgPoolKernel.cpp)
 * and their checks (aten/src/ATen/native/Pool.h).
 */

export interface MaxPool2dParams {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;
}

export interface AvgPool2dParams {
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  /** Divide every window by this instead of its size. */
  readonly divisorOverride?: number | null;
}

/** The sizes of one pooling call, checked: planes are the leading dimensions flattened. */
export interface PoolGeometry {
  readonly planes: number;
  readonly H: number;
  readonly W: number;
  readonly kH: number;
  readonly kW: number;
  readonly sH: number;
  readonly sW: number;
  readonly pH: number;
  readonly pW: number;
  readonly dH: number;
  readonly dW: number;
  readonly outH: number;
  readonly outW: number;
  readonly outShape: number[];
}

function poolGeometry(
  op: string,
  xShape: readonly number[],
  kernel: Pair,
  stride: Pair,
  padding: Pair,
  dilation: Pair,
  ceilMode: boolean,
): PoolGeometry {
  if (xShape.length < 2) throw new Error(`${op}: expected an input [..., H, W], got ${formatShape(xShape)}`);
  const [kH, kW] = expandPair(op, 'kernel_size', kernel);
  const [sH, sW] = expandPair(op, 'stride', stride);
  const [pH, pW] = expandPair(op, 'padding', padding);
  const [dH, dW] = expandPair(op, 'dilation', dilation);
  requirePositive(op, 'kernel_size', [kH, kW]);
  requirePositive(op, 'stride', [sH, sW]);
  requirePositive(op, 'dilation', [dH, dW]);
  requireNonNegative(op, 'padding', [pH, pW]);
  const effH = (kH - 1) * dH + 1;
  const effW = (kW - 1) * dW + 1;
  if (pH > Math.floor(effH / 2) || pW > Math.floor(effW / 2)) {
    throw new Error(
      `${op}: pad should be at most half of effective kernel size, but got pad=[${pH}, ${pW}], ` +
        `kernel_size=[${kH}, ${kW}] and dilation=[${dH}, ${dW}]`,
    );
  }
  const rank = xShape.length;
  const H = xShape[rank - 2];
  const W = xShape[rank - 1];
  const outH = poolOutputSize(H, kH, sH, pH, dH, ceilMode);
  const outW = poolOutputSize(W, kW, sW, pW, dW, ceilMode);
  if (outH < 1 || outW < 1) {
    throw new Error(
      `${op}: given input ${formatShape(xShape)}, the calculated output size [${outH}, ${outW}] is too small`,
    );
  }
  let planes = 1;
  for (let d = 0; d < rank - 2; d++) planes *= xShape[d];
  const outShape = [...xShape.slice(0, rank - 2), outH, outW];
  return { planes, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, outShape };
}

function checkGradShape(op: string, gyShape: readonly number[], expected: readonly number[]): void {
  if (gyShape.length !== expected.length || expected.some((d, i) => d !== gyShape[i])) {
    throw new Error(`${op}: expected grad_output ${formatShape(expected)}, got ${formatShape(gyShape)}`);
  }
}

/** Geometry of `maxPool2dForward`, with its checks. */
export function maxPool2dGeometry(xShape: readonly number[], params: MaxPool2dParams): PoolGeometry {
  const { kernel, stride, padding, dilation, ceilMode } = params;
  return poolGeometry('max_pool2d', xShape, kernel, stride, padding, dilation, ceilMode);
}

/** Output shape of `maxPool2dForward`, with its checks. */
export function maxPool2dOutputShape(xShape: readonly number[], params: MaxPool2dParams): number[] {
  return maxPool2dGeometry(xShape, params).outShape;
}

/**
 * Max over each (dilated) window, padding counting as -inf. `indices` holds, per output, the
 * flat position h * W + w of the maximum within its plane, as PyTorch's `return_indices=True`
 * does: the first maximum on ties, and a NaN wins (the last NaN, since every NaN replaces).
 */
export function maxPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  params: MaxPool2dParams,
  out?: T,
): { out: T; outShape: number[]; indices: Int32Array } {
  const op = 'max_pool2d';
  const { kernel, stride, padding, dilation, ceilMode } = params;
  const g = poolGeometry(op, xShape, kernel, stride, padding, dilation, ceilMode);
  checkSize(op, 'input', x, xShape);
  const { planes, H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, outShape } = g;
  const y = out ?? allocLike(x, planes * outH * outW);
  checkSize(op, 'out', y, outShape);
  const indices = new Int32Array(planes * outH * outW);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      let h0 = oh * sH - pH;
      const h1 = Math.min(h0 + (kH - 1) * dH + 1, H);
      while (h0 < 0) h0 += dH;
      for (let ow = 0; ow < outW; ow++, q++) {
        let w0 = ow * sW - pW;
        const w1 = Math.min(w0 + (kW - 1) * dW + 1, W);
        while (w0 < 0) w0 += dW;
        let best = Number.NEGATIVE_INFINITY;
        let at = h0 * W + w0;
        for (let h = h0; h < h1; h += dH) {
          const row = h * W;
          for (let w = w0; w < w1; w += dW) {
            const v = x[plane + row + w];
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = row + w;
            }
          }
        }
        y[q] = best;
        indices[q] = at;
      }
    }
  }
  return { out: y, outShape, indices };
}

/**
 * Gradient of max pooling: each output gradient goes to the input position its index names.
 * `gyShape` is the pooled shape; leading dimensions must match `xShape`.
 */
export function maxPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  indices: Int32Array,
  xShape: readonly number[],
  out?: T,
): T {
  const op = 'max_pool2d backward';
  const rank = xShape.length;
  if (rank < 2 || gyShape.length !== rank || xShape.slice(0, rank - 2).some((d, i) => d !== gyShape[i])) {
    throw new Error(`${op}: grad_output ${formatShape(gyShape)} does not match input ${formatShape(xShape)}`);
  }
  checkSize(op, 'grad_output', gy, gyShape);
  if (indices.length !== gy.length) {
    throw new Error(`${op}: got ${indices.length} indices for grad_output ${formatShape(gyShape)}`);
  }
  const H = xShape[rank - 2];
  const W = xShape[rank - 1];
  const plane = H * W;
  const outPlane = gyShape[rank - 2] * gyShape[rank - 1];
  let planes = 1;
  for (let d = 0; d < rank - 2; d++) planes *= xShape[d];
  const gx = out ?? allocLike(gy, planes * plane);
  checkSize(op, 'out', gx, xShape);
  if (out) gx.fill(0);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let i = 0; i < outPlane; i++, q++) {
      const at = indices[q];
      if (at >= 0 && at < plane) gx[base + at] += gy[q];
    }
  }
  return gx;
}

/** Output shape of `avgPool2dForward`, with its checks. */
export function avgPool2dOutputShape(xShape: readonly number[], params: AvgPool2dParams): number[] {
  return avgGeometry('avg_pool2d', xShape, params).outShape;
}

/** Geometry of `avgPool2dForward`, with its checks. */
export function avgPool2dGeometry(xShape: readonly number[], params: AvgPool2dParams): PoolGeometry {
  return avgGeometry('avg_pool2d', xShape, params);
}

function avgGeometry(op: string, xShape: readonly number[], params: AvgPool2dParams): PoolGeometry {
  const { kernel, stride, padding, ceilMode, divisorOverride } = params;
  if (divisorOverride !== undefined && divisorOverride !== null) {
    if (!Number.isInteger(divisorOverride) || divisorOverride === 0) {
      throw new Error(`${op}: divisor must be a non-zero integer, got ${divisorOverride}`);
    }
  }
  return poolGeometry(op, xShape, kernel, stride, padding, 1, ceilMode);
}

/**
 * Mean over each window, as AvgPoolKernel.cpp: a window is clipped to the padded input
 * [-p, size + p) to get its pool size (the divisor with `countIncludePad`), then to the input
 * [0, size) for the sum and the divisor without it. `divisorOverride` replaces both.
 */
export function avgPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  params: AvgPool2dParams,
  out?: T,
): { out: T; outShape: number[] } {
  const op = 'avg_pool2d';
  const g = avgGeometry(op, xShape, params);
  checkSize(op, 'input', x, xShape);
  const { planes, H, W, kH, kW, sH, sW, pH, pW, outH, outW, outShape } = g;
  const { countIncludePad } = params;
  const divisor = params.divisorOverride ?? 0;
  const y = out ?? allocLike(x, planes * outH * outW);
  checkSize(op, 'out', y, outShape);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      const hStart = oh * sH - pH;
      const hEnd = Math.min(hStart + kH, H + pH);
      const h0 = Math.max(hStart, 0);
      const h1 = Math.min(hEnd, H);
      for (let ow = 0; ow < outW; ow++, q++) {
        const wStart = ow * sW - pW;
        const wEnd = Math.min(wStart + kW, W + pW);
        const w0 = Math.max(wStart, 0);
        const w1 = Math.min(wEnd, W);
        if (h0 >= h1 || w0 >= w1) {
          y[q] = 0;
          continue;
        }
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          const row = plane + h * W;
          for (let w = w0; w < w1; w++) sum += x[row + w];
        }
        const factor =
          divisor !== 0
            ? divisor
            : countIncludePad
              ? (hEnd - hStart) * (wEnd - wStart)
              : (h1 - h0) * (w1 - w0);
        y[q] = sum / factor;
      }
    }
  }
  return { out: y, outShape };
}

/** Gradient of average pooling: each output gradient spread over its window's real inputs. */
export function avgPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  xShape: readonly number[],
  params: AvgPool2dParams,
  out?: T,
): T {
  const op = 'avg_pool2d backward';
  const g = avgGeometry(op, xShape, params);
  checkGradShape(op, gyShape, g.outShape);
  checkSize(op, 'grad_output', gy, gyShape);
  const { planes, H, W, kH, kW, sH, sW, pH, pW, outH, outW } = g;
  const { countIncludePad } = params;
  const divisor = params.divisorOverride ?? 0;
  const gx = out ?? allocLike(gy, planes * H * W);
  checkSize(op, 'out', gx, xShape);
  if (out) gx.fill(0);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      const hStart = oh * sH - pH;
      const hEnd = Math.min(hStart + kH, H + pH);
      const h0 = Math.max(hStart, 0);
      const h1 = Math.min(hEnd, H);
      for (let ow = 0; ow < outW; ow++, q++) {
        const wStart = ow * sW - pW;
        const wEnd = Math.min(wStart + kW, W + pW);
        const w0 = Math.max(wStart, 0);
        const w1 = Math.min(wEnd, W);
        if (h0 >= h1 || w0 >= w1) continue;
        const factor =
          divisor !== 0
            ? divisor
            : countIncludePad
              ? (hEnd - hStart) * (wEnd - wStart)
              : (h1 - h0) * (w1 - w0);
        const share = gy[q] / factor;
        for (let h = h0; h < h1; h++) {
          const row = plane + h * W;
          for (let w = w0; w < w1; w++) gx[row + w] += share;
        }
      }
    }
  }
  return gx;
}
