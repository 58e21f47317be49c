import { type Conv2dGeometry, type Conv2dParams, conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { contiguousStrides, formatShape, numel } from '../shape.js';
import { checkArray, checkSameDevice } from './checks.js';
import { unary } from './elementwise.js';
import type { GpuArray, KernelSource } from './runtime.js';

/**
 * conv2d forward and its gradients as direct loops, one thread per output element (a pixel of
 * y, gx or a weight of gW), each summing its products in float32. The launchers take the
 * reference kernels' arguments (kernels/conv2d.ts), with GPU arrays for typed arrays, and check
 * shapes with the same `conv2dGeometry`. `params.algorithm` is ignored: there is one here.
 */

const PARAMS = [
  ['N', 'i32'],
  ['C', 'i32'],
  ['H', 'i32'],
  ['W', 'i32'],
  ['O', 'i32'],
  ['outH', 'i32'],
  ['outW', 'i32'],
  ['kH', 'i32'],
  ['kW', 'i32'],
  ['sH', 'i32'],
  ['sW', 'i32'],
  ['pT', 'i32'],
  ['pL', 'i32'],
  ['dH', 'i32'],
  ['dW', 'i32'],
  ['groups', 'i32'],
  ['hasBias', 'i32'],
] as const;

function paramValues(g: Conv2dGeometry, hasBias: boolean): number[] {
  return [
    g.batch,
    g.inChannels,
    g.height,
    g.width,
    g.outChannels,
    g.outH,
    g.outW,
    g.kernelH,
    g.kernelW,
    g.strideH,
    g.strideW,
    g.padTop,
    g.padLeft,
    g.dilationH,
    g.dilationW,
    g.groups,
    hasBias ? 1 : 0,
  ];
}

const FORWARD: KernelSource = {
  name: 'conv2dForward',
  params: PARAMS,
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'w', type: 'f32', access: 'read' },
    { name: 'bias', type: 'f32', access: 'read' },
    { name: 'y', type: 'f32', access: 'read_write' },
  ],
  body: `
  let ow = i % P.outW;
  let oh = (i / P.outW) % P.outH;
  let o = (i / (P.outW * P.outH)) % P.O;
  let n = i / (P.outW * P.outH * P.O);
  let Cg = P.C / P.groups;
  let g = o / (P.O / P.groups);
  var acc = 0.0;
  for (var c = 0; c < Cg; c++) {
    let xPlane = (n * P.C + g * Cg + c) * P.H;
    let wPlane = (o * Cg + c) * P.kH;
    for (var kh = 0; kh < P.kH; kh++) {
      let h = oh * P.sH - P.pT + kh * P.dH;
      if (h < 0 || h >= P.H) { continue; }
      for (var kw = 0; kw < P.kW; kw++) {
        let v = ow * P.sW - P.pL + kw * P.dW;
        if (v < 0 || v >= P.W) { continue; }
        acc += x[(xPlane + h) * P.W + v] * w[(wPlane + kh) * P.kW + kw];
      }
    }
  }
  if (P.hasBias != 0) { acc += bias[o]; }
  y[i] = acc;`,
};

// Output (oh, ow) reads input row h = oh * sH - pT + kh * dH: the rows that reach h are the
// kh for which h + pT - kh * dH is a non-negative multiple of sH below outH * sH.
const BACKWARD_INPUT: KernelSource = {
  name: 'conv2dBackwardInput',
  params: PARAMS,
  buffers: [
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'w', type: 'f32', access: 'read' },
    { name: 'gx', type: 'f32', access: 'read_write' },
  ],
  body: `
  let v = i % P.W;
  let h = (i / P.W) % P.H;
  let c = (i / (P.W * P.H)) % P.C;
  let n = i / (P.W * P.H * P.C);
  let Cg = P.C / P.groups;
  let Og = P.O / P.groups;
  let g = c / Cg;
  let cIn = c - g * Cg;
  var acc = 0.0;
  for (var og = 0; og < Og; og++) {
    let o = g * Og + og;
    let gyPlane = (n * P.O + o) * P.outH;
    let wPlane = (o * Cg + cIn) * P.kH;
    for (var kh = 0; kh < P.kH; kh++) {
      let th = h + P.pT - kh * P.dH;
      if (th < 0 || th % P.sH != 0) { continue; }
      let oh = th / P.sH;
      if (oh >= P.outH) { continue; }
      for (var kw = 0; kw < P.kW; kw++) {
        let tw = v + P.pL - kw * P.dW;
        if (tw < 0 || tw % P.sW != 0) { continue; }
        let ow = tw / P.sW;
        if (ow >= P.outW) { continue; }
        acc += gy[(gyPlane + oh) * P.outW + ow] * w[(wPlane + kh) * P.kW + kw];
      }
    }
  }
  gx[i] = acc;`,
};

const BACKWARD_WEIGHT: KernelSource = {
  name: 'conv2dBackwardWeight',
  params: PARAMS,
  buffers: [
    { name: 'x', type: 'f32', access: 'read' },
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'gw', type: 'f32', access: 'read_write' },
  ],
  body: `
  let kw = i % P.kW;
  let kh = (i / P.kW) % P.kH;
  let Cg = P.C / P.groups;
  let cIn = (i / (P.kW * P.kH)) % Cg;
  let o = i / (P.kW * P.kH * Cg);
  let c = (o / (P.O / P.groups)) * Cg + cIn;
  var acc = 0.0;
  for (var n = 0; n < P.N; n++) {
    let xPlane = (n * P.C + c) * P.H;
    let gyPlane = (n * P.O + o) * P.outH;
    for (var oh = 0; oh < P.outH; oh++) {
      let h = oh * P.sH - P.pT + kh * P.dH;
      if (h < 0 || h >= P.H) { continue; }
      for (var ow = 0; ow < P.outW; ow++) {
        let v = ow * P.sW - P.pL + kw * P.dW;
        if (v < 0 || v >= P.W) { continue; }
        acc += gy[(gyPlane + oh) * P.outW + ow] * x[(xPlane + h) * P.W + v];
      }
    }
  }
  gw[i] = acc;`,
};

const BACKWARD_BIAS: KernelSource = {
  name: 'conv2dBackwardBias',
  params: [
    ['N', 'i32'],
    ['O', 'i32'],
    ['L', 'i32'],
  ],
  buffers: [
    { name: 'gy', type: 'f32', access: 'read' },
    { name: 'gb', type: 'f32', access: 'read_write' },
  ],
  body: `
  var acc = 0.0;
  for (var n = 0; n < P.N; n++) {
    let start = (n * P.O + i) * P.L;
    for (var p = 0; p < P.L; p++) { acc += gy[start + p]; }
  }
  gb[i] = acc;`,
};

function checkGradShape(op: string, g: Conv2dGeometry, gyShape: readonly number[]): void {
  const expected = [g.batch, g.outChannels, g.outH, g.outW];
  if (gyShape.length !== 4 || expected.some((d, i) => d !== gyShape[i])) {
    throw new Error(`${op}: expected grad_output ${formatShape(expected)}, got ${formatShape(gyShape)}`);
  }
}

/**
 * y = conv2d(x, w) + bias on the GPU, with the arguments of the reference kernel
 * `conv2dForward` (the op {@link conv2d} of `@fovea/tensor` calls it for tensors on 'webgpu').
 * Shapes and output size as for `conv2d`; float32.
 *
 * @param x - The input, contiguous `[N, C, H, W]`.
 * @param xShape - Its shape.
 * @param w - The weight, contiguous `[O, C / groups, kH, kW]`.
 * @param wShape - Its shape.
 * @param bias - `[O]`, or null.
 * @param params - The geometry: `stride`, `padding` (`[top, bottom, left, right]`), `dilation` and `groups`;
 * and `activation`, applied to the output by the elementwise kernel of that name.
 * @returns The output array on the same device and its shape `[N, O, outH, outW]`.
 */
export function conv2dForward(
  x: GpuArray,
  xShape: readonly number[],
  w: GpuArray,
  wShape: readonly number[],
  bias: GpuArray | null,
  params: Conv2dParams,
): { out: GpuArray; outShape: number[] } {
  const op = 'conv2d';
  const g = conv2dGeometry(xShape, wShape, params, op);
  checkArray(op, 'input', x, xShape);
  checkArray(op, 'weight', w, wShape);
  if (bias !== null) checkArray(op, 'bias', bias, [g.outChannels]);
  checkSameDevice(op, [x, w, bias]);
  const outShape = [g.batch, g.outChannels, g.outH, g.outW];
  const y = x.gpu.zeros(numel(outShape));
  x.gpu.run(FORWARD, y.length, [x, w, bias, y], paramValues(g, bias !== null));
  if (params.activation !== 'sigmoid') return { out: y, outShape };
  const out = unary('sigmoid', y, outShape, contiguousStrides(outShape), 0);
  return { out, outShape };
}

/**
 * Gradient of conv2d with respect to its input (the transposed convolution of the output
 * gradient with the weight), with the arguments of the reference `conv2dBackwardInput`.
 *
 * @param gy - The output's gradient, `[N, O, outH, outW]`.
 * @param gyShape - Its shape.
 * @param w - The weight.
 * @param wShape - Its shape.
 * @param xShape - The input's shape, which the result has.
 * @param params - The geometry: `stride`, `padding` (`[top, bottom, left, right]`), `dilation` and `groups`.
 * @returns The input's gradient.
 */
export function conv2dBackwardInput(
  gy: GpuArray,
  gyShape: readonly number[],
  w: GpuArray,
  wShape: readonly number[],
  xShape: readonly number[],
  params: Conv2dParams,
): GpuArray {
  const op = 'conv2d backward (input)';
  const g = conv2dGeometry(xShape, wShape, params, op);
  checkGradShape(op, g, gyShape);
  checkArray(op, 'grad_output', gy, gyShape);
  checkArray(op, 'weight', w, wShape);
  checkSameDevice(op, [gy, w]);
  const gx = gy.gpu.zeros(numel(xShape));
  gy.gpu.run(BACKWARD_INPUT, gx.length, [gy, w, gx], paramValues(g, false));
  return gx;
}

/**
 * Gradient of conv2d with respect to its weight (the input correlated with the output's
 * gradient), with the arguments of the reference `conv2dBackwardWeight`.
 *
 * @param x - The input.
 * @param xShape - Its shape.
 * @param gy - The output's gradient.
 * @param gyShape - Its shape.
 * @param wShape - The weight's shape, which the result has.
 * @param params - The geometry: `stride`, `padding` (`[top, bottom, left, right]`), `dilation` and `groups`.
 * @returns The weight's gradient.
 */
export function conv2dBackwardWeight(
  x: GpuArray,
  xShape: readonly number[],
  gy: GpuArray,
  gyShape: readonly number[],
  wShape: readonly number[],
  params: Conv2dParams,
): GpuArray {
  const op = 'conv2d backward (weight)';
  const g = conv2dGeometry(xShape, wShape, params, op);
  checkGradShape(op, g, gyShape);
  checkArray(op, 'input', x, xShape);
  checkArray(op, 'grad_output', gy, gyShape);
  checkSameDevice(op, [x, gy]);
  const gw = x.gpu.zeros(numel(wShape));
  x.gpu.run(BACKWARD_WEIGHT, gw.length, [x, gy, gw], paramValues(g, false));
  return gw;
}

/**
 * Gradient of conv2d with respect to its bias: gy summed over N, outH and outW.
 *
 * @param gy - The output's gradient, `[N, O, outH, outW]`.
 * @param gyShape - Its shape.
 * @returns `[O]`.
 */
export function conv2dBackwardBias(gy: GpuArray, gyShape: readonly number[]): GpuArray {
  const op = 'conv2d backward (bias)';
  if (gyShape.length !== 4)
    throw new Error(`${op}: expected grad_output [N, O, H, W], got ${formatShape(gyShape)}`);
  checkArray(op, 'grad_output', gy, gyShape);
  const [batch, O, outH, outW] = gyShape;
  const gb = gy.gpu.zeros(O);
  gy.gpu.run(BACKWARD_BIAS, O, [gy, gb], [batch, O, outH * outW]);
  return gb;
}
