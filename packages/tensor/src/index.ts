// Installs Tensor's op methods (x.add(y), ...) before anything else runs.
import './tensor-methods.js';

// Grad mode lives in the engine; a user of the tensor package alone reaches it here, as
// `torch.no_grad` is reached from `torch`.
export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from '@fovea/autograd';
export { checkTensor } from './check-tensor.js';
export {
  argumentError,
  checkArray,
  checkBoolean,
  checkBroadcastable,
  checkDim,
  checkDTypeName,
  checkElements,
  checkFinite,
  checkInt32,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkScalarValue,
  checkSizeArgument,
  describe,
  MAX_DIMS,
  MAX_ELEMENTS,
} from './checks.js';
export type { CreationOptions } from './creation.js';
export {
  arange,
  eye,
  full,
  fullLike,
  linspace,
  ones,
  onesLike,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export type { DType, TypedArray } from './dtype.js';
export type { PrintOptions } from './format/index.js';
export { formatTensor } from './format/index.js';
export type { Backend } from './kernels/backend.js';
export {
  getBackend,
  getNumThreads,
  maxThreads,
  setBackend,
  setNumThreads,
  THREADS_PER_CORE,
} from './kernels/backend.js';
export type { ConvActivation } from './kernels/conv2d-geometry.js';
export type { BackendName, KernelRun } from './kernels/registry.js';
export { kernelBackends, registeredKernels, registerKernel, traceKernels } from './kernels/registry.js';
export { samePadding } from './kernels/shape.js';
export { relu, sigmoid, tanh } from './ops/activation.js';
export { cast } from './ops/cast.js';
export { clamp } from './ops/clamp.js';
export { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, lt, ne, where } from './ops/compare.js';
export type { Conv2dOptions } from './ops/conv2d.js';
export { conv2d } from './ops/conv2d.js';
export { clone, contiguous } from './ops/copies.js';
export { convolve2d, corr2d } from './ops/corr2d.js';
export type { SparseSoftmaxCrossEntropyOptions } from './ops/cross-entropy.js';
export { sparseSoftmaxCrossEntropy } from './ops/cross-entropy.js';
export {
  abs,
  add,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  sign,
  sqrt,
  square,
  sub,
} from './ops/elementwise.js';
export type { FusedAdamOptions, FusedSgdOptions } from './ops/fused-steps.js';
export { fusedAdamStep_, fusedSgdStep_ } from './ops/fused-steps.js';
export type { SliceSpec } from './ops/geometry.js';
export type { AddOptions } from './ops/inplace.js';
export { cat, stack } from './ops/join.js';
export { linear } from './ops/linear.js';
export { matmul } from './ops/matmul.js';
export type { MaxUnpool2dOptions } from './ops/max-unpool2d.js';
export { maxUnpool2d } from './ops/max-unpool2d.js';
export type { PadMode } from './ops/pad.js';
export { pad } from './ops/pad.js';
export type { AvgPool2dOptions, MaxPool2dOptions } from './ops/pool2d.js';
export { adaptiveAvgPool2d, avgPool2d, maxPool2d } from './ops/pool2d.js';
export type { ReduceDims } from './ops/reduce.js';
export { argmax, argmin, max, mean, min, sum, variance } from './ops/reduce.js';
export type { UnfoldOptions } from './ops/unfold.js';
export { im2col, unfold } from './ops/unfold.js';
export {
  expand,
  flatten,
  flip,
  narrow,
  permute,
  reshape,
  select,
  slice,
  squeeze,
  t,
  transpose,
  unsqueeze,
  view,
} from './ops/views.js';
export { checkGenerator, defaultGenerator, Generator, manualSeed } from './random.js';
export type { RandomCreationOptions } from './random-creation.js';
export { rand, randint, randLike, randn, randnLike } from './random-creation.js';
export { formatShape } from './shape.js';
export { isShapesOnly, withShapesOnly } from './shapes-only.js';
export type { Device } from './storage.js';
export type { NestedArray, Scalar, TensorLike } from './tensor.js';
export { Tensor } from './tensor.js';
