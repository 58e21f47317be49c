import { numel, sameShape } from '../shape.js';
import { loadEmbeddedWasm, wasmRuntime } from './backend.js';
import * as ref from './conv2d.js';
import * as pool from './pool2d.js';
import type { FloatArray } from './shape.js';
import {
  type ConvAlgorithm,
  type ConvCall,
  wasmConvBackwardInput,
  wasmConvBackwardWeight,
  wasmConvForward,
} from './wasm/conv2d.js';
import { limits } from './wasm/limits.js';
import {
  type PoolCall,
  wasmAvgPoolBackward,
  wasmAvgPoolForward,
  wasmMaxPoolBackward,
  wasmMaxPoolForward,
} from './wasm/pool2d.js';
import type { WasmRuntime } from './wasm/runtime.js';

/**
 * The conv2d and pooling kernels ops call (they load the embedded WebAssembly, see backend.ts):
 * each has the signature of its TypeScript reference and runs either the
 * reference or the WebAssembly kernels, by the backend (`setBackend`), the dtype (float32 only
 * goes to WebAssembly) and the size (small calls stay in JavaScript, where there is no copy to
 * pay for). Invalid arguments always reach the reference, which reports them.
 */

/**
 * Below this many output channels per group the direct loops beat im2col + GEMM in
 * WebAssembly (the micro-kernel computes four channels at once).
 */
const DIRECT_BELOW = 4;

function isF32(...arrays: ReadonlyArray<FloatArray | null | undefined>): boolean {
  for (const a of arrays) if (a !== null && a !== undefined && !(a instanceof Float32Array)) return false;
  return true;
}

/** The runtime when a float32 call of `work` flops should run in WebAssembly. */
function runtimeFor(
  work: number,
  threshold: number,
  ...arrays: ReadonlyArray<FloatArray | null | undefined>
) {
  if (work < threshold || !isF32(...arrays)) return null;
  loadEmbeddedWasm();
  return wasmRuntime();
}

/** The conv call for WebAssembly, or null when the reference should run (and report errors). */
function convCall(
  xShape: readonly number[],
  wShape: readonly number[],
  params: ref.Conv2dParams,
): ConvCall | null {
  const algorithm = params.algorithm ?? 'auto';
  if (algorithm !== 'auto' && algorithm !== 'im2col' && algorithm !== 'direct') return null;
  let g: ref.Conv2dGeometry;
  try {
    g = ref.conv2dGeometry(xShape, wShape, params);
  } catch {
    return null;
  }
  if (g.batch === 0 || g.inChannels === 0 || g.outChannels === 0 || g.outH < 1 || g.outW < 1) return null;
  const chosen: ConvAlgorithm =
    algorithm === 'auto' ? (g.outChannels / g.groups < DIRECT_BELOW ? 'direct' : 'im2col') : algorithm;
  return { g, algorithm: chosen, padBottom: params.padding[1], padRight: params.padding[3] };
}

function convWork(xShape: readonly number[], wShape: readonly number[]): number {
  // An upper bound of the flops (output at most as large as the input): enough to rule out
  // tiny calls before computing the geometry.
  if (xShape.length !== 4 || wShape.length !== 4) return 0;
  return 2 * numel(xShape) * wShape[0] * wShape[2] * wShape[3];
}

export function conv2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  bias: FloatArray | null,
  params: ref.Conv2dParams,
  out?: T,
): { out: T; outShape: number[] } {
  const rt = runtimeFor(convWork(xShape, wShape), limits.minFlops, x, w, bias, out);
  const call = rt === null ? null : convCall(xShape, wShape, params);
  if (rt === null || call === null) return ref.conv2dForward(x, xShape, w, wShape, bias, params, out);
  const { g } = call;
  const outShape = [g.batch, g.outChannels, g.outH, g.outW];
  const size = numel(outShape);
  if (
    x.length !== numel(xShape) ||
    w.length !== numel(wShape) ||
    (bias !== null && bias.length !== g.outChannels) ||
    (out !== undefined && out.length !== size)
  ) {
    return ref.conv2dForward(x, xShape, w, wShape, bias, params, out);
  }
  const y = (out ?? new Float32Array(size)) as Float32Array;
  wasmConvForward(rt, call, x as Float32Array, w as Float32Array, bias as Float32Array | null, y);
  return { out: y as T, outShape };
}

export function conv2dBackwardInput<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  xShape: readonly number[],
  params: ref.Conv2dParams,
  out?: T,
): T {
  const rt = runtimeFor(convWork(xShape, wShape), limits.minFlops, gy, w, out);
  const call = rt === null ? null : convCall(xShape, wShape, params);
  if (rt === null || call === null)
    return ref.conv2dBackwardInput(gy, gyShape, w, wShape, xShape, params, out);
  const { g } = call;
  const size = numel(xShape);
  if (
    !sameShape(gyShape, [g.batch, g.outChannels, g.outH, g.outW]) ||
    gy.length !== numel(gyShape) ||
    w.length !== numel(wShape) ||
    (out !== undefined && out.length !== size)
  ) {
    return ref.conv2dBackwardInput(gy, gyShape, w, wShape, xShape, params, out);
  }
  const gx = (out ?? new Float32Array(size)) as Float32Array;
  wasmConvBackwardInput(rt, call, gy as Float32Array, w as Float32Array, gx);
  return gx as T;
}

export function conv2dBackwardWeight<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  gy: FloatArray,
  gyShape: readonly number[],
  wShape: readonly number[],
  params: ref.Conv2dParams,
  out?: T,
): T {
  const rt = runtimeFor(convWork(xShape, wShape), limits.minFlops, x, gy, out);
  const call = rt === null ? null : convCall(xShape, wShape, params);
  if (rt === null || call === null)
    return ref.conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params, out);
  const { g } = call;
  const size = numel(wShape);
  if (
    !sameShape(gyShape, [g.batch, g.outChannels, g.outH, g.outW]) ||
    x.length !== numel(xShape) ||
    gy.length !== numel(gyShape) ||
    (out !== undefined && out.length !== size)
  ) {
    return ref.conv2dBackwardWeight(x, xShape, gy, gyShape, wShape, params, out);
  }
  const gw = (out ?? new Float32Array(size)) as Float32Array;
  wasmConvBackwardWeight(rt, call, x as Float32Array, gy as Float32Array, gw);
  return gw as T;
}

export type { Conv2dParams } from './conv2d.js';
export { conv2dBackwardBias, conv2dOutputShape } from './conv2d.js';
export type { AvgPool2dParams, MaxPool2dParams } from './pool2d.js';
export {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  avgPool2dOutputShape,
  maxPool2dOutputShape,
} from './pool2d.js';

/** The plane sizes alone: max-pool backward scatters by the saved indices and needs no window. */
function planeCall(xShape: readonly number[], outShape: readonly number[]): PoolCall {
  const rank = xShape.length;
  return {
    planes: numel(xShape.slice(0, rank - 2)),
    H: xShape[rank - 2],
    W: xShape[rank - 1],
    kH: 1,
    kW: 1,
    sH: 1,
    sW: 1,
    pH: 0,
    pW: 0,
    dH: 1,
    dW: 1,
    outH: outShape[rank - 2],
    outW: outShape[rank - 1],
  };
}

function poolRuntime(x: FloatArray, xShape: readonly number[], out?: FloatArray): WasmRuntime | null {
  if (xShape.length < 2 || x.length !== numel(xShape)) return null;
  return runtimeFor(x.length, limits.minPoolElements, x, out);
}

export function maxPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  params: pool.MaxPool2dParams,
  out?: T,
): { out: T; outShape: number[]; indices: Int32Array } {
  const rt = poolRuntime(x, xShape, out);
  if (rt === null) return pool.maxPool2dForward(x, xShape, params, out);
  const call = pool.maxPool2dGeometry(xShape, params);
  const { outShape } = call;
  const size = numel(outShape);
  if ((out !== undefined && out.length !== size) || size === 0)
    return pool.maxPool2dForward(x, xShape, params, out);
  const y = (out ?? new Float32Array(size)) as Float32Array;
  const indices = new Int32Array(size);
  wasmMaxPoolForward(rt, call, x as Float32Array, y, indices);
  return { out: y as T, outShape, indices };
}

export function maxPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  indices: Int32Array,
  xShape: readonly number[],
  out?: T,
): T {
  const rank = xShape.length;
  const rt = poolRuntime(gy, gyShape, out);
  const size = numel(xShape);
  if (
    rt === null ||
    rank < 2 ||
    gyShape.length !== rank ||
    xShape.slice(0, rank - 2).some((d, i) => d !== gyShape[i]) ||
    indices.length !== gy.length ||
    (out !== undefined && out.length !== size)
  ) {
    return pool.maxPool2dBackward(gy, gyShape, indices, xShape, out);
  }
  const call = planeCall(xShape, gyShape);
  const gx = (out ?? new Float32Array(size)) as Float32Array;
  wasmMaxPoolBackward(rt, call, gy as Float32Array, indices, gx);
  return gx as T;
}

export function avgPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  params: pool.AvgPool2dParams,
  out?: T,
): { out: T; outShape: number[] } {
  const rt = poolRuntime(x, xShape, out);
  if (rt === null) return pool.avgPool2dForward(x, xShape, params, out);
  const call = pool.avgPool2dGeometry(xShape, params);
  const { outShape } = call;
  const size = numel(outShape);
  if ((out !== undefined && out.length !== size) || size === 0)
    return pool.avgPool2dForward(x, xShape, params, out);
  const y = (out ?? new Float32Array(size)) as Float32Array;
  wasmAvgPoolForward(rt, call, params, x as Float32Array, y);
  return { out: y as T, outShape };
}

export function avgPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  xShape: readonly number[],
  params: pool.AvgPool2dParams,
  out?: T,
): T {
  const rt = poolRuntime(gy, gyShape, out);
  if (rt === null) return pool.avgPool2dBackward(gy, gyShape, xShape, params, out);
  let call: pool.PoolGeometry;
  try {
    call = pool.avgPool2dGeometry(xShape, params);
  } catch {
    return pool.avgPool2dBackward(gy, gyShape, xShape, params, out);
  }
  const size = numel(xShape);
  if (!sameShape(gyShape, call.outShape) || (out !== undefined && out.length !== size)) {
    return pool.avgPool2dBackward(gy, gyShape, xShape, params, out);
  }
  const gx = (out ?? new Float32Array(size)) as Float32Array;
  wasmAvgPoolBackward(rt, call, params, gy as Float32Array, gx);
  return gx as T;
}
