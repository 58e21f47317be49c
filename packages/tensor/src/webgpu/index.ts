// @fovea/tensor/webgpu: WGSL kernels with the reference kernels' arguments, over GPU arrays.

export type { GpuMemoryStats } from './buffer-pool.js';
export { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from './conv2d.js';
export type { GpuAdapterDescription, RequestGpuOptions } from './device.js';
export { webGpuMemory } from './device-storage.js';
export type { ActivationBackward, BinaryOp, UnaryOp } from './elementwise.js';
export { activationBackward, binary, unary } from './elementwise.js';
export type { NllLossOptions, Reduction } from './loss.js';
export { logSoftmax, logSoftmaxBackward, nllLoss, nllLossBackward } from './loss.js';
export { gemm, linear } from './matmul.js';
export type { AdamStepOptions, SgdStepOptions } from './optim.js';
export { adamStep, sgdStep } from './optim.js';
export { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './pool2d.js';
export { reduceDims, sumBlocks } from './reduce.js';
export type { GpuDType, KernelBuffer, KernelSource } from './runtime.js';
export { GpuArray, WebGpu } from './runtime.js';
