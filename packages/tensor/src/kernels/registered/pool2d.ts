import * as adaptive from '../adaptive-pool2d.js';
import * as reference from '../pool2d.js';
import { defineKernel } from '../registry.js';
import {
  wasmAvgPool2dBackward,
  wasmAvgPool2dForward,
  wasmMaxPool2dBackward,
  wasmMaxPool2dForward,
} from '../wasm/pool2d-kernels.js';

/**
 * The pooling kernels ops call (kernels/pool2d.ts is the reference): the WebAssembly ones take
 * float32 inputs of at least `limits.minPoolElements` elements and load the embedded module.
 */
export let maxPool2dForward = /* @__PURE__ */ defineKernel(
  'maxPool2dForward',
  reference.maxPool2dForward,
  {
    wasm: wasmMaxPool2dForward,
  },
  (kernel) => {
    maxPool2dForward = kernel;
  },
);

export let maxPool2dBackward = /* @__PURE__ */ defineKernel(
  'maxPool2dBackward',
  reference.maxPool2dBackward,
  {
    wasm: wasmMaxPool2dBackward,
  },
  (kernel) => {
    maxPool2dBackward = kernel;
  },
);

export let avgPool2dForward = /* @__PURE__ */ defineKernel(
  'avgPool2dForward',
  reference.avgPool2dForward,
  {
    wasm: wasmAvgPool2dForward,
  },
  (kernel) => {
    avgPool2dForward = kernel;
  },
);

export let avgPool2dBackward = /* @__PURE__ */ defineKernel(
  'avgPool2dBackward',
  reference.avgPool2dBackward,
  {
    wasm: wasmAvgPool2dBackward,
  },
  (kernel) => {
    avgPool2dBackward = kernel;
  },
);

export let adaptiveAvgPool2dForward = /* @__PURE__ */ defineKernel(
  'adaptiveAvgPool2dForward',
  adaptive.adaptiveAvgPool2dForward,
  {},
  (kernel) => {
    adaptiveAvgPool2dForward = kernel;
  },
);

export let adaptiveAvgPool2dBackward = /* @__PURE__ */ defineKernel(
  'adaptiveAvgPool2dBackward',
  adaptive.adaptiveAvgPool2dBackward,
  {},
  (kernel) => {
    adaptiveAvgPool2dBackward = kernel;
  },
);
