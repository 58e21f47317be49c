// `torch.nn.functional` for Fovea: the tensor library's ops, and the few functions (losses,
// softmax, dropout, linear) that live with the layers.
export {
  adaptiveAvgPool2d,
  avgPool2d,
  conv2d,
  convolve2d,
  corr2d,
  maxPool2d,
  maxUnpool2d,
  pad,
  relu,
  sigmoid,
  tanh,
  unfold,
} from '@fovea/tensor';
export { logSoftmax, softmax } from './activation.js';
export type { DropoutOptions } from './dropout.js';
export { dropout } from './dropout.js';
export { linear } from './linear.js';
export type { CrossEntropyOptions, Reduction, ReductionOptions } from './loss.js';
export { crossEntropy, mseLoss } from './loss.js';
