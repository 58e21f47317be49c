import { record } from '../autograd.js';
import { allocate, type TypedArray } from '../dtype.js';
import { whereStrided } from '../kernels/registered/where.js';
import type { BinaryFn } from '../kernels/strided.js';
import { broadcastShapes, numel } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { checkOperandDevices, kernelOperandOf, kernelResult, sameDevice } from './device.js';
import { binaryKernel, unaryKernel } from './elementwise.js';
import { asTensor, broadcastStrides, requireTensor, resultType } from './operands.js';
import { sumTo } from './sum-to.js';

function comparison(op: string, f: BinaryFn, a: TensorLike, b: TensorLike): Tensor {
  const dtype = resultType(op, a, b);
  checkOperandDevices(op, [a, b], dtype);
  return binaryKernel(op, f, asTensor(op, a, dtype), asTensor(op, b, dtype), 'bool');
}

/**
 * Elementwise `a == b` as a bool tensor, like `torch.eq`. The operands broadcast and are
 * compared in their promoted dtype, as in {@link add}; not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 *
 * @example
 * ```ts
 * import { tensor } from '@fovea/tensor';
 *
 * const x = tensor([1, 2, 3]);
 * x.eq(2).toArray(); // [false, true, false]
 * x.gt(tensor([2])).toArray(); // [false, false, true]
 * ```
 */
export const eq = (a: TensorLike, b: TensorLike) => comparison('eq', (x, y) => (x === y ? 1 : 0), a, b);
/**
 * Elementwise `a != b` as a bool tensor, like `torch.ne`. The operands broadcast and are
 * compared in their promoted dtype, as in {@link add}; not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const ne = (a: TensorLike, b: TensorLike) => comparison('ne', (x, y) => (x !== y ? 1 : 0), a, b);
/**
 * Elementwise `a > b` as a bool tensor, like `torch.gt`. The operands broadcast and are
 * compared in their promoted dtype, as in {@link add}; not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const gt = (a: TensorLike, b: TensorLike) => comparison('gt', (x, y) => (x > y ? 1 : 0), a, b);
/**
 * Elementwise `a >= b` as a bool tensor, like `torch.ge`. The operands broadcast and are
 * compared in their promoted dtype, as in {@link add}; not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const ge = (a: TensorLike, b: TensorLike) => comparison('ge', (x, y) => (x >= y ? 1 : 0), a, b);
/**
 * Elementwise `a < b` as a bool tensor, like `torch.lt`. The operands broadcast and are
 * compared in their promoted dtype, as in {@link add}; not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const lt = (a: TensorLike, b: TensorLike) => comparison('lt', (x, y) => (x < y ? 1 : 0), a, b);
/**
 * Elementwise `a <= b` as a bool tensor, like `torch.le`. The operands broadcast and are
 * compared in their promoted dtype, as in {@link add}; not differentiable.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const le = (a: TensorLike, b: TensorLike) => comparison('le', (x, y) => (x <= y ? 1 : 0), a, b);

/**
 * Elementwise logical and, like `torch.logical_and`: any nonzero value counts as true. The operands
 * broadcast as in {@link add}.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const logicalAnd = (a: TensorLike, b: TensorLike) =>
  comparison('logicalAnd', (x, y) => (x !== 0 && y !== 0 ? 1 : 0), a, b);
/**
 * Elementwise logical or, like `torch.logical_or`: any nonzero value counts as true. The operands
 * broadcast as in {@link add}.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`.
 * @returns A bool tensor of the broadcast shape.
 */
export const logicalOr = (a: TensorLike, b: TensorLike) =>
  comparison('logicalOr', (x, y) => (x !== 0 || y !== 0 ? 1 : 0), a, b);
/**
 * Elementwise logical not, like `torch.logical_not`: true where the value is 0 (or false).
 *
 * @param a - The input tensor, of any dtype.
 * @returns A bool tensor of the same shape.
 */
export const logicalNot = (a: Tensor) =>
  unaryKernel((x) => (x === 0 ? 1 : 0), requireTensor('logicalNot', a), 'bool', 'logicalNot');

/**
 * Picks `a` where `condition` holds and `b` elsewhere, like `torch.where`, broadcasting all three
 * and promoting `a` and `b` as in {@link add}. Gradients flow to `a` where the condition holds and
 * to `b` elsewhere.
 *
 * @param condition - A bool tensor.
 * @param a - The values where `condition` is true: a tensor or a number.
 * @param b - The values where it is false: a tensor or a number.
 * @returns A new tensor of the broadcast shape.
 *
 * @example
 * ```ts
 * import { tensor, where } from '@fovea/tensor';
 *
 * const x = tensor([-1, 2, -3]);
 * where(x.gt(0), x, 0).toArray(); // [0, 2, 0]
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const cond = requireTensor('where', condition, 'condition');
  if (cond.dtype !== 'bool')
    throw new Error(`where: expected condition to be a bool tensor, got ${cond.dtype}`);
  const dtype = resultType('where', a, b);
  const x = asTensor('where', a, dtype);
  const y = asTensor('where', b, dtype);
  const shape = broadcastShapes('where', cond.shape, x.shape, y.shape);
  const onDevice = [cond, x, y].some((t) => t.storage.deviceBuffer !== null);
  // Scalars and one-element host operands join a device tensor there (onDeviceOf).
  const [c, p, q] = onDevice ? sameDevice('where', [cond, x, y]) : [cond, x, y];
  const out = onDevice ? null : allocate(dtype, numel(shape));
  const written = whereStrided(
    kernelOperandOf(c, 'where'),
    broadcastStrides(c, shape),
    c.offset,
    kernelOperandOf(p, 'where'),
    broadcastStrides(p, shape),
    p.offset,
    kernelOperandOf(q, 'where'),
    broadcastStrides(q, shape),
    q.offset,
    shape,
    out as TypedArray,
  ) as TypedArray | undefined;
  const result = kernelResult(written ?? (out as TypedArray), shape, dtype);
  return record(
    'WhereBackward0',
    result,
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(where(cond, g, 0), x.shape) : null,
      y.requiresGrad ? sumTo(where(cond, 0, g), y.shape) : null,
    ],
    [cond],
  );
}
