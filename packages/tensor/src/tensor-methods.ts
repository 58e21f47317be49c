import { checkArray } from './checks.js';
import type { DType } from './dtype.js';
import { relu, sigmoid, tanh } from './ops/activation.js';
import { cast, toDevice } from './ops/cast.js';
import { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, lt, ne, where } from './ops/compare.js';
import {
  abs,
  add,
  clamp,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  sign,
  sqrt,
  square,
  sub,
} from './ops/elementwise.js';
import {
  type AddOptions,
  add_,
  clamp_,
  copy_,
  div_,
  fill_,
  mul_,
  normal_,
  type RandomOptions,
  setItem,
  sub_,
  uniform_,
  zero_,
} from './ops/inplace.js';
import { matmul } from './ops/matmul.js';
import { argmax, argmin, max, mean, min, type ReduceDims, sum, variance } from './ops/reduce.js';
import {
  clone,
  contiguous,
  expand,
  flatten,
  flip,
  narrow,
  permute,
  reshape,
  type SliceSpec,
  select,
  slice,
  squeeze,
  t,
  transpose,
  unsqueeze,
  view,
} from './ops/views.js';
import { formatShape } from './shape.js';
import type { Device } from './storage.js';
import { Tensor, type TensorLike } from './tensor.js';

/**
 * The methods of `Tensor` that are ops (PyTorch's `x.add(y)` for `add(x, y)`), kept apart from
 * the class so that tensor.ts imports no op module: ops import `Tensor`, and this module, which
 * imports both, installs the methods on `Tensor.prototype` when the package is loaded (index.ts
 * imports it first), as tfjs-core's chained ops do. `Tensor`'s type includes them through
 * `interface Tensor extends TensorMethods` in tensor.ts. Every method's code is in every user's
 * bundle: add one only where PyTorch has it.
 */
export abstract class TensorMethods {
  // ---- elementwise ----

  add(this: Tensor, other: TensorLike): Tensor {
    return add(this, other);
  }
  sub(this: Tensor, other: TensorLike): Tensor {
    return sub(this, other);
  }
  mul(this: Tensor, other: TensorLike): Tensor {
    return mul(this, other);
  }
  div(this: Tensor, other: TensorLike): Tensor {
    return div(this, other);
  }
  pow(this: Tensor, exponent: TensorLike): Tensor {
    return pow(this, exponent);
  }
  maximum(this: Tensor, other: TensorLike): Tensor {
    return maximum(this, other);
  }
  minimum(this: Tensor, other: TensorLike): Tensor {
    return minimum(this, other);
  }
  neg(this: Tensor): Tensor {
    return neg(this);
  }
  exp(this: Tensor): Tensor {
    return exp(this);
  }
  log(this: Tensor): Tensor {
    return log(this);
  }
  sqrt(this: Tensor): Tensor {
    return sqrt(this);
  }
  square(this: Tensor): Tensor {
    return square(this);
  }
  abs(this: Tensor): Tensor {
    return abs(this);
  }
  sign(this: Tensor): Tensor {
    return sign(this);
  }
  relu(this: Tensor): Tensor {
    return relu(this);
  }
  sigmoid(this: Tensor): Tensor {
    return sigmoid(this);
  }
  tanh(this: Tensor): Tensor {
    return tanh(this);
  }
  clamp(this: Tensor, min: number | null, max?: number | null): Tensor {
    return clamp(this, min, max ?? null);
  }

  eq(this: Tensor, other: TensorLike): Tensor {
    return eq(this, other);
  }
  ne(this: Tensor, other: TensorLike): Tensor {
    return ne(this, other);
  }
  gt(this: Tensor, other: TensorLike): Tensor {
    return gt(this, other);
  }
  ge(this: Tensor, other: TensorLike): Tensor {
    return ge(this, other);
  }
  lt(this: Tensor, other: TensorLike): Tensor {
    return lt(this, other);
  }
  le(this: Tensor, other: TensorLike): Tensor {
    return le(this, other);
  }
  logicalAnd(this: Tensor, other: TensorLike): Tensor {
    return logicalAnd(this, other);
  }
  logicalOr(this: Tensor, other: TensorLike): Tensor {
    return logicalOr(this, other);
  }
  logicalNot(this: Tensor): Tensor {
    return logicalNot(this);
  }
  /** `condition ? this : other`, elementwise. */
  where(this: Tensor, condition: Tensor, other: TensorLike): Tensor {
    return where(condition, this, other);
  }

  // ---- reductions ----

  sum(this: Tensor, dim?: ReduceDims, keepdim = false): Tensor {
    return sum(this, dim, keepdim);
  }
  mean(this: Tensor, dim?: ReduceDims, keepdim = false): Tensor {
    return mean(this, dim, keepdim);
  }
  /** Variance with Bessel's correction by default (`correction: 1`), like `torch.var`. */
  var(this: Tensor, dim?: ReduceDims, options: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return variance(this, dim, options);
  }
  max(this: Tensor): Tensor;
  max(this: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(this: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? max(this) : max(this, dim, keepdim);
  }
  min(this: Tensor): Tensor;
  min(this: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(this: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? min(this) : min(this, dim, keepdim);
  }
  argmax(this: Tensor, dim?: number, keepdim = false): Tensor {
    return argmax(this, dim, keepdim);
  }
  argmin(this: Tensor, dim?: number, keepdim = false): Tensor {
    return argmin(this, dim, keepdim);
  }

  matmul(this: Tensor, other: Tensor): Tensor {
    return matmul(this, other);
  }

  // ---- views and copies ----

  reshape(this: Tensor, shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  view(this: Tensor, shape: readonly number[]): Tensor {
    return view(this, shape);
  }
  flatten(this: Tensor, startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  }
  permute(this: Tensor, dims: readonly number[]): Tensor {
    return permute(this, dims);
  }
  transpose(this: Tensor, dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }
  t(this: Tensor): Tensor {
    return t(this);
  }
  /** Same as `t()`, for a matrix (PyTorch's `.T`). */
  get T(): Tensor {
    return t(this as unknown as Tensor);
  }
  squeeze(this: Tensor, dim?: number): Tensor {
    return squeeze(this, dim);
  }
  unsqueeze(this: Tensor, dim: number): Tensor {
    return unsqueeze(this, dim);
  }
  expand(this: Tensor, shape: readonly number[]): Tensor {
    return expand(this, shape);
  }
  flip(this: Tensor, dims: number | readonly number[]): Tensor {
    return flip(this, dims);
  }
  /**
   * Basic indexing as a view: one spec per leading dimension, a number (drops the axis), a
   * `'start:end:step'` string (`':'`, `'2:6'`, `'::-1'`), `[start, end, step?]`, or `'...'`.
   */
  slice(this: Tensor, ...specs: SliceSpec[]): Tensor {
    return slice(this, ...specs);
  }
  narrow(this: Tensor, dim: number, start: number, length: number): Tensor {
    return narrow(this, dim, start, length);
  }
  select(this: Tensor, dim: number, index: number): Tensor {
    return select(this, dim, index);
  }
  contiguous(this: Tensor): Tensor {
    return contiguous(this);
  }
  clone(this: Tensor): Tensor {
    return clone(this);
  }
  /** A copy with another dtype, or on another device ('cpu', 'webgpu'; see `toDevice`). */
  to(this: Tensor, target: DType | Device): Tensor {
    return target === 'cpu' || target === 'webgpu' ? toDevice(this, target) : cast(this, target);
  }
  float(this: Tensor): Tensor {
    return cast(this, 'float32');
  }
  double(this: Tensor): Tensor {
    return cast(this, 'float64');
  }
  int(this: Tensor): Tensor {
    return cast(this, 'int32');
  }
  bool(this: Tensor): Tensor {
    return cast(this, 'bool');
  }

  // ---- in place (write through views) ----

  fill_<T extends Tensor>(this: T, value: number | boolean): T {
    return fill_(this, value);
  }
  zero_<T extends Tensor>(this: T): T {
    return zero_(this);
  }
  copy_<T extends Tensor>(this: T, source: TensorLike): T {
    return copy_(this, source);
  }
  add_<T extends Tensor>(this: T, other: TensorLike, options?: AddOptions): T {
    return add_(this, other, options);
  }
  sub_<T extends Tensor>(this: T, other: TensorLike): T {
    return sub_(this, other);
  }
  mul_<T extends Tensor>(this: T, other: TensorLike): T {
    return mul_(this, other);
  }
  div_<T extends Tensor>(this: T, other: TensorLike): T {
    return div_(this, other);
  }
  clamp_<T extends Tensor>(this: T, min: number | null, max?: number | null): T {
    return clamp_(this, min, max ?? null);
  }
  uniform_<T extends Tensor>(this: T, low = 0, high = 1, options: RandomOptions = {}): T {
    return uniform_(this, low, high, options);
  }
  normal_<T extends Tensor>(this: T, mean = 0, std = 1, options: RandomOptions = {}): T {
    return normal_(this, mean, std, options);
  }
  /** `Y[i, j] = v`: writes one element (or, with fewer indices, a sub-tensor) in place. */
  set<T extends Tensor>(this: T, index: readonly number[], value: TensorLike): T {
    return setItem(this, index, value);
  }
  /** The element at a full index, as a number (or boolean). */
  get(this: Tensor, index: readonly number[]): number | boolean {
    checkArray('get', 'index', index);
    if (index.length !== this.ndim) {
      throw new Error(
        `get: expected ${this.ndim} indices for shape ${formatShape(this.shape)}, got ${index.length}`,
      );
    }
    return this.detach()
      .slice(...index)
      .item();
  }
}

for (const name of Object.getOwnPropertyNames(TensorMethods.prototype)) {
  if (name === 'constructor') continue;
  Object.defineProperty(
    Tensor.prototype,
    name,
    Object.getOwnPropertyDescriptor(TensorMethods.prototype, name) as PropertyDescriptor,
  );
}
