import {
  sigmoidBackward as sigmoidBackwardReference,
  sigmoidForward as sigmoidForwardReference,
} from '../activation.js';
import { defineKernel } from '../registry.js';
import { wasmSigmoidBackward, wasmSigmoidForward } from '../wasm/activation.js';

/** Sigmoid over a contiguous array (kernels/activation.ts), WebAssembly SIMD for large float32. */
export let sigmoidForward = /* @__PURE__ */ defineKernel(
  'sigmoidForward',
  sigmoidForwardReference,
  { wasm: wasmSigmoidForward },
  (kernel) => {
    sigmoidForward = kernel;
  },
);

/** Sigmoid's backward in one pass, g (1 - y) y, from the forward's result y. */
export let sigmoidBackward = /* @__PURE__ */ defineKernel(
  'sigmoidBackward',
  sigmoidBackwardReference,
  { wasm: wasmSigmoidBackward },
  (kernel) => {
    sigmoidBackward = kernel;
  },
);
