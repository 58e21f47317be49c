import { allocate, type DType, promoteTypes, promoteWithScalar, type TypedArray } from '../dtype.js';
import { mapStrided } from '../kernels/registered/strided.js';
import { numel } from '../shape.js';
import { hostArray } from '../storage.js';
import { type Scalar, Tensor, type TensorLike } from '../tensor.js';

/** A 0-d tensor holding a JavaScript number or boolean, stored as `dtype`. */
export function scalarTensor(value: Scalar, dtype: DType): Tensor {
  const array = allocate(dtype, 1);
  array[0] = typeof value === 'boolean' ? Number(value) : value;
  return Tensor.fromArray(array, [], dtype);
}

/** The dtype two operands compute in: tensors promote each other; numbers only lift the category. */
export function resultType(op: string, a: TensorLike, b: TensorLike): DType {
  const ta = a instanceof Tensor;
  const tb = b instanceof Tensor;
  if (ta && tb) {
    // A 0-d tensor does not widen a dimensioned one of the same category (PyTorch's rule).
    if (a.ndim === 0 && b.ndim > 0 && category(a.dtype) <= category(b.dtype)) return b.dtype;
    if (b.ndim === 0 && a.ndim > 0 && category(b.dtype) <= category(a.dtype)) return a.dtype;
    return promoteTypes(a.dtype, b.dtype);
  }
  if (ta) return promoteWithScalar(a.dtype, checkScalar(op, b as Scalar));
  if (tb) return promoteWithScalar(b.dtype, checkScalar(op, a as Scalar));
  throw new Error(`${op}: expected at least one tensor operand`);
}

function category(dtype: DType): number {
  return dtype === 'bool' ? 0 : dtype === 'int32' ? 1 : 2;
}

function checkScalar(op: string, value: unknown): Scalar {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`${op}: expected a Tensor or a number, got ${value === null ? 'null' : typeof value}`);
}

/** Brings an operand to a tensor of `dtype` (a no-op for a tensor already of that dtype). */
export function asTensor(op: string, x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : x.to(dtype);
  return scalarTensor(checkScalar(op, x), dtype);
}

export function requireTensor(op: string, x: unknown, what = 'input'): Tensor {
  if (!(x instanceof Tensor)) {
    throw new Error(`${op}: expected ${what} to be a Tensor, got ${x === null ? 'null' : typeof x}`);
  }
  return x;
}

/** Strides that read `t` as if it had `shape` (0 along broadcast axes). */
export function broadcastStrides(t: Tensor, shape: readonly number[]): number[] {
  const lead = shape.length - t.ndim;
  return shape.map((d, i) => {
    const j = i - lead;
    if (j < 0) return 0;
    return t.shape[j] === 1 && d !== 1 ? 0 : t.strides[j];
  });
}

/** The values of `t` broadcast to `shape`, as a contiguous array. */
export function gatherBroadcast(t: Tensor, shape: readonly number[], op = 'expand'): TypedArray {
  const out = allocate(t.dtype, numel(shape));
  mapStrided((v) => v, hostArray(t, op), shape, broadcastStrides(t, shape), t.offset, out);
  return out;
}

/** A result of `x`'s dtype with `shape` and no values (shapes-only tracing). */
export function shapesOnlyResult(x: Tensor, shape: readonly number[]): Tensor {
  return Tensor.fromArray(allocate(x.dtype, 0), shape, x.dtype);
}
