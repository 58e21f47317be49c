import type { AvgPool2dParams, PoolGeometry } from '../pool2d.js';
import { SLOT_COUNT, Slot } from './abi.generated.js';
import { blockAt } from './blocks.js';
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
    const yPtr = rt.result(y.length * 4);
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
    const gxPtr = rt.result(gx.length * 4);
    s[Slot.GX] = gxPtr;
    runItems(rt, 'maxPoolBackward', rt.params(s), c.planes, 0, threads(rt, c));
    rt.read(gxPtr, gx);
  } finally {
    rt.reset();
  }
}

/**
 * Planes per block of an average pooling, which takes its planes through WebAssembly memory a
 * block at a time on the calling thread: each block is copied in, pooled and copied out while
 * it is still in cache (LeNet's first pooling reads 4.8 MB at batch 256, which copied whole went
 * through main memory three times). A copied input stays on one thread: its time goes to the
 * copies, which the calling thread makes, and measured here on 2 threads the whole planes copied
 * in and split took longer (LeNet's first pooling at batch 256: forward 0.84 ms against 0.58 in
 * blocks, backward 0.80 against 0.53; at batch 1024 about twice as long). An input held in the
 * memory needs no copy, and is split (`avgPoolBlocks`).
 */
function planesPerBlock(c: PoolCall): number {
  const floats = c.H * c.W + c.outH * c.outW;
  return Math.max(1, Math.min(c.planes, Math.floor(BLOCK_FLOATS / floats)));
}

/** About 256 KB of input and output per block (this machine's second-level cache). */
const BLOCK_FLOATS = 65536;

/**
 * Runs an average-pooling kernel over the planes in blocks: `from` (planes of `fromSize` floats)
 * is read at slot `fromSlot`, where the memory still holds it from the call that made it, or
 * copied in a block at a time; the kernel writes `toSize` floats per plane at `toSlot`, into the
 * ring when it has room (resident-ring.ts), and each block is copied out while in cache. With
 * `from` held and room for the result, a large call is split over the threads instead.
 */
function avgPoolBlocks(
  rt: WasmRuntime,
  c: PoolCall,
  params: AvgPool2dParams,
  kernel: 'avgPoolForward' | 'avgPoolBackward',
  from: Float32Array,
  to: Float32Array,
  slotsOf: { from: number; to: number; fromSize: number; toSize: number },
): void {
  try {
    const block = planesPerBlock(c);
    const held = rt.held(from);
    const fromBuffer = held >= 0 ? -1 : rt.alloc(block * slotsOf.fromSize * 4);
    const kept = rt.place(to.length * 4);
    const toBuffer = kept >= 0 ? -1 : rt.alloc(block * slotsOf.toSize * 4);
    const memory = rt.floats;
    const s = avgSlots(c, params);
    const split = held >= 0 && kept >= 0 ? threads(rt, c) : 1;
    if (split > 1) {
      // Nothing to copy in: the planes are split over the threads, as max pooling's are.
      s[slotsOf.from] = held;
      s[slotsOf.to] = kept;
      runItems(rt, kernel, rt.params(s), c.planes, 0, split);
      rt.read(kept, to);
      return;
    }
    for (let p0 = 0; p0 < c.planes; p0 += block) {
      const planes = Math.min(block, c.planes - p0);
      s[Slot.N] = planes;
      s[slotsOf.from] = blockAt(rt, from, held, fromBuffer, p0 * slotsOf.fromSize, planes * slotsOf.fromSize);
      const toStart = p0 * slotsOf.toSize;
      const toPtr = kept >= 0 ? kept + toStart * 4 : toBuffer;
      s[slotsOf.to] = toPtr;
      runItems(rt, kernel, rt.params(s), planes, 0, 1);
      to.set(memory.subarray(toPtr >> 2, (toPtr >> 2) + planes * slotsOf.toSize), toStart);
    }
    if (kept >= 0) rt.keep(to, kept);
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
  avgPoolBlocks(rt, c, params, 'avgPoolForward', x, y, {
    from: Slot.X,
    to: Slot.Y,
    fromSize: c.H * c.W,
    toSize: c.outH * c.outW,
  });
}

export function wasmAvgPoolBackward(
  rt: WasmRuntime,
  c: PoolCall,
  params: AvgPool2dParams,
  gy: Float32Array,
  gx: Float32Array,
): void {
  avgPoolBlocks(rt, c, params, 'avgPoolBackward', gy, gx, {
    from: Slot.Y,
    to: Slot.GX,
    fromSize: c.outH * c.outW,
    toSize: c.H * c.W,
  });
}
