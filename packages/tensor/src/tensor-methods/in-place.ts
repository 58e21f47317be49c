import { checkArray } from '../checks.js';
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
} from '../ops/inplace.js';
import { formatShape } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';

/**
 * Tensor's in-place methods (PyTorch's trailing underscore) and element access. They write
 * through views into the shared storage and return the tensor itself. As in PyTorch, a leaf
 * that requires grad cannot be written in place while autograd records (use `noGrad`, or write
 * into `.data`); other tensors record the write, so gradients stay right.
 */
export abstract class InPlaceMethods {
  /**
   * Sets every element to `value`, like `torch.Tensor.fill_`.
   *
   * @param value - A number or boolean, stored in this tensor's dtype.
   * @returns This tensor.
   */
  fill_<T extends Tensor>(this: T, value: number | boolean): T {
    return fill_(this, value);
  }
  /**
   * Sets every element to 0, like `torch.Tensor.zero_` (an optimizer's `zeroGrad`).
   *
   * @returns This tensor.
   */
  zero_<T extends Tensor>(this: T): T {
    return zero_(this);
  }
  /**
   * Copies `source`'s values in, broadcast to this shape and cast to this dtype, like
   * `torch.Tensor.copy_`; into a GPU tensor, a host source is uploaded.
   *
   * @param source - A tensor broadcastable to this one's shape, or a number.
   * @returns This tensor.
   */
  copy_<T extends Tensor>(this: T, source: TensorLike): T {
    return copy_(this, source);
  }
  /**
   * `this += alpha * other`, like `torch.Tensor.add_`; the result keeps this tensor's shape and
   * dtype. Without autograd, on contiguous float tensors of one shape and dtype (an optimizer's
   * update), one pass with no temporary.
   *
   * @param other - A tensor broadcastable to this one's shape, or a number.
   * @param options - `alpha`, the multiplier of `other` (1 by default).
   * @returns This tensor.
   *
   * @example
   * ```ts
   * import { tensor, zeros } from '@fovea/tensor';
   *
   * const w = tensor([1, 2]);
   * w.add_(tensor([10, 10]), { alpha: 0.5 }).toArray(); // [6, 7]
   * w.mul_(2).clamp_(0, 13).toArray(); // [12, 13]
   * const m = zeros([2, 2]);
   * m.set([0, 1], 5).set([1], tensor([1, 2]));
   * m.toArray(); // [[0, 5], [1, 2]]
   * m.get([0, 1]); // 5
   * ```
   */
  add_<T extends Tensor>(this: T, other: TensorLike, options?: AddOptions): T {
    return add_(this, other, options);
  }
  /**
   * `this -= other`, like `torch.Tensor.sub_`.
   *
   * @param other - A tensor broadcastable to this one's shape, or a number.
   * @returns This tensor.
   */
  sub_<T extends Tensor>(this: T, other: TensorLike): T {
    return sub_(this, other);
  }
  /**
   * `this *= other`, like `torch.Tensor.mul_`.
   *
   * @param other - A tensor broadcastable to this one's shape, or a number.
   * @returns This tensor.
   */
  mul_<T extends Tensor>(this: T, other: TensorLike): T {
    return mul_(this, other);
  }
  /**
   * `this /= other`, like `torch.Tensor.div_` (an int32 tensor cannot hold the quotient: cast
   * it first).
   *
   * @param other - A tensor broadcastable to this one's shape, or a number.
   * @returns This tensor.
   */
  div_<T extends Tensor>(this: T, other: TensorLike): T {
    return div_(this, other);
  }
  /**
   * Limits the values to `[min, max]` in place, like `torch.Tensor.clamp_`.
   *
   * @param min - The lower bound, or null for none.
   * @param max - The upper bound, or null (or omitted) for none.
   * @returns This tensor.
   */
  clamp_<T extends Tensor>(this: T, min: number | null, max?: number | null): T {
    return clamp_(this, min, max ?? null);
  }
  /**
   * Fills with values drawn uniformly from `[low, high)`, like `torch.Tensor.uniform_` (the same
   * numbers as PyTorch for the same seed).
   *
   * @param low - The lower bound; 0 by default.
   * @param high - The upper bound; 1 by default.
   * @param options - `generator`, the one to draw from (the default generator otherwise).
   * @returns This tensor.
   */
  uniform_<T extends Tensor>(this: T, low = 0, high = 1, options: RandomOptions = {}): T {
    return uniform_(this, low, high, options);
  }
  /**
   * Fills with values drawn from the normal distribution $\mathcal{N}(\text{mean}, \text{std}^2)$,
   * like `torch.Tensor.normal_` (the same numbers as PyTorch for the same seed).
   *
   * @param mean - The mean; 0 by default.
   * @param std - The standard deviation; 1 by default.
   * @param options - `generator`, the one to draw from (the default generator otherwise).
   * @returns This tensor.
   */
  normal_<T extends Tensor>(this: T, mean = 0, std = 1, options: RandomOptions = {}): T {
    return normal_(this, mean, std, options);
  }
  /**
   * `Y[i, j] = v`: writes one element (or, with fewer indices, a sub-tensor) in place, like
   * PyTorch's indexed assignment.
   *
   * @param index - One index per leading dimension (negative counts from the end).
   * @param value - A number, or a tensor broadcastable to the indexed part.
   * @returns This tensor.
   */
  set<T extends Tensor>(this: T, index: readonly number[], value: TensorLike): T {
    return setItem(this, index, value);
  }
  /**
   * The element at a full index, as a number (or a boolean), like `x[i, j].item()`.
   *
   * @param index - One index per dimension (negative counts from the end).
   * @returns The element's value.
   */
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
