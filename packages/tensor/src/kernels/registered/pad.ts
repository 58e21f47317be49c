import * as reference from '../pad.js';
import { defineKernel } from '../registry.js';

/** Padding (kernels/pad.ts): the reference only so far, memory-bound. */
export const pad2d = /* @__PURE__ */ defineKernel('pad2d', reference.pad2d);

export const pad2dBackward = /* @__PURE__ */ defineKernel('pad2dBackward', reference.pad2dBackward);
