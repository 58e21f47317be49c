import { allocateForOverwrite } from '../../dtype.js';
import { numel, sameShape } from '../../shape.js';
import {
  type AvgPool2dParams,
  avgPool2dGeometry,
  type MaxPool2dParams,
  maxPool2dGeometry,
  type PoolGeometry,
} from '../pool2d.js';
import { DECLINED } from '../registry.js';
import type { FloatArray } from '../shape.js';
import { runtimeFor } from './conv2d-kernels.js';
import { limits } from './limits.js';
import {
  type PoolCall,
  wasmAvgPoolBackward,
  wasmAvgPoolForward,
  wasmMaxPoolBackward,
  wasmMaxPoolForward,
} from './pool2d.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The 'wasm' pooling kernels (registered/pool2d.ts), with the signatures of kernels/pool2d.ts:
 * float32 inputs of at least `limits.minPoolElements` elements run on the WebAssembly kernels
 * (loading the embedded module); every other call, and every invalid one, is declined to the
 * reference, which reports the error.
 */

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

export function wasmMaxPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  params: MaxPool2dParams,
  out?: T,
): { out: T; outShape: number[]; indices: Int32Array } | typeof DECLINED {
  const rt = poolRuntime(x, xShape, out);
  if (rt === null) return DECLINED;
  const call = maxPool2dGeometry(xShape, params);
  const { outShape } = call;
  const size = numel(outShape);
  if ((out !== undefined && out.length !== size) || size === 0) return DECLINED;
  const y = (out ?? allocateForOverwrite(size)) as Float32Array;
  const indices = new Int32Array(size);
  wasmMaxPoolForward(rt, call, x as Float32Array, y, indices);
  return { out: y as T, outShape, indices };
}

export function wasmMaxPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  indices: Int32Array,
  xShape: readonly number[],
  out?: T,
): T | typeof DECLINED {
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
    return DECLINED;
  }
  const gx = (out ?? allocateForOverwrite(size)) as Float32Array;
  wasmMaxPoolBackward(rt, planeCall(xShape, gyShape), gy as Float32Array, indices, gx);
  return gx as T;
}

export function wasmAvgPool2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  params: AvgPool2dParams,
  out?: T,
): { out: T; outShape: number[] } | typeof DECLINED {
  const rt = poolRuntime(x, xShape, out);
  if (rt === null) return DECLINED;
  const call = avgPool2dGeometry(xShape, params);
  const { outShape } = call;
  const size = numel(outShape);
  if ((out !== undefined && out.length !== size) || size === 0) return DECLINED;
  const y = (out ?? allocateForOverwrite(size)) as Float32Array;
  wasmAvgPoolForward(rt, call, params, x as Float32Array, y);
  return { out: y as T, outShape };
}

export function wasmAvgPool2dBackward<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  xShape: readonly number[],
  params: AvgPool2dParams,
  out?: T,
): T | typeof DECLINED {
  const rt = poolRuntime(gy, gyShape, out);
  if (rt === null) return DECLINED;
  let call: PoolGeometry;
  try {
    call = avgPool2dGeometry(xShape, params);
  } catch {
    return DECLINED;
  }
  const size = numel(xShape);
  if (!sameShape(gyShape, call.outShape) || (out !== undefined && out.length !== size)) return DECLINED;
  const gx = (out ?? allocateForOverwrite(size)) as Float32Array;
  wasmAvgPoolBackward(rt, call, params, gy as Float32Array, gx);
  return gx as T;
}
