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
import { contiguousStrides, formatShape, frozenDims, numel } from './shape.js';
import { type Device, hostArray, Storage, uploadTo } from './storage.js';
import type { TensorMethods } from './tensor-methods.js';

/** A JavaScript value an op takes in place of a 0-d tensor: a number or a boolean. */
export type Scalar = number | boolean;
/** An operand of the elementwise ops: a tensor, or a number or boolean (see {@link add}). */
export type TensorLike = Tensor | Scalar;
/** Nested arrays of numbers or booleans, as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

// The op methods (`x.add(y)`, `x.reshape(...)`) live in tensor-methods.ts, which installs them;
// this declaration gives the class their types.
export interface Tensor extends TensorMethods {}

/**
 * An n-dimensional array over a shared storage, with the view, in-place and differentiable op
 * API of PyTorch's `torch.Tensor`. Made by the creation functions (`tensor`, `zeros`, `randn`,
 * ...); every op is a function (`add(x, y)`) and a method (`x.add(y)`).
 *
 * - **dtypes:** `'float32'` (the default), `'float64'`, `'int32'` and `'bool'`; mixed operands
 *   promote as in PyTorch (see {@link add}).
 * - **Views** (`reshape`, `t()`, `slice`, ...) share storage with their base: an in-place write
 *   (`fill_`, `add_`, `set`, ...) shows in both, and autograd follows it.
 * - **Autograd:** a floating tensor made with `requiresGrad: true` is a leaf; ops on it record
 *   their backward, `backward()` fills the leaves' `grad` (see `@fovea/autograd`).
 * - **Devices:** `'cpu'` (host memory: the `'js'` and `'wasm'` backends) or `'webgpu'` (a GPU
 *   buffer). Data moves between them only when asked: `t.to('webgpu')` (or a creation function's
 *   `device: 'webgpu'`) uploads; `await t.cpu()`, `await t.dataAsync()` and
 *   `await t.toArrayAsync()` read back. No op moves a tensor on its own, with two exceptions
 *   as in PyTorch: a one-element host tensor may join a GPU tensor in an elementwise op, and a
 *   host value written in place into a GPU tensor (`copy_`, `fill_`) is copied there. An op on a
 *   GPU tensor runs there when the 'webgpu' backend has its kernel and throws otherwise; the
 *   synchronous reads (`dataSync`, `toArray`, `item`) throw on a GPU tensor.
 *
 * @example
 * ```ts
 * import { tensor } from '@fovea/tensor';
 *
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * String(y); // 'tensor(30., grad_fn=<SumBackward0>)'
 * y.backward();
 * x.grad?.toArray(); // [[2, 4], [6, 8]]
 * x.shape; // [2, 2]
 * x.t().isContiguous(); // false
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class Tensor implements Variable<Tensor>, Gradient<Tensor> {
  /** The size of each dimension, PyTorch's `x.shape` (`[]` for a 0-d tensor). */
  readonly shape: readonly number[];
  /** How many storage elements one step along each dimension moves, PyTorch's `x.stride()`. */
  readonly strides: readonly number[];
  /** Where the first element sits in the storage, PyTorch's `x.storage_offset()`. */
  readonly offset: number;
  /** The element type: `'float32'`, `'float64'`, `'int32'` or `'bool'`. */
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
  /** For a differentiable view: how its history is regenerated from the base's (ops/views.ts). */
  private regenerateHistory: ((view: Tensor, base: Tensor) => Node<Tensor> | null) | null = null;

  /** @internal Use the creation functions (`tensor`, `zeros`, ...) instead. */
  constructor(
    storage: Storage,
    dtype: DType,
    shape: readonly number[],
    strides?: readonly number[],
    offset = 0,
    base: Tensor | null = null,
  ) {
    this.storage = storage;
    this.dtype = dtype;
    this.shape = frozenDims(shape);
    this.strides = strides === undefined ? Object.freeze(contiguousStrides(shape)) : frozenDims(strides);
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

  /** The number of dimensions, PyTorch's `x.ndim`. */
  get ndim(): number {
    return this.shape.length;
  }

  /** The number of elements, PyTorch's `x.numel()` (here a property). */
  get numel(): number {
    return numel(this.shape);
  }

  /**
   * The shape as a new array, PyTorch's `x.size()`.
   *
   * @returns A copy of `shape`.
   */
  size(): number[];
  /**
   * The size of one dimension, PyTorch's `x.size(dim)`.
   *
   * @param dim - The dimension (negative counts from the end).
   * @returns Its size.
   */
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    if (typeof dim !== 'number' || !Number.isInteger(dim)) {
      throw new Error(
        `size: argument 'dim' must be an integer, got ${typeof dim === 'number' ? dim : typeof dim}`,
      );
    }
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim)
      throw new Error(`size: dimension ${dim} is out of range for ${formatShape(this.shape)}`);
    return this.shape[d];
  }

  /**
   * The number of dimensions, PyTorch's `x.dim()`.
   *
   * @returns `ndim`.
   */
  dim(): number {
    return this.ndim;
  }

  /**
   * Whether the elements lie in row-major order without gaps, PyTorch's `x.is_contiguous()`.
   *
   * @returns True for a tensor fresh from an op; false for a transposed view, for one.
   */
  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  // ---- autograd ----

  /**
   * Whether autograd tracks this tensor, PyTorch's `requires_grad`: a leaf marked so, or the
   * result of an op on one. Setting it is `requiresGrad_(value)`.
   */
  get requiresGrad(): boolean {
    return this.currentHistory() !== null || this.leafRequiresGrad;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** The graph node that made this tensor (its backward), PyTorch's `grad_fn`; null for a leaf. */
  get gradFn(): Node<Tensor> | null {
    return this.currentHistory();
  }

  /** True when no recorded op made this tensor, PyTorch's `is_leaf`; only leaves get `grad`. */
  get isLeaf(): boolean {
    return this.currentHistory() === null;
  }

  /**
   * The gradient `backward()` accumulated into this leaf, PyTorch's `.grad`; null before. Assign
   * a tensor of this shape, or null to clear it.
   */
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

  /**
   * @internal Called by view ops: this view's history is current as of the storage's version
   * now; `regenerate` rebuilds it from the base's after an in-place write into the base.
   */
  trackViewHistory(regenerate: (view: Tensor, base: Tensor) => Node<Tensor> | null): void {
    this.viewVersion = this.storage.version;
    this.regenerateHistory = regenerate;
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
      if (base.requiresGrad) this.history = this.regenerateHistory?.(this, base) ?? this.history;
    }
    return this.history;
  }

  /**
   * Marks a leaf as wanting (or not) a gradient, PyTorch's `requires_grad_`. Floating dtypes only;
   * a non-leaf cannot be unmarked (use `detach()`).
   *
   * @param requiresGrad - True (the default) to track, false to stop.
   * @returns This tensor.
   */
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

  /** @internal The seed gradient of `backward()` without one: ones, where this tensor lives. */
  defaultGradient(): Tensor {
    if (this.numel !== 1) {
      throw new Error(
        `backward: grad can be implicitly created only for scalar outputs, got shape ${formatShape(this.shape)}`,
      );
    }
    const ones = allocate(this.dtype, 1).fill(1);
    const device = this.storage.deviceBuffer?.device;
    // The seed gradient lives where the output does.
    if (device !== undefined)
      return new Tensor(uploadTo(device, ones, this.dtype, 'backward'), this.dtype, this.shape);
    return Tensor.fromArray(ones, this.shape, this.dtype);
  }

  /**
   * Accumulates the gradient of this tensor into the leaves it was computed from, PyTorch's
   * `backward()`: into each leaf's `grad`, added to what is there.
   *
   * @param gradient - The gradient of some final value with respect to this tensor, of its
   * shape; may be omitted for a one-element tensor (it is then 1).
   * @param options - `retainGraph` keeps the graph for another backward; `createGraph` records
   * the backward itself, for gradients of gradients.
   */
  backward(
    gradient?: Tensor | null,
    options?: { retainGraph?: boolean; createGraph?: boolean } | null,
  ): void {
    backward<Tensor>(this, gradient ?? null, options ?? {});
  }

  /**
   * @internal A gradient given to backward must be a tensor of this shape; one of another dtype
   * is cast to this one's (PyTorch's validate_outputs), so a leaf's .grad keeps the leaf's dtype.
   */
  checkGradient(op: string, grad: unknown, index: number): Tensor {
    if (!(grad instanceof Tensor)) {
      throw new Error(
        `${op}: grad_tensors[${index}] must be a Tensor, got ${grad === null ? 'null' : typeof grad}`,
      );
    }
    if (grad.shape.length !== this.shape.length || grad.shape.some((d, i) => d !== this.shape[i])) {
      throw new Error(
        `${op}: Mismatch in shape: grad_output[${index}] has a shape of ${formatShape(grad.shape)} and output[${index}] has a shape of ${formatShape(this.shape)}`,
      );
    }
    return grad.dtype === this.dtype ? grad : grad.to(this.dtype);
  }

  /**
   * A tensor sharing this one's storage, cut off from the graph, PyTorch's `detach()` (in-place
   * writes are seen by both).
   *
   * @returns A new leaf that does not require grad.
   */
  detach(): Tensor {
    return new Tensor(this.storage, this.dtype, this.shape, this.strides, this.offset, this.base);
  }

  /**
   * The values without autograd, like PyTorch's `.data`: same storage, no history, and in-place
   * writes through it are invisible to autograd (`w.data.sub_(w.grad.mul(lr))`).
   */
  get data(): Tensor {
    const storage = new Storage(this.storage.host, this.storage.deviceBuffer);
    return new Tensor(storage, this.dtype, this.shape, this.strides, this.offset, null);
  }

  // ---- reading values ----

  /** Where the data lives: `'cpu'` (host memory, the 'js' and 'wasm' backends) or `'webgpu'`. */
  get device(): Device {
    return this.storage.device;
  }

  /**
   * PyTorch's repr, character for character: `tensor([1., 2.], requires_grad=True)`. A tensor on
   * the GPU prints its shape and device instead of values (they cannot be read synchronously).
   *
   * @returns The printed tensor; `formatTensor` takes print options.
   */
  toString(): string {
    const suffixes: string[] = [];
    const history = this.currentHistory();
    if (history !== null) suffixes.push(`grad_fn=<${history.name}>`);
    else if (this.leafRequiresGrad) suffixes.push('requires_grad=True');
    if (this.storage.deviceBuffer !== null) {
      // The values cannot be read synchronously; PyTorch names a tensor's device the same way.
      return `tensor(<${formatShape(this.shape)} on ${this.device}: await toArrayAsync()>, device='${this.device}')`;
    }
    return formatTensor(this.dataSync(), this.shape, this.dtype, suffixes);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** @internal gradcheck's access to the values (`@fovea/autograd`'s `NumericAccess`). */
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
      get: (i) => hostArray(this, 'gradcheck')[at(i)],
      set: (i, v) => {
        hostArray(this, 'gradcheck')[at(i)] = v;
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
}
