import type { sigmoidBackward, sigmoidForward } from '../activation.js';
import { wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { SLOT_COUNT, Slot } from './abi.generated.js';
import { throughBlocks } from './blocks.js';
import { limits } from './limits.js';
import { runItems, threadsFor } from './run.js';
import type { WasmRuntime } from './runtime.js';

/**
 * The 'wasm' sigmoid kernels (assembly/activation.ts): float32 arrays of at least
 * `limits.minActivation` elements, once the module is loaded (the reference computes the same
 * bits, so which one runs never shows in the result); every other call is declined. The arrays
 * go through WebAssembly memory a block at a time (wasm/blocks.ts), on the calling thread:
 * split over 2 threads with x copied in whole, the forward measured slower here, 0.51-0.88 ms
 * against 0.45-0.50 for LeNet's first activation at batch 64 and 2.3-4.3 ms against 1.9-2.5 at
 * batch 256, as the copies, which the calling thread makes, cost more than the arithmetic the
 * second thread takes over. Inputs the memory still holds from the calls that made them
 * (resident-ring.ts) need no copy, and those calls are split (`splitOverThreads`).
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
    if (splitOverThreads(rt, 'sigmoidItems', [x as Float32Array], out as Float32Array)) return;
    throughBlocks(rt, [x as Float32Array], out as Float32Array, ([xPtr], outPtr, length) => {
      exports.sigmoid(xPtr, outPtr, length);
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
    if (
      splitOverThreads(
        rt,
        'sigmoidBackwardItems',
        [y as Float32Array, g as Float32Array],
        out as Float32Array,
      )
    ) {
      return;
    }
    throughBlocks(
      rt,
      [g as Float32Array, y as Float32Array],
      out as Float32Array,
      ([gPtr, yPtr], outPtr, length) => {
        exports.sigmoidBackward(gPtr, yPtr, outPtr, length);
      },
    );
  } finally {
    rt.reset();
  }
};

/**
 * Runs an activation's items over the threads when every input is held in the memory from the
 * call that made it and the result finds room there too, so that the calling thread copies
 * nothing in; false leaves the call to `throughBlocks`. `inputs` fill slots X then Y; the result
 * goes to Y (forward) or GX (backward, whose gradient is at Y).
 */
function splitOverThreads(
  rt: WasmRuntime,
  kernel: 'sigmoidItems' | 'sigmoidBackwardItems',
  inputs: readonly Float32Array[],
  out: Float32Array,
): boolean {
  const n = out.length;
  if (n < limits.parallelActivationElements) return false;
  const threads = threadsFor(rt, Number.POSITIVE_INFINITY);
  if (threads < 2) return false;
  const held = inputs.map((input) => rt.held(input));
  if (held.some((ptr) => ptr < 0)) return false;
  const result = rt.place(n * 4);
  if (result < 0) return false;
  if (kernel === 'sigmoidItems') runActivationItems(rt, kernel, n, threads, held[0], result, 0);
  else runActivationItems(rt, kernel, n, threads, held[0], held[1], result);
  rt.read(result, out);
  return true;
}

/**
 * Applies the sigmoid to the `n` floats at `ptr` in place (a conv2d forward's result, before it
 * is copied out: `conv2d`'s `activation`), on the threads from `limits.parallelActivationElements`
 * floats. The same bits as `wasmSigmoidForward` on those floats.
 */
export function sigmoidInPlace(rt: WasmRuntime, ptr: number, n: number): void {
  const threads = n >= limits.parallelActivationElements ? threadsFor(rt, Number.POSITIVE_INFINITY) : 1;
  runActivationItems(rt, 'sigmoidItems', n, threads, ptr, ptr, 0);
}

/** Runs an activation kernel's items over `n` floats with its operands at slots X, Y and GX. */
function runActivationItems(
  rt: WasmRuntime,
  kernel: 'sigmoidItems' | 'sigmoidBackwardItems',
  n: number,
  threads: number,
  x: number,
  y: number,
  gx: number,
): void {
  const s = new Array<number>(SLOT_COUNT).fill(0);
  s[Slot.N] = n;
  // Items of at least 16,384 floats, a few per thread, so that a thread slowed down by other work
  // leaves its last items to the others.
  s[Slot.BAND] = Math.max(16384, Math.ceil(n / (4 * threads) / 4) * 4);
  s[Slot.X] = x;
  s[Slot.Y] = y;
  s[Slot.GX] = gx;
  runItems(rt, kernel, rt.params(s), Math.ceil(n / s[Slot.BAND]), 0, threads);
}
