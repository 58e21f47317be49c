import * as reference from '../reduce.js';
import { defineKernel } from '../registry.js';

/** Reductions over blocks (kernels/reduce.ts): the reference only so far. */
export let sumBlocks = /* @__PURE__ */ defineKernel('sumBlocks', reference.sumBlocks, {}, (kernel) => {
  sumBlocks = kernel;
});

export let extremumBlocks = /* @__PURE__ */ defineKernel(
  'extremumBlocks',
  reference.extremumBlocks,
  {},
  (kernel) => {
    extremumBlocks = kernel;
  },
);
