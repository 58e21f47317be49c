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
import { allocate, castScalar, type DType, isDType, isFloating } from './dtype.js';
import { toDevice } from './ops/cast.js';
import { checkGenerator, defaultGenerator, fillNormal, fillUniform, type Generator } from './random.js';
import { formatShape, numel } from './shape.js';
import { type Device, hostArray } from './storage.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface CreationOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /**
   * Where the data lives: 'cpu' (the default, whatever the backend, as in PyTorch) or 'webgpu'
   * (after `await setBackend('webgpu')`); the values are made on the host and copied there.
   */
  device?: Device;
}

export interface RandomCreationOptions extends CreationOptions {
  generator?: Generator;
}

function finish(created: Tensor, options: CreationOptions): Tensor {
  const t = toDevice(created, options.device ?? 'cpu');
  if (options.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The options of a creation function, each field checked and named after `op`. */
function creationOptions<O extends RandomCreationOptions>(op: string, options: O | null | undefined): O {
  const o = checkOptions(op, options);
  if (o.requiresGrad !== undefined) checkBoolean(op, 'requiresGrad', o.requiresGrad);
  if (o.device !== undefined && o.device !== 'cpu' && o.device !== 'webgpu') {
    throw new Error(`${op}: argument 'device' must be 'cpu' or 'webgpu', got ${describe(o.device)}`);
  }
  checkGenerator(op, o.generator);
  return o;
}

function dtypeOption(op: string, dtype: DType | undefined, fallback: DType): DType {
  if (dtype === undefined) return fallback;
  if (!isDType(dtype)) {
    const shown = typeof dtype === 'string' ? dtype : describe(dtype);
    throw new Error(`${op}: unknown dtype ${shown}; expected float32, float64, int32 or bool`);
  }
  return dtype;
}

function shapeOf(op: string, shape: number | readonly number[]): number[] {
  return checkSizeArgument(op, 'size', shape);
}

/** Stores `value` as `dtype`; an int32 overflow is PyTorch's error, not a wrap. */
function storeValue(op: string, value: number, dtype: DType): number {
  return castScalar(dtype === 'int32' ? checkInt32(op, value) : value, dtype);
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
 * A tensor from nested arrays (or a typed array, or a number): float32 for numbers with or
 * without fractions, as in the chapter (`tensor([[0, 1], [2, 3]])` prints `0.` and `1.`), bool
 * for booleans, unless `dtype` says otherwise.
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

export function full(
  shape: number | readonly number[],
  value: number | boolean,
  options: CreationOptions = {},
): Tensor {
  return filled('full', shape, value, options);
}

export function zeros(shape: number | readonly number[], options: CreationOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

export function ones(shape: number | readonly number[], options: CreationOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** Values from `start` up to (not including) `end` by `step`; int32 when all three are integers. */
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
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = storeValue('arange', lo + i * step, dtype);
  return finish(Tensor.fromArray(out, [n], dtype), options);
}

/** `steps` evenly spaced values from `start` to `end` inclusive. */
export function linspace(start: number, end: number, steps: number, options: CreationOptions = {}): Tensor {
  checkFinite('linspace', 'start', start);
  checkFinite('linspace', 'end', end);
  checkInteger('linspace', 'steps', steps, 0);
  checkElements('linspace', steps);
  options = creationOptions('linspace', options);
  const dtype = dtypeOption('linspace', options.dtype, 'float32');
  const out = allocate(dtype, steps);
  // One step is the start alone; otherwise PyTorch fills the first half from the start and the
  // second half from the end.
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    const value = steps === 1 || i < half ? start + step * i : end - step * (steps - 1 - i);
    out[i] = castScalar(value, dtype);
  }
  return finish(Tensor.fromArray(out, [steps], dtype), options);
}

export function eye(n: number, m: number = n, options: CreationOptions = {}): Tensor {
  const t = zeros(shapeOf('eye', [n, m]), creationOptions('eye', options));
  const array = hostArray(t, 'eye');
  for (let i = 0; i < Math.min(n, m); i++) array[i * m + i] = 1;
  return t;
}

function randomTensor(
  op: string,
  shape: number | readonly number[],
  options: RandomCreationOptions,
  fill: (out: Float32Array | Float64Array, generator: Generator | undefined) => void,
): Tensor {
  const s = shapeOf(op, shape);
  options = creationOptions(op, options);
  const dtype = dtypeOption(op, options.dtype, 'float32');
  if (!isFloating(dtype)) throw new Error(`${op}: expected a floating point dtype, got ${dtype}`);
  const out = allocate(dtype, numel(s)) as Float32Array | Float64Array;
  fill(out, options.generator);
  return finish(Tensor.fromArray(out, s, dtype), options);
}

/** Uniform values in [0, 1), from the default generator unless one is given. */
export function rand(shape: number | readonly number[], options: RandomCreationOptions = {}): Tensor {
  return randomTensor('rand', shape, options, (out, generator) => fillUniform(out, 0, 1, generator));
}

/** Standard normal values, from the default generator unless one is given. */
export function randn(shape: number | readonly number[], options: RandomCreationOptions = {}): Tensor {
  return randomTensor('randn', shape, options, (out, generator) => fillNormal(out, 0, 1, generator));
}

/**
 * Random integers in [low, high), drawn as PyTorch draws them (`random() % range + low`, from
 * 64 random bits when the range needs more than 32), so seeded draws match `torch.randint`.
 */
export function randint(
  low: number,
  high: number,
  shape: number | readonly number[],
  options: RandomCreationOptions = {},
): Tensor {
  checkInteger('randint', 'low', low);
  checkInteger('randint', 'high', high);
  if (!(high > low)) {
    throw new Error(`randint: expects integers low < high, got low=${low}, high=${high}`);
  }
  const s = shapeOf('randint', shape);
  options = creationOptions('randint', options);
  const dtype = dtypeOption('randint', options.dtype, 'int32');
  const out = allocate(dtype, numel(s));
  const generator = options.generator ?? defaultGenerator;
  const range = high - low;
  for (let i = 0; i < out.length; i++) {
    if (range < 2 ** 32) out[i] = (generator.nextUint32() % range) + low;
    else {
      const bits = (BigInt(generator.nextUint32()) << 32n) | BigInt(generator.nextUint32());
      out[i] = Number(bits % BigInt(range)) + low;
    }
  }
  return finish(Tensor.fromArray(out, s, dtype), options);
}

/** `t`'s shape, and its dtype under `options`, for the `*Like` functions. */
function like<O extends CreationOptions>(fn: string, t: Tensor, options: O | undefined): [number[], O] {
  const x = checkTensor(fn, 'input', t);
  const o = creationOptions(fn, options);
  dtypeOption(fn, o.dtype, x.dtype);
  // A `*Like` tensor lives on its model's device, as PyTorch's `zeros_like`.
  return [[...x.shape], { dtype: x.dtype, device: x.device, ...o }];
}

export const zerosLike = (t: Tensor, options: CreationOptions = {}) =>
  zeros(...like('zerosLike', t, options));
export const onesLike = (t: Tensor, options: CreationOptions = {}) => ones(...like('onesLike', t, options));
export const fullLike = (t: Tensor, value: number | boolean, options: CreationOptions = {}) => {
  const [shape, o] = like('fullLike', t, options);
  checkScalarValue('fullLike', 'value', value);
  return full(shape, value, o);
};
export const randLike = (t: Tensor, options: RandomCreationOptions = {}) =>
  rand(...floatLike('randLike', t, options));
export const randnLike = (t: Tensor, options: RandomCreationOptions = {}) =>
  randn(...floatLike('randnLike', t, options));

/** `like`, for the random functions, which draw floating point values only. */
function floatLike(
  fn: string,
  t: Tensor,
  options: RandomCreationOptions | undefined,
): [number[], RandomCreationOptions] {
  const [shape, o] = like(fn, t, options);
  if (!isFloating(o.dtype as DType))
    throw new Error(`${fn}: expected a floating point dtype, got ${o.dtype}`);
  return [shape, o];
}
