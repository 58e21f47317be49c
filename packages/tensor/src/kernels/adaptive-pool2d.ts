import { formatShape } from '../shape.js';
import { allocLike, checkSize, expandPair, type FloatArray, type Pair } from './shape.js';

/**
 * Adaptive average pooling (PyTorch's adaptive_avg_pool2d): output cell (i, j) averages input
 * rows [floor(i H / oh), ceil((i + 1) H / oh)) and the like for columns, so windows may overlap.
 */

/** [planes, outH, outW] for an input and output size, with the checks (webgpu/adaptive-pool2d.ts too). */
export function adaptiveShape(
  op: string,
  xShape: readonly number[],
  outputSize: Pair,
): [number, number, number] {
  if (xShape.length < 2) throw new Error(`${op}: expected an input [..., H, W], got ${formatShape(xShape)}`);
  const [oh, ow] = expandPair(op, 'output_size', outputSize);
  if (oh < 0 || ow < 0) throw new Error(`${op}: output_size must be non-negative, got [${oh}, ${ow}]`);
  const rank = xShape.length;
  if (xShape[rank - 2] < 1 || xShape[rank - 1] < 1) {
    throw new Error(`${op}: expected an input with non-zero spatial size, got ${formatShape(xShape)}`);
  }
  let planes = 1;
  for (let d = 0; d < rank - 2; d++) planes *= xShape[d];
  return [planes, oh, ow];
}

/** `adaptiveShape` for the backward, whose output size is `gyShape`'s, which must match the input's planes. */
export function adaptiveBackwardShape(
  op: string,
  gyShape: readonly number[],
  xShape: readonly number[],
): [number, number, number] {
  const rank = xShape.length;
  if (gyShape.length !== rank || xShape.slice(0, rank - 2).some((d, i) => d !== gyShape[i])) {
    throw new Error(`${op}: grad_output ${formatShape(gyShape)} does not match input ${formatShape(xShape)}`);
  }
  return adaptiveShape(op, xShape, [gyShape[rank - 2], gyShape[rank - 1]]);
}

/**
 * Adaptive average pooling to [outH, outW]: output i along an axis of size n averages input
 * [floor(i * n / out), ceil((i + 1) * n / out)), as AdaptiveAvgPoolKernel.cpp.
 */
export function adaptiveAvgPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  outputSize: Pair,
  out?: T,
): { out: T; outShape: number[] } {
  const op = 'adaptive_avg_pool2d';
  const [planes, outH, outW] = adaptiveShape(op, xShape, outputSize);
  checkSize(op, 'input', x, xShape);
  const rank = xShape.length;
  const H = xShape[rank - 2];
  const W = xShape[rank - 1];
  const outShape = [...xShape.slice(0, rank - 2), outH, outW];
  const y = out ?? allocLike(x, planes * outH * outW);
  checkSize(op, 'out', y, outShape);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = Math.floor((oh * H) / outH);
      const h1 = Math.ceil(((oh + 1) * H) / outH);
      for (let ow = 0; ow < outW; ow++, q++) {
        const w0 = Math.floor((ow * W) / outW);
        const w1 = Math.ceil(((ow + 1) * W) / outW);
        let sum = 0;
        for (let h = h0; h < h1; h++) {
          const row = plane + h * W;
          for (let w = w0; w < w1; w++) sum += x[row + w];
        }
        y[q] = sum / ((h1 - h0) * (w1 - w0));
      }
    }
  }
  return { out: y, outShape };
}

/** Gradient of adaptive average pooling; the output size is read from `gyShape`. */
export function adaptiveAvgPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  xShape: readonly number[],
  out?: T,
): T {
  const op = 'adaptive_avg_pool2d backward';
  const rank = xShape.length;
  const [planes, outH, outW] = adaptiveBackwardShape(op, gyShape, xShape);
  checkSize(op, 'grad_output', gy, gyShape);
  const H = xShape[rank - 2];
  const W = xShape[rank - 1];
  const gx = out ?? allocLike(gy, planes * H * W);
  checkSize(op, 'out', gx, xShape);
  if (out) gx.fill(0);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = Math.floor((oh * H) / outH);
      const h1 = Math.ceil(((oh + 1) * H) / outH);
      for (let ow = 0; ow < outW; ow++, q++) {
        const w0 = Math.floor((ow * W) / outW);
        const w1 = Math.ceil(((ow + 1) * W) / outW);
        const share = gy[q] / ((h1 - h0) * (w1 - w0));
        for (let h = h0; h < h1; h++) {
          const row = plane + h * W;
          for (let w = w0; w < w1; w++) gx[row + w] += share;
        }
      }
    }
  }
  return gx;
}
