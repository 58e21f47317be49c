/** The WebAssembly kernels of @fovea/tensor (see src/kernels/wasm/runtime.ts for the calling side). */
export { gemm, gemmItems, gemmScratchBytes, relaxedSimd } from './gemm';
export {
  convBackwardInput,
  convBackwardInputScratch,
  convBackwardWeight,
  convBackwardWeightScratch,
  convForward,
  convForwardScratch,
} from './conv';
export { implicitForward, implicitForwardScratch } from './implicit';
export { implicitBackwardWeight, implicitBackwardWeightScratch } from './implicit-weight';
export {
  directBackwardInput,
  directBackwardInputScratch,
  directBackwardWeight,
  directBackwardWeightScratch,
  directForward,
  directForwardScratch,
} from './direct';
export { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './pool';
export { addScaled, binary, unary } from './elementwise';
export { sigmoid, sigmoidBackward, sigmoidBackwardItems, sigmoidItems } from './activation';
export { biasGradSums } from './bias-grad';
export { winogradForward, winogradForwardScratch } from './winograd';
export { winogradWeightBytes, winogradWeights } from './winograd-weights';
export { winograd4Forward, winograd4ForwardScratch, winograd6Forward, winograd6ForwardScratch } from './winograd4';
export { winograd4WeightBytes, winograd4Weights, winograd6Weights } from './winograd4-weights';
export { winograd6WeightBytes } from './winograd6-weights';
export {
  winogradWeightGrad,
  winogradWeightGradScratch,
  winogradWeightGradSum,
  winogradWeightGradSumScratch,
} from './winograd-weight-grad';
