import * as reference from '../reduce.js';
import { defineKernel } from '../registry.js';

/** Reductions over blocks (kernels/reduce.ts): the reference only so far. */
export const sumBlocks = /* @__PURE__ */ defineKernel('sumBlocks', reference.sumBlocks);

export const extremumBlocks = /* @__PURE__ */ defineKernel('extremumBlocks', reference.extremumBlocks);
