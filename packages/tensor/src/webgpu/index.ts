export { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
export type { GpuAdapterDescription, RequestGpuOptions } from './device.js';
export type { GpuDType, KernelBuffer, KernelSource } from './runtime.js';
export { GpuArray, WebGpu } from './runtime.js';
