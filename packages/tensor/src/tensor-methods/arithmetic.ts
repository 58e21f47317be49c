import { relu, sigmoid, tanh } from '../ops/activation.js';
import { clamp } from '../ops/clamp.js';
import { eq, ge, gt, le, logicalAnd, logicalNot, logicalOr, lt, ne, where } from '../ops/compare.js';
import {
  abs,
  add,
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
} from '../ops/elementwise.js';
import type { Tensor, TensorLike } from '../tensor.js';

/**
 * Tensor's elementwise methods: arithmetic, math functions, activations and comparisons, each
 * its function (`x.add(y)` is `add(x, y)`) with the same broadcasting and dtype rules, described
 * on {@link add}.
 */
export abstract class ArithmeticMethods {
  /**
   * `this + other`, elementwise with broadcasting, like `torch.Tensor.add`; see {@link add}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  add(this: Tensor, other: TensorLike): Tensor {
    return add(this, other);
  }
  /**
   * `this - other`, elementwise with broadcasting; see {@link sub}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  sub(this: Tensor, other: TensorLike): Tensor {
    return sub(this, other);
  }
  /**
   * `this * other`, elementwise with broadcasting; see {@link mul} (and {@link matmul} for the
   * matrix product).
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  mul(this: Tensor, other: TensorLike): Tensor {
    return mul(this, other);
  }
  /**
   * `this / other`, true division with broadcasting (integers give float32); see {@link div}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  div(this: Tensor, other: TensorLike): Tensor {
    return div(this, other);
  }
  /**
   * `this ** exponent`, elementwise with broadcasting; see {@link pow}.
   *
   * @param exponent - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  pow(this: Tensor, exponent: TensorLike): Tensor {
    return pow(this, exponent);
  }
  /**
   * The elementwise larger of this tensor and `other`; see {@link maximum}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  maximum(this: Tensor, other: TensorLike): Tensor {
    return maximum(this, other);
  }
  /**
   * The elementwise smaller of this tensor and `other`; see {@link minimum}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A new tensor.
   */
  minimum(this: Tensor, other: TensorLike): Tensor {
    return minimum(this, other);
  }
  /**
   * `-this`; see {@link neg}.
   *
   * @returns A new tensor of the same shape and dtype.
   */
  neg(this: Tensor): Tensor {
    return neg(this);
  }
  /**
   * $e^x$ elementwise; see {@link exp}.
   *
   * @returns A new floating tensor of the same shape.
   */
  exp(this: Tensor): Tensor {
    return exp(this);
  }
  /**
   * The natural logarithm elementwise; see {@link log}.
   *
   * @returns A new floating tensor of the same shape.
   */
  log(this: Tensor): Tensor {
    return log(this);
  }
  /**
   * The square root elementwise; see {@link sqrt}.
   *
   * @returns A new floating tensor of the same shape.
   */
  sqrt(this: Tensor): Tensor {
    return sqrt(this);
  }
  /**
   * `x * x` elementwise; see {@link square}.
   *
   * @returns A new tensor of the same shape and dtype.
   */
  square(this: Tensor): Tensor {
    return square(this);
  }
  /**
   * The absolute value elementwise; see {@link abs}.
   *
   * @returns A new tensor of the same shape and dtype.
   */
  abs(this: Tensor): Tensor {
    return abs(this);
  }
  /**
   * -1, 0 or 1 by the sign of each element; see {@link sign}.
   *
   * @returns A new tensor of the same shape and dtype.
   */
  sign(this: Tensor): Tensor {
    return sign(this);
  }
  /**
   * $\max(0, x)$ elementwise; see {@link relu}.
   *
   * @returns A new tensor of the same shape and dtype.
   */
  relu(this: Tensor): Tensor {
    return relu(this);
  }
  /**
   * The logistic function $1 / (1 + e^{-x})$ elementwise; see {@link sigmoid}.
   *
   * @returns A new floating tensor of the same shape.
   */
  sigmoid(this: Tensor): Tensor {
    return sigmoid(this);
  }
  /**
   * The hyperbolic tangent elementwise; see {@link tanh}.
   *
   * @returns A new floating tensor of the same shape.
   */
  tanh(this: Tensor): Tensor {
    return tanh(this);
  }
  /**
   * The values limited to `[min, max]`; see {@link clamp}.
   *
   * @param min - The lower bound, or null for none.
   * @param max - The upper bound, or null (or omitted) for none.
   * @returns A new tensor of the same shape and dtype.
   */
  clamp(this: Tensor, min: number | null, max?: number | null): Tensor {
    return clamp(this, min, max ?? null);
  }

  /**
   * `this == other` elementwise, as a bool tensor; see {@link eq}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  eq(this: Tensor, other: TensorLike): Tensor {
    return eq(this, other);
  }
  /**
   * `this != other` elementwise, as a bool tensor; see {@link ne}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  ne(this: Tensor, other: TensorLike): Tensor {
    return ne(this, other);
  }
  /**
   * `this > other` elementwise, as a bool tensor; see {@link gt}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  gt(this: Tensor, other: TensorLike): Tensor {
    return gt(this, other);
  }
  /**
   * `this >= other` elementwise, as a bool tensor; see {@link ge}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  ge(this: Tensor, other: TensorLike): Tensor {
    return ge(this, other);
  }
  /**
   * `this < other` elementwise, as a bool tensor; see {@link lt}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  lt(this: Tensor, other: TensorLike): Tensor {
    return lt(this, other);
  }
  /**
   * `this <= other` elementwise, as a bool tensor; see {@link le}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  le(this: Tensor, other: TensorLike): Tensor {
    return le(this, other);
  }
  /**
   * Logical and elementwise (nonzero is true); see {@link logicalAnd}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  logicalAnd(this: Tensor, other: TensorLike): Tensor {
    return logicalAnd(this, other);
  }
  /**
   * Logical or elementwise (nonzero is true); see {@link logicalOr}.
   *
   * @param other - A tensor or a number, broadcast against this tensor.
   * @returns A bool tensor.
   */
  logicalOr(this: Tensor, other: TensorLike): Tensor {
    return logicalOr(this, other);
  }
  /**
   * Logical not elementwise: true where the value is 0; see {@link logicalNot}.
   *
   * @returns A bool tensor of the same shape.
   */
  logicalNot(this: Tensor): Tensor {
    return logicalNot(this);
  }
  /**
   * `condition ? this : other`, elementwise, like `torch.Tensor.where`; see {@link where}.
   *
   * @param condition - A bool tensor, broadcast with the others.
   * @param other - The values where the condition is false: a tensor or a number.
   * @returns A new tensor of the broadcast shape.
   */
  where(this: Tensor, condition: Tensor, other: TensorLike): Tensor {
    return where(condition, this, other);
  }
}
