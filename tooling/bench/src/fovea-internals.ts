/**
 * Parts of @fovea/tensor the bench needs that are not its public API: the kernels its conv2d op
 * dispatches (forward, input and weight gradients, as TensorFlow.js's runKernel is timed), the
 * embedded WebAssembly module (for the SIMD ceiling) and its runtime (which build loaded). The
 * bench runs from sources with the `@fovea/source` condition, so these are the same module
 * instances as `@fovea/tensor`'s.
 */

export { wasmRuntime } from '../../../packages/tensor/src/kernels/backend.js';
export {
  conv2dBackwardInput,
  conv2dBackwardWeight,
  conv2dForward,
} from '../../../packages/tensor/src/kernels/registered/index.js';
