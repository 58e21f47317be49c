import {
  crossEntropyBackward as backwardReference,
  crossEntropyForward as forwardReference,
} from '../cross-entropy.js';
import { defineKernel } from '../registry.js';

/**
 * Cross-entropy with class indices, forward and backward (kernels/cross-entropy.ts is the
 * reference). No WebAssembly kernel: logits are [batch, classes], a few thousand values, and one
 * would spend more on copying them than on the arithmetic. The 'webgpu' backend registers its
 * log-softmax and NLL shaders under these names when it opens (webgpu/register-training.ts).
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
