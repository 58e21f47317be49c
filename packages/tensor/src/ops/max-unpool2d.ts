import { record } from '../autograd.js';
import { scatterPlanes } from '../kernels/registered/plane-index.js';
import { expandPair, type Pair } from '../kernels/shape.js';
import { formatShape } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { contiguousData, floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';
import { gatherByIndices } from './plane-index.js';

/** The optional arguments of {@link maxUnpool2d}: those the pooling was called with, and the size to restore. */
export interface MaxUnpool2dOptions {
  /** The pooling's stride, a number or `[sH, sW]`; the kernel size by default. */
  stride?: Pair | null;
  /** The pooling's padding, a number or `[pH, pW]`; 0 by default. */
  padding?: Pair;
  /** [H, W] (or [N, C, H, W]) of the result; by default the size max pooling started from. */
  outputSize?: readonly number[] | null;
}

/**
 * The output size of `F.max_unpool2d` (torch/nn/functional.py `_unpool_output_size`): by default
 * (in - 1) stride - 2 padding + kernel per axis; a given size must lie strictly within one stride
 * of that, since max pooling maps every size in that range to the same pooled size.
 */
function unpoolOutputSize(
  inputShape: readonly number[],
  kernel: [number, number],
  stride: [number, number],
  padding: [number, number],
  outputSize: readonly number[] | null,
): [number, number] {
  const rank = inputShape.length;
  const defaults = [0, 1].map((d) => (inputShape[rank - 2 + d] - 1) * stride[d] + kernel[d] - 2 * padding[d]);
  if (outputSize === null) {
    if (defaults[0] < 1 || defaults[1] < 1) {
      throw new Error(
        `max_unpool2d: the output size [${defaults.join(', ')}] for input ${formatShape(inputShape)} is not ` +
          `positive (kernel [${kernel.join(', ')}], stride [${stride.join(', ')}], padding [${padding.join(', ')}])`,
      );
    }
    return [defaults[0], defaults[1]];
  }
  const size = outputSize.length === 4 ? outputSize.slice(2) : outputSize;
  if (size.length !== 2) {
    throw new Error(
      `max_unpool2d: outputSize should have 2 or 4 elements, but it has ${outputSize.length} ` +
        `(${JSON.stringify(outputSize)})`,
    );
  }
  for (let d = 0; d < 2; d++) {
    const min = defaults[d] - stride[d];
    const max = defaults[d] + stride[d];
    if (!(Number.isInteger(size[d]) && min < size[d] && size[d] < max && size[d] > 0)) {
      throw new Error(
        `max_unpool2d: invalid outputSize ${JSON.stringify(outputSize)} (dim ${d} must be between ${min} ` +
          `and ${max}, exclusive, for input ${formatShape(inputShape)})`,
      );
    }
  }
  return [size[0], size[1]];
}

/**
 * The partial inverse of max pooling, like `torch.nn.functional.max_unpool2d`: each value goes
 * to the position its index (from `maxPool2d(..., { returnIndices: true })`: flat `h * W + w`
 * within its plane) names in a zero plane of the output size; everything else is zero.
 *
 * Shapes: input and indices $(N, C, H_{in}, W_{in})$ or $(C, H_{in}, W_{in})$, output
 * $(N, C, H_{out}, W_{out})$ with, unless `outputSize` says otherwise,
 *
 * $$
 * H_{out} = (H_{in} - 1) s_H - 2 p_H + k_H
 * $$
 *
 * $$
 * W_{out} = (W_{in} - 1) s_W - 2 p_W + k_W
 * $$
 *
 * A given `outputSize` must lie strictly within one stride of that, since max pooling maps every
 * size in that range to the same pooled size. Takes float32 or float64 values and int32 indices;
 * the gradient gathers from the indexed positions (differentiable again).
 *
 * @param input - The pooled values, float32 or float64.
 * @param indices - The int32 positions `maxPool2d` returned with them, of the same shape.
 * @param kernelSize - The pooling's window, a number or `[kH, kW]`.
 * @param options - The pooling's `stride` and `padding`, and `outputSize`.
 * @returns The unpooled maps, zero except at the indexed positions.
 *
 * @example
 * ```ts
 * import { arange, maxPool2d, maxUnpool2d } from '@fovea/tensor';
 *
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * const [values, indices] = maxPool2d(x, 2, { returnIndices: true });
 * maxUnpool2d(values, indices, 2).toArray(); // [[[[0, 0, 0, 0], [0, 5, 0, 7], [0, 0, 0, 0], [0, 13, 0, 15]]]]
 * ```
 */
export function maxUnpool2d(
  input: Tensor,
  indices: Tensor,
  kernelSize: Pair,
  options: MaxUnpool2dOptions = {},
): Tensor {
  const x = requireTensor('max_unpool2d', input);
  const idx = requireTensor('max_unpool2d', indices, 'indices');
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new Error(
      `max_unpool2d: expected a 3-D or 4-D input, got a tensor with ${x.ndim} dimensions ${formatShape(x.shape)}`,
    );
  }
  if (idx.dtype !== 'int32') {
    throw new Error(`max_unpool2d: expected int32 indices (PyTorch's int64), got ${idx.dtype}`);
  }
  if (idx.ndim !== x.ndim || idx.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `max_unpool2d: expected indices of the same shape as the input ${formatShape(x.shape)}, ` +
        `got indices of shape ${formatShape(idx.shape)}`,
    );
  }
  const kernel = expandPair('max_unpool2d', 'kernel_size', kernelSize);
  const stride = expandPair('max_unpool2d', 'stride', options.stride ?? kernelSize);
  const padding = expandPair('max_unpool2d', 'padding', options.padding ?? 0);
  const size = unpoolOutputSize(x.shape, kernel, stride, padding, options.outputSize ?? null);
  const outShape = [...x.shape.slice(0, -2), ...size];
  if (isShapesOnly()) {
    return record('MaxUnpool2DBackward0', shapesOnlyResult(x, outShape), [x], () => [null]);
  }
  const positions = Int32Array.from(contiguousData(idx));
  const out = scatterPlanes('max_unpool2d', floatData('max_unpool2d', x), x.shape, positions, outShape);
  return record('MaxUnpool2DBackward0', Tensor.fromArray(out, outShape, x.dtype), [x], (g) => [
    gatherByIndices('MaxUnpool2DBackwardBackward0', g, positions, x.shape),
  ]);
}
