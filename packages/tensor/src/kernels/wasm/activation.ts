import type { sigmoidBackward, sigmoidForward } from '../activation.js';
import { wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { throughBlocks } from './blocks.js';
import { limits } from './limits.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The 'wasm' sigmoid kernels (assembly/activation.ts): float32 arrays of at least
 * `limits.minActivation` elements, once the module is loaded (the reference computes the same
 * bits, so which one runs never shows in the result); every other call is declined. The arrays
 * go through WebAssembly memory a block at a time (wasm/blocks.ts), on the calling thread at
 * every thread count: split over 2 threads (x copied in whole, the threads taking chunks of
 * it) the forward measured slower here, 0.51-0.88 ms against 0.45-0.50 for LeNet's first
 * activation at batch 64 and 2.3-4.3 ms against 1.9-2.5 at batch 256, as the copies, which the
 * calling thread makes, cost more than the arithmetic the second thread takes over.
 */

interface ActivationExports {
  sigmoid(x: number, out: number, n: number): void;
  sigmoidBackward(g: number, y: number, out: number, n: number): void;
}

function runtimeFor(out: unknown, ...inputs: unknown[]): WasmRuntime | null {
  if (!(out instanceof Float32Array) || out.length < limits.minActivation) return null;
  for (const x of inputs) if (!(x instanceof Float32Array)) return null;
  return wasmRuntime();
}

export const wasmSigmoidForward: BackendKernel<typeof sigmoidForward> = (x, out) => {
  const rt = runtimeFor(out, x);
  if (rt === null) return DECLINED;
  const exports = rt.exports as unknown as ActivationExports;
  try {
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
