import { addScaledInPlace as reference } from '../add-scaled.js';
import { defineKernel } from '../registry.js';

/**
 * `add_` with alpha in one pass (kernels/add-scaled.ts). The reference only: the pass is
 * memory-bound, and a WebAssembly kernel would copy both operands in and the result out.
 */
export let addScaledInPlace = /* @__PURE__ */ defineKernel('addScaledInPlace', reference, {}, (kernel) => {
  addScaledInPlace = kernel;
});
