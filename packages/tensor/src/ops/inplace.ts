import { FunctionNode, gradientEdge, isGradEnabled } from '@fovea/autograd';
import { needsGrad } from '../autograd.js';
import {
  argumentError,
  checkFinite,
  checkInt32,
  checkNumber,
  checkOptions,
  checkScalarValue,
  describe,
} from '../checks.js';
import { allocate, castScalar, isFloating, promoteTypes } from '../dtype.js';
import { addScaledInPlace } from '../kernels/registered/add-scaled.js';
import { scatterStrided } from '../kernels/registered/strided.js';
import { checkGenerator, fillNormal, fillUniform, type Generator } from '../random.js';
import { broadcastShapes, formatShape, sameShape } from '../shape.js';
import { hostArray, uploadTo } from '../storage.js';
import { Tensor, type TensorLike } from '../tensor.js';
import { cast } from './cast.js';
import { checkClampBounds, clamp } from './clamp.js';
import { clone, stridedGather, viewHistory } from './copies.js';
import { kernelOperand, kernelOperandOf } from './device.js';
import { add, div, mul, sub } from './elementwise.js';
import type { Geometry } from './geometry.js';
import { requireTensor, scalarTensor } from './operands.js';
import { expand, sliceAs } from './views.js';

/** The optional argument of `uniform_` and `normal_`. */
export interface RandomOptions {
  /** The generator to draw from; the default generator (seeded by `manualSeed`) otherwise. */
  generator?: Generator;
}

function checkAutograd(op: string, target: Tensor, result: Tensor): boolean {
  if (!isGradEnabled() || !(target.requiresGrad || result.requiresGrad)) return false;
  if (target.base === null && target.isLeaf && target.requiresGrad) {
    throw new Error(`${op}: a leaf Variable that requires grad is being used in an in-place operation.`);
  }
  if (target.base?.isLeaf && target.base.requiresGrad) {
    throw new Error(
      `${op}: a view of a leaf Variable that requires grad is being used in an in-place operation.`,
    );
  }
  return true;
}

/** An in-place write keeps the target's shape: PyTorch's error when the value's `shape` differs. */
function requireTargetShape(op: string, target: Tensor, shape: readonly number[]): void {
  if (!sameShape(shape, target.shape)) {
    throw new Error(
      `${op}: output with shape ${formatShape(target.shape)} doesn't match the broadcast shape ${formatShape(shape)}`,
    );
  }
}

/**
 * Writes `result` (already of the target's shape) into `target`'s storage, through any view,
 * and rewires autograd the way PyTorch does: a tensor takes the result's history; a view's
 * base takes a CopySlices node that sends the written region's gradient to the result and the
 * rest to the base's old history.
 */
function writeInPlace<T extends Tensor>(op: string, target: T, value: Tensor): T {
  requireTargetShape(op, target, value.shape);
  if (target.shape.some((n, d) => n > 1 && target.strides[d] === 0)) {
    throw new Error(
      `${op}: unsupported operation: more than one element of the written-to tensor refers to a single memory location (shape ${formatShape(target.shape)}, strides ${formatShape(target.strides)}). Please clone() the tensor before performing the operation.`,
    );
  }
  const result = value.dtype === target.dtype ? value : cast(value, target.dtype);
  const tracked = checkAutograd(op, target, result);
  const base = target.base;
  const baseNode = tracked && base !== null ? gradientEdge(base) : null;
  if (target.storage.deviceBuffer !== null) {
    writeOnDevice(op, target, result);
  } else if (target.isContiguous() && result.isContiguous()) {
    // Row-major on both sides (an optimizer's parameter update): one block copy.
    const from = hostArray(result, op);
    hostArray(target, op).set(
      from.length === result.numel ? from : from.subarray(result.offset, result.offset + result.numel),
      target.offset,
    );
  } else {
    scatterStrided(result.dataSync(), hostArray(target, op), target.shape, target.strides, target.offset);
  }
  target.storage.markWritten();
  if (!tracked) return target;
  const resultEdge = gradientEdge(result);
  if (base === null || !base.isContiguous() || base.offset !== 0) {
    // A leaf's accumulator cannot be another tensor's history: copying a leaf goes through a node.
    const copied = result.gradFn === null && resultEdge !== null;
    target.setGradFn(
      copied
        ? new FunctionNode<Tensor>('CopyBackwards', [resultEdge], (g) => [g], { savesValues: false })
        : (resultEdge ?? new FunctionNode(`${op}Backward`, [], () => [])),
    );
    return target;
  }
  const region: Geometry = { shape: [...target.shape], strides: [...target.strides], offset: target.offset };
  let outside: Tensor | null = null;
  const copySlices = new FunctionNode<Tensor>(
    'CopySlices',
    [baseNode, resultEdge],
    (g) => {
      // The base's old history gets the gradient outside the written region; the written value
      // gets the region. Both are ops on g, so a backward with createGraph differentiates them.
      if (outside === null) {
        const mask = allocate(g.dtype, g.numel).fill(1);
        scatterStrided(allocate(g.dtype, target.numel), mask, region.shape, region.strides, region.offset);
        outside = Tensor.fromArray(mask, base.shape, g.dtype);
      }
      return [mul(g, outside), stridedGather(g, region)];
    },
    { savesValues: false },
  );
  // Other views of the base see the new version and take their history from the base again.
  base.setGradFn(copySlices);
  target.setGradFn(viewHistory(target, base));
  target.trackViewHistory(viewHistory);
  return target;
}

/**
 * The write into a device tensor, on its device: a host value is copied there first (as
 * PyTorch's `copy_` moves data across devices); a device value into a host tensor would need a
 * synchronous read, which a GPU does not offer, so it fails (writeInPlace reads it as host data).
 */
function writeOnDevice(op: string, target: Tensor, result: Tensor): void {
  const device = target.storage.deviceBuffer!.device;
  // A host value's storage is copied as it is (one element for a filled scalar), then read
  // through the value's strides on the device.
  const value =
    result.storage.host === null
      ? result
      : new Tensor(
          uploadTo(device, result.storage.host, result.dtype, op),
          result.dtype,
          result.shape,
          result.strides,
          result.offset,
        );
  scatterStrided(
    kernelOperand(op, value, 'value'),
    kernelOperandOf(target, op),
    target.shape,
    target.strides,
    target.offset,
  );
}

function broadcastTo(op: string, target: Tensor, source: TensorLike): Tensor {
  const src = source instanceof Tensor ? source : scalarTensor(source, target.dtype);
  const shape = broadcastShapes(op, target.shape, src.shape);
  // The source broadcasts to the target, never the target to something larger.
  requireTargetShape(op, target, shape);
  return sameShape(src.shape, target.shape) ? src : expand(src, target.shape);
}

export function fill_<T extends Tensor>(target: T, value: number | boolean): T {
  requireTensor('fill_', target);
  checkScalarValue('fill_', 'value', value);
  const v = castScalar(
    target.dtype === 'int32' ? checkInt32('fill_', Number(value)) : Number(value),
    target.dtype,
  );
  return writeInPlace('fill_', target, broadcastTo('fill_', target, scalarTensor(v, target.dtype)));
}

export function zero_<T extends Tensor>(target: T): T {
  return fill_(target, 0);
}

export function copy_<T extends Tensor>(target: T, source: TensorLike): T {
  return copyAs('copy_', target, source, 'src');
}

/** `copy_`, its errors named `op` (`set` writes through it). */
function copyAs<T extends Tensor>(op: string, target: T, source: TensorLike, arg: string): T {
  requireTensor(op, target);
  if (!(source instanceof Tensor)) checkScalarValue(op, arg, source);
  return writeInPlace(op, target, broadcastTo(op, target, source));
}

/**
 * `target op= other`. The backward of mul and div reads its first operand when `other` needs a
 * gradient; since the write overwrites it, the op then computes from a copy (PyTorch saves the
 * original self the same way).
 */
function arithmetic_<T extends Tensor>(
  op: string,
  fn: (a: Tensor, b: TensorLike) => Tensor,
  target: T,
  other: TensorLike,
  readsSelf: boolean,
): T {
  requireTensor(op, target);
  if (other instanceof Tensor) broadcastShapes(op, target.shape, other.shape);
  else if (typeof other !== 'number' && typeof other !== 'boolean') {
    throw argumentError(op, 'other', 'a Tensor or a number', other);
  }
  const self = readsSelf && other instanceof Tensor && needsGrad(other) ? clone(target) : target;
  const result = fn(self, other);
  if (promoteTypes(result.dtype, target.dtype) !== target.dtype && !isFloating(target.dtype)) {
    throw new Error(
      `${op}: result type ${result.dtype} can't be cast to the desired output type ${target.dtype}`,
    );
  }
  return writeInPlace(op, target, result);
}

/** The optional argument of `x.add_(other, options)`, PyTorch's `alpha` keyword. */
export interface AddOptions {
  /** The multiplier of `other` (PyTorch's `alpha`): target + alpha other; 1 by default. */
  alpha?: number;
}

/**
 * `target += alpha other`. Without autograd, on contiguous tensors of one float type and shape
 * in different storages (an optimizer's update), one pass with no temporary; otherwise
 * `add_(other.mul(alpha))`, which rounds the same way.
 */
export function add_<T extends Tensor>(target: T, other: TensorLike, options?: AddOptions | null): T {
  const alpha = checkNumber('add_', 'alpha', checkOptions('add_', options).alpha ?? 1);
  if (alpha === 1) return arithmetic_('add_', add, target, other, false);
  if (
    other instanceof Tensor &&
    !needsGrad(target, other) &&
    isFloating(target.dtype) &&
    other.dtype === target.dtype &&
    sameShape(target.shape, other.shape) &&
    target.storage !== other.storage &&
    target.isContiguous() &&
    other.isContiguous() &&
    wholeOrHost(target) &&
    target.device === other.device
  ) {
    addScaledInPlace(kernelOperand('add_', target), kernelOperand('add_', other), alpha);
    target.storage.markWritten();
    return target;
  }
  return arithmetic_('add_', (t, o) => add(t, mul(o, alpha)), target, other, false);
}

/** A device tensor is written in place only through its whole buffer (kernelOperand copies a part). */
function wholeOrHost(t: Tensor): boolean {
  const buffer = t.storage.deviceBuffer;
  return buffer === null || (t.offset === 0 && buffer.length === t.numel);
}

export const sub_ = <T extends Tensor>(t: T, o: TensorLike): T => arithmetic_('sub_', sub, t, o, false);
export const mul_ = <T extends Tensor>(t: T, o: TensorLike): T => arithmetic_('mul_', mul, t, o, true);
export const div_ = <T extends Tensor>(t: T, o: TensorLike): T => arithmetic_('div_', div, t, o, true);

/** Clamps in place; the backward reads the values before clamping, so they are copied first. */
export function clamp_<T extends Tensor>(target: T, lo: number | null, hi: number | null): T {
  requireTensor('clamp_', target);
  checkClampBounds('clamp_', lo, hi);
  return writeInPlace('clamp_', target, clamp(needsGrad(target) ? clone(target) : target, lo, hi));
}

function random_<T extends Tensor>(
  op: string,
  target: T,
  fill: (out: Float32Array | Float64Array) => void,
): T {
  requireTensor(op, target);
  if (!isFloating(target.dtype))
    throw new Error(`${op}: expected a floating point tensor, got ${target.dtype}`);
  const out = allocate(target.dtype, target.numel) as Float32Array | Float64Array;
  fill(out);
  return writeInPlace(op, target, Tensor.fromArray(out, target.shape, target.dtype));
}

export function uniform_<T extends Tensor>(
  target: T,
  low: number,
  high: number,
  options: RandomOptions = {},
): T {
  checkFinite('uniform_', 'from', low);
  checkFinite('uniform_', 'to', high);
  if (!(low <= high)) throw new Error(`uniform_: expects low <= high, but found low=${low} > high=${high}`);
  const generator = checkGenerator('uniform_', checkOptions('uniform_', options).generator);
  return random_('uniform_', target, (out) => fillUniform(out, low, high, generator));
}

export function normal_<T extends Tensor>(
  target: T,
  mean: number,
  std: number,
  options: RandomOptions = {},
): T {
  checkFinite('normal_', 'mean', mean);
  checkFinite('normal_', 'std', std);
  if (!(std >= 0)) throw new Error(`normal_: expects std >= 0.0, but found std ${std}`);
  const generator = checkGenerator('normal_', checkOptions('normal_', options).generator);
  return random_('normal_', target, (out) => fillNormal(out, mean, std, generator));
}

/** `x[i, j] = value`: basic indexing with integers, then a broadcast copy. */
export function setItem<T extends Tensor>(target: T, index: readonly number[], value: TensorLike): T {
  requireTensor('set', target);
  if (!Array.isArray(index)) throw new Error(`set: expected an array of indices, got ${describe(index)}`);
  if (!(value instanceof Tensor)) checkScalarValue('set', 'value', value);
  copyAs('set', sliceAs('set', target, index), value, 'value');
  return target;
}
