import type { addScaledInPlace } from '../add-scaled.js';
import { wasmRuntime } from '../backend.js';
import { type BackendKernel, DECLINED } from '../registry.js';
import { throughBlocks } from './blocks.js';
import { limits } from './limits.js';

/**
 * The 'wasm' `add_` with alpha (assembly/elementwise.ts, addScaled): float32 arrays of at least
 * `limits.minElementwise` elements, once the module is loaded (the reference rounds the same
 * way, so which one runs never shows); every other call is declined. The arrays go through
 * WebAssembly memory a block at a time (wasm/blocks.ts). Measured here on LeNet's largest weight
 * (48,000 floats): 64-72 us against 274-347 us for the reference's loop, whose `Math.fround` and
 * float32 stores V8 does not vectorise; on 10,080 floats 5 us against 52-58.
 */

interface AddScaledExports {
  addScaled(target: number, other: number, alpha: number, n: number): void;
}

export const wasmAddScaledInPlace: BackendKernel<typeof addScaledInPlace> = (target, other, alpha) => {
  const n = target.length;
  if (!(target instanceof Float32Array) || !(other instanceof Float32Array) || n < limits.minElementwise) {
    return DECLINED;
  }
  if (other.length !== n) return DECLINED;
  const rt = wasmRuntime();
  if (rt === null) return DECLINED;
  const exports = rt.exports as unknown as AddScaledExports;
  try {
    const a = Math.fround(alpha);
    throughBlocks(
      rt,
      [target, other],
      target,
      ([tPtr, oPtr], _out, length) => {
        exports.addScaled(tPtr, oPtr, a, length);
      },
      true,
    );
  } finally {
    rt.reset();
  }
};
