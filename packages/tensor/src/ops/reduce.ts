import { type BackwardClosure, record } from '../autograd.js';
import { checkArray, checkBoolean, checkNumber, checkOptions } from '../checks.js';
import { allocate, type DType, isFloating, type TypedArray } from '../dtype.js';
import { extremumBlocks, sumBlocks } from '../kernels/registered/reduce.js';
import { mapStrided } from '../kernels/registered/strided.js';
import { formatShape, normalizeDim, numel } from '../shape.js';
import { isShapesOnly } from '../shapes-only.js';
import { hostArray } from '../storage.js';
import { Tensor } from '../tensor.js';
import { where } from './compare.js';
import { deviceCast, kernelOperand, kernelResult } from './device.js';
import { div, mul, sub } from './elementwise.js';
import { requireTensor } from './operands.js';

/**
 * The dimensions a reduction runs over, PyTorch's `dim`: one (negative counts from the end),
 * several, or null (or omitted) for all of them.
 */
export type ReduceDims = number | readonly number[] | null;

interface Plan {
  /** Sorted, non-negative reduced dimensions. */
  dims: number[];
  outer: number;
  inner: number;
  /** Output shape with reduced dimensions kept as 1. */
  keptShape: number[];
  outShape: number[];
  /** Values with the reduced dimensions moved last, contiguous. */
  values: ArrayLike<number>;
}

function hostValues(x: Tensor, op: string, shape: readonly number[], strides: readonly number[]): TypedArray {
  const values = allocate(x.dtype, x.numel);
  mapStrided((v) => v, hostArray(x, op), shape, strides, x.offset, values);
  return values;
}

/** The dimensions `dim` names (all of them when it is null or undefined), resolved and sorted. */
function reduceDims(op: string, dim: ReduceDims | undefined, ndim: number): number[] {
  const all = dim === undefined || dim === null;
  if (!all && typeof dim !== 'number') checkArray(op, 'dim', dim);
  const list = all ? Array.from({ length: ndim }, (_, i) => i) : typeof dim === 'number' ? [dim] : [...dim];
  const dims = [...new Set(list.map((d) => normalizeDim(op, d, ndim)))].sort((a, b) => a - b);
  if (dims.length !== list.length)
    throw new Error(`${op}: dimension appears more than once in [${list.join(', ')}]`);
  return dims;
}

function plan(op: string, x: Tensor, dim: ReduceDims | undefined, keepdim: boolean): Plan {
  checkBoolean(op, 'keepdim', keepdim);
  // A 0-d tensor takes dim 0 or -1, as in PyTorch, and reduces over nothing: its one value.
  const dims = reduceDims(op, dim, x.ndim).filter((d) => d < x.ndim);
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const order = [...kept, ...dims];
  const shape = order.map((i) => x.shape[i]);
  const strides = order.map((i) => x.strides[i]);
  // On a device the values are gathered there (kernelOperand copies a view on its device).
  const values =
    x.storage.deviceBuffer === null
      ? hostValues(x, op, shape, strides)
      : kernelOperand(op, x.viewAs(shape, strides, x.offset));
  const keptShape = x.shape.map((d, i) => (dims.includes(i) ? 1 : d));
  return {
    dims,
    inner: numel(dims.map((i) => x.shape[i])),
    outer: numel(kept.map((i) => x.shape[i])),
    keptShape,
    outShape: keepdim ? keptShape : kept.map((i) => x.shape[i]),
    values,
  };
}

function sumType(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'int32';
}

/**
 * The backward of a sum to `keptShape` (divided by `count` for a mean): g spread back over
 * `shape`, the adjoint of summation. Made apart from the forward: the node keeps it after
 * backward and must hold no tensor (autograd.ts, `record`).
 */
function sumBackward(keptShape: readonly number[], shape: readonly number[], count = 1): BackwardClosure {
  return (g) => {
    const spread = g.reshape(keptShape).expand(shape).contiguous();
    return [count === 1 ? spread : div(spread, count)];
  };
}

/**
 * The sum of the elements over `dim` (all of them by default), like `torch.sum`. The reduced
 * dimensions are removed, or kept with size 1 under `keepdim` (which lets the result broadcast
 * against the input). bool and int32 sum to int32 (PyTorch's int64); floats keep their dtype. On
 * the GPU the sum runs there and the result stays there.
 *
 * @param input - The tensor to sum.
 * @param dim - The dimension or dimensions to reduce; all by default.
 * @param keepdim - Keep the reduced dimensions with size 1; false by default.
 * @returns The sums: a 0-d tensor for a full reduction.
 *
 * @example
 * ```ts
 * import { sum, tensor } from '@fovea/tensor';
 *
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * sum(x).item(); // 21
 * sum(x, 0).toArray(); // [5, 7, 9]
 * x.sum(1, true).toArray(); // [[6], [15]]
 * sum(tensor([true, true, false])).dtype; // 'int32'
 * ```
 */
export function sum(input: Tensor, dim?: ReduceDims, keepdim = false): Tensor {
  let x = requireTensor('sum', input);
  // On a device bools are f32 0 and 1: they are summed as the int32 they sum to (an i32 kernel).
  if (x.storage.deviceBuffer !== null && x.dtype === 'bool') x = deviceCast(x, 'int32');
  const p = plan('sum', x, dim, keepdim);
  const dtype = sumType(x.dtype);
  // A device kernel takes no `out`: it allocates the result on the device and returns it.
  const onDevice = x.storage.deviceBuffer !== null && !isShapesOnly();
  const out = onDevice ? null : allocate(dtype, p.outer);
  const written = isShapesOnly()
    ? undefined
    : (sumBlocks(p.values as Float64Array, p.outer, p.inner, out as TypedArray) as TypedArray | undefined);
  const result = kernelResult(written ?? (out as TypedArray), p.outShape, dtype);
  const name = `SumBackward${dim === undefined || dim === null ? 0 : 1}`;
  return record(name, result, [x], sumBackward(p.keptShape, x.shape));
}

/**
 * The mean of the elements over `dim` (all of them by default), like `torch.mean`; dimensions
 * as in {@link sum}. Only for float32 and float64, as in PyTorch.
 *
 * @param input - A floating tensor.
 * @param dim - The dimension or dimensions to reduce; all by default.
 * @param keepdim - Keep the reduced dimensions with size 1; false by default.
 * @returns The means, of the input's dtype.
 *
 * @example
 * ```ts
 * import { mean, tensor } from '@fovea/tensor';
 *
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * mean(x).item(); // 3.5
 * mean(x, -1, true).toArray(); // [[2], [5]]
 * ```
 */
export function mean(input: Tensor, dim?: ReduceDims, keepdim = false): Tensor {
  const x = requireTensor('mean', input);
  if (!isFloating(x.dtype)) {
    throw new Error(`mean: input dtype must be a floating point dtype, got ${x.dtype}`);
  }
  const p = plan('mean', x, dim, keepdim);
  let result: Tensor;
  if (x.storage.deviceBuffer !== null && !isShapesOnly()) {
    // The sum on the device, then one division there, rounded once as below.
    const total = sumBlocks(p.values as Float64Array, p.outer, p.inner, null as unknown as TypedArray);
    result = div(kernelResult(total as unknown as TypedArray, p.outShape, x.dtype), p.inner);
  } else {
    const out = allocate(x.dtype, p.outer);
    if (!isShapesOnly()) sumBlocks(p.values as Float64Array, p.outer, p.inner, out);
    for (let i = 0; i < out.length; i++) out[i] /= p.inner;
    result = Tensor.fromArray(out, p.outShape, x.dtype);
  }
  const name = `MeanBackward${dim === undefined || dim === null ? 0 : 1}`;
  return record(name, result, [x], sumBackward(p.keptShape, x.shape, p.inner));
}

/**
 * The variance over `dim`, like `torch.var` (the method is `x.var()`):
 * $\frac{1}{\max(0, n - c)} \sum_i (x_i - \bar{x})^2$ with $n$ the number of elements reduced
 * and $c$ the `correction`, 1 by default (Bessel's correction, the unbiased estimate); 0 gives
 * the population variance. Floating inputs only.
 *
 * @param input - A floating tensor.
 * @param dim - The dimension or dimensions to reduce; null or undefined for all.
 * @param options - `correction` (1 by default) and `keepdim` (false by default).
 * @returns The variances, of the input's dtype.
 *
 * @example
 * ```ts
 * import { tensor, variance } from '@fovea/tensor';
 *
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * variance(x, 1).toArray(); // [1, 1]
 * x.var(null).item(); // 3.5
 * ```
 */
export function variance(
  input: Tensor,
  dim: ReduceDims | undefined,
  options: { correction?: number; keepdim?: boolean } = {},
): Tensor {
  const x = requireTensor('var', input);
  if (!isFloating(x.dtype)) throw new Error(`var: input dtype must be a floating point type, got ${x.dtype}`);
  const { correction = 1, keepdim = false } = checkOptions('var', options);
  checkNumber('var', 'correction', correction);
  checkBoolean('var', 'keepdim', keepdim);
  reduceDims('var', dim, x.ndim);
  const centered = sub(x, mean(x, dim, true));
  const count = x.numel / Math.max(mean(x, dim, true).numel, 1);
  return div(sum(mul(centered, centered), dim, keepdim), Math.max(count - correction, 0));
}

/**
 * The maximum (`sign` 1) or minimum of each block of `p.values`, and its position: on the device
 * when `x` lives there (its kernel returns both as device storages).
 */
function extremumResults(
  x: Tensor,
  p: Plan,
  outer: number,
  sign: 1 | -1,
): { values: Tensor; indices: Tensor } {
  const shape = p.outShape;
  if (x.storage.deviceBuffer !== null && !isShapesOnly()) {
    const found = extremumBlocks(p.values as Float64Array, outer, p.inner, sign, null, null) as unknown as {
      values: TypedArray;
      indices: TypedArray;
    };
    return {
      values: kernelResult(found.values, shape, x.dtype),
      indices: kernelResult(found.indices, shape, 'int32'),
    };
  }
  const out = allocate(x.dtype, outer);
  const idx = allocate('int32', outer) as Int32Array;
  if (!isShapesOnly()) extremumBlocks(p.values as Float64Array, outer, p.inner, sign, out, idx);
  return { values: Tensor.fromArray(out, shape, x.dtype), indices: Tensor.fromArray(idx, shape, 'int32') };
}

function extremumAll(op: 'max' | 'min', x: Tensor): Tensor {
  if (x.numel === 0) throw new Error(`${op}: expected a non-empty tensor, got shape ${formatShape(x.shape)}`);
  const p = plan(op, x, null, false);
  const result = extremumResults(x, p, 1, op === 'max' ? 1 : -1).values;
  return record(
    op === 'max' ? 'MaxBackward1' : 'MinBackward1',
    result,
    [x],
    (g) => {
      // Ties share the gradient evenly (PyTorch's evenly_distribute_backward).
      const hits = x.eq(result.detach());
      return [div(where(hits, g, 0), hits.float().sum())];
    },
    [x, result],
  );
}

function extremumDim(
  op: 'max' | 'min',
  x: Tensor,
  dim: number,
  keepdim: boolean,
): { values: Tensor; indices: Tensor } {
  const p = plan(op, x, dim, keepdim);
  if (p.inner === 0)
    throw new Error(`${op}: cannot reduce over an empty dimension of ${formatShape(x.shape)}`);
  const { values, indices } = extremumResults(x, p, p.outer, op === 'max' ? 1 : -1);
  const d = p.dims[0];
  record(
    op === 'max' ? 'MaxBackward0' : 'MinBackward0',
    values,
    [x],
    (g) => {
      // A 0-d input is its own maximum.
      if (d === undefined) return [g];
      const positionShape = x.shape.map((n, i) => (i === d ? n : 1));
      const onDevice = indices.storage.deviceBuffer !== null;
      // A device compares in f32 (it has no i32 comparison kernel): positions below 2^24 are exact.
      const positions = Tensor.fromArray(
        onDevice ? Float32Array.from(range(x.shape[d])) : Int32Array.from(range(x.shape[d])),
        positionShape,
        onDevice ? 'float32' : 'int32',
      ).to(indices.device);
      const found = onDevice ? deviceCast(indices, 'float32') : indices;
      const mask = positions.eq(found.reshape(p.keptShape));
      return [where(mask, g.reshape(p.keptShape), 0)];
    },
    // Only the positions are read (PyTorch saves the indices, not the input).
    [indices],
  );
  return { values, indices };
}

/**
 * The largest element, like `torch.max(input)`; NaN if there is one. Its gradient goes to the
 * maxima, split evenly among ties.
 *
 * @param x - A non-empty tensor.
 * @returns A 0-d tensor of `x`'s dtype.
 *
 * @example
 * ```ts
 * import { max, tensor } from '@fovea/tensor';
 *
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * max(x).item(); // 6
 * max(x, 1).values.toArray(); // [3, 6]
 * max(x, 1).indices.toArray(); // [2, 2]
 * ```
 */
export function max(x: Tensor): Tensor;
/**
 * The largest element along `dim` and where it is, like `torch.max(input, dim)`; the gradient
 * goes to those positions.
 *
 * @param x - The input tensor.
 * @param dim - The dimension to reduce (negative counts from the end).
 * @param keepdim - Keep `dim` with size 1; false by default.
 * @returns `values` (of `x`'s dtype) and `indices` (int32, the first position of each maximum).
 */
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  requireTensor('max', x);
  return dim === undefined ? extremumAll('max', x) : extremumDim('max', x, dim, keepdim);
}

/**
 * The smallest element, like `torch.min(input)`; see {@link max}.
 *
 * @param x - A non-empty tensor.
 * @returns A 0-d tensor of `x`'s dtype.
 */
export function min(x: Tensor): Tensor;
/**
 * The smallest element along `dim` and where it is, like `torch.min(input, dim)`; see {@link max}.
 *
 * @param x - The input tensor.
 * @param dim - The dimension to reduce (negative counts from the end).
 * @param keepdim - Keep `dim` with size 1; false by default.
 * @returns `values` (of `x`'s dtype) and `indices` (int32, the first position of each minimum).
 */
export function min(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  requireTensor('min', x);
  return dim === undefined ? extremumAll('min', x) : extremumDim('min', x, dim, keepdim);
}

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  requireTensor(op, x);
  if (x.numel === 0) throw new Error(`${op}: expected a non-empty tensor, got shape ${formatShape(x.shape)}`);
  const sign = op === 'argmax' ? 1 : -1;
  if (x.storage.deviceBuffer !== null && !isShapesOnly()) {
    const p = plan(op, x, dim ?? null, keepdim && dim !== undefined);
    const { indices } = extremumResults(x, p, dim === undefined ? 1 : p.outer, sign);
    return dim === undefined && keepdim ? indices.reshape(x.shape.map(() => 1)) : indices;
  }
  if (dim === undefined) {
    const p = plan(op, x, null, false);
    const idx = allocate('int32', 1) as Int32Array;
    if (!isShapesOnly()) extremumBlocks(p.values as Float64Array, 1, p.inner, sign, null, idx);
    return Tensor.fromArray(idx, keepdim ? x.shape.map(() => 1) : [], 'int32');
  }
  const p = plan(op, x, dim, keepdim);
  const idx = allocate('int32', p.outer) as Int32Array;
  if (!isShapesOnly()) extremumBlocks(p.values as Float64Array, p.outer, p.inner, sign, null, idx);
  return Tensor.fromArray(idx, p.outShape, 'int32');
}

/**
 * Where the largest element is, like `torch.argmax`: along `dim`, or in the flattened tensor
 * when `dim` is omitted; the first position on ties. Not differentiable.
 *
 * @param x - A non-empty tensor.
 * @param dim - The dimension to search; omitted, the whole tensor (a flat index).
 * @param keepdim - Keep `dim` with size 1; false by default.
 * @returns int32 indices (PyTorch's are int64).
 *
 * @example
 * ```ts
 * import { argmax, tensor } from '@fovea/tensor';
 *
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * argmax(x).item(); // 5
 * argmax(x, 1).toArray(); // [2, 2]
 * ```
 */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmax', x, dim, keepdim);
}

/**
 * Where the smallest element is, like `torch.argmin`; see {@link argmax}.
 *
 * @param x - A non-empty tensor.
 * @param dim - The dimension to search; omitted, the whole tensor (a flat index).
 * @param keepdim - Keep `dim` with size 1; false by default.
 * @returns int32 indices.
 */
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmin', x, dim, keepdim);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
