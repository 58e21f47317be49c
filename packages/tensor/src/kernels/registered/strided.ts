import { defineKernel } from '../registry.js';
import {
  type MapStridedKernel,
  mapStrided as mapStridedReference,
  scatterStrided as scatterStridedReference,
  type ZipStridedKernel,
  zipStrided as zipStridedReference,
} from '../strided.js';
import { wasmMapStrided, wasmZipStrided } from '../wasm/elementwise.js';

/**
 * The strided elementwise kernels ops call (kernels/strided.ts), with the op's name as a last
 * argument: named float32 ops of at least `limits.minElementwise` elements run in WebAssembly
 * once the module is loaded, bit for bit as the reference computes them.
 */
export let mapStrided = /* @__PURE__ */ defineKernel<MapStridedKernel>(
  'mapStrided',
  mapStridedReference,
  {
    wasm: wasmMapStrided,
  },
  (kernel) => {
    mapStrided = kernel;
  },
);

export let zipStrided = /* @__PURE__ */ defineKernel<ZipStridedKernel>(
  'zipStrided',
  zipStridedReference,
  {
    wasm: wasmZipStrided,
  },
  (kernel) => {
    zipStrided = kernel;
  },
);

/** Writes a contiguous source into a strided region (kernels/strided.ts): the reference only. */
export let scatterStrided = /* @__PURE__ */ defineKernel(
  'scatterStrided',
  scatterStridedReference,
  {},
  (kernel) => {
    scatterStrided = kernel;
  },
);
