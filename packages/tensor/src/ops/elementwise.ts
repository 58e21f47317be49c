import { type BackwardClosure, record, saving } from '../autograd.js';
import { allocate, type DType, isFloating } from '../dtype.js';
import { mapStrided, zipStrided } from '../kernels/registered/strided.js';
import type { BinaryFn, UnaryFn } from '../kernels/strided.js';
import { broadcastShapes, numel } from '../shape.js';
import { hostArray } from '../storage.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { checkOperandDevices, deviceBinary, deviceUnary } from './device.js';
import { asTensor, broadcastStrides, requireTensor, resultType } from './operands.js';
import { sumTo } from './sum-to.js';

/** Runs a binary kernel over the broadcast of `a` and `b`, producing `outType`. */
export function binaryKernel(op: string, f: BinaryFn, a: Tensor, b: Tensor, outType: DType): Tensor {
  const shape = broadcastShapes(op, a.shape, b.shape);
  if (a.storage.deviceBuffer !== null || b.storage.deviceBuffer !== null) {
    return deviceBinary(op, f, a, b, shape, outType);
  }
  const out = allocate(outType, numel(shape));
  zipStrided(
    f,
    hostArray(a, op),
    broadcastStrides(a, shape),
    a.offset,
    hostArray(b, op),
    broadcastStrides(b, shape),
    b.offset,
    shape,
    out,
    op,
  );
  return Tensor.fromArray(out, shape, outType);
}

/** `op` names the function for the WebAssembly kernels (kernels/registered/strided.ts `mapStrided`). */
export function unaryKernel(f: UnaryFn, x: Tensor, outType: DType = x.dtype, op?: string): Tensor {
  if (x.storage.deviceBuffer !== null) return deviceUnary(f, x, outType, op);
  const out = allocate(outType, x.numel);
  mapStrided(f, hostArray(x, op ?? 'contiguous'), x.shape, x.strides, x.offset, out, op);
  return Tensor.fromArray(out, x.shape, outType);
}

function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
  const dtype = resultType(op, a, b);
  checkOperandDevices(op, [a, b], dtype);
  return [asTensor(op, a, dtype), asTensor(op, b, dtype), dtype];
}

/** `x` as a floating tensor: int32 and bool become float32, as PyTorch's float-only math ops do. */
export function floatOperand(op: string, x: Tensor): Tensor {
  requireTensor(op, x);
  return isFloating(x.dtype) ? x : x.to('float32');
}

const addFn: BinaryFn = (x, y) => x + y;
const subFn: BinaryFn = (x, y) => x - y;
const mulFn: BinaryFn = (x, y) => x * y;
const divFn: BinaryFn = (x, y) => x / y;
const powFn: BinaryFn = (x, y) => x ** y;
// NaN propagates through maximum and minimum, as in PyTorch.
const maxFn: BinaryFn = Math.max;
const minFn: BinaryFn = Math.min;

function boolSafe(dtype: DType, op: string): void {
  if (dtype === 'bool')
    throw new Error(`${op}: not supported for bool tensors; convert with .int() or .float() first`);
}

/**
 * Elementwise sum `a + b`, like `torch.add`.
 *
 * **Broadcasting** (every binary op here, as NumPy and PyTorch do it): the shapes are aligned at
 * their last dimension; each pair of sizes must be equal or one of them 1, and a missing leading
 * dimension counts as 1. The result has, per dimension, the larger size: `[2, 1]` with `[3]` gives
 * `[2, 3]`. A gradient is summed back over the dimensions its operand was broadcast along.
 *
 * **Dtypes** (PyTorch's promotion, over bool < int32 < float32 < float64): two tensors give the
 * higher of their dtypes, except that a 0-d tensor does not widen a dimensioned one of the same
 * kind; a JavaScript number only lifts the kind (an int32 tensor plus 0.5 is float32, a float32
 * tensor plus 1 stays float32). On bool tensors `add` is logical or.
 *
 * **Devices:** operands must be on one device; a one-element host tensor may join a tensor on the
 * GPU (it is copied there, as PyTorch lets a CPU scalar join a CUDA tensor). The result lives
 * where the operands do.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`; at least one of the two is a tensor.
 * @returns A new tensor of the broadcast shape and the promoted dtype.
 *
 * @example
 * ```ts
 * import { add, tensor } from '@fovea/tensor';
 *
 * add(tensor([[1], [2]]), tensor([10, 20, 30])).toArray(); // [[11, 21, 31], [12, 22, 32]]
 * add(tensor([1, 2], { dtype: 'int32' }), 0.5).dtype; // 'float32'
 * tensor([1, 2]).add(1).toArray(); // [2, 3]
 * ```
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('add', a, b);
  const out = binaryKernel('add', dtype === 'bool' ? (p, q) => p || q : addFn, x, y, dtype);
  return record('AddBackward0', out, [x, y], sumsBackward(x.shape, y.shape, false));
}

/**
 * Elementwise difference `a - b`, like `torch.sub`. Broadcasting, dtypes and devices as in
 * {@link add}; not defined for bool.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`; at least one of the two is a tensor.
 * @returns A new tensor of the broadcast shape.
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('sub', a, b);
  boolSafe(dtype, 'sub');
  const out = binaryKernel('sub', subFn, x, y, dtype);
  return record('SubBackward0', out, [x, y], sumsBackward(x.shape, y.shape, true));
}

/**
 * The backward of a sum or difference of operands shaped `xShape` and `yShape`: g summed back to
 * each (negated for a subtrahend). Made here, apart from the forward, so that the node, which
 * keeps it after backward, holds no tensor (autograd.ts, `record`).
 */
function sumsBackward(
  xShape: readonly number[],
  yShape: readonly number[],
  subtract: boolean,
): BackwardClosure {
  return (g) => [sumTo(g, xShape), sumTo(subtract ? neg(g) : g, yShape)];
}

/**
 * Elementwise product `a * b`, like `torch.mul` (not the matrix product: see {@link matmul}).
 * Broadcasting, dtypes and devices as in {@link add}; on bool tensors it is logical and.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`; at least one of the two is a tensor.
 * @returns A new tensor of the broadcast shape.
 *
 * @example
 * ```ts
 * import { mul, tensor } from '@fovea/tensor';
 *
 * mul(tensor([[1, 2], [3, 4]]), tensor([10, 100])).toArray(); // [[10, 200], [30, 400]]
 * ```
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('mul', a, b);
  const out = binaryKernel('mul', dtype === 'bool' ? (p, q) => p && q : mulFn, x, y, dtype);
  return record(
    'MulBackward0',
    out,
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(mul(g, y), x.shape) : null,
      y.requiresGrad ? sumTo(mul(g, x), y.shape) : null,
    ],
    saving(x.requiresGrad && y, y.requiresGrad && x),
  );
}

/**
 * Elementwise true division `a / b`, like `torch.div`: integer operands give a float32 result,
 * as in PyTorch. Broadcasting and devices as in {@link add}.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`; at least one of the two is a tensor.
 * @returns A new tensor of the broadcast shape.
 *
 * @example
 * ```ts
 * import { div, tensor } from '@fovea/tensor';
 *
 * div(tensor([1, 2], { dtype: 'int32' }), 4).toArray(); // [0.25, 0.5]
 * ```
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  let dtype = resultType('div', a, b);
  if (!isFloating(dtype)) dtype = 'float32';
  const x = asTensor('div', a, dtype);
  const y = asTensor('div', b, dtype);
  const out = binaryKernel('div', divFn, x, y, dtype);
  return record(
    'DivBackward0',
    out,
    [x, y],
    (g) => [
      x.requiresGrad ? sumTo(div(g, y), x.shape) : null,
      y.requiresGrad ? sumTo(neg(div(mul(g, x), mul(y, y))), y.shape) : null,
    ],
    saving(y, y.requiresGrad && x),
  );
}

/**
 * Elementwise power `a ** b`, like `torch.pow`: either side may be the number. Broadcasting and
 * dtypes as in {@link add}; an int32 base to a negative integer power is an error, as in PyTorch.
 * The exponent's gradient takes `0 * log 0` as 0.
 *
 * @param a - The base, a tensor or a number.
 * @param b - The exponent, a tensor or a number, broadcast against `a`.
 * @returns A new tensor of the broadcast shape.
 *
 * @example
 * ```ts
 * import { pow, tensor } from '@fovea/tensor';
 *
 * pow(tensor([1, 2, 3]), 2).toArray(); // [1, 4, 9]
 * pow(2, tensor([1, 2, 3])).toArray(); // [2, 4, 8]
 * ```
 */
export function pow(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('pow', a, b);
  boolSafe(dtype, 'pow');
  if (dtype === 'int32' && typeof b === 'number' && b < 0) {
    throw new Error(`pow: integers to negative integer powers are not allowed (exponent ${b})`);
  }
  const out = binaryKernel('pow', dtype === 'int32' ? (p, q) => Math.trunc(p ** q) : powFn, x, y, dtype);
  const exponentIsScalar = !(b instanceof Tensor);
  return record(
    exponentIsScalar ? 'PowBackward0' : 'PowBackward1',
    out,
    [x, y],
    (g) => [
      // d/dx x^y = y x^(y-1)
      x.requiresGrad ? sumTo(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
      // d/dy x^y = x^y log x, taken as 0 where x = 0 and y >= 0 (PyTorch's convention)
      y.requiresGrad ? sumTo(mul(g, mul(out, log(x)).where(x.ne(0).logicalOr(y.lt(0)), 0)), y.shape) : null,
    ],
    saving(x, y, y.requiresGrad && out),
  );
}

function extremum(name: string, f: BinaryFn, pick: 'gt' | 'lt', a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands(name, a, b);
  const out = binaryKernel(name, f, x, y, dtype);
  const backwardName = name === 'maximum' ? 'MaximumBackward0' : 'MinimumBackward0';
  return record(
    backwardName,
    out,
    [x, y],
    (g) => {
      // The larger (smaller) operand takes the gradient; ties split it in half.
      const tie = x.eq(y);
      const half = g.where(tie.logicalNot(), div(g, 2));
      const xWins = pick === 'gt' ? x.gt(y) : x.lt(y);
      const yWins = pick === 'gt' ? y.gt(x) : y.lt(x);
      return [
        x.requiresGrad ? sumTo(half.where(xWins.logicalOr(tie), 0), x.shape) : null,
        y.requiresGrad ? sumTo(half.where(yWins.logicalOr(tie), 0), y.shape) : null,
      ];
    },
    [x, y],
  );
}

/**
 * The elementwise larger of `a` and `b`, like `torch.maximum`; NaN wins, as in PyTorch. Ties
 * split the gradient in half. Broadcasting and dtypes as in {@link add}.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`; at least one of the two is a tensor.
 * @returns A new tensor of the broadcast shape.
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum('maximum', maxFn, 'gt', a, b);
}

/**
 * The elementwise smaller of `a` and `b`, like `torch.minimum`; NaN wins, as in PyTorch. Ties
 * split the gradient in half. Broadcasting and dtypes as in {@link add}.
 *
 * @param a - A tensor or a number.
 * @param b - A tensor or a number, broadcast against `a`; at least one of the two is a tensor.
 * @returns A new tensor of the broadcast shape.
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum('minimum', minFn, 'lt', a, b);
}

/**
 * `-a`, like `torch.neg`; keeps the dtype (not defined for bool: use {@link logicalNot}).
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function neg(a: Tensor): Tensor {
  const x = requireTensor('neg', a);
  if (x.dtype === 'bool')
    throw new Error('neg: negation of a bool tensor is not supported; use logicalNot()');
  const out = unaryKernel((v) => -v, x, x.dtype, 'neg');
  return record('NegBackward0', out, [x], (g) => [neg(g)]);
}

/**
 * Elementwise $e^a$, like `torch.exp`. An int32 or bool input gives float32, as in PyTorch.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function exp(a: Tensor): Tensor {
  const x = floatOperand('exp', a);
  const out = unaryKernel(Math.exp, x, x.dtype, 'exp');
  return record('ExpBackward0', out, [x], (g) => [mul(g, out)], [out]);
}

/**
 * Elementwise natural logarithm, like `torch.log` (`-Infinity` at 0, NaN below). An int32 or bool
 * input gives float32.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function log(a: Tensor): Tensor {
  const x = floatOperand('log', a);
  const out = unaryKernel(Math.log, x, x.dtype, 'log');
  return record('LogBackward0', out, [x], (g) => [div(g, x)], [x]);
}

/**
 * Elementwise square root, like `torch.sqrt` (NaN below 0). An int32 or bool input gives float32.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function sqrt(a: Tensor): Tensor {
  const x = floatOperand('sqrt', a);
  const out = unaryKernel(Math.sqrt, x, x.dtype, 'sqrt');
  return record('SqrtBackward0', out, [x], (g) => [div(g, mul(out, 2))], [out]);
}

/**
 * Elementwise `a * a`, like `torch.square` (`pow(a, 2)`); keeps the dtype.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function square(a: Tensor): Tensor {
  return pow(requireTensor('square', a), 2);
}

/**
 * Elementwise absolute value, like `torch.abs`; keeps the dtype. The gradient at 0 is 0.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function abs(a: Tensor): Tensor {
  const x = requireTensor('abs', a);
  const out = unaryKernel(Math.abs, x, x.dtype, 'abs');
  return record('AbsBackward0', out, [x], (g) => [mul(g, sign(x))], [x]);
}

/**
 * Elementwise -1, 0 or 1 by the sign of each value, like `torch.sign`; keeps the dtype. Its
 * gradient is zero.
 *
 * @param a - The input tensor.
 * @returns A new tensor of the same shape.
 */
export function sign(a: Tensor): Tensor {
  const x = requireTensor('sign', a);
  const out = unaryKernel((v) => (v > 0 ? 1 : v < 0 ? -1 : v), x, x.dtype, 'sign');
  return record('SignBackward0', out, [x], (g) => [mul(g, 0)]);
}
