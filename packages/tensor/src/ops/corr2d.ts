import { record, saving } from '../autograd.js';
import { allocate, isFloating, promoteTypes, type TypedArray } from '../dtype.js';
import { corr2d as corr2dKernel } from '../kernels/registered/corr2d.js';
import { formatShape } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { Tensor } from '../tensor.js';
import { kernelOperand, kernelResult, sameDevice } from './device.js';
import { contiguousData } from './float-data.js';
import { requireTensor } from './operands.js';
import { pad } from './pad.js';

/**
 * The chapter's two-dimensional cross-correlation (d2l's `corr2d`), over the positions where the
 * kernel fits entirely:
 *
 * $$
 * Y_{i,j} = \sum_{a=0}^{k_h - 1} \sum_{b=0}^{k_w - 1} X_{i + a, \, j + b} \, K_{a, b}
 * $$
 *
 * Shapes: input $(n_h, n_w)$, kernel $(k_h, k_w)$ no larger, output
 * $(n_h - k_h + 1, n_w - k_w + 1)$. Any numeric dtypes; the result has the promoted one (two
 * int32 operands give int32). Differentiable in both arguments: the input's gradient is the full
 * convolution of the output's with K, the kernel's the cross-correlation of X with it.
 *
 * @param input - The 2-D input X.
 * @param kernel - The 2-D kernel K.
 * @returns The 2-D output Y.
 *
 * @example
 * ```ts
 * import { corr2d, tensor } from '@fovea/tensor';
 *
 * const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
 * const K = tensor([[0, 1], [2, 3]]);
 * corr2d(X, K).toArray(); // [[19, 25], [37, 43]]
 * ```
 */
export function corr2d(input: Tensor, kernel: Tensor): Tensor {
  checkOperands('corr2d', input, kernel);
  // Two host operands (the chapter's case) need no device reconciling: no arrays built per call.
  const onHost = input.storage.deviceBuffer === null && kernel.storage.deviceBuffer === null;
  const [X, K] = onHost ? [input, kernel] : sameDevice('corr2d', [input, kernel]);
  const [h, w] = X.shape;
  const [kh, kw] = K.shape;
  let dtype = promoteTypes(X.dtype, K.dtype);
  if (dtype === 'bool') dtype = 'int32';
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  let result: Tensor;
  if (!onHost) {
    // A device kernel allocates its result (a null `out`); WebGPU computes in float32 only.
    const x = kernelOperand('corr2d', X.to(dtype), 'X');
    const k = kernelOperand('corr2d', K.to(dtype), 'K');
    const out = corr2dKernel(x, h, w, k, kh, kw, null as unknown as TypedArray) as unknown as TypedArray;
    result = kernelResult(out, [oh, ow], dtype);
  } else {
    // The operands' own storage when they are contiguous: the chapter's 6 x 8 op is dominated by
    // allocations.
    const x = contiguousData(X.dtype === dtype ? X : X.to(dtype));
    const k = contiguousData(K.dtype === dtype ? K : K.to(dtype));
    const out = allocate(dtype, oh * ow);
    if (!isShapesOnly()) corr2dKernel(x, h, w, k, kh, kw, out);
    result = Tensor.fromArray(out, [oh, ow], dtype);
  }
  if (!isFloating(dtype)) return result;
  return record(
    'Corr2dBackward0',
    result,
    [X, K],
    (g) => [
      X.requiresGrad ? corr2d(zeroPad(g, kh - 1, kw - 1), K.flip([0, 1])).to(X.dtype) : null,
      K.requiresGrad ? corr2d(X, g).to(K.dtype) : null,
    ],
    saving(X.requiresGrad && K, K.requiresGrad && X),
  );
}

/** The rules of corr2d and convolve2d: 2-D X and K, the kernel no larger than the input. */
function checkOperands(op: string, input: unknown, kernel: unknown): asserts input is Tensor {
  // Checked in place, returning nothing: an op this small (the chapter's 6 x 8) pays for each
  // allocation.
  const X = requireTensor(op, input, 'X');
  const K = requireTensor(op, kernel, 'K');
  if (X.ndim !== 2 || K.ndim !== 2) {
    throw new Error(
      `${op}: expected 2-D X and K, got X ${formatShape(X.shape)} and K ${formatShape(K.shape)}`,
    );
  }
  if (K.shape[0] > X.shape[0] || K.shape[1] > X.shape[1] || K.shape[0] === 0 || K.shape[1] === 0) {
    throw new Error(`${op}: kernel ${formatShape(K.shape)} does not fit in input ${formatShape(X.shape)}`);
  }
}

/** `g` surrounded by `ph` rows and `pw` columns of zeros on every side (differentiable, on g's device). */
function zeroPad(g: Tensor, ph: number, pw: number): Tensor {
  return pad(g, [pw, pw, ph, ph]);
}

/**
 * True two-dimensional convolution, as in signal processing: the kernel flipped on both axes,
 * then cross-correlated (`convolve2d(X, K.flip([0, 1]))` equals `corr2d(X, K)`). Shapes and
 * dtypes as for {@link corr2d}.
 *
 * @param input - The 2-D input X.
 * @param kernel - The 2-D kernel K, flipped before it slides.
 * @returns The 2-D output, `(n_h - k_h + 1) x (n_w - k_w + 1)`.
 *
 * @example
 * ```ts
 * import { convolve2d, tensor } from '@fovea/tensor';
 *
 * convolve2d(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]])).toArray(); // [[5, 11], [23, 29]]
 * ```
 */
export function convolve2d(input: Tensor, kernel: Tensor): Tensor {
  checkOperands('convolve2d', input, kernel);
  return corr2d(input, kernel.flip([0, 1]));
}
