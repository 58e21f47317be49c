import * as reference from '../pad.js';
import { defineKernel } from '../registry.js';

/** Padding (kernels/pad.ts): the reference only so far, memory-bound. */
export let pad2d = /* @__PURE__ */ defineKernel('pad2d', reference.pad2d, {}, (kernel) => {
  pad2d = kernel;
});

export let pad2dBackward = /* @__PURE__ */ defineKernel(
  'pad2dBackward',
  reference.pad2dBackward,
  {},
  (kernel) => {
    pad2dBackward = kernel;
  },
);
