import { allocateForOverwrite } from '../../dtype.js';
import { numel, sameShape } from '../../shape.js';
import { loadEmbeddedWasm, wasmRuntime } from '../backend.js';
import type { Conv2dGeometry, Conv2dParams } from '../conv2d-geometry.js';
import { conv2dGeometry } from '../conv2d-geometry.js';
import { convAlgorithm, winogradTile } from '../conv2d-tuning.js';
import { DECLINED } from '../registry.js';
import type { FloatArray } from '../shape.js';
import { type ConvCall, wasmConvBackwardInput, wasmConvBackwardWeight, wasmConvForward } from './conv2d.js';
import { limits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The 'wasm' conv2d kernels (registered/conv2d.ts), with the signatures of kernels/conv2d.ts:
 * float32 calls of at least `limits.minFlops` run on the WebAssembly kernels (loading the
 * embedded module); every other call, and every invalid one, is declined to the reference, which
 * reports the error.
 */

function isF32(...arrays: ReadonlyArray<FloatArray | null | undefined>): boolean {
  for (const a of arrays) if (a !== null && a !== undefined && !(a instanceof Float32Array)) return false;
  return true;
}

/** The runtime when a float32 call of `work` flops should run in WebAssembly. */
export function runtimeFor(
  work: number,
  threshold: number,
  ...arrays: ReadonlyArray<FloatArray | null | undefined>
): WasmRuntime | null {
  if (work < threshold || !isF32(...arrays)) return null;
  loadEmbeddedWasm();
  return wasmRuntime();
}

/** The conv call for WebAssembly, or null when the reference should run (and report errors). */
function convCall(
  xShape: readonly number[],
  wShape: readonly number[],
  params: Conv2dParams,
): ConvCall | null {
  let g: Conv2dGeometry;
  let algorithm: ConvCall['algorithm'];
  try {
    g = conv2dGeometry(xShape, wShape, params);
    algorithm = convAlgorithm(g, params);
  } catch {
    return null;
  }
  if (g.batch === 0 || g.inChannels === 0 || g.outChannels === 0 || g.outH < 1 || g.outW < 1) return null;
  return {
    g,
    algorithm,
    padding: params.padding,
    winogradTile: winogradTile(g, params),
    activation: params.activation,
  };
}

function convWork(xShape: readonly number[], wShape: readonly number[]): number {
  // An upper bound of the flops (output at most as large as the input): enough to rule out
  // tiny calls before computing the geometry.
  if (xShape.length !== 4 || wShape.length !== 4) return 0;
  return 2 * numel(xShape) * wShape[0] * wShape[2] * wShape[3];
}

export function wasmConv2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  bias: FloatArray | null,
  params: Conv2dParams,
  out?: T,
): { out: T; outShape: number[] } | typeof DECLINED {
  const rt = runtimeFor(convWork(xShape, wShape), limits.minFlops, x, w, bias, out);
  const call = rt === null ? null : convCall(xShape, wShape, params);
  if (rt === null || call === null) return DECLINED;
  const { g } = call;
  const outShape = [g.batch, g.outChannels, g.outH, g.outW];
  const size = numel(outShape);
  if (
    x.length !== numel(xShape) ||
    w.length !== numel(wShape) ||
    (bias !== null && bias.length !== g.outChannels) ||
    (out !== undefined && out.length !== size)
  ) {
    return DECLINED;
  }
  // Every path copies its whole result out of WebAssembly memory: no need to zero it first.
  const y = (out ?? allocateForOverwrite(size)) as Float32Array;
  wasmConvForward(rt, call, x as Float32Array, w as Float32Array, bias as Float32Array | null, y);
  return { out: y as T, outShape };
}

export function wasmConv2dBackwardInput<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  xShape: readonly number[],
  params: Conv2dParams,
  out?: T,
): T | typeof DECLINED {
  const rt = runtimeFor(convWork(xShape, wShape), limits.minFlops, gy, w, out);
  const call = rt === null ? null : convCall(xShape, wShape, params);
  if (rt === null || call === null) return DECLINED;
  const { g } = call;
  const size = numel(xShape);
  if (
    !sameShape(gyShape, [g.batch, g.outChannels, g.outH, g.outW]) ||
    gy.length !== numel(gyShape) ||
    w.length !== numel(wShape) ||
    (out !== undefined && out.length !== size)
  ) {
    return DECLINED;
  }
  const gx = (out ?? allocateForOverwrite(size)) as Float32Array;
  wasmConvBackwardInput(rt, call, gy as Float32Array, w as Float32Array, gx);
  return gx as T;
}

export function wasmConv2dBackwardWeight<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  gy: FloatArray,
  gyShape: readonly number[],
  wShape: readonly number[],
  params: Conv2dParams,
  out?: T,
): T | typeof DECLINED {
  const rt = runtimeFor(convWork(xShape, wShape), limits.minFlops, x, gy, out);
  const call = rt === null ? null : convCall(xShape, wShape, params);
  if (rt === null || call === null) return DECLINED;
  const { g } = call;
  const size = numel(wShape);
  if (
    !sameShape(gyShape, [g.batch, g.outChannels, g.outH, g.outW]) ||
    x.length !== numel(xShape) ||
    gy.length !== numel(gyShape) ||
    (out !== undefined && out.length !== size)
  ) {
    return DECLINED;
  }
  const gw = (out ?? new Float32Array(size)) as Float32Array;
  wasmConvBackwardWeight(rt, call, x as Float32Array, gy as Float32Array, gw);
  return gw as T;
}
