import type { AvgPool2dParams, PoolGeometry } from '../pool2d.js';
import { SLOT_COUNT, Slot } from './abi.generated.js';
import { limits } from './limits.js';
import { runItems, threadsFor } from './run.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Max and average pooling on the WebAssembly kernels (assembly/pool.ts), a plane per work item;
 * the caller has checked shapes. Float32 only.
 */

/** A checked pooling call: the geometry the reference kernels compute (kernels/pool2d.ts). */
export type PoolCall = Pick<
  PoolGeometry,
  'planes' | 'H' | 'W' | 'kH' | 'kW' | 'sH' | 'sW' | 'pH' | 'pW' | 'dH' | 'dW' | 'outH' | 'outW'
>;

function slots(c: PoolCall): number[] {
  const s = new Array<number>(SLOT_COUNT).fill(0);
  s[Slot.N] = c.planes;
  s[Slot.H] = c.H;
  s[Slot.W] = c.W;
  s[Slot.KH] = c.kH;
  s[Slot.KW] = c.kW;
  s[Slot.SH] = c.sH;
  s[Slot.SW] = c.sW;
  s[Slot.PAD_TOP] = c.pH;
  s[Slot.PAD_LEFT] = c.pW;
  s[Slot.DH] = c.dH;
  s[Slot.DW] = c.dW;
  s[Slot.OUT_H] = c.outH;
  s[Slot.OUT_W] = c.outW;
  return s;
}

function threads(rt: WasmRuntime, c: PoolCall): number {
  const elements = c.planes * c.H * c.W;
  return elements >= limits.parallelPoolElements ? threadsFor(rt, Number.POSITIVE_INFINITY) : 1;
}

function avgSlots(c: PoolCall, params: AvgPool2dParams): number[] {
  const s = slots(c);
  s[Slot.COUNT_INCLUDE_PAD] = params.countIncludePad ? 1 : 0;
  s[Slot.DIVISOR] = params.divisorOverride ?? 0;
  return s;
}

export function wasmMaxPoolForward(
  rt: WasmRuntime,
  c: PoolCall,
  x: Float32Array,
  y: Float32Array,
  indices: Int32Array,
): void {
  try {
    const s = slots(c);
    s[Slot.X] = rt.write(x);
    const yPtr = rt.alloc(y.length * 4);
    const iPtr = rt.alloc(indices.length * 4);
    s[Slot.Y] = yPtr;
    s[Slot.INDICES] = iPtr;
    runItems(rt, 'maxPoolForward', rt.params(s), c.planes, 0, threads(rt, c));
    rt.read(yPtr, y);
    indices.set(rt.ints.subarray(iPtr >> 2, (iPtr >> 2) + indices.length));
  } finally {
    rt.reset();
  }
}

export function wasmMaxPoolBackward(
  rt: WasmRuntime,
  c: PoolCall,
  gy: Float32Array,
  indices: Int32Array,
  gx: Float32Array,
): void {
  try {
    const s = slots(c);
    s[Slot.Y] = rt.write(gy);
    const iPtr = rt.alloc(indices.length * 4);
    rt.ints.set(indices, iPtr >> 2);
    s[Slot.INDICES] = iPtr;
    const gxPtr = rt.alloc(gx.length * 4);
    s[Slot.GX] = gxPtr;
    runItems(rt, 'maxPoolBackward', rt.params(s), c.planes, 0, threads(rt, c));
    rt.read(gxPtr, gx);
  } finally {
    rt.reset();
  }
}

export function wasmAvgPoolForward(
  rt: WasmRuntime,
  c: PoolCall,
  params: AvgPool2dParams,
  x: Float32Array,
  y: Float32Array,
): void {
  try {
    const s = avgSlots(c, params);
    s[Slot.X] = rt.write(x);
    const yPtr = rt.alloc(y.length * 4);
    s[Slot.Y] = yPtr;
    runItems(rt, 'avgPoolForward', rt.params(s), c.planes, 0, threads(rt, c));
    rt.read(yPtr, y);
  } finally {
    rt.reset();
  }
}

export function wasmAvgPoolBackward(
  rt: WasmRuntime,
  c: PoolCall,
  params: AvgPool2dParams,
  gy: Float32Array,
  gx: Float32Array,
): void {
  try {
    const s = avgSlots(c, params);
    s[Slot.Y] = rt.write(gy);
    const gxPtr = rt.alloc(gx.length * 4);
    s[Slot.GX] = gxPtr;
    runItems(rt, 'avgPoolBackward', rt.params(s), c.planes, 0, threads(rt, c));
    rt.read(gxPtr, gx);
  } finally {
    rt.reset();
  }
}
