import * as reference from '../plane-index.js';
import { defineKernel } from '../registry.js';

/**
 * Gathers and scatters by flat positions within each plane (kernels/plane-index.ts), for max
 * pooling's indices and maxUnpool2d: the reference only so far.
 */
export let gatherPlanes = /* @__PURE__ */ defineKernel(
  'gatherPlanes',
  reference.gatherPlanes,
  {},
  (kernel) => {
    gatherPlanes = kernel;
  },
);

export let scatterPlanes = /* @__PURE__ */ defineKernel(
  'scatterPlanes',
  reference.scatterPlanes,
  {},
  (kernel) => {
    scatterPlanes = kernel;
  },
);
