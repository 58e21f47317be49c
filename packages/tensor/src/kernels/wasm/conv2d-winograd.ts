import type { Conv2dGeometry, ConvActivation, WinogradTile } from '../conv2d-geometry.js';
import { winogradTileBlock } from '../conv2d-tuning.js';
import { type WinogradCall, winogradForwardCall } from '../conv2d-winograd.js';
import { SLOT_COUNT, Slot, WINOGRAD_GRADIENT_ITEMS } from './abi.generated.js';
import { sigmoidInPlace } from './activation.js';
import { runItems, threadsFor } from './run.js';
import type { ItemKernel, KernelExports, WasmRuntime } from './runtime.js';

/** The exports that size something from a call's parameter block. */
type ParamsQuery = {
  [K in keyof KernelExports]: KernelExports[K] extends (params: number) => number ? K : never;
}[keyof KernelExports];

/** Each tile size's exports: its transformed kernels' bytes, the items computing them and the forward's. */
const KERNELS: Record<
  WinogradTile,
  {
    weightBytes: ParamsQuery;
    weights: ItemKernel;
    forward: ItemKernel;
    forwardScratch: ParamsQuery;
  }
> = {
  2: {
    weightBytes: 'winogradWeightBytes',
    weights: 'winogradWeights',
    forward: 'winogradForward',
    forwardScratch: 'winogradForwardScratch',
  },
  4: {
    weightBytes: 'winograd4WeightBytes',
    weights: 'winograd4Weights',
    forward: 'winograd4Forward',
    forwardScratch: 'winograd4ForwardScratch',
  },
  6: {
    weightBytes: 'winograd6WeightBytes',
    weights: 'winograd6Weights',
    forward: 'winograd6Forward',
    forwardScratch: 'winograd6ForwardScratch',
  },
};

/** The parameter block of a Winograd call (pointers and TILE_BLOCK filled in by the caller). */
export function winogradSlots(call: WinogradCall): number[] {
  const s = new Array<number>(SLOT_COUNT).fill(0);
  s[Slot.N] = call.batch;
  s[Slot.C] = call.inChannels;
  s[Slot.H] = call.height;
  s[Slot.W] = call.width;
  s[Slot.O] = call.outChannels;
  s[Slot.GROUPS] = call.groups;
  s[Slot.KH] = 3;
  s[Slot.KW] = 3;
  s[Slot.SH] = 1;
  s[Slot.SW] = 1;
  s[Slot.DH] = 1;
  s[Slot.DW] = 1;
  s[Slot.PAD_TOP] = call.padTop;
  s[Slot.PAD_LEFT] = call.padLeft;
  s[Slot.OUT_H] = call.outH;
  s[Slot.OUT_W] = call.outW;
  s[Slot.FLIP] = call.flip ? 1 : 0;
  return s;
}

/**
 * A Winograd conv (kernels/conv2d-winograd.ts: a conv2d's forward, or its input gradient) on
 * the WebAssembly kernel assembly/winograd.ts (or winograd4.ts, winograd6.ts): copy the operands in, run (image, block of
 * tiles) items on the pool, apply the forward's `activation` to y, copy y out, release the
 * memory. Everything here is float32.
 */
export function wasmWinograd(
  rt: WasmRuntime,
  call: WinogradCall,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  y: Float32Array,
  activation?: ConvActivation,
): void {
  try {
    const s = winogradSlots(call);
    const tiles = Math.ceil(call.outH / call.tile) * Math.ceil(call.outW / call.tile);
    // Direct flops, as the other algorithms count them: the same work decides threads.
    const flops = (2 * y.length * call.inChannels * 9) / call.groups;
    const threads = threadsFor(rt, flops, y.length);
    // F(4 x 4)'s and F(6 x 6)'s blocks run over the tiles of the whole batch; F(2 x 2)'s over one image's.
    const spanning = call.tile !== 2;
    const block = spanning
      ? balancedBlock(winogradTileBlock(call), call.batch * tiles, threads)
      : winogradTileBlock(call);
    s[Slot.TILE_BLOCK] = block;
    s[Slot.X] = rt.write(x);
    s[Slot.WEIGHT] = rt.write(w);
    s[Slot.BIAS] = bias === null ? 0 : rt.write(bias);
    const yPtr = rt.result(y.length * 4);
    s[Slot.Y] = yPtr;
    // The transformed kernels, shared by the items of the forward.
    const kernels = KERNELS[call.tile];
    s[Slot.WINOGRAD_U] = rt.alloc(rt.exports[kernels.weightBytes](rt.params(s)));
    const p = rt.params(s);
    if (spanning) {
      // winograd4Weights and winograd6Weights keep G g of four kernels (18 or 24 vectors) in their
      // scratch; an item is a panel of four output channels of a group.
      const panels = call.groups * Math.ceil(call.outChannels / call.groups / 4);
      runItems(rt, kernels.weights, p, panels, 384, threads);
    } else {
      runItems(rt, kernels.weights, p, call.outChannels, 0, threads);
    }
    const items = spanning ? Math.ceil((call.batch * tiles) / block) : call.batch * Math.ceil(tiles / block);
    runItems(rt, kernels.forward, p, items, rt.exports[kernels.forwardScratch](p), threads);
    if (activation === 'sigmoid') sigmoidInPlace(rt, yPtr, y.length);
    rt.read(yPtr, y);
  } finally {
    rt.reset();
  }
}

/**
 * A block of `tiles` tiles narrowed so that `threads` threads get the same number of items (the
 * pool gives each a contiguous run of items), in steps of 4 tiles: the GEMM computes a last
 * half panel of 4 columns at full speed. The results do not depend on it.
 */
function balancedBlock(block: number, tiles: number, threads: number): number {
  const items = Math.ceil(tiles / block);
  if (threads <= 1 || items % threads === 0) return block;
  const even = Math.ceil(items / threads) * threads;
  return Math.max(4, Math.ceil(tiles / even / 4) * 4);
}

/**
 * Partial sums the Winograd weight gradient may hold, at most (bytes): `partialBytes` per work
 * item. Past this, im2col computes the gradient (W5's take 9.4 MB).
 */
const WEIGHT_GRADIENT_PARTIAL_BYTES = 64 << 20;

/**
 * Tiles per block of the Winograd weight gradient, and its work items: runs of blocks, at most
 * WINOGRAD_GRADIENT_ITEMS (as assembly/winograd-weight-grad.ts counts them). Both follow from
 * the shape alone: the order of its sums depends on them.
 */
function weightGradientBlocks(g: Conv2dGeometry): { block: number; items: number } {
  const block = winogradTileBlock(winogradForwardCall(g, 4));
  const blocks = Math.ceil((g.batch * Math.ceil(g.outH / 4) * Math.ceil(g.outW / 4)) / block);
  const span = Math.ceil(blocks / WINOGRAD_GRADIENT_ITEMS);
  return { block, items: blocks === 0 ? 0 : Math.ceil(blocks / span) };
}

/** Bytes of one work item's partial sums: 36 O x C matrices (assembly/winograd-weight-grad.ts). */
function partialBytes(g: Conv2dGeometry): number {
  return 36 * g.outChannels * g.inChannels * 4;
}

/**
 * Whether the weight gradient of a conv that 'auto' computes by Winograd is too: one group, some
 * tiles, and its partial sums within WEIGHT_GRADIENT_PARTIAL_BYTES. Where 'auto' takes Winograd
 * it was faster than im2col on every shape measured (3 x 3, padding 1, C = O; im2col / Winograd
 * time, 1 thread / 2 threads): batch x channels x side 8 x 64 x 14 2.3x, 2 x 128 x 28 3.1x,
 * 32 x 16 x 32 2.6x, 8 x 256 x 14 2.3x / 1.7x, 16 x 128 x 8 3.0x / 1.8x, and at 16 tiles or fewer
 * (4 x 64 x 8, 1 x 64 x 16, 1 x 16 x 8) 1.2-2.3x / 1.2-1.4x.
 */
export function winogradWeightGradientApplies(g: Conv2dGeometry): boolean {
  if (g.groups !== 1) return false;
  const { items } = weightGradientBlocks(g);
  return items > 0 && items * partialBytes(g) <= WEIGHT_GRADIENT_PARTIAL_BYTES;
}

/**
 * gw of a 3 x 3 stride-1 conv2d by Winograd F(3 x 3, 4 x 4) (assembly/winograd-weight-grad.ts):
 * each run of blocks of gy's 4 x 4 tiles sums its products into a partial, then the partials
 * are added in order and transformed into gw. Its sums are its own (float32, tile by tile), as
 * the im2col weight gradient's are; the same on any number of threads.
 */
export function wasmWinogradBackwardWeight(
  rt: WasmRuntime,
  g: Conv2dGeometry,
  x: Float32Array,
  gy: Float32Array,
  gw: Float32Array,
): void {
  try {
    const s = winogradSlots(winogradForwardCall(g, 4));
    const { block, items } = weightGradientBlocks(g);
    s[Slot.TILE_BLOCK] = block;
    s[Slot.X] = rt.write(x);
    s[Slot.Y] = rt.write(gy);
    s[Slot.PARTIALS] = rt.alloc(items * partialBytes(g));
    const gwPtr = rt.alloc(gw.length * 4);
    s[Slot.GW] = gwPtr;
    const p = rt.params(s);
    const flops = 2 * g.batch * g.outChannels * g.outH * g.outW * g.inChannels * 9;
    const threads = threadsFor(rt, flops, gw.length);
    runItems(rt, 'winogradWeightGrad', p, items, rt.exports.winogradWeightGradScratch(p), threads);
    runItems(
      rt,
      'winogradWeightGradSum',
      p,
      g.outChannels,
      rt.exports.winogradWeightGradSumScratch(p),
      threads,
    );
    rt.read(gwPtr, gw);
  } finally {
    rt.reset();
  }
}
