import { allocate, type TypedArray } from '../dtype.js';
import { mapStrided } from '../kernels/registered/strided.js';
import { formatShape, numel } from '../shape.js';
import { hostArray } from '../storage.js';
import { type NestedArray, Tensor } from '../tensor.js';

/**
 * Tensor's reads of its values: synchronous ones for host memory, asynchronous ones that work
 * on every device, and the explicit way back from the GPU (`cpu()`).
 */
export abstract class ReadingMethods {
  /**
   * This tensor in host memory, as PyTorch's `cpu()` but awaited (a GPU buffer reads back
   * asynchronously): itself when it already is there, else a contiguous copy that is a new
   * leaf (gradients do not flow back through the move).
   *
   * @returns A promise of the tensor in host memory.
   */
  async cpu(this: Tensor): Promise<Tensor> {
    if (this.storage.deviceBuffer === null) return this;
    return Tensor.fromArray(await this.dataAsync(), this.shape, this.dtype);
  }

  /**
   * Frees this tensor's device memory now, as tfjs's `dispose`, rather than when it is garbage
   * collected (the collector does not see GPU memory): a loop on 'webgpu' that disposes what it
   * no longer needs keeps its memory bounded. The storage is shared with every view of it, all
   * of which become unusable (an op on them throws). A host tensor is left as it is.
   */
  dispose(this: Tensor): void {
    this.storage.deviceBuffer?.dispose();
  }

  /**
   * A contiguous copy of the values as a typed array (bool as 0/1 bytes). The 'js' and 'wasm'
   * backends keep every tensor in host memory (a WebAssembly kernel copies its operands in and
   * its result out within the call), so this read never waits. A tensor on 'webgpu' cannot be
   * read synchronously: this throws, saying to use `await dataAsync()`.
   *
   * @returns A Float32Array, Float64Array, Int32Array or (bool) Uint8Array of `numel` values.
   */
  dataSync(this: Tensor): TypedArray {
    return valuesOf(this, hostArray(this, 'dataSync'));
  }

  /**
   * The single value of a one-element tensor, as `l.sum().item()` in the chapter. Typed as a
   * number, which it is for every numeric dtype; a bool tensor gives a boolean, as in PyTorch.
   *
   * @returns The value.
   */
  item(this: Tensor): number {
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
   *
   * @returns A promise of the values, as `dataSync()` gives them.
   */
  async dataAsync(this: Tensor): Promise<TypedArray> {
    const buffer = this.storage.deviceBuffer;
    if (buffer === null) return this.dataSync();
    const values = await buffer.read();
    // A device may hold bools wider than a byte (WebGPU: f32 0 and 1); the host reads bytes.
    return valuesOf(
      this,
      this.dtype === 'bool' && !(values instanceof Uint8Array) ? Uint8Array.from(values) : values,
    );
  }

  /**
   * `toArray()` as a promise, the read that works on every backend (see `dataAsync`).
   *
   * @returns A promise of the nested arrays.
   */
  async toArrayAsync(this: Tensor): Promise<NestedArray> {
    return nestedArray(this, await this.dataAsync());
  }

  /**
   * The values as nested JavaScript arrays, PyTorch's `tolist()`: numbers, or booleans for bool.
   *
   * @returns Nested arrays of the tensor's shape (a number for a 0-d tensor).
   */
  toArray(this: Tensor): NestedArray {
    return nestedArray(this, this.dataSync());
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
