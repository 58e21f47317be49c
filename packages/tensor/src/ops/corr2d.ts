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
 * The chapter's two-dimensional cross-correlation: Y[i, j] = Σ_a Σ_b X[i + a, j + b] K[a, b],
 * over the positions where the kernel fits entirely (output (h - kh + 1) x (w - kw + 1)).
 * Differentiable in both arguments: dX is the full convolution of dY with K, and dK the
 * cross-correlation of X with dY.
 */
export function corr2d(input: Tensor, kernel: Tensor): Tensor {
  checkOperands('corr2d', input, kernel);
  const [X, K] = sameDevice('corr2d', [input, kernel]);
  const [h, w] = X.shape;
  const [kh, kw] = K.shape;
  let dtype = promoteTypes(X.dtype, K.dtype);
  if (dtype === 'bool') dtype = 'int32';
  const oh = h - kh + 1;
  const ow = w - kw + 1;
  let result: Tensor;
  if (X.device !== 'cpu') {
    // A device kernel allocates its result (a null `out`); WebGPU computes in float32 only.
    const x = kernelOperand('corr2d', X.to(dtype), 'X');
    const k = kernelOperand('corr2d', K.to(dtype), 'K');
    const out = corr2dKernel(x, h, w, k, kh, kw, null as unknown as TypedArray) as unknown as TypedArray;
    result = kernelResult(out, [oh, ow], dtype);
  } else {
    // The operands' own storage when they are contiguous: the chapter's 6 x 8 op is dominated by
    // allocations.
    const x = contiguousData(X.to(dtype));
    const k = contiguousData(K.to(dtype));
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
 * True two-dimensional convolution: the kernel flipped on both axes, then cross-correlated
 * (`convolve2d(X, K.flip([0, 1]))` equals `corr2d(X, K)`).
 */
export function convolve2d(input: Tensor, kernel: Tensor): Tensor {
  checkOperands('convolve2d', input, kernel);
  return corr2d(input, kernel.flip([0, 1]));
}
