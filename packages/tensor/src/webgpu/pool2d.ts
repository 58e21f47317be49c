import {
  type AvgPool2dParams,
  avgPool2dGeometry,
  type MaxPool2dParams,
  maxPool2dGeometry,
  type PoolGeometry,
} from '../kernels/pool2d.js';
import { formatShape } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * Max and average pooling over the last two dimensions, forward one thread per output. The
 * average's backward is one thread per input element gathering from the windows that cover its
 * pixel (WebGPU has no float atomics to scatter with), in the order the reference kernels
 * (kernels/pool2d.ts) add them. Shapes are checked by the reference's geometry.
 */

const PARAMS = [
  ['H', 'i32'],
  ['W', 'i32'],
  ['kH', 'i32'],
  ['kW', 'i32'],
  ['sH', 'i32'],
  ['sW', 'i32'],
  ['pH', 'i32'],
  ['pW', 'i32'],
  ['dH', 'i32'],
  ['dW', 'i32'],
  ['outH', 'i32'],
  ['outW', 'i32'],
  ['countIncludePad', 'i32'],
  ['divisor', 'i32'],
] as const;

function paramValues(g: PoolGeometry, countIncludePad = false, divisor = 0): number[] {
  const { H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW } = g;
  return [H, W, kH, kW, sH, sW, pH, pW, dH, dW, outH, outW, countIncludePad ? 1 : 0, divisor];
}

const MAX_FORWARD: KernelSource = {
  name: 'maxPool2dForward',
  params: PARAMS,
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
    { name: 'indices', type: 'i32', access: 'read_write' },
  ],
  body: `
  let ow = i % P.outW;
  let oh = (i / P.outW) % P.outH;
  let plane = (i / (P.outW * P.outH)) * P.H * P.W;
  var h0 = oh * P.sH - P.pH;
  let h1 = min(h0 + (P.kH - 1) * P.dH + 1, P.H);
  while (h0 < 0) { h0 += P.dH; }
  var w0 = ow * P.sW - P.pW;
  let w1 = min(w0 + (P.kW - 1) * P.dW + 1, P.W);
  while (w0 < 0) { w0 += P.dW; }
  // Pooling's checks (padding at most half the window) leave every window a pixel to start from;
  // WGSL cannot write -inf as a constant.
  var at = h0 * P.W + w0;
  var best = x[plane + at];
  for (var h = h0; h < h1; h += P.dH) {
    for (var w = w0; w < w1; w += P.dW) {
      let v = x[plane + h * P.W + w];
      if (v > best || v != v) {
        best = v;
        at = h * P.W + w;
      }
    }
  }
  y[i] = best;
  indices[i] = at;`,
};

// One thread per plane adds each output's gradient at the position its index names, in the
// reference's order: the forward's windows are not needed, so the reference's arguments suffice.
const MAX_BACKWARD: KernelSource = {
  name: 'maxPool2dBackward',
  params: [
    ['plane', 'i32'],
    ['outPlane', 'i32'],
  ],
  buffers: [
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'indices', type: 'i32', access: 'read' },
    { name: 'gx', type: 'f32', access: 'read_write' },
  ],
  body: `
  let base = i * P.plane;
  for (var q = i * P.outPlane; q < (i + 1) * P.outPlane; q++) {
    let at = indices[q];
    if (at >= 0 && at < P.plane) { gx[base + at] += gy[q]; }
  }`,
};

// The window's divisor, as AvgPoolKernel.cpp: clipped to the padded input for countIncludePad,
// to the input otherwise; a divisor override replaces both.
const AVG_HELPERS = `
fn windowStart(o: i32, stride: i32, pad: i32) -> i32 { return o * stride - pad; }
fn divisorOf(hStart: i32, wStart: i32) -> f32 {
  if (P.divisor != 0) { return f32(P.divisor); }
  let hEnd = min(hStart + P.kH, P.H + P.pH);
  let wEnd = min(wStart + P.kW, P.W + P.pW);
  if (P.countIncludePad != 0) { return f32((hEnd - hStart) * (wEnd - wStart)); }
  return f32((min(hEnd, P.H) - max(hStart, 0)) * (min(wEnd, P.W) - max(wStart, 0)));
}`;

const AVG_FORWARD: KernelSource = {
  name: 'avgPool2dForward',
  params: PARAMS,
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  helpers: AVG_HELPERS,
  body: `
  let ow = i % P.outW;
  let oh = (i / P.outW) % P.outH;
  let plane = (i / (P.outW * P.outH)) * P.H * P.W;
  let hStart = windowStart(oh, P.sH, P.pH);
  let wStart = windowStart(ow, P.sW, P.pW);
  let h0 = max(hStart, 0);
  let h1 = min(min(hStart + P.kH, P.H + P.pH), P.H);
  let w0 = max(wStart, 0);
  let w1 = min(min(wStart + P.kW, P.W + P.pW), P.W);
  if (h0 >= h1 || w0 >= w1) {
    y[i] = 0.0;
    return;
  }
  var sum = 0.0;
  for (var h = h0; h < h1; h++) {
    for (var w = w0; w < w1; w++) { sum += x[plane + h * P.W + w]; }
  }
  y[i] = sum / divisorOf(hStart, wStart);`,
};

const AVG_BACKWARD: KernelSource = {
  name: 'avgPool2dBackward',
  params: PARAMS,
  buffers: [
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'gx', type: 'f32', access: 'read_write' },
  ],
  helpers: `${AVG_HELPERS}
fn firstWindow(pos: i32, pad: i32, kernel: i32, stride: i32) -> i32 {
  let t = pos + pad - kernel + 1;
  if (t <= 0) { return 0; }
  return (t + stride - 1) / stride;
}`,
  body: `
  let w = i % P.W;
  let h = (i / P.W) % P.H;
  let outPlane = (i / (P.W * P.H)) * P.outH * P.outW;
  let ohEnd = min(P.outH - 1, (h + P.pH) / P.sH);
  let owEnd = min(P.outW - 1, (w + P.pW) / P.sW);
  var acc = 0.0;
  for (var oh = firstWindow(h, P.pH, P.kH, P.sH); oh <= ohEnd; oh++) {
    for (var ow = firstWindow(w, P.pW, P.kW, P.sW); ow <= owEnd; ow++) {
      let share = gy[outPlane + oh * P.outW + ow] / divisorOf(windowStart(oh, P.sH, P.pH), windowStart(ow, P.sW, P.pW));
      acc += share;
    }
  }
  gx[i] = acc;`,
};

function checkGradShape(op: string, gyShape: readonly number[], expected: readonly number[]): void {
  if (gyShape.length !== expected.length || expected.some((d, i) => d !== gyShape[i])) {
    throw new Error(`${op}: expected grad_output ${formatShape(expected)}, got ${formatShape(gyShape)}`);
  }
}

/**
 * Max pooling with PyTorch's indices (flat h * W + w in the plane), with the reference kernel's
 * arguments; output size as for `maxPool2d`.
 *
 * @param x - The input, contiguous `[N, C, H, W]` or `[C, H, W]`.
 * @param xShape - Its shape.
 * @param params - `kernel`, `stride`, `padding`, `dilation` and `ceilMode`.
 * @returns The output, its shape, and the int32 indices.
 */
export function maxPool2dForward(
  x: GpuArray,
  xShape: readonly number[],
  params: MaxPool2dParams,
): { out: GpuArray; outShape: number[]; indices: GpuArray } {
  const op = 'max_pool2d';
  const g = maxPool2dGeometry(xShape, params);
  checkArray(op, 'input', x, xShape);
  const size = g.planes * g.outH * g.outW;
  const y = x.gpu.zeros(size);
  const indices = x.gpu.zeros(size, 'int32');
  x.gpu.run(MAX_FORWARD, size, [x, y, indices], paramValues(g));
  return { out: y, outShape: g.outShape, indices };
}

/**
 * Gradient of max pooling: each output gradient goes where its index points; as the reference's.
 *
 * @param gy - The output's gradient.
 * @param gyShape - Its shape.
 * @param indices - The indices the forward returned.
 * @param xShape - The input's shape, which the result has.
 * @returns The input's gradient.
 */
export function maxPool2dBackward(
  gy: GpuArray,
  gyShape: readonly number[],
  indices: GpuArray,
  xShape: readonly number[],
): GpuArray {
  const op = 'max_pool2d backward';
  const rank = xShape.length;
  if (rank < 2 || gyShape.length !== rank || xShape.slice(0, rank - 2).some((d, i) => d !== gyShape[i])) {
    throw new Error(`${op}: grad_output ${formatShape(gyShape)} does not match input ${formatShape(xShape)}`);
  }
  checkArray(op, 'grad_output', gy, gyShape);
  checkArray(op, 'indices', indices, gyShape, 'int32');
  checkSameDevice(op, [gy, indices]);
  const plane = xShape[rank - 2] * xShape[rank - 1];
  const planes = xShape.slice(0, rank - 2).reduce((a, b) => a * b, 1);
  const gx = gy.gpu.zeros(planes * plane);
  gy.gpu.run(MAX_BACKWARD, planes, [gy, indices, gx], [plane, gyShape[rank - 2] * gyShape[rank - 1]]);
  return gx;
}

/**
 * Average pooling (ceilMode, countIncludePad, divisorOverride), with the reference kernel's
 * arguments; output size as for `avgPool2d`.
 *
 * @param x - The input, contiguous `[N, C, H, W]` or `[C, H, W]`.
 * @param xShape - Its shape.
 * @param params - `kernel`, `stride`, `padding`, `ceilMode`, `countIncludePad` and `divisorOverride`.
 * @returns The output and its shape.
 */
export function avgPool2dForward(
  x: GpuArray,
  xShape: readonly number[],
  params: AvgPool2dParams,
): { out: GpuArray; outShape: number[] } {
  const op = 'avg_pool2d';
  const g = avgPool2dGeometry(xShape, params);
  checkArray(op, 'input', x, xShape);
  const y = x.gpu.zeros(g.planes * g.outH * g.outW);
  x.gpu.run(
    AVG_FORWARD,
    y.length,
    [x, y],
    paramValues(g, params.countIncludePad, params.divisorOverride ?? 0),
  );
  return { out: y, outShape: g.outShape };
}

/**
 * Gradient of average pooling; the reference's arguments.
 *
 * @param gy - The output's gradient.
 * @param gyShape - Its shape.
 * @param xShape - The input's shape, which the result has.
 * @param params - As given to {@link avgPool2dForward}.
 * @returns The input's gradient.
 */
export function avgPool2dBackward(
  gy: GpuArray,
  gyShape: readonly number[],
  xShape: readonly number[],
  params: AvgPool2dParams,
): GpuArray {
  const op = 'avg_pool2d backward';
  const g = avgPool2dGeometry(xShape, params);
  checkGradShape(op, gyShape, g.outShape);
  checkArray(op, 'grad_output', gy, gyShape);
  const gx = gy.gpu.zeros(g.planes * g.H * g.W);
  gy.gpu.run(
    AVG_BACKWARD,
    gx.length,
    [gy, gx],
    paramValues(g, params.countIncludePad, params.divisorOverride ?? 0),
  );
  return gx;
}
