import { isGradEnabled } from '@fovea/autograd';
import { record, saving } from '../autograd.js';
import { checkNumber } from '../checks.js';
import { allocate, type DType, isFloating } from '../dtype.js';
import { sigmoidBackward, sigmoidForward } from '../kernels/registered/activation.js';
import { mapStrided, zipStrided } from '../kernels/registered/strided.js';
import type { FloatArray } from '../kernels/shape.js';
import type { BinaryFn, UnaryFn } from '../kernels/strided.js';
import { broadcastShapes, numel } from '../shape.js';
import { hostArray } from '../storage.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { deviceBinary, deviceUnary, kernelOperand, kernelResult } from './device.js';
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
  return [asTensor(op, a, dtype), asTensor(op, b, dtype), dtype];
}

function floatOperand(op: string, x: Tensor): Tensor {
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

export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('add', a, b);
  const out = binaryKernel('add', dtype === 'bool' ? (p, q) => p || q : addFn, x, y, dtype);
  return record('AddBackward0', out, [x, y], (g) => [sumTo(g, x.shape), sumTo(g, y.shape)]);
}

export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, dtype] = operands('sub', a, b);
  boolSafe(dtype, 'sub');
  const out = binaryKernel('sub', subFn, x, y, dtype);
  return record('SubBackward0', out, [x, y], (g) => [sumTo(g, x.shape), sumTo(neg(g), y.shape)]);
}

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

/** True division: integer operands give a float result, as in PyTorch. */
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

export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return extremum('maximum', maxFn, 'gt', a, b);
}

export function minimum(a: TensorLike, b: TensorLike): Tensor {
  return extremum('minimum', minFn, 'lt', a, b);
}

export function neg(a: Tensor): Tensor {
  const x = requireTensor('neg', a);
  if (x.dtype === 'bool')
    throw new Error('neg: negation of a bool tensor is not supported; use logicalNot()');
  const out = unaryKernel((v) => -v, x, x.dtype, 'neg');
  return record('NegBackward0', out, [x], (g) => [neg(g)]);
}

export function exp(a: Tensor): Tensor {
  const x = floatOperand('exp', a);
  const out = unaryKernel(Math.exp, x, x.dtype, 'exp');
  return record('ExpBackward0', out, [x], (g) => [mul(g, out)], [out]);
}

export function log(a: Tensor): Tensor {
  const x = floatOperand('log', a);
  const out = unaryKernel(Math.log, x, x.dtype, 'log');
  return record('LogBackward0', out, [x], (g) => [div(g, x)], [x]);
}

export function sqrt(a: Tensor): Tensor {
  const x = floatOperand('sqrt', a);
  const out = unaryKernel(Math.sqrt, x, x.dtype, 'sqrt');
  return record('SqrtBackward0', out, [x], (g) => [div(g, mul(out, 2))], [out]);
}

export function square(a: Tensor): Tensor {
  return pow(a, 2);
}

export function abs(a: Tensor): Tensor {
  const x = requireTensor('abs', a);
  const out = unaryKernel(Math.abs, x, x.dtype, 'abs');
  return record('AbsBackward0', out, [x], (g) => [mul(g, sign(x))], [x]);
}

export function sign(a: Tensor): Tensor {
  const x = requireTensor('sign', a);
  const out = unaryKernel((v) => (v > 0 ? 1 : v < 0 ? -1 : v), x, x.dtype, 'sign');
  return record('SignBackward0', out, [x], (g) => [mul(g, 0)]);
}

export function relu(a: Tensor): Tensor {
  const x = requireTensor('relu', a);
  const out = unaryKernel((v) => (v > 0 || Number.isNaN(v) ? v : 0), x, x.dtype, 'relu');
  // PyTorch's threshold_backward: the gradient passes where the result is positive.
  return record('ReluBackward0', out, [x], (g) => [g.where(out.detach().gt(0), 0)], [out]);
}

export function sigmoid(a: Tensor): Tensor {
  const x = floatOperand('sigmoid', a);
  // A device kernel takes a null `out` and returns the result's storage (ops/device.ts).
  const out = x.storage.deviceBuffer === null ? (allocate(x.dtype, x.numel) as FloatArray) : null;
  const written = sigmoidForward(kernelOperand('sigmoid', x), out as FloatArray) as FloatArray | undefined;
  const y = kernelResult(written ?? (out as FloatArray), x.shape, x.dtype);
  return record('SigmoidBackward0', y, [x], (g) => [sigmoidGradient(g, y)], [y]);
}

/**
 * PyTorch's sigmoid_backward, g (1 - y) y: one fused kernel pass, or differentiable ops when the
 * backward itself is recorded (`createGraph`).
 */
function sigmoidGradient(g: Tensor, y: Tensor): Tensor {
  if (isGradEnabled() && (g.requiresGrad || y.requiresGrad)) return mul(mul(g, sub(1, y)), y);
  const out = y.storage.deviceBuffer === null ? (allocate(y.dtype, y.numel) as FloatArray) : null;
  const written = sigmoidBackward(
    kernelOperand('sigmoid backward', g.to(y.dtype)),
    kernelOperand('sigmoid backward', y),
    out as FloatArray,
  ) as FloatArray | undefined;
  return kernelResult(written ?? (out as FloatArray), y.shape, y.dtype);
}

export function tanh(a: Tensor): Tensor {
  const x = floatOperand('tanh', a);
  const out = unaryKernel(Math.tanh, x, x.dtype, 'tanh');
  return record('TanhBackward0', out, [x], (g) => [mul(g, sub(1, mul(out, out)))], [out]);
}

/**
 * clamp on a device: maximum with `lo`, then minimum with `hi`, each a one-element operand the
 * device kernel broadcasts; both let NaN through, as the host map does.
 */
function deviceClamp(x: Tensor, lo: number | null, hi: number | null): Tensor {
  let out = x;
  for (const [op, f, bound] of [
    ['maximum', maxFn, lo],
    ['minimum', minFn, hi],
  ] as const) {
    if (bound === null || bound === undefined) continue;
    const scalar = Tensor.fromArray(allocate(x.dtype, 1).fill(bound), [], x.dtype);
    out = deviceBinary(op, f, out, scalar, x.shape, x.dtype);
  }
  return out;
}

/** Limits values to [min, max]; the gradient passes where the input lies inside. */
export function clamp(a: Tensor, lo: number | null, hi: number | null): Tensor {
  const x = requireTensor('clamp', a);
  for (const [arg, v] of [
    ['min', lo],
    ['max', hi],
  ] as const) {
    if (v !== null && v !== undefined) checkNumber('clamp', arg, v);
  }
  if (lo === null && hi === null) throw new Error("clamp: at least one of 'min' or 'max' must not be null");
  const low = lo ?? Number.NEGATIVE_INFINITY;
  const high = hi ?? Number.POSITIVE_INFINITY;
  const out =
    x.storage.deviceBuffer === null
      ? unaryKernel((v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, low), high)), x)
      : deviceClamp(x, lo, hi);
  return record('ClampBackward1', out, [x], (g) => [g.where(x.ge(low).logicalAnd(x.le(high)), 0)], [x]);
}
