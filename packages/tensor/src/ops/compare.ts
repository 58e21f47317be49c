import { record } from '../autograd.js';
import { allocate } from '../dtype.js';
import type { BinaryFn } from '../kernels/strided.js';
import { broadcastShapes } from '../shape.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { binaryKernel, unaryKernel } from './elementwise.js';
import { asTensor, gatherBroadcast, requireTensor, resultType } from './operands.js';
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
  unaryKernel((x) => (x === 0 ? 1 : 0), requireTensor('logicalNot', a), 'bool');

/** Picks `a` where `condition` holds and `b` elsewhere, broadcasting all three. */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const cond = requireTensor('where', condition, 'condition');
  if (cond.dtype !== 'bool')
    throw new Error(`where: expected condition to be a bool tensor, got ${cond.dtype}`);
  const dtype = resultType('where', a, b);
  const x = asTensor('where', a, dtype);
  const y = asTensor('where', b, dtype);
  const shape = broadcastShapes('where', cond.shape, x.shape, y.shape);
  const c = gatherBroadcast(cond, shape, 'where');
  const xs = gatherBroadcast(x, shape, 'where');
  const ys = gatherBroadcast(y, shape, 'where');
  const out = allocate(dtype, xs.length);
  for (let i = 0; i < out.length; i++) out[i] = c[i] !== 0 ? xs[i] : ys[i];
  const result = Tensor.fromArray(out, shape, dtype);
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
