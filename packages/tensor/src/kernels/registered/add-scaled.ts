import { addScaledInPlace as reference } from '../add-scaled.js';
import { defineKernel } from '../registry.js';
import { wasmAddScaledInPlace } from '../wasm/add-scaled.js';

/**
 * `add_` with alpha in one pass (kernels/add-scaled.ts), WebAssembly SIMD for large float32
 * arrays: V8 runs the reference's float32 loop at several nanoseconds an element, more than
 * the copies into WebAssembly memory and back cost.
 */
export let addScaledInPlace = /* @__PURE__ */ defineKernel(
  'addScaledInPlace',
  reference,
  { wasm: wasmAddScaledInPlace },
  (kernel) => {
    addScaledInPlace = kernel;
  },
);
