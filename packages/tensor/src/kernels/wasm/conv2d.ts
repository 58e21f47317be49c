import type { Conv2dGeometry, ConvActivation, WinogradTile } from '../conv2d-geometry.js';
import { bandRows, type ConvAlgorithm, isPointwise } from '../conv2d-tuning.js';
import { winogradForwardCall, winogradInputGradientCall } from '../conv2d-winograd.js';
import type { Padding4 } from '../shape.js';
import { GEMM_KC, SLOT_COUNT, Slot, WEIGHT_GRADIENT_IMAGES } from './abi.generated.js';
import { sigmoidInPlace } from './activation.js';
import {
  wasmWinograd,
  wasmWinogradBackwardWeight,
  winogradWeightGradientApplies,
} from './conv2d-winograd.js';
import { runItems, threadsFor } from './run.js';
import type { WasmRuntime } from './runtime.js';

/**
 * conv2d on the WebAssembly kernels (assembly/conv.ts, assembly/direct.ts): copy the operands
 * in, run the work items on the pool, copy the result out, release the memory. The caller has
 * checked shapes and sizes; everything here is float32.
 */

/** Micro-kernel width: weight-gradient chunks are multiples of it. */
const NR = 8;

/** The parameter block of a conv call (pointers filled in by the caller). */
function slots(g: Conv2dGeometry, pointwise: boolean): number[] {
  const s = new Array<number>(SLOT_COUNT).fill(0);
  s[Slot.N] = g.batch;
  s[Slot.C] = g.inChannels;
  s[Slot.H] = g.height;
  s[Slot.W] = g.width;
  s[Slot.O] = g.outChannels;
  s[Slot.GROUPS] = g.groups;
  s[Slot.KH] = g.kernelH;
  s[Slot.KW] = g.kernelW;
  s[Slot.SH] = g.strideH;
  s[Slot.SW] = g.strideW;
  s[Slot.PAD_TOP] = g.padTop;
  s[Slot.PAD_LEFT] = g.padLeft;
  s[Slot.DH] = g.dilationH;
  s[Slot.DW] = g.dilationW;
  s[Slot.OUT_H] = g.outH;
  s[Slot.OUT_W] = g.outW;
  s[Slot.BAND] = bandRows(g);
  s[Slot.POINTWISE] = pointwise ? 1 : 0;
  return s;
}

/** Multiply-adds times two of one conv2d (each gradient costs the same). */
export function convFlops(g: Conv2dGeometry): number {
  return 2 * g.batch * g.outChannels * g.outH * g.outW * (g.inChannels / g.groups) * g.kernelH * g.kernelW;
}

/**
 * The im2col paths that skip the patch matrix, on unless a test or a benchmark turns one off to
 * compare: `forward` (assembly/implicit.ts, the same sums bit for bit) and `weightGradient`
 * (assembly/implicit-weight.ts, its own order of sums).
 */
export const implicitPaths = { forward: true, weightGradient: true };

/**
 * Whether the forward pass runs as an implicit GEMM (assembly/implicit.ts), which reads the
 * patch matrix's rows from kW shifted copies of each image instead of writing them: unit
 * strides, a patch matrix of at most one K block (where it sums exactly as im2col does), and
 * shifted copies of at most IMPLICIT_IMAGE_BYTES. Measured on one thread (CPU time, alternating
 * runs) against im2col: LeNet's first convolution (1 -> 6, 5 x 5, 28 x 28) 1.15-1.3x faster at
 * batches 16-1024, its second (6 -> 16 at 14 x 14) equal; 3 x 3, padding 1: 8 -> 8 at 56 x 56
 * 1.3x, 3 -> 16 at 32 x 32 1.2x, 16 -> 24 at 28 x 28 1.05x.
 */
function implicitForwardApplies(g: Conv2dGeometry, pointwise: boolean): boolean {
  const Kg = (g.inChannels / g.groups) * g.kernelH * g.kernelW;
  const rows = g.outH + (g.kernelH - 1) * g.dilationH;
  const shiftedBytes = 4 * g.inChannels * g.kernelW * rows * g.outW;
  return (
    implicitPaths.forward &&
    !pointwise &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    Kg <= GEMM_KC &&
    shiftedBytes <= IMPLICIT_IMAGE_BYTES
  );
}

/** The implicit forward's shifted copies of an image stay in L2 (bytes). */
const IMPLICIT_IMAGE_BYTES = 1 << 19;

export interface ConvCall {
  readonly g: Conv2dGeometry;
  readonly algorithm: ConvAlgorithm;
  /** `[top, bottom, left, right]` (the geometry keeps top and left). */
  readonly padding: Padding4;
  /** Winograd's output tile side, when `algorithm` is 'winograd'. */
  readonly winogradTile: WinogradTile;
  /** The forward's activation (Conv2dParams), applied in WebAssembly memory before the copy out. */
  readonly activation?: ConvActivation;
}

export function wasmConvForward(
  rt: WasmRuntime,
  call: ConvCall,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  y: Float32Array,
): void {
  const { g, algorithm } = call;
  if (algorithm === 'winograd') {
    wasmWinograd(rt, winogradForwardCall(g, call.winogradTile), x, w, bias, y, call.activation);
    return;
  }
  try {
    const s = slots(g, isPointwise(g, call.padding));
    s[Slot.X] = rt.write(x);
    s[Slot.WEIGHT] = rt.write(w);
    s[Slot.BIAS] = bias === null ? 0 : rt.write(bias);
    const yPtr = rt.result(y.length * 4);
    s[Slot.Y] = yPtr;
    const p = rt.params(s);
    const threads = threadsFor(rt, convFlops(g), y.length);
    if (algorithm === 'direct') {
      runItems(rt, 'directForward', p, g.batch * g.outChannels, rt.exports.directForwardScratch(p), threads);
    } else if (implicitForwardApplies(g, s[Slot.POINTWISE] === 1)) {
      runItems(rt, 'implicitForward', p, g.batch, rt.exports.implicitForwardScratch(p), threads);
    } else {
      const band = s[Slot.BAND];
      const items = g.batch * Math.ceil(g.outH / band);
      runItems(rt, 'convForward', p, items, rt.exports.convForwardScratch(p), threads);
    }
    if (call.activation === 'sigmoid') sigmoidInPlace(rt, yPtr, y.length);
    rt.read(yPtr, y);
  } finally {
    rt.reset();
  }
}

export function wasmConvBackwardInput(
  rt: WasmRuntime,
  call: ConvCall,
  gy: Float32Array,
  w: Float32Array,
  gx: Float32Array,
): void {
  const { g, algorithm } = call;
  if (algorithm === 'winograd') {
    wasmWinograd(rt, winogradInputGradientCall(g, call.winogradTile), gy, w, null, gx);
    return;
  }
  try {
    const s = slots(g, isPointwise(g, call.padding));
    s[Slot.Y] = rt.write(gy);
    s[Slot.WEIGHT] = rt.write(w);
    const gxPtr = rt.result(gx.length * 4);
    s[Slot.GX] = gxPtr;
    const p = rt.params(s);
    const threads = threadsFor(rt, convFlops(g), gx.length);
    if (algorithm === 'direct') {
      const items = g.batch * g.inChannels;
      runItems(rt, 'directBackwardInput', p, items, rt.exports.directBackwardInputScratch(p), threads);
    } else {
      const items = g.batch * g.groups;
      runItems(rt, 'convBackwardInput', p, items, rt.exports.convBackwardInputScratch(p), threads);
    }
    rt.read(gxPtr, gx);
  } finally {
    rt.reset();
  }
}

export function wasmConvBackwardWeight(
  rt: WasmRuntime,
  call: ConvCall,
  x: Float32Array,
  gy: Float32Array,
  gw: Float32Array,
): void {
  const { g, algorithm } = call;
  if (algorithm === 'winograd' && winogradWeightGradientApplies(g)) {
    wasmWinogradBackwardWeight(rt, g, x, gy, gw);
    return;
  }
  try {
    const s = slots(g, isPointwise(g, call.padding));
    s[Slot.X] = rt.write(x);
    s[Slot.Y] = rt.write(gy);
    if (algorithm !== 'direct' && implicitWeightApplies(g)) {
      wasmImplicitBackwardWeight(rt, g, s, gw);
      return;
    }
    const gwPtr = rt.alloc(gw.length * 4);
    s[Slot.GW] = gwPtr;
    const threads = threadsFor(rt, convFlops(g), gw.length);
    if (algorithm === 'direct') {
      const p = rt.params(s);
      runItems(
        rt,
        'directBackwardWeight',
        p,
        g.outChannels,
        rt.exports.directBackwardWeightScratch(p),
        threads,
      );
    } else {
      // Split each group's patch rows into chunks so that every thread has work; a chunk's
      // columns of gW are computed the same way whatever the split.
      const Kg = (g.inChannels / g.groups) * g.kernelH * g.kernelW;
      const perGroup = g.groups >= threads ? 1 : Math.ceil(threads / g.groups);
      const chunk = Math.min(Kg, Math.ceil(Kg / perGroup / NR) * NR);
      s[Slot.K_CHUNK] = chunk;
      const p = rt.params(s);
      const items = g.groups * Math.ceil(Kg / chunk);
      runItems(rt, 'convBackwardWeight', p, items, rt.exports.convBackwardWeightScratch(p), threads);
    }
    rt.read(gwPtr, gw);
  } finally {
    rt.reset();
  }
}

/**
 * The implicit weight gradient takes gradients of at most this many elements: there the GEMM's
 * tiles are mostly empty and packing costs as much as the products. Measured on one thread
 * against im2col: LeNet's first convolution (6 x 25) 1.45x faster at batch 256, 1.8x at 16;
 * 16 x 27 and 8 x 72 equal; LeNet's second (16 x 150) 1.3x slower.
 */
const IMPLICIT_WEIGHT_ELEMENTS = 256;

/** The implicit weight gradient's shifted input images of a work item stay in L2 (bytes). */
const IMPLICIT_WEIGHT_BYTES = 1 << 18;

/**
 * Whether the weight gradient is summed straight from padded images (assembly/implicit-weight.ts)
 * rather than by im2col + GEMM: unit column stride, output rows of whole vectors of four (each
 * lane an output column) and a small gradient.
 */
function implicitWeightApplies(g: Conv2dGeometry): boolean {
  const Kg = (g.inChannels / g.groups) * g.kernelH * g.kernelW;
  const rows = (g.outH - 1) * g.strideH + (g.kernelH - 1) * g.dilationH + 1;
  const imageBytes = 4 * g.inChannels * g.kernelW * rows * g.outW;
  return (
    implicitPaths.weightGradient &&
    g.strideW === 1 &&
    g.outW % 4 === 0 &&
    g.outChannels * Kg <= IMPLICIT_WEIGHT_ELEMENTS &&
    WEIGHT_GRADIENT_IMAGES * imageBytes <= IMPLICIT_WEIGHT_BYTES
  );
}

/** The implicit weight gradient: each item's partial, then their sum in item order into gw. */
function wasmImplicitBackwardWeight(rt: WasmRuntime, g: Conv2dGeometry, s: number[], gw: Float32Array): void {
  const items = Math.ceil(g.batch / WEIGHT_GRADIENT_IMAGES);
  const partials = rt.alloc(items * gw.length * 4);
  s[Slot.GW] = partials;
  const p = rt.params(s);
  const threads = threadsFor(rt, convFlops(g), gw.length);
  runItems(rt, 'implicitBackwardWeight', p, items, rt.exports.implicitBackwardWeightScratch(p), threads);
  rt.read(partials, gw);
  const f32 = rt.floats;
  for (let item = 1; item < items; item++) {
    const base = (partials >> 2) + item * gw.length;
    for (let i = 0; i < gw.length; i++) gw[i] = Math.fround(gw[i] + f32[base + i]);
  }
}
