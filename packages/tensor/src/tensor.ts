import {
  backward,
  type Gradient,
  type Node,
  type NumericAccess,
  numericAccess,
  type Variable,
} from '@fovea/autograd';
import { allocate, type DType, isFloating, type TypedArray } from './dtype.js';
import { formatTensor } from './format/format.js';
import { mapStrided } from './kernels/strided.js';
import { cast } from './ops/cast.js';
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
  relu,
  sigmoid,
  sign,
  sqrt,
  square,
  sub,
  tanh,
} from './ops/elementwise.js';
import {
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
  viewHistory,
} from './ops/views.js';
import { contiguousStrides, formatShape, numel } from './shape.js';
import { Storage } from './storage.js';

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;
/** Nested arrays of numbers or booleans, as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array over a shared storage, with the view, in-place and differentiable op
 * API of PyTorch. Views (`reshape`, `t()`, `slice`, ...) share storage with their base.
 */
export class Tensor implements Variable<Tensor>, Gradient<Tensor> {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
  /** @internal The memory shared with every view of the same base. */
  readonly storage: Storage;
  /** @internal The tensor owning the storage this one views, or null if it owns it. */
  readonly base: Tensor | null;
  private leafRequiresGrad = false;
  private history: Node<Tensor> | null = null;
  private gradValue: Tensor | null = null;
  /**
   * For a differentiable view: the storage version its history was recorded at. An in-place
   * write into the base (or another view of it) since then makes that history stale.
   */
  private viewVersion: number | null = null;

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) instead. */
  constructor(
    storage: Storage,
    dtype: DType,
    shape: readonly number[],
    strides: readonly number[] = contiguousStrides(shape),
    offset = 0,
    base: Tensor | null = null,
  ) {
    this.storage = storage;
    this.dtype = dtype;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze([...strides]);
    this.offset = offset;
    this.base = base;
  }

  /** @internal A tensor owning a fresh contiguous array. */
  static fromArray(array: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(new Storage(array), dtype, shape);
  }

  /** @internal A view of this tensor's storage with another geometry. */
  viewAs(shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(this.storage, this.dtype, shape, strides, offset, this.base ?? this);
  }

  // ---- geometry ----

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return numel(this.shape);
  }

  /** The size of one dimension, or the whole shape. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim)
      throw new Error(`size: dimension ${dim} is out of range for ${formatShape(this.shape)}`);
    return this.shape[d];
  }

  dim(): number {
    return this.ndim;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  // ---- autograd ----

  get requiresGrad(): boolean {
    return this.currentHistory() !== null || this.leafRequiresGrad;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  get gradFn(): Node<Tensor> | null {
    return this.currentHistory();
  }

  get isLeaf(): boolean {
    return this.currentHistory() === null;
  }

  get grad(): Tensor | null {
    return this.gradValue;
  }

  set grad(value: Tensor | null) {
    if (value !== null) {
      if (!(value instanceof Tensor)) throw new Error('grad: assigned value must be a Tensor or null');
      if (value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
        throw new Error(
          `grad: assigned grad has shape ${formatShape(value.shape)} but the tensor has shape ${formatShape(this.shape)}`,
        );
      }
    }
    this.gradValue = value;
  }

  /** @internal Called by ops on fresh results. */
  setGradFn(node: Node<Tensor> | null): void {
    this.history = node;
  }

  /** @internal Called by view ops: this view's history is current as of the storage's version now. */
  trackViewHistory(): void {
    this.viewVersion = this.storage.version;
  }

  /**
   * The history, brought up to date for a view whose base was written in place since it was
   * recorded: as PyTorch regenerates a view's grad_fn, the view then reads its values (and sends
   * its gradient) through the base's current history.
   */
  private currentHistory(): Node<Tensor> | null {
    const base = this.base;
    if (this.viewVersion !== null && base !== null && this.viewVersion !== this.storage.version) {
      this.viewVersion = this.storage.version;
      if (base.requiresGrad) this.history = viewHistory(this, base) ?? this.history;
    }
    return this.history;
  }

  /** Marks a leaf as wanting (or not) a gradient; in place, returns this. */
  requiresGrad_(requiresGrad = true): this {
    if (this.currentHistory() !== null) {
      if (!requiresGrad) {
        throw new Error(
          'requiresGrad_: you can only change requires_grad flags of leaf variables. Use detach() to get a tensor that does not require grad.',
        );
      }
      return this;
    }
    if (requiresGrad && !isFloating(this.dtype)) {
      throw new Error(
        `requiresGrad_: only tensors of floating point dtype can require gradients, got ${this.dtype}`,
      );
    }
    this.leafRequiresGrad = requiresGrad;
    return this;
  }

  defaultGradient(): Tensor {
    if (this.numel !== 1) {
      throw new Error(
        `backward: grad can be implicitly created only for scalar outputs, got shape ${formatShape(this.shape)}`,
      );
    }
    return Tensor.fromArray(allocate(this.dtype, 1).fill(1), this.shape, this.dtype);
  }

  /** Accumulates gradients into the leaves this tensor was computed from. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    backward<Tensor>(this, gradient ?? null, options);
  }

  /** A tensor sharing this one's storage, cut off from the graph (in-place writes are seen by both). */
  detach(): Tensor {
    return new Tensor(this.storage, this.dtype, this.shape, this.strides, this.offset, this.base);
  }

  /**
   * The values without autograd, like PyTorch's `.data`: same storage, no history, and in-place
   * writes through it are invisible to autograd (`w.data.sub_(w.grad.mul(lr))`).
   */
  get data(): Tensor {
    const storage = new Storage(this.storage.array);
    return new Tensor(storage, this.dtype, this.shape, this.strides, this.offset, null);
  }

  // ---- reading values ----

  /** A contiguous copy of the values as a typed array (bool as 0/1 bytes). */
  dataSync(): TypedArray {
    if (this.isContiguous()) return this.storage.array.slice(this.offset, this.offset + this.numel);
    const out = allocate(this.dtype, this.numel);
    mapStrided((x) => x, this.storage.array, this.shape, this.strides, this.offset, out);
    return out;
  }

  /**
   * The single value of a one-element tensor, as `l.sum().item()` in the chapter. Typed as a
   * number, which it is for every numeric dtype; a bool tensor gives a boolean, as in PyTorch.
   */
  item(): number {
    if (this.numel !== 1) {
      throw new Error(
        `item: a Tensor with ${this.numel} elements cannot be converted to a scalar (shape ${formatShape(this.shape)})`,
      );
    }
    const v = this.storage.array[this.offset];
    return (this.dtype === 'bool' ? v !== 0 : v) as number;
  }

  /** Nested JavaScript arrays of the values (a number for a 0-d tensor). */
  toArray(): NestedArray {
    const flat = this.dataSync();
    const isBool = this.dtype === 'bool';
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.ndim) return isBool ? flat[start] !== 0 : flat[start];
      const step = numel(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, start + i * step));
    };
    return build(0, 0);
  }

  /** PyTorch's repr, character for character. */
  toString(): string {
    const suffixes: string[] = [];
    const history = this.currentHistory();
    if (history !== null) suffixes.push(`grad_fn=<${history.name}>`);
    else if (this.leafRequiresGrad) suffixes.push('requires_grad=True');
    return formatTensor(this.dataSync(), this.shape, this.dtype, suffixes);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  [numericAccess](): NumericAccess<Tensor> {
    const n = this.numel;
    const strides = this.strides;
    const shape = this.shape;
    const at = (index: number) => {
      let p = this.offset;
      let rest = index;
      for (let d = shape.length - 1; d >= 0; d--) {
        p += (rest % shape[d]) * strides[d];
        rest = Math.floor(rest / shape[d]);
      }
      return p;
    };
    return {
      numel: n,
      isDouble: this.dtype === 'float64',
      get: (i) => this.storage.array[at(i)],
      set: (i, v) => {
        this.storage.array[at(i)] = v;
      },
      basis: (i) => {
        const out = allocate(this.dtype, n);
        out[i] = 1;
        return Tensor.fromArray(out, shape, this.dtype);
      },
      leafOf: (values) => {
        const out = allocate(this.dtype, n);
        for (let i = 0; i < n; i++) out[i] = values[i];
        return Tensor.fromArray(out, shape, this.dtype).requiresGrad_();
      },
    };
  }

  // ---- elementwise ----

  add(other: TensorLike): Tensor {
    return add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return minimum(this, other);
  }
  neg(): Tensor {
    return neg(this);
  }
  exp(): Tensor {
    return exp(this);
  }
  log(): Tensor {
    return log(this);
  }
  sqrt(): Tensor {
    return sqrt(this);
  }
  square(): Tensor {
    return square(this);
  }
  abs(): Tensor {
    return abs(this);
  }
  sign(): Tensor {
    return sign(this);
  }
  relu(): Tensor {
    return relu(this);
  }
  sigmoid(): Tensor {
    return sigmoid(this);
  }
  tanh(): Tensor {
    return tanh(this);
  }
  clamp(min: number | null, max?: number | null): Tensor {
    return clamp(this, min, max ?? null);
  }

  eq(other: TensorLike): Tensor {
    return eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return ne(this, other);
  }
  gt(other: TensorLike): Tensor {
    return gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ge(this, other);
  }
  lt(other: TensorLike): Tensor {
    return lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return le(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return logicalOr(this, other);
  }
  logicalNot(): Tensor {
    return logicalNot(this);
  }
  /** `condition ? this : other`, elementwise. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return where(condition, this, other);
  }

  // ---- reductions ----

  sum(dim?: ReduceDims, keepdim = false): Tensor {
    return sum(this, dim, keepdim);
  }
  mean(dim?: ReduceDims, keepdim = false): Tensor {
    return mean(this, dim, keepdim);
  }
  /** Variance with Bessel's correction by default (`correction: 1`), like `torch.var`. */
  var(dim?: ReduceDims, options: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return variance(this, dim, options);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? max(this) : max(this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? min(this) : min(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return argmin(this, dim, keepdim);
  }

  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  // ---- views and copies ----

  reshape(shape: readonly number[]): Tensor {
    return reshape(this, shape);
  }
  view(shape: readonly number[]): Tensor {
    return view(this, shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return flatten(this, startDim, endDim);
  }
  permute(dims: readonly number[]): Tensor {
    return permute(this, dims);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return transpose(this, dim0, dim1);
  }
  t(): Tensor {
    return t(this);
  }
  /** Same as `t()`, for a matrix (PyTorch's `.T`). */
  get T(): Tensor {
    return t(this);
  }
  squeeze(dim?: number): Tensor {
    return squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return unsqueeze(this, dim);
  }
  expand(shape: readonly number[]): Tensor {
    return expand(this, shape);
  }
  flip(dims: readonly number[]): Tensor {
    return flip(this, dims);
  }
  /**
   * Basic indexing as a view: one spec per leading dimension, a number (drops the axis), a
   * `'start:end:step'` string (`':'`, `'2:6'`, `'::-1'`), `[start, end, step?]`, or `'...'`.
   */
  slice(...specs: SliceSpec[]): Tensor {
    return slice(this, ...specs);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return select(this, dim, index);
  }
  contiguous(): Tensor {
    return contiguous(this);
  }
  clone(): Tensor {
    return clone(this);
  }
  to(dtype: DType): Tensor {
    return cast(this, dtype);
  }
  float(): Tensor {
    return cast(this, 'float32');
  }
  double(): Tensor {
    return cast(this, 'float64');
  }
  int(): Tensor {
    return cast(this, 'int32');
  }
  bool(): Tensor {
    return cast(this, 'bool');
  }

  // ---- in place (write through views) ----

  fill_(value: number | boolean): this {
    return fill_(this, value);
  }
  zero_(): this {
    return zero_(this);
  }
  copy_(source: TensorLike): this {
    return copy_(this, source);
  }
  add_(other: TensorLike): this {
    return add_(this, other);
  }
  sub_(other: TensorLike): this {
    return sub_(this, other);
  }
  mul_(other: TensorLike): this {
    return mul_(this, other);
  }
  div_(other: TensorLike): this {
    return div_(this, other);
  }
  clamp_(min: number | null, max?: number | null): this {
    return clamp_(this, min, max ?? null);
  }
  uniform_(low = 0, high = 1, options: RandomOptions = {}): this {
    return uniform_(this, low, high, options);
  }
  normal_(mean = 0, std = 1, options: RandomOptions = {}): this {
    return normal_(this, mean, std, options);
  }
  /** `Y[i, j] = v`: writes one element (or, with fewer indices, a sub-tensor) in place. */
  set(index: readonly number[], value: TensorLike): this {
    return setItem(this, index, value);
  }
  /** The element at a full index, as a number (or boolean). */
  get(index: readonly number[]): number | boolean {
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
