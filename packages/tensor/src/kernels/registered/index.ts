// Every kernel registered by this package, for tests and the benchmark harness (ops import the
// family they need, so a bundle keeps only those).
export type { Conv2dParams } from '../conv2d-geometry.js';
export { conv2dOutputShape } from '../conv2d-geometry.js';
export type { AvgPool2dParams, MaxPool2dParams } from '../pool2d.js';
export { avgPool2dOutputShape, maxPool2dOutputShape } from '../pool2d.js';
export { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
export { gemm } from './gemm.js';
export { gatherPlanes, scatterPlanes } from './plane-index.js';
export {
  adaptiveAvgPool2dBackward,
  adaptiveAvgPool2dForward,
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from './pool2d.js';
export { mapStrided, zipStrided } from './strided.js';
