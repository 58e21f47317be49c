import { record } from '../autograd.js';
import { allocate, type TypedArray } from '../dtype.js';
import { whereStrided } from '../kernels/registered/where.js';
import type { BinaryFn } from '../kernels/strided.js';
import { broadcastShapes, numel } from '../shape.js';
import type { Tensor, TensorLike } from '../tensor.js';
import { kernelOperandOf, kernelResult, sameDevice } from './device.js';
import { binaryKernel, unaryKernel } from './elementwise.js';
import { asTensor, broadcastStrides, requireTensor, resultType } from './operands.js';
import { sumTo } from './sum-to.js';

function comparison(op: string, f: BinaryFn, a: TensorLike, b: TensorLike): Tensor {
  const dtype = resultType(op, a, b);
  return binaryKernel(op, f, asTensor(op, a, dtype), asTensor(op, b, dtype), 'bool');
}

export const eq = (a: TensorLike, b: TensorLike) => comparison('eq', (x, y) => (x === y ? 1 : 0), a, b);
export const ne = (a: TensorLike, b: TensorLike) => comparison('ne', (x, y) => (x !== y ? 1 : 0), a, b);
export const gt = (a: TensorLike, b: TensorLike) => comparison('gt', (x, y) => (x > y ? 1 : 0), a, b);
export const ge = (a: TensorLike, b: TensorLike) => comparison('ge', (x, y) => (x >= y ? 1 : 0), a, b);
export const lt = (a: TensorLike, b: TensorLike) => comparison('lt', (x, y) => (x < y ? 1 : 0), a, b);
export const le = (a: TensorLike, b: TensorLike) => comparison('le', (x, y) => (x <= y ? 1 : 0), a, b);

export const logicalAnd = (a: TensorLike, b: TensorLike) =>
  comparison('logicalAnd', (x, y) => (x !== 0 && y !== 0 ? 1 : 0), a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) =>
  comparison('logicalOr', (x, y) => (x !== 0 || y !== 0 ? 1 : 0), a, b);
export const logicalNot = (a: Tensor) =>
  unaryKernel((x) => (x === 0 ? 1 : 0), requireTensor('logicalNot', a), 'bool', 'logicalNot');

/** Picks `a` where `condition` holds and `b` elsewhere, broadcasting all three. */
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
