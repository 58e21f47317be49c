import { checkTensor } from './check-tensor.js';
import {
  checkBoolean,
  checkElements,
  checkFinite,
  checkInt32,
  checkInteger,
  checkOptions,
  checkScalarValue,
  checkSizeArgument,
  describe,
  MAX_DIMS,
} from './checks.js';
import { allocate, castScalar, type DType, isDType, type TypedArray } from './dtype.js';
import { toDevice } from './ops/cast.js';
import { checkGenerator } from './random.js';
import { formatShape, numel } from './shape.js';
import { type Device, hostArray } from './storage.js';
import { type NestedArray, Tensor } from './tensor.js';

/** The optional arguments of the creation functions, PyTorch's `dtype=`, `requires_grad=` and `device=`. */
export interface CreationOptions {
  /** The element type; each function says its default (float32 for numbers, as in the chapter). */
  dtype?: DType;
  /** Make the tensor a leaf that autograd tracks (floating dtypes only); false by default. */
  requiresGrad?: boolean;
  /**
   * Where the data lives: 'cpu' (the default, whatever the backend, as in PyTorch) or 'webgpu'
   * (after `await setBackend('webgpu')`); the values are made on the host and copied there.
   */
  device?: Device;
}

/**
 * `created` on the `device` `options` ask for (copied there from the host), and a leaf that
 * requires grad when they ask for it (both checked by {@link creationOptions}).
 */
export function finish(created: Tensor, options: CreationOptions): Tensor {
  const t = toDevice(created, options.device ?? 'cpu');
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The options of a creation function, each field checked and named after `op`. */
export function creationOptions<O extends CreationOptions & { generator?: unknown }>(
  op: string,
  options: O | null | undefined,
): O {
  const o = checkOptions(op, options);
  if (o.requiresGrad !== undefined) checkBoolean(op, 'requiresGrad', o.requiresGrad);
  if (o.device !== undefined && o.device !== 'cpu' && o.device !== 'webgpu') {
    throw new Error(`${op}: argument 'device' must be 'cpu' or 'webgpu', got ${describe(o.device)}`);
  }
  checkGenerator(op, o.generator);
  return o;
}

/** The `dtype` option checked, or `fallback` when it is absent. */
export function dtypeOption(op: string, dtype: DType | undefined, fallback: DType): DType {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype)) {
    const shown = typeof dtype === 'string' ? dtype : describe(dtype);
    throw new Error(`${op}: unknown dtype ${shown}; expected float32, float64, int32 or bool`);
  }
  return dtype;
}

/** The `size` argument of a creation function, checked, as an array. */
export function shapeOf(op: string, shape: number | readonly number[]): number[] {
  return checkSizeArgument(op, 'size', shape);
}

/** Stores `value` as `dtype`; an int32 overflow is PyTorch's error, not a wrap. */
function storeValue(op: string, value: number, dtype: DType): number {
  return castScalar(dtype === 'int32' ? checkInt32(op, value) : value, dtype);
}

/**
 * Writes `origin + i * step` to each `out[i]` (with `fromEnd`, `origin - step * (n - 1 - i)`, the
 * values ending at `origin`) as `dtype` stores them, at the speed of a plain fill: a typed
 * array's own conversion is `castScalar`'s (float32 rounds to nearest, int32 truncates, and a
 * non-finite value is 0) except for bool, whose nonzero values are 1. The caller has checked
 * the values' range.
 */
function fillLine(out: TypedArray, dtype: DType, origin: number, step: number, fromEnd = false): void {
  const last = out.length - 1;
  if (dtype === 'bool') {
    for (let i = 0; i <= last; i++)
      out[i] = (fromEnd ? origin - step * (last - i) : origin + i * step) !== 0 ? 1 : 0;
  } else if (fromEnd) {
    for (let i = 0; i <= last; i++) out[i] = origin - step * (last - i);
  } else {
    for (let i = 0; i <= last; i++) out[i] = origin + i * step;
  }
}

/** Walks nested arrays, checking they are rectangular, and returns shape and flat values. */
function flatten(data: NestedArray | readonly NestedArray[]): {
  shape: number[];
  values: (number | boolean)[];
} {
  const shape: number[] = [];
  let probe: unknown = data;
  // The depth bound also ends the probe of an array that contains itself.
  while (Array.isArray(probe)) {
    if (shape.length === MAX_DIMS) {
      throw new Error(
        `tensor: nested arrays deeper than ${MAX_DIMS} levels (or an array that contains itself)`,
      );
    }
    shape.push(probe.length);
    probe = probe[0];
  }
  checkElements('tensor', numel(shape), shape);
  const values: (number | boolean)[] = [];
  const walk = (node: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof node !== 'number' && typeof node !== 'boolean') {
        throw new Error(
          `tensor: expected a number or boolean at ${path || 'the top'}, got ${Array.isArray(node) ? 'an array' : typeof node}`,
        );
      }
      values.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(
        `tensor: expected a sequence of length ${shape[depth]} at ${path || 'the top'} (shape ${formatShape(shape)}), got ${Array.isArray(node) ? `length ${node.length}` : typeof node}`,
      );
    }
    for (const [i, child] of node.entries()) walk(child, depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, '');
  return { shape, values };
}

/**
 * A tensor from nested arrays (or a typed array, or a number), like `torch.tensor`: float32 for
 * numbers with or without fractions, as in the chapter (`tensor([[0, 1], [2, 3]])` prints `0.`
 * and `1.`; PyTorch would make int64), bool for booleans, a typed array's own type, unless
 * `dtype` says otherwise. The values are copied.
 *
 * @param data - Rectangular nested arrays of numbers or booleans, a number (a 0-d tensor), or a
 * Float32Array, Float64Array or Int32Array (a 1-D tensor).
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor of the arrays' shape.
 *
 * @example
 * ```ts
 * import { tensor } from '@fovea/tensor';
 *
 * const x = tensor([[0, 1], [2, 3]]);
 * x.shape; // [2, 2]
 * x.dtype; // 'float32'
 * tensor([[true, false]]).dtype; // 'bool'
 * tensor([1, 2], { dtype: 'int32' }).toArray(); // [1, 2]
 * tensor(new Float64Array([1, 2])).dtype; // 'float64'
 * tensor(1.5).shape; // []
 * ```
 */
export function tensor(
  data: NestedArray | readonly NestedArray[] | Float32Array | Float64Array | Int32Array,
  options: CreationOptions = {},
): Tensor {
  if (data instanceof Tensor) throw new Error('tensor: got a Tensor; use clone() or detach() to copy one');
  options = creationOptions('tensor', options);
  if (ArrayBuffer.isView(data)) {
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) {
      throw new Error(
        `tensor: argument 'data' must be nested arrays, a number or a Float32Array, Float64Array or Int32Array, got ${describe(data)}`,
      );
    }
    const fallback: DType =
      data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : 'float32';
    const dtype = dtypeOption('tensor', options.dtype, fallback);
    const out = allocate(dtype, data.length);
    for (let i = 0; i < data.length; i++) out[i] = storeValue('tensor', data[i], dtype);
    return finish(Tensor.fromArray(out, [data.length], dtype), options);
  }
  const { shape, values } = flatten(data as NestedArray);
  const allBool = values.length > 0 && values.every((v) => typeof v === 'boolean');
  const dtype = dtypeOption('tensor', options.dtype, allBool ? 'bool' : 'float32');
  const out = allocate(dtype, values.length);
  values.forEach((v, i) => {
    out[i] = storeValue('tensor', Number(v), dtype);
  });
  return finish(Tensor.fromArray(out, shape, dtype), options);
}

/** A tensor of `shape` holding `value` everywhere; `op` names the caller in errors. */
function filled(
  op: string,
  shape: number | readonly number[],
  value: number | boolean,
  options: CreationOptions,
): Tensor {
  const s = shapeOf(op, shape);
  checkScalarValue(op, 'value', value);
  options = creationOptions(op, options);
  const fallback: DType = typeof value === 'boolean' ? 'bool' : 'float32';
  const dtype = dtypeOption(op, options.dtype, fallback);
  const out = allocate(dtype, numel(s)).fill(storeValue(op, Number(value), dtype));
  return finish(Tensor.fromArray(out, s, dtype), options);
}

/**
 * A tensor of `shape` holding `value` everywhere, like `torch.full`: float32 for a number, bool
 * for a boolean, unless `dtype` says otherwise.
 *
 * @param shape - The shape, an array of sizes or one number for a 1-D tensor.
 * @param value - The value of every element.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor: `full([2], 7)` is `[7, 7]`.
 */
export function full(
  shape: number | readonly number[],
  value: number | boolean,
  options: CreationOptions = {},
): Tensor {
  return filled('full', shape, value, options);
}

/**
 * A tensor of zeros, like `torch.zeros`; float32 unless `dtype` says otherwise.
 *
 * @param shape - The shape, an array of sizes or one number for a 1-D tensor.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor.
 *
 * @example
 * ```ts
 * import { ones, zeros } from '@fovea/tensor';
 *
 * zeros(3).toArray(); // [0, 0, 0]
 * ones([2], { dtype: 'int32' }).toArray(); // [1, 1]
 * zeros([2, 3], { requiresGrad: true }).isLeaf; // true
 * ```
 */
export function zeros(shape: number | readonly number[], options: CreationOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of ones, like `torch.ones`; float32 unless `dtype` says otherwise.
 *
 * @param shape - The shape, an array of sizes or one number for a 1-D tensor.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor.
 */
export function ones(shape: number | readonly number[], options: CreationOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/**
 * Values from `start` up to (not including) `end` by `step`, like `torch.arange`; `arange(n)` is
 * `0, 1, ..., n - 1`. int32 when all three are integers (PyTorch's int64), else float32, unless
 * `dtype` says otherwise. The length is $\lceil (\text{end} - \text{start}) / \text{step} \rceil$.
 *
 * @param start - The first value; with `end` omitted, the end (and the start is 0).
 * @param end - The bound the values stop before.
 * @param step - The difference between neighbours, nonzero; 1 by default.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new 1-D tensor.
 *
 * @example
 * ```ts
 * import { arange } from '@fovea/tensor';
 *
 * arange(3).toArray(); // [0, 1, 2]
 * arange(0, 1, 0.25).toArray(); // [0, 0.25, 0.5, 0.75]
 * arange(4, undefined, 1, { dtype: 'float32' }).dtype; // 'float32'
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: CreationOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  for (const [arg, v] of [
    ['start', start],
    ['end', end ?? 0],
    ['step', step],
  ] as const) {
    checkFinite('arange', arg, v);
  }
  options = creationOptions('arange', options);
  if (step === 0) throw new Error('arange: step must be nonzero');
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(step)) {
    throw new Error(`arange: start, end and step must be finite, got ${lo}, ${hi}, ${step}`);
  }
  if ((hi - lo) * step < 0) {
    throw new Error(
      `arange: upper bound and lower bound inconsistent with step sign (start ${lo}, end ${hi}, step ${step})`,
    );
  }
  const integral = [lo, hi, step].every(Number.isInteger);
  const dtype = dtypeOption('arange', options.dtype, integral ? 'int32' : 'float32');
  const n = checkElements('arange', Math.ceil((hi - lo) / step));
  // `lo + i * step` moves one way with i, so the first and last values bound the rest: checked
  // once, before anything is allocated, and the loop is a plain fill.
  if (dtype === 'int32' && n > 0) {
    checkInt32('arange', lo);
    checkInt32('arange', lo + (n - 1) * step);
  }
  const out = allocate(dtype, n);
  fillLine(out, dtype, lo, step);
  return finish(Tensor.fromArray(out, [n], dtype), options);
}

/**
 * `steps` evenly spaced values from `start` to `end` inclusive, like `torch.linspace`; float32
 * unless `dtype` says otherwise.
 *
 * @param start - The first value.
 * @param end - The last value.
 * @param steps - How many values, 0 or more.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new 1-D tensor: `linspace(0, 1, 5)` is `[0, 0.25, 0.5, 0.75, 1]`.
 */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  checkFinite('linspace', 'start', start);
  checkFinite('linspace', 'end', end);
  checkInteger('linspace', 'steps', steps, 0);
  checkElements('linspace', steps);
  options = creationOptions('linspace', options);
  const dtype = dtypeOption('linspace', options.dtype, 'float32');
  // The values lie between the start and the end: checked once, before anything is allocated.
  if (dtype === 'int32' && steps > 0) {
    checkInt32('linspace', start);
    if (steps > 1) checkInt32('linspace', end);
  }
  const out = allocate(dtype, steps);
  // One step is the start alone; otherwise PyTorch fills the first half from the start and the
  // second half from the end.
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = steps === 1 ? 1 : Math.floor(steps / 2);
  fillLine(out.subarray(0, half), dtype, start, step);
  fillLine(out.subarray(half), dtype, end, step, true);
  return finish(Tensor.fromArray(out, [steps], dtype), options);
}

/**
 * The identity matrix (ones on the diagonal), like `torch.eye`; float32 unless `dtype` says
 * otherwise.
 *
 * @param n - The number of rows.
 * @param m - The number of columns; `n` by default.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new `[n, m]` tensor: `eye(2, 3)` is `[[1, 0, 0], [0, 1, 0]]`.
 */
export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  const t = zeros(shapeOf('eye', [n, m]), creationOptions('eye', options));
  const array = hostArray(t, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) array[i * m + i] = 1;
  return t;
}

/** `t`'s shape, and its dtype under `options`, for the `*Like` functions. */
export function like<O extends CreationOptions>(
  fn: string,
  t: Tensor,
  options: O | undefined,
): [number[], O] {
  const x = checkTensor(fn, 'input', t);
  const o = creationOptions(fn, options);
  dtypeOption(fn, o.dtype, x.dtype);
  // A `*Like` tensor lives on its model's device, as PyTorch's `zeros_like`.
  return [[...x.shape], { dtype: x.dtype, device: x.device, ...o }];
}

/**
 * Zeros of `t`'s shape and dtype, like `torch.zeros_like`.
 *
 * @param t - The tensor whose shape (and dtype, unless `options` gives one) is taken.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor.
 */
export const zerosLike = (t: Tensor, options: CreationOptions = {}) =>
  zeros(...like('zerosLike', t, options));
/**
 * Ones of `t`'s shape and dtype, like `torch.ones_like`.
 *
 * @param t - The tensor whose shape (and dtype, unless `options` gives one) is taken.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor.
 */
export const onesLike = (t: Tensor, options: CreationOptions = {}) => ones(...like('onesLike', t, options));
/**
 * `value` everywhere, in `t`'s shape and dtype, like `torch.full_like`.
 *
 * @param t - The tensor whose shape (and dtype, unless `options` gives one) is taken.
 * @param value - The value of every element.
 * @param options - `dtype`, `requiresGrad` and `device`.
 * @returns A new tensor.
 */
export const fullLike = (t: Tensor, value: number | boolean, options: CreationOptions = {}) => {
  const [shape, o] = like('fullLike', t, options);
  checkScalarValue('fullLike', 'value', value);
  return full(shape, value, o);
};
