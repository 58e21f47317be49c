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
export const maxPool2dForward = /* @__PURE__ */ defineKernel('maxPool2dForward', reference.maxPool2dForward, {
  wasm: wasmMaxPool2dForward,
});

export const maxPool2dBackward = /* @__PURE__ */ defineKernel(
  'maxPool2dBackward',
  reference.maxPool2dBackward,
  {
    wasm: wasmMaxPool2dBackward,
  },
);

export const avgPool2dForward = /* @__PURE__ */ defineKernel('avgPool2dForward', reference.avgPool2dForward, {
  wasm: wasmAvgPool2dForward,
});

export const avgPool2dBackward = /* @__PURE__ */ defineKernel(
  'avgPool2dBackward',
  reference.avgPool2dBackward,
  {
    wasm: wasmAvgPool2dBackward,
  },
);

export const adaptiveAvgPool2dForward = /* @__PURE__ */ defineKernel(
  'adaptiveAvgPool2dForward',
  adaptive.adaptiveAvgPool2dForward,
);

export const adaptiveAvgPool2dBackward = /* @__PURE__ */ defineKernel(
  'adaptiveAvgPool2dBackward',
  adaptive.adaptiveAvgPool2dBackward,
);
