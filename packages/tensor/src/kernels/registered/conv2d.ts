import * as reference from '../conv2d.js';
import { defineKernel } from '../registry.js';
import { wasmConv2dBackwardBias } from '../wasm/bias-grad.js';
import {
  wasmConv2dBackwardInput,
  wasmConv2dBackwardWeight,
  wasmConv2dForward,
} from '../wasm/conv2d-kernels.js';

/**
 * The conv2d kernels ops call (kernels/conv2d.ts is the reference): the WebAssembly ones take
 * float32 calls of at least `limits.minFlops` and load the embedded module. Both backends pick
 * the algorithm with conv2d-tuning.ts.
 */
export let conv2dForward = /* @__PURE__ */ defineKernel(
  'conv2dForward',
  reference.conv2dForward,
  {
    wasm: wasmConv2dForward,
  },
  (kernel) => {
    conv2dForward = kernel;
  },
);

export let conv2dBackwardInput = /* @__PURE__ */ defineKernel(
  'conv2dBackwardInput',
  reference.conv2dBackwardInput,
  { wasm: wasmConv2dBackwardInput },
  (kernel) => {
    conv2dBackwardInput = kernel;
  },
);

export let conv2dBackwardWeight = /* @__PURE__ */ defineKernel(
  'conv2dBackwardWeight',
  reference.conv2dBackwardWeight,
  { wasm: wasmConv2dBackwardWeight },
  (kernel) => {
    conv2dBackwardWeight = kernel;
  },
);

/** Per-channel sums of gy; WebAssembly SIMD for float32 once the module is loaded (same bits). */
export let conv2dBackwardBias = /* @__PURE__ */ defineKernel(
  'conv2dBackwardBias',
  reference.conv2dBackwardBias,
  { wasm: wasmConv2dBackwardBias },
  (kernel) => {
    conv2dBackwardBias = kernel;
  },
);
