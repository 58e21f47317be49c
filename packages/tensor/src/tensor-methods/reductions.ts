import { matmul } from '../ops/matmul.js';
import { argmax, argmin, max, mean, min, type ReduceDims, sum, variance } from '../ops/reduce.js';
import type { Tensor } from '../tensor.js';

/** Tensor's reductions and its matrix product, each its function (`x.sum(1)` is `sum(x, 1)`). */
export abstract class ReductionMethods {
  /**
   * The sum over `dim` (all elements by default); see {@link sum}.
   *
   * @param dim - The dimension or dimensions to reduce; all by default.
   * @param keepdim - Keep the reduced dimensions with size 1; false by default.
   * @returns The sums (bool and int32 sum to int32).
   */
  sum(this: Tensor, dim?: ReduceDims, keepdim = false): Tensor {
    return sum(this, dim, keepdim);
  }
  /**
   * The mean over `dim` (all elements by default), for floating tensors; see {@link mean}.
   *
   * @param dim - The dimension or dimensions to reduce; all by default.
   * @param keepdim - Keep the reduced dimensions with size 1; false by default.
   * @returns The means.
   */
  mean(this: Tensor, dim?: ReduceDims, keepdim = false): Tensor {
    return mean(this, dim, keepdim);
  }
  /**
   * The variance over `dim`, with Bessel's correction by default (`correction: 1`), like
   * `torch.var`; see {@link variance}.
   *
   * @param dim - The dimension or dimensions to reduce; all by default.
   * @param options - `correction` (1 by default) and `keepdim` (false by default).
   * @returns The variances.
   */
  var(this: Tensor, dim?: ReduceDims, options: { correction?: number; keepdim?: boolean } = {}): Tensor {
    return variance(this, dim, options);
  }
  /**
   * The largest element; see {@link max}.
   *
   * @returns A 0-d tensor.
   */
  max(this: Tensor): Tensor;
  /**
   * The largest element along `dim`, and where it is; see {@link max}.
   *
   * @param dim - The dimension to reduce.
   * @param keepdim - Keep `dim` with size 1; false by default.
   * @returns `values`, and `indices` (int32).
   */
  max(this: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(this: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? max(this) : max(this, dim, keepdim);
  }
  /**
   * The smallest element; see {@link min}.
   *
   * @returns A 0-d tensor.
   */
  min(this: Tensor): Tensor;
  /**
   * The smallest element along `dim`, and where it is; see {@link min}.
   *
   * @param dim - The dimension to reduce.
   * @param keepdim - Keep `dim` with size 1; false by default.
   * @returns `values`, and `indices` (int32).
   */
  min(this: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(this: Tensor, dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? min(this) : min(this, dim, keepdim);
  }
  /**
   * Where the largest element is; see {@link argmax}.
   *
   * @param dim - The dimension to search; omitted, the whole tensor (a flat index).
   * @param keepdim - Keep `dim` with size 1; false by default.
   * @returns int32 indices.
   */
  argmax(this: Tensor, dim?: number, keepdim = false): Tensor {
    return argmax(this, dim, keepdim);
  }
  /**
   * Where the smallest element is; see {@link argmin}.
   *
   * @param dim - The dimension to search; omitted, the whole tensor (a flat index).
   * @param keepdim - Keep `dim` with size 1; false by default.
   * @returns int32 indices.
   */
  argmin(this: Tensor, dim?: number, keepdim = false): Tensor {
    return argmin(this, dim, keepdim);
  }

  /**
   * The matrix product `this @ other`, with `torch.matmul`'s rules for 1-D operands and batch
   * dimensions; see {@link matmul}.
   *
   * @param other - The right operand.
   * @returns The product.
   */
  matmul(this: Tensor, other: Tensor): Tensor {
    return matmul(this, other);
  }
}
