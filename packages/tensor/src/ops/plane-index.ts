import { type BackwardClosure, record } from '../autograd.js';
import { gatherPlanes } from '../kernels/registered/plane-index.js';
import { maxPool2dBackward } from '../kernels/registered/pool2d.js';
import type { Tensor } from '../tensor.js';
import { kernelOperand, kernelResult } from './device.js';

/**
 * The two linear maps behind max pooling's gradients, each the other's adjoint: scattering a
 * pooled gradient to the positions its indices name (flat h * W + w within each plane, summing
 * where windows share a maximum), and gathering from those positions. Both are differentiable,
 * so gradients of gradients flow through max pooling and unpooling.
 */

/** Zeros of `outShape` plus each value of `g` at the position its index names in its plane. */
export function scatterAddByIndices(
  name: string,
  g: Tensor,
  indices: Int32Array,
  outShape: readonly number[],
): Tensor {
  const out = maxPool2dBackward(kernelOperand(name, g), g.shape, indices, outShape);
  const result = kernelResult(out, [...outShape], g.dtype);
  return record(name, result, [g], gatherBackward(name, indices, g.shape));
}

/** Gathers' and scatters' backward, made apart from the forward: the node keeps no tensor (autograd.ts, `record`). */
function gatherBackward(name: string, indices: Int32Array, shape: readonly number[]): BackwardClosure {
  return (v) => [gatherByIndices(name, v, indices, shape)];
}

function scatterBackward(name: string, indices: Int32Array, shape: readonly number[]): BackwardClosure {
  return (v) => [scatterAddByIndices(name, v, indices, shape)];
}

/** Of each plane of `src`, the values at the positions `indices` (shaped `outShape`) name. */
export function gatherByIndices(
  name: string,
  src: Tensor,
  indices: Int32Array,
  outShape: readonly number[],
): Tensor {
  const out = gatherPlanes(kernelOperand(name, src), src.shape, indices, outShape);
  const result = kernelResult(out, [...outShape], src.dtype);
  return record(name, result, [src], scatterBackward(name, indices, src.shape));
}
