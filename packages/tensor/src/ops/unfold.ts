import { record } from '../autograd.js';
import { checkElements, checkOptions } from '../checks.js';
import { fold, unfold as unfoldKernel } from '../kernels/registered/unfold.js';
import { convOutputSize, expandPair, type Pair, requireImage } from '../kernels/shape.js';
import { numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { floatData } from './float-data.js';
import { requireTensor, shapesOnlyResult } from './operands.js';

export interface UnfoldOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

/**
 * Extracts sliding patches, like `F.unfold`: [N, C, H, W] -> [N, C kH kW, L] with one column per
 * output position (channel-major, then kernel row, then kernel column). Cross-correlation is
 * then a matrix product: `weight.reshape([O, -1]).matmul(unfold(x, k))` reshaped to the output.
 * The gradient folds the columns back, summing where patches overlap; it is differentiable again.
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
  return record('Im2ColBackward0', result, [x], (g) => [
    foldGradInput(g, x.shape, spatial, kernelSize, params),
  ]);
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

/** The same patches as `unfold`, under the name of the textbook technique. */
export const im2col = unfold;
