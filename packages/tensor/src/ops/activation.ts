// The activations of the chapter's layers, elementwise: relu, sigmoid (with its fused
// backward kernel) and tanh.
import { isGradEnabled } from '@fovea/autograd';
import { record } from '../autograd.js';
import { allocate, allocateForOverwrite, type DType } from '../dtype.js';
import { sigmoidBackward, sigmoidForward } from '../kernels/registered/activation.js';
import type { FloatArray } from '../kernels/shape.js';
import type { Tensor } from '../tensor.js';
import { kernelOperand, kernelResult } from './device.js';
import { floatOperand, mul, sub, unaryKernel } from './elementwise.js';
import { requireTensor } from './operands.js';

/**
 * Elementwise $\max(0, a)$, like `torch.relu`; keeps the dtype and NaN. The gradient passes where
 * the result is positive.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 *
 * @example
 * ```ts
 * import { relu, tensor } from '@fovea/tensor';
 *
 * relu(tensor([-1, 0, 2])).toArray(); // [0, 0, 2]
 * ```
 */
export function relu(a: Tensor): Tensor {
  const x = requireTensor('relu', a);
  const out = unaryKernel((v) => (v > 0 || Number.isNaN(v) ? v : 0), x, x.dtype, 'relu');
  // PyTorch's threshold_backward: the gradient passes where the result is positive.
  return record('ReluBackward0', out, [x], (g) => [g.where(out.detach().gt(0), 0)], [out]);
}

/**
 * Elementwise logistic function $\sigma(a) = 1 / (1 + e^{-a})$, like `torch.sigmoid`; 0 below
 * -88.7 in float32, as in PyTorch. An int32 or bool input gives float32.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function sigmoid(a: Tensor): Tensor {
  const x = floatOperand('sigmoid', a);
  // A device kernel takes a null `out` and returns the result's storage (ops/device.ts).
  const out = x.storage.deviceBuffer === null ? resultStorage(x.dtype, x.numel) : null;
  const written = sigmoidForward(kernelOperand('sigmoid', x), out as FloatArray) as FloatArray | undefined;
  const y = kernelResult(written ?? (out as FloatArray), x.shape, x.dtype);
  return record('SigmoidBackward0', y, [x], (g) => [sigmoidGradient(g, y)], [y]);
}

/**
 * PyTorch's sigmoid_backward, g (1 - y) y: one fused kernel pass, or differentiable ops when the
 * backward itself is recorded (`createGraph`).
 */
export function sigmoidGradient(g: Tensor, y: Tensor): Tensor {
  if (isGradEnabled() && (g.requiresGrad || y.requiresGrad)) return mul(mul(g, sub(1, y)), y);
  const out = y.storage.deviceBuffer === null ? resultStorage(y.dtype, y.numel) : null;
  const written = sigmoidBackward(
    kernelOperand('sigmoid backward', g.to(y.dtype)),
    kernelOperand('sigmoid backward', y),
    out as FloatArray,
  ) as FloatArray | undefined;
  return kernelResult(written ?? (out as FloatArray), y.shape, y.dtype);
}

/** Host storage for a result the sigmoid kernels write in full: float32 is not zeroed first. */
function resultStorage(dtype: DType, size: number): FloatArray {
  return dtype === 'float32' ? allocateForOverwrite(size) : (allocate(dtype, size) as FloatArray);
}

/**
 * Elementwise hyperbolic tangent, like `torch.tanh`. An int32 or bool input gives float32.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function tanh(a: Tensor): Tensor {
  const x = floatOperand('tanh', a);
  const out = unaryKernel(Math.tanh, x, x.dtype, 'tanh');
  return record('TanhBackward0', out, [x], (g) => [mul(g, sub(1, mul(out, out)))], [out]);
}
