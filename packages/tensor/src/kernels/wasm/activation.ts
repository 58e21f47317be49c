import type { sigmoidBackward, sigmoidForward } from '../activation.js';
import { wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { limits } from './limits.js';

/**
 * The 'wasm' sigmoid kernels (assembly/activation.ts): float32 arrays of at least
 * `limits.minElementwise` elements, once the module is loaded (the reference computes the same
 * bits, so which one runs never shows in the result); every other call is declined.
 */

interface ActivationExports {
  sigmoid(x: number, out: number, n: number): void;
  sigmoidBackward(g: number, y: number, out: number, n: number): void;
}

export const wasmSigmoidForward: BackendKernel<typeof sigmoidForward> = (x, out) => {
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || out.length < limits.minElementwise) {
    return DECLINED;
  }
  const rt = wasmRuntime();
  if (rt === null) return DECLINED;
  try {
    const xp = rt.write(x, 0, out.length);
    const op = rt.alloc(out.length * 4);
    (rt.exports as unknown as ActivationExports).sigmoid(xp, op, out.length);
    rt.calls++;
    rt.read(op, out);
  } finally {
    rt.reset();
  }
};

export const wasmSigmoidBackward: BackendKernel<typeof sigmoidBackward> = (g, y, out) => {
  if (
    !(g instanceof Float32Array) ||
    !(y instanceof Float32Array) ||
    !(out instanceof Float32Array) ||
    out.length < limits.minElementwise
  ) {
    return DECLINED;
  }
  const rt = wasmRuntime();
  if (rt === null) return DECLINED;
  try {
    const gp = rt.write(g, 0, out.length);
    const yp = rt.write(y, 0, out.length);
    const op = rt.alloc(out.length * 4);
    (rt.exports as unknown as ActivationExports).sigmoidBackward(gp, yp, op, out.length);
    rt.calls++;
    rt.read(op, out);
  } finally {
    rt.reset();
  }
};
