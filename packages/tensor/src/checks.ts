import { isDType } from './dtype.js';
import { broadcastShapes, formatShape, normalizeDim } from './shape.js';

/**
 * The argument checks of every public entry point of every Fovea package, one wording per rule:
 *
 *     zeros: argument 'size' must be a shape (an integer or an array of non-negative integers), got undefined
 *     full: argument 'value' must be a number or a boolean, got string 'x'
 *     zeros: a tensor of 1000000000000 elements is too large (the limit is 2147483647)
 *
 * Each returns the value it checked, narrowed, so a call site reads `const n = checkInteger(...)`.
 */

/**
 * The most elements one tensor may hold: 2**31 - 1, the largest index an int32 (pooling
 * indices, WebAssembly's 32-bit memory) can address. Sizes are checked against it before
 * anything is allocated.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** The most dimensions a tensor may have (NumPy's and the nesting a nested array may reach). */
export const MAX_DIMS = 64;

/**
 * A value as an error message shows it: `string 'x'`, `null`, `an array`, `1.5`.
 *
 * @param value - Any value.
 * @returns Its description.
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const short = value.length <= 8 && value.every((v) => typeof v === 'number' || typeof v === 'boolean');
    return short ? `[${value.join(', ')}]` : `an array of length ${value.length}`;
  }
  switch (typeof value) {
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `bigint ${value}`;
    case 'string':
      return `string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
  }
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** A value as JSON where it has one (`[9,9]`), else as `describe` shows it. */
export function showJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? describe(value);
  } catch {
    return describe(value);
  }
}

/**
 * The one wording of every type and range rule: `fn: argument 'arg' must be <rule>, got <value>`.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param rule - What the argument must be (`a finite number`).
 * @param value - What it was, described by {@link describe}.
 * @returns The error, to throw.
 */
export function argumentError(fn: string, arg: string, rule: string, value: unknown): Error {
  return new Error(`${fn}: argument '${arg}' must be ${rule}, got ${describe(value)}`);
}

/**
 * A JavaScript number (NaN and infinities included: PyTorch propagates them).
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The number.
 */
export function checkNumber(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number') throw argumentError(fn, arg, 'a number', value);
  return value;
}

/**
 * A finite number.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The number.
 */
export function checkFinite(fn: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw argumentError(fn, arg, 'a finite number', value);
  return value;
}

/**
 * A number or a boolean: what a tensor element may be set to.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The value.
 */
export function checkScalarValue(fn: string, arg: string, value: unknown): number | boolean {
  if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw argumentError(fn, arg, 'a number or a boolean', value);
  }
  return value;
}

/**
 * An integer in `[min, max]` (both optional); safe integers only, so nothing rounds silently.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @param min - The smallest allowed value, if any.
 * @param max - The largest allowed value, if any.
 * @returns The integer.
 *
 * @example
 * ```ts
 * import { checkInteger } from '@fovea/tensor';
 *
 * checkInteger('myOp', 'n', 3, 1); // 3
 * // checkInteger('myOp', 'n', 2.5, 1) throws: myOp: argument 'n' must be an integer >= 1, got 2.5
 * ```
 */
export function checkInteger(fn: string, arg: string, value: unknown, min?: number, max?: number): number {
  if (
    typeof value !== 'number' ||
    !Number.isSafeInteger(value) ||
    (min !== undefined && value < min) ||
    (max !== undefined && value > max)
  ) {
    // The rule's wording is built only for the error: hot paths (setNumThreads, conv2d's stride)
    // check integers on every call.
    const range =
      min !== undefined && max !== undefined
        ? ` in [${min}, ${max}]`
        : min !== undefined
          ? ` >= ${min}`
          : max !== undefined
            ? ` <= ${max}`
            : '';
    throw argumentError(fn, arg, `an integer${range}`, value);
  }
  return value;
}

/**
 * A boolean.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The boolean.
 */
export function checkBoolean(fn: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw argumentError(fn, arg, 'a boolean', value);
  return value;
}

/**
 * One of the listed strings: `reduction: argument 'reduction' must be one of 'mean', 'sum', got ...`.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @param choices - The allowed strings.
 * @returns The value, typed as one of them.
 */
export function checkOneOf<T extends string>(
  fn: string,
  arg: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!(choices as readonly unknown[]).includes(value)) {
    throw argumentError(fn, arg, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  }
  return value as T;
}

/**
 * An options object, or `undefined`/`null` for none (an empty object then).
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param value - The value to check.
 * @returns The object, or `{}`.
 */
export function checkOptions<T extends object>(fn: string, value: T | null | undefined): T {
  if (value === undefined || value === null) return {} as T;
  if (typeof value !== 'object' || Array.isArray(value))
    throw argumentError(fn, 'options', 'an object', value);
  return value;
}

/**
 * An array (of anything; the caller checks the elements).
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The array.
 */
export function checkArray(fn: string, arg: string, value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw argumentError(fn, arg, 'an array', value);
  return value;
}

/**
 * A dtype name: `'float32'`, `'float64'`, `'int32'` or `'bool'`.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The name.
 */
export function checkDTypeName(fn: string, arg: string, value: unknown): string {
  if (!isDType(value)) throw argumentError(fn, arg, "one of 'float32', 'float64', 'int32', 'bool'", value);
  return value;
}

/**
 * Throws, before anything is allocated, if `count` elements exceed {@link MAX_ELEMENTS}.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param count - The number of elements about to be allocated.
 * @param shape - The shape they come from, for the message.
 * @returns `count`.
 */
export function checkElements(fn: string, count: number, shape?: readonly number[]): number {
  if (!(count <= MAX_ELEMENTS)) {
    const of = shape ? ` (shape ${formatShape(shape)})` : '';
    throw new Error(`${fn}: a tensor of ${count} elements${of} is too large (the limit is ${MAX_ELEMENTS})`);
  }
  return count;
}

/**
 * A size: an integer or an array of non-negative integers, at most {@link MAX_DIMS} of them, whose
 * product is within {@link MAX_ELEMENTS}.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @returns The shape as a new array.
 */
export function checkSizeArgument(fn: string, arg: string, value: unknown): number[] {
  const dims = typeof value === 'number' ? [value] : value;
  const rule = 'a shape (an integer or an array of non-negative integers)';
  if (!Array.isArray(dims) || dims.length > MAX_DIMS) throw argumentError(fn, arg, rule, value);
  let count = 1;
  for (const d of dims) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw new Error(
        `${fn}: argument '${arg}' must be ${rule}, got [${dims.map((v) => (typeof v === 'number' ? v : describe(v))).join(', ')}]`,
      );
    }
    count *= d;
  }
  checkElements(fn, count, dims as number[]);
  return [...(dims as number[])];
}

/**
 * PyTorch's rule for a value stored in an int32 tensor: an overflow is an error, not a wrap.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param value - The number to store.
 * @returns The number.
 */
export function checkInt32(fn: string, value: number): number {
  if (Number.isFinite(value) && (value > 2147483647 || value < -2147483648)) {
    throw new Error(`${fn}: value ${value} cannot be converted to type int32 without overflow`);
  }
  return value;
}

/**
 * A dimension of a tensor with `ndim` dimensions, negative counting from the end.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param arg - The argument's name as the message quotes it.
 * @param value - The value to check.
 * @param ndim - The tensor's number of dimensions.
 * @returns The dimension, resolved to `0 .. ndim - 1`.
 */
export function checkDim(fn: string, arg: string, value: unknown, ndim: number): number {
  checkInteger(fn, arg, value);
  return normalizeDim(fn, value as number, ndim);
}

/**
 * Shapes that broadcast together: `mse_loss: cannot broadcast [2] with [3]`.
 *
 * @param fn - The function checking, which starts the message (`zeros`, `Conv2d`).
 * @param shapes - The shapes.
 * @returns Their broadcast shape.
 */
export function checkBroadcastable(fn: string, ...shapes: (readonly number[])[]): number[] {
  return broadcastShapes(fn, ...shapes);
}
