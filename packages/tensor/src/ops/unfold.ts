import { type BackwardClosure, record } from '../autograd.js';
import { checkElements, checkOptions } from '../checks.js';
import { fold, unfold as unfoldKernel } from '../kernels/registered/unfold.js';
import { convOutputSize, expandPair, type Pair, requireImage } from '../kernels/shape.js';
import { numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';

/** The optional arguments of {@link unfold}, PyTorch's `F.unfold` keywords in camelCase. */
export interface UnfoldOptions {
  /** The spacing between kernel elements, a number or `[dH, dW]`; 1 by default. */
  dilation?: Pair;
  /** Zeros added on both sides of each spatial axis, a number or `[pH, pW]`; 0 by default. */
  padding?: Pair;
  /** The step between patches, a number or `[sH, sW]`; 1 by default. */
  stride?: Pair;
}

/**
 * Extracts sliding patches, like `torch.nn.functional.unfold` (im2col): one column per output
 * position, holding the patch channel-major, then kernel row, then kernel column.
 * Cross-correlation is then a matrix product:
 * `weight.reshape([O, -1]).matmul(unfold(x, k))` reshaped to the output.
 *
 * Shapes: input $(N, C, H, W)$ or $(C, H, W)$, output $(N, C \, k_H k_W, L)$ with $L = L_H L_W$
 * the number of positions, as many as conv2d's output has:
 *
 * $$
 * L_H = \left\lfloor \frac{H + 2 p_H - d_H (k_H - 1) - 1}{s_H} \right\rfloor + 1
 * $$
 *
 * and the same for $L_W$.
 *
 * Takes float32 or float64 and keeps the dtype. The gradient folds the columns back, summing
 * where patches overlap; it is differentiable again.
 *
 * @param input - The images, `[N, C, H, W]` or `[C, H, W]`, float32 or float64.
 * @param kernelSize - The patch, a number or `[kH, kW]`.
 * @param options - `stride`, `padding` and `dilation`.
 * @returns The patches as columns, `[N, C kH kW, L]` (or `[C kH kW, L]`).
 *
 * @example
 * ```ts
 * import { arange, randn, unfold } from '@fovea/tensor';
 *
 * const x = arange(16, undefined, 1, { dtype: 'float32' }).reshape([1, 1, 4, 4]);
 * unfold(x, 2, { stride: 2 }).toArray(); // [[[0, 2, 8, 10], [1, 3, 9, 11], [4, 6, 12, 14], [5, 7, 13, 15]]]
 * unfold(randn([2, 3, 8, 8]), 3, { padding: 1 }).shape; // [2, 27, 64]
 * ```
 */
export function unfold(input: Tensor, kernelSize: Pair, options?: UnfoldOptions | null): Tensor {
  const x = requireTensor('unfold', input);
  requireImage('unfold', x.shape);
  options = checkOptions('unfold', options);
  const params = {
    dilation: options.dilation ?? 1,
    padding: options.padding ?? 0,
    stride: options.stride ?? 1,
  };
  const outShape = unfoldShape(x.shape, kernelSize, params);
  checkElements('unfold', numel(outShape), outShape);
  const result = isShapesOnly()
    ? shapesOnlyResult(x, outShape)
    : (() => {
        const { out, outShape } = unfoldKernel(floatData('unfold', x), x.shape, kernelSize, params);
        return Tensor.fromArray(out, outShape, x.dtype);
      })();
  const spatial: [number, number] = [x.shape[x.ndim - 2], x.shape[x.ndim - 1]];
  return record('Im2ColBackward0', result, [x], unfoldBackward(x.shape, spatial, kernelSize, params));
}

/** The backward of an unfold, made apart from the forward: the node keeps no tensor (autograd.ts, `record`). */
function unfoldBackward(
  xShape: readonly number[],
  spatial: [number, number],
  kernelSize: Pair,
  params: Required<UnfoldOptions>,
): BackwardClosure {
  return (g) => [foldGradInput(g, xShape, spatial, kernelSize, params)];
}

/**
 * unfold's backward folds the columns back, summing where patches overlap (col2im). Folding is
 * the adjoint of unfolding, so its own gradient unfolds again.
 */
function foldGradInput(
  g: Tensor,
  xShape: readonly number[],
  spatial: [number, number],
  kernelSize: Pair,
  params: Required<UnfoldOptions>,
): Tensor {
  const folded = fold(floatData('unfold backward', g), g.shape, spatial, kernelSize, params);
  return record('Col2ImBackward0', Tensor.fromArray(folded.out, [...xShape], g.dtype), [g], (v) => [
    unfold(v, kernelSize, params),
  ]);
}

/** [N, C kH kW, L] (or [C kH kW, L] unbatched) without extracting anything. */
function unfoldShape(shape: readonly number[], kernelSize: Pair, params: Required<UnfoldOptions>): number[] {
  const [kh, kw] = expandPair('unfold', 'kernel_size', kernelSize);
  const [sh, sw] = expandPair('unfold', 'stride', params.stride);
  const [ph, pw] = expandPair('unfold', 'padding', params.padding);
  const [dh, dw] = expandPair('unfold', 'dilation', params.dilation);
  const [h, w] = shape.slice(-2);
  const positions = convOutputSize(h, kh, sh, ph, ph, dh) * convOutputSize(w, kw, sw, pw, pw, dw);
  return [...shape.slice(0, -3), shape[shape.length - 3] * kh * kw, positions];
}

/**
 * The same patches as {@link unfold}, under the name of the textbook technique (image to
 * columns); same arguments, same result.
 */
export const im2col = unfold;
