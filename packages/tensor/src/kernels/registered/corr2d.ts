import { corr2d as reference } from '../corr2d.js';
import { defineKernel } from '../registry.js';

/** The chapter's cross-correlation (kernels/corr2d.ts): the reference only, a few hundred flops. */
export let corr2d = /* @__PURE__ */ defineKernel('corr2d', reference, {}, (kernel) => {
  corr2d = kernel;
});
