import {
  crossEntropyBackward as backwardReference,
  crossEntropyForward as forwardReference,
} from '../cross-entropy.js';
import { defineKernel } from '../registry.js';

/**
 * Cross-entropy with class indices, forward and backward (kernels/cross-entropy.ts). The
 * reference only: logits are [batch, classes], a few thousand values, and a WebAssembly kernel
 * would spend more on copying them than on the arithmetic.
 */
export let crossEntropyForward = /* @__PURE__ */ defineKernel(
  'crossEntropyForward',
  forwardReference,
  {},
  (kernel) => {
    crossEntropyForward = kernel;
  },
);

export let crossEntropyBackward = /* @__PURE__ */ defineKernel(
  'crossEntropyBackward',
  backwardReference,
  {},
  (kernel) => {
    crossEntropyBackward = kernel;
  },
);
