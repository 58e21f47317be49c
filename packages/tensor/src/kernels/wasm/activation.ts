import type { sigmoidBackward, sigmoidForward } from '../activation.js';
import { wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { limits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The 'wasm' sigmoid kernels (assembly/activation.ts): float32 arrays of at least
 * `limits.minActivation` elements, once the module is loaded (the reference computes the same
 * bits, so which one runs never shows in the result); every other call is declined.
 *
 * The arrays go through WebAssembly memory a block at a time, each block copied in, computed
 * in place and copied out while it is still in cache: a whole activation of a batch (LeNet's
 * first one is 4.8 MB at batch 256) copied in, computed and copied out in three passes went
 * through main memory three times.
 */

interface ActivationExports {
  sigmoid(x: number, out: number, n: number): void;
  sigmoidBackward(g: number, y: number, out: number, n: number): void;
}

/** Floats per block: two blocks (16 KB each) stay in the first-level cache of this machine's cores. */
const BLOCK = 4096;

function runtimeFor(out: unknown, ...inputs: unknown[]): WasmRuntime | null {
  if (!(out instanceof Float32Array) || out.length < limits.minActivation) return null;
  for (const x of inputs) if (!(x instanceof Float32Array)) return null;
  return wasmRuntime();
}

export const wasmSigmoidForward: BackendKernel<typeof sigmoidForward> = (x, out) => {
  const rt = runtimeFor(out, x);
  if (rt === null) return DECLINED;
  const n = out.length;
  const exports = rt.exports as unknown as ActivationExports;
  try {
    const ptr = rt.alloc(Math.min(n, BLOCK) * 4);
    const at = ptr >> 2;
    const memory = rt.floats;
    for (let start = 0; start < n; start += BLOCK) {
      const length = Math.min(BLOCK, n - start);
      memory.set(x.subarray(start, start + length) as Float32Array, at);
      exports.sigmoid(ptr, ptr, length);
      out.set(memory.subarray(at, at + length), start);
    }
    rt.calls++;
  } finally {
    rt.reset();
  }
};

export const wasmSigmoidBackward: BackendKernel<typeof sigmoidBackward> = (g, y, out) => {
  const rt = runtimeFor(out, g, y);
  if (rt === null) return DECLINED;
  const n = out.length;
  const exports = rt.exports as unknown as ActivationExports;
  try {
    const block = Math.min(n, BLOCK);
    const gPtr = rt.alloc(block * 4);
    const yPtr = rt.alloc(block * 4);
    const memory = rt.floats;
    for (let start = 0; start < n; start += BLOCK) {
      const length = Math.min(BLOCK, n - start);
      memory.set(g.subarray(start, start + length) as Float32Array, gPtr >> 2);
      memory.set(y.subarray(start, start + length) as Float32Array, yPtr >> 2);
      exports.sigmoidBackward(gPtr, yPtr, gPtr, length);
      out.set(memory.subarray(gPtr >> 2, (gPtr >> 2) + length), start);
    }
    rt.calls++;
  } finally {
    rt.reset();
  }
};
