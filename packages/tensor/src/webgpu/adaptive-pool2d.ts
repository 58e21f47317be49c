import { adaptiveBackwardShape, adaptiveShape } from '../kernels/adaptive-pool2d.js';
import type { Pair } from '../kernels/shape.js';
import { checkArray } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * Adaptive average pooling with the reference's arguments (kernels/adaptive-pool2d.ts): output
 * i along an axis of size n averages input [floor(i n / out), ceil((i + 1) n / out)). The
 * backward runs one thread per input element, summing the shares of the windows that hold it.
 */

const WINDOWS = `
fn windowStart(i: i32, n: i32, out: i32) -> i32 { return (i * n) / out; }
fn windowEnd(i: i32, n: i32, out: i32) -> i32 { return ((i + 1) * n + out - 1) / out; }`;

const PARAMS = [
  ['H', 'i32'],
  ['W', 'i32'],
  ['outH', 'i32'],
  ['outW', 'i32'],
] as const;

const FORWARD: KernelSource = {
  name: 'adaptiveAvgPool2d',
  params: PARAMS,
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  helpers: WINDOWS,
  body: `
  let ow = i % P.outW;
  let oh = (i / P.outW) % P.outH;
  let plane = i / (P.outW * P.outH);
  let h0 = windowStart(oh, P.H, P.outH);
  let h1 = windowEnd(oh, P.H, P.outH);
  let w0 = windowStart(ow, P.W, P.outW);
  let w1 = windowEnd(ow, P.W, P.outW);
  var sum = 0.0;
  for (var h = h0; h < h1; h++) {
    for (var w = w0; w < w1; w++) { sum += x[(plane * P.H + h) * P.W + w]; }
  }
  y[i] = sum / f32((h1 - h0) * (w1 - w0));`,
};

const BACKWARD: KernelSource = {
  name: 'adaptiveAvgPool2dBackward',
  params: PARAMS,
  buffers: [
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'gx', type: 'f32', access: 'read_write' },
  ],
  helpers: WINDOWS,
  body: `
  let w = i % P.W;
  let h = (i / P.W) % P.H;
  let plane = i / (P.W * P.H);
  var acc = 0.0;
  for (var oh = 0; oh < P.outH; oh++) {
    let h0 = windowStart(oh, P.H, P.outH);
    let h1 = windowEnd(oh, P.H, P.outH);
    if (h < h0 || h >= h1) { continue; }
    for (var ow = 0; ow < P.outW; ow++) {
      let w0 = windowStart(ow, P.W, P.outW);
      let w1 = windowEnd(ow, P.W, P.outW);
      if (w >= w0 && w < w1) {
        acc += gy[(plane * P.outH + oh) * P.outW + ow] / f32((h1 - h0) * (w1 - w0));
      }
    }
  }
  gx[i] = acc;`,
};

export function adaptiveAvgPool2dForward(
  x: GpuArray,
  xShape: readonly number[],
  outputSize: Pair,
): { out: GpuArray; outShape: number[] } {
  const op = 'adaptive_avg_pool2d';
  const [planes, outH, outW] = adaptiveShape(op, xShape, outputSize);
  checkArray(op, 'input', x, xShape);
  const rank = xShape.length;
  const out = x.gpu.zeros(planes * outH * outW);
  x.gpu.run(FORWARD, out.length, [x, out], [xShape[rank - 2], xShape[rank - 1], outH, outW]);
  return { out, outShape: [...xShape.slice(0, rank - 2), outH, outW] };
}

export function adaptiveAvgPool2dBackward(
  gy: GpuArray,
  gyShape: readonly number[],
  xShape: readonly number[],
): GpuArray {
  const op = 'adaptive_avg_pool2d backward';
  const rank = xShape.length;
  const [planes, outH, outW] = adaptiveBackwardShape(op, gyShape, xShape);
  checkArray(op, 'grad_output', gy, gyShape);
  const gx = gy.gpu.zeros(planes * xShape[rank - 2] * xShape[rank - 1]);
  gy.gpu.run(BACKWARD, gx.length, [gy, gx], [xShape[rank - 2], xShape[rank - 1], outH, outW]);
  return gx;
}
