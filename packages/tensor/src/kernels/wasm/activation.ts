import type { sigmoidBackward, sigmoidForward } from '../activation.js';
import { getNumThreads, wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { ActivationSlot } from './abi.generated.js';
import { throughBlocks } from './blocks.js';
import { limits } from './limits.js';
import { runItems } from './run.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The 'wasm' sigmoid kernels (assembly/activation.ts): float32 arrays of at least
 * `limits.minActivation` elements, once the module is loaded (the reference computes the same
 * bits, so which one runs never shows in the result); every other call is declined.
 *
 * On one thread the arrays go through WebAssembly memory a block at a time (wasm/blocks.ts). A
 * forward of `limits.parallelActivation` elements on
 * several threads copies x in whole and the threads take chunks of it: each element is computed
 * alone, so the result is the same whatever the split.
 */

interface ActivationExports {
  sigmoid(x: number, out: number, n: number): void;
  sigmoidBackward(g: number, y: number, out: number, n: number): void;
}

/** Floats per work item of a threaded call: a multiple of 4, a few items per thread. */
const CHUNK = 16384;

function runtimeFor(out: unknown, ...inputs: unknown[]): WasmRuntime | null {
  if (!(out instanceof Float32Array) || out.length < limits.minActivation) return null;
  for (const x of inputs) if (!(x instanceof Float32Array)) return null;
  return wasmRuntime();
}

function threadsFor(rt: WasmRuntime, n: number): number {
  return n >= limits.parallelActivation && rt.shared ? getNumThreads() : 1;
}

/** Copies x into WebAssembly memory whole, and the threads take chunks of it. */
function sigmoidOnThreads(rt: WasmRuntime, x: Float32Array, out: Float32Array, threads: number): void {
  const n = out.length;
  const slots = new Array<number>(4).fill(0);
  slots[ActivationSlot.ACT_X] = rt.write(x);
  const outPtr = rt.alloc(n * 4);
  slots[ActivationSlot.ACT_OUT] = outPtr;
  slots[ActivationSlot.ACT_N] = n;
  slots[ActivationSlot.ACT_CHUNK] = CHUNK;
  runItems(rt, 'sigmoidItems', rt.params(slots), Math.ceil(n / CHUNK), 0, threads);
  rt.read(outPtr, out);
}

export const wasmSigmoidForward: BackendKernel<typeof sigmoidForward> = (x, out) => {
  const rt = runtimeFor(out, x);
  if (rt === null) return DECLINED;
  const exports = rt.exports as unknown as ActivationExports;
  try {
    const threads = threadsFor(rt, out.length);
    if (threads > 1) {
      sigmoidOnThreads(rt, x as Float32Array, out as Float32Array, threads);
      return;
    }
    throughBlocks(rt, [x as Float32Array], out as Float32Array, ([ptr], length) => {
      exports.sigmoid(ptr, ptr, length);
    });
  } finally {
    rt.reset();
  }
};

export const wasmSigmoidBackward: BackendKernel<typeof sigmoidBackward> = (g, y, out) => {
  const rt = runtimeFor(out, g, y);
  if (rt === null) return DECLINED;
  const exports = rt.exports as unknown as ActivationExports;
  try {
    throughBlocks(rt, [g as Float32Array, y as Float32Array], out as Float32Array, ([gPtr, yPtr], length) => {
      exports.sigmoidBackward(gPtr, yPtr, gPtr, length);
    });
  } finally {
    rt.reset();
  }
};
