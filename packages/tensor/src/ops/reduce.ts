import { record } from '../autograd.js';
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

function plan(op: string, x: Tensor, dim: ReduceDims | undefined, keepdim: boolean): Plan {
  const all = dim === undefined || dim === null;
  if (!all && typeof dim !== 'number') checkArray(op, 'dim', dim);
  checkBoolean(op, 'keepdim', keepdim);
  const list = all ? x.shape.map((_, i) => i) : typeof dim === 'number' ? [dim] : [...dim];
  const dims = [...new Set(list.map((d) => normalizeDim(op, d, x.ndim)))].sort((a, b) => a - b);
  if (dims.length !== list.length)
    throw new Error(`${op}: dimension appears more than once in [${list.join(', ')}]`);
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

/** Spreads a reduced gradient back over the input: the adjoint of summation. */
function expandBack(g: Tensor, p: Plan, shape: readonly number[]): Tensor {
  return g.reshape(p.keptShape).expand(shape).contiguous();
}

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
  return record(`SumBackward${dim === undefined || dim === null ? 0 : 1}`, result, [x], (g) => [
    expandBack(g, p, x.shape),
  ]);
}

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
  return record(`MeanBackward${dim === undefined || dim === null ? 0 : 1}`, result, [x], (g) => [
    div(expandBack(g, p, x.shape), p.inner),
  ]);
}

export function variance(
  input: Tensor,
  dim: ReduceDims | undefined,
  options: { correction?: number; keepdim?: boolean } = {},
): Tensor {
  const x = requireTensor('var', input);
  const { correction = 1, keepdim = false } = checkOptions('var', options);
  checkNumber('var', 'correction', correction);
  checkBoolean('var', 'keepdim', keepdim);
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

export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
  requireTensor('max', x);
  return dim === undefined ? extremumAll('max', x) : extremumDim('max', x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
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

export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmax', x, dim, keepdim);
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  return argExtremum('argmin', x, dim, keepdim);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
