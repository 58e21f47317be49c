import { defineKernel } from '../registry.js';
import { whereStrided as reference } from '../where.js';

/** `where` over three broadcast operands (kernels/where.ts): the reference only on the host. */
export let whereStrided = /* @__PURE__ */ defineKernel('whereStrided', reference, {}, (kernel) => {
  whereStrided = kernel;
});
