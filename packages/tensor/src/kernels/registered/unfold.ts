import * as reference from '../im2col.js';
import { defineKernel } from '../registry.js';

/** unfold and fold (kernels/im2col.ts): the reference only so far, memory-bound. */
export let unfold = /* @__PURE__ */ defineKernel('unfold', reference.unfold, {}, (kernel) => {
  unfold = kernel;
});

export let fold = /* @__PURE__ */ defineKernel('fold', reference.fold, {}, (kernel) => {
  fold = kernel;
});
