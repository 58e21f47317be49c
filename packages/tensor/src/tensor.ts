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
import { mapStrided } from './kernels/registered/strided.js';
import { contiguousStrides, formatShape, numel } from './shape.js';
import { type Device, hostArray, Storage, uploadTo } from './storage.js';
import type { TensorMethods } from './tensor-methods.js';

export type Scalar = number | boolean;
export type TensorLike = Tensor | Scalar;
/** Nested arrays of numbers or booleans, as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array over a shared storage, with the view, in-place and differentiable op
 * API of PyTorch. Views (`reshape`, `t()`, `slice`, ...) share storage with their base.
 */
// The op methods (`x.add(y)`, `x.reshape(...)`) live in tensor-methods.ts, which installs them;
// this declaration gives the class their types.
export interface Tensor extends TensorMethods {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
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
  /** For a differentiable view: how its history is regenerated from the base's (ops/views.ts). */
  private regenerateHistory: ((view: Tensor, base: Tensor) => Node<Tensor> | null) | null = null;

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
    const ones = allocate(this.dtype, 1).fill(1);
    const device = this.storage.deviceBuffer?.device;
    // The seed gradient lives where the output does.
    if (device !== undefined)
      return new Tensor(uploadTo(device, ones, this.dtype, 'backward'), this.dtype, this.shape);
    return Tensor.fromArray(ones, this.shape, this.dtype);
  }

  /** Accumulates gradients into the leaves this tensor was computed from. */
  backward(
    gradient?: Tensor | null,
    options?: { retainGraph?: boolean; createGraph?: boolean } | null,
  ): void {
    backward<Tensor>(this, gradient ?? null, options ?? {});
  }

  /**
   * A gradient given to backward must be a tensor of this shape; one of another dtype is cast to
   * this one's (PyTorch's validate_outputs), so a leaf's .grad keeps the leaf's dtype.
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

  /** A tensor sharing this one's storage, cut off from the graph (in-place writes are seen by both). */
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

  /** Where the data lives: 'cpu' (host memory, the 'js' and 'wasm' backends) or 'webgpu'. */
  get device(): Device {
    return this.storage.device;
  }

  /**
   * This tensor in host memory, as PyTorch's `cpu()` but awaited (a GPU buffer reads back
   * asynchronously): itself when it already is there, else a contiguous copy that is a new
   * leaf (gradients do not flow back through the move).
   */
  async cpu(): Promise<Tensor> {
    if (this.storage.deviceBuffer === null) return this;
    return Tensor.fromArray(await this.dataAsync(), this.shape, this.dtype);
  }

  /**
   * Frees this tensor's device memory now, as tfjs's `dispose`, rather than when it is garbage
   * collected (the collector does not see GPU memory): a loop on 'webgpu' that disposes what it
   * no longer needs keeps its memory bounded. The storage is shared with every view of it, all
   * of which become unusable (an op on them throws). A host tensor is left as it is.
   */
  dispose(): void {
    this.storage.deviceBuffer?.dispose();
  }

  /**
   * A contiguous copy of the values as a typed array (bool as 0/1 bytes). The 'js' and 'wasm'
   * backends keep every tensor in host memory (a WebAssembly kernel copies its operands in and
   * its result out within the call), so this read never waits. A tensor on 'webgpu' cannot be
   * read synchronously: this throws, saying to use `await dataAsync()`.
   */
  dataSync(): TypedArray {
    return valuesOf(this, hostArray(this, 'dataSync'));
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
    const v = hostArray(this, 'item')[this.offset];
    return (this.dtype === 'bool' ? v !== 0 : v) as number;
  }

  /**
   * `dataSync()` as a promise: the read that works on every backend, including one that can only
   * read its storage asynchronously (a GPU buffer in a browser).
   */
  async dataAsync(): Promise<TypedArray> {
    const buffer = this.storage.deviceBuffer;
    if (buffer === null) return this.dataSync();
    const values = await buffer.read();
    // A device may hold bools wider than a byte (WebGPU: f32 0 and 1); the host reads bytes.
    return valuesOf(
      this,
      this.dtype === 'bool' && !(values instanceof Uint8Array) ? Uint8Array.from(values) : values,
    );
  }

  /** `toArray()` as a promise, the read that works on every backend (see `dataAsync`). */
  async toArrayAsync(): Promise<NestedArray> {
    return nestedArray(this, await this.dataAsync());
  }

  /** Nested JavaScript arrays of the values (a number for a 0-d tensor). */
  toArray(): NestedArray {
    return nestedArray(this, this.dataSync());
  }

  /** PyTorch's repr, character for character. */
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

/** A contiguous copy of `t`'s values out of `array`, its storage's data on the host. */
function valuesOf(t: Tensor, array: TypedArray): TypedArray {
  if (t.isContiguous()) return array.slice(t.offset, t.offset + t.numel);
  const out = allocate(t.dtype, t.numel);
  mapStrided((x) => x, array, t.shape, t.strides, t.offset, out);
  return out;
}

/** Nested JavaScript arrays of `t`'s values from their contiguous copy `flat`. */
function nestedArray(t: Tensor, flat: TypedArray): NestedArray {
  const isBool = t.dtype === 'bool';
  const build = (dim: number, start: number): NestedArray => {
    if (dim === t.ndim) return isBool ? flat[start] !== 0 : flat[start];
    const step = numel(t.shape.slice(dim + 1));
    return Array.from({ length: t.shape[dim] }, (_, i) => build(dim + 1, start + i * step));
  };
  return build(0, 0);
}
