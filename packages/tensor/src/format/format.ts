// PyTorch's repr of a tensor (torch/_tensor_str.py, `_str_intern`), character for character,
// from flat row-major values, a shape and a dtype. Knows nothing of the Tensor class.

import { argumentError, checkArray } from '../checks.js';
import { ElementFormatter } from './formatter.js';
import { layoutTensor, type PrintedTensor, shownValues } from './layout.js';
import { type PrintDType, type PrintOptions, resolvePrintOptions } from './options.js';

const PREFIX = 'tensor(';

/**
 * `repr(tensor)` as PyTorch prints it, character for character (what `String(t)` gives), with
 * print options as `torch.set_printoptions` takes them.
 *
 * @param data - The values in row-major order (bools as booleans or 0/1).
 * @param shape - The tensor's shape.
 * @param dtype - `'float32'`, `'float64'`, `'int32'` or `'bool'`, which the repr names where PyTorch's does.
 * @param suffixes - The notes that end the repr, such as `requires_grad=True` or `grad_fn=<AddBackward0>`.
 * @param options - `precision`, `threshold`, `edgeitems`, `linewidth` and `sciMode`.
 * @returns The repr.
 *
 * @example
 * ```ts
 * import { formatTensor } from '@fovea/tensor';
 *
 * formatTensor([1, 2.5], [2], 'float64', ['requires_grad=True'], { precision: 2 }); // 'tensor([1.00, 2.50], dtype=float64, requires_grad=True)'
 * ```
 */
export function formatTensor(
  data: ArrayLike<number | boolean>,
  shape: readonly number[],
  dtype: PrintDType,
  suffixes: readonly string[] = [],
  options: PrintOptions = {},
): string {
  checkArray('formatTensor', 'shape', shape);
  if (!(typeof data === 'object' && data !== null && typeof data.length === 'number')) {
    throw argumentError('formatTensor', 'data', 'an array of values', data);
  }
  const resolved = resolvePrintOptions(options);
  const numel = shape.reduce((product, size) => product * size, 1);
  if (data.length < numel) {
    throw new Error(`formatTensor: shape [${shape.join(', ')}] needs ${numel} values, got ${data.length}`);
  }
  const notes: string[] = [];
  let body: string;
  if (numel === 0) {
    // As NumPy, any empty shape but (0,) is spelled out.
    if (shape.length !== 1) notes.push(`size=${pythonTuple(shape)}`);
    // No element shows whether an empty tensor is float or int, so every dtype but the
    // default float is named.
    if (dtype !== 'float32') notes.push(`dtype=${dtype}`);
    body = '[]';
  } else {
    // float32, int32 (PyTorch's int64) and bool are the defaults and print no dtype.
    if (dtype === 'float64') notes.push(`dtype=${dtype}`);
    const tensor: PrintedTensor = {
      values: readValues(data, numel, dtype),
      shape,
      strides: rowMajorStrides(shape),
      summarize: numel > resolved.threshold,
      edgeitems: resolved.edgeitems,
    };
    const formatter = new ElementFormatter(shownValues(tensor), dtype, resolved);
    body = layoutTensor(tensor, formatter, resolved.linewidth, PREFIX.length);
  }
  return addSuffixes(PREFIX + body, [...notes, ...suffixes], PREFIX.length, resolved.linewidth);
}

/** PyTorch's `_add_suffixes`: `, suffix` on the last line while it fits, else on a new line. */
function addSuffixes(text: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  // PyTorch counts the last line two characters long (rfind gives -1 without a newline, and
  // the arithmetic adds 1), but not after it breaks a line for a suffix; kept for identical wraps.
  let lastLineLength = text.length - text.lastIndexOf('\n') + 1;
  let out = text;
  for (const suffix of suffixes) {
    if (lastLineLength + suffix.length + 2 > linewidth) {
      out += `,\n${' '.repeat(indent)}${suffix}`;
      lastLineLength = indent + suffix.length;
    } else {
      out += `, ${suffix}`;
      lastLineLength += suffix.length + 2;
    }
  }
  return `${out})`;
}

/** Python's str() of a tuple of ints: `(2, 0)`, `(0,)`. */
function pythonTuple(items: readonly number[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/** The values as the dtype stores them: float32 rounds, bools become 0/1. */
function readValues(data: ArrayLike<number | boolean>, numel: number, dtype: PrintDType): number[] {
  const values = new Array<number>(numel);
  for (let i = 0; i < numel; i++) {
    const value = toNumber(data[i]);
    values[i] = dtype === 'float32' ? Math.fround(value) : value;
  }
  return values;
}

/** Also accepts the 'nan', 'inf' and '-inf' strings that JSON dumps of tensors use. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const text = String(value).trim().toLowerCase();
  if (text === 'nan') return Number.NaN;
  if (text === 'inf' || text === '+inf' || text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-inf' || text === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
