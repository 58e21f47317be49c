import { record } from '../autograd.js';
import { maxPool2dBackward } from '../kernels/dispatch.js';
import { gatherPlanes } from '../kernels/plane-index.js';
import { Tensor } from '../tensor.js';
import { floatData } from './float-data.js';

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
  const out = maxPool2dBackward(floatData(name, g), g.shape, indices, outShape);
  const result = Tensor.fromArray(out, [...outShape], g.dtype);
  return record(name, result, [g], (v) => [gatherByIndices(name, v, indices, g.shape)]);
}

/** Of each plane of `src`, the values at the positions `indices` (shaped `outShape`) name. */
export function gatherByIndices(
  name: string,
  src: Tensor,
  indices: Int32Array,
  outShape: readonly number[],
): Tensor {
  const out = gatherPlanes(floatData(name, src), src.shape, indices, outShape);
  const result = Tensor.fromArray(out, [...outShape], src.dtype);
  return record(name, result, [src], (v) => [scatterAddByIndices(name, v, indices, src.shape)]);
}
