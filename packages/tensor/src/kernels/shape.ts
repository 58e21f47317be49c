import { argumentError, checkInteger } from '../checks.js';
import { formatShape } from '../shape.js';

/** The storage of a floating-point tensor; kernels return the same kind they are given. */
export type FloatArray = Float32Array | Float64Array;

/** A number for both spatial axes, or `[h, w]`. */
export type Pair = number | readonly [number, number];

/** Padding as `nn.Conv2d` and `F.conv2d` take it. */
export type ConvPaddingSpec = Pair | 'same' | 'valid';

/** Explicit zero padding per side: `[top, bottom, left, right]`. */
export type Padding4 = readonly [number, number, number, number];

/** A zeroed array of the same kind as `like`. */
export function allocLike<T extends FloatArray>(like: T, size: number): T {
  return (like instanceof Float64Array ? new Float64Array(size) : new Float32Array(size)) as T;
}

/** `3` -> `[3, 3]`; `[3, 5]` stays. Throws, naming `op` and `what`, unless both are integers. */
export function expandPair(op: string, what: string, value: Pair): [number, number] {
  if (typeof value !== 'number' && (!Array.isArray(value) || value.length !== 2)) {
    throw argumentError(op, what, 'an integer or [h, w]', value);
  }
  const pair: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!Number.isInteger(pair[0]) || !Number.isInteger(pair[1])) {
    // formatShape describes any value (a null-prototype object cannot be joined into a string).
    throw new Error(`${op}: ${what} must be integers, got ${formatShape(pair)}`);
  }
  return pair;
}

/**
 * Output length of a convolution along one axis (PyTorch's `conv_output_size`):
 * floor((in + before + after - d * (k - 1) - 1) / s) + 1.
 */
export function convOutputSize(
  inputSize: number,
  kernelSize: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation: number,
): number {
  return Math.floor((inputSize + padBefore + padAfter - dilation * (kernelSize - 1) - 1) / stride) + 1;
}

/**
 * Output length of a pooling window along one axis (PyTorch's `pooling_output_shape`,
 * aten/src/ATen/native/Pool.h): floor or ceil of (in + 2p - d * (k - 1) - 1) / s, plus one; in
 * ceil mode the last window must start inside the input or the left padding.
 */
export function poolOutputSize(
  inputSize: number,
  kernelSize: number,
  stride: number,
  padding: number,
  dilation: number,
  ceilMode: boolean,
): number {
  const span = inputSize + 2 * padding - dilation * (kernelSize - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= inputSize + padding) out--;
  return out;
}

/**
 * The padding of `padding='same'` along one axis (torch/nn/modules/conv.py): the total
 * d * (k - 1) split as floor(total / 2) before and the rest after, so an even effective kernel
 * pads one more at the end.
 *
 * @param kernelSize - The kernel's size along the axis.
 * @param dilation - The dilation along the axis.
 * @returns `[before, after]`: `samePadding(4, 1)` is `[1, 2]`.
 */
export function samePadding(kernelSize: number, dilation: number): [number, number] {
  checkInteger('samePadding', 'kernelSize', kernelSize, 1);
  checkInteger('samePadding', 'dilation', dilation, 1);
  const total = dilation * (kernelSize - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Resolves a conv padding spec to explicit `[top, bottom, left, right]` pads. 'valid' is no
 * padding; 'same' keeps the spatial size and, as in PyTorch, only exists for stride 1.
 */
export function resolveConvPadding(
  padding: ConvPaddingSpec,
  kernelSize: readonly [number, number],
  dilation: readonly [number, number],
  stride: readonly [number, number],
  op = 'conv2d',
): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new Error(`${op}: padding='same' is not supported for strided convolutions`);
    }
    const [top, bottom] = samePadding(kernelSize[0], dilation[0]);
    const [left, right] = samePadding(kernelSize[1], dilation[1]);
    return [top, bottom, left, right];
  }
  if (typeof padding === 'string') {
    throw new Error(`${op}: invalid padding string '${padding}', should be one of 'valid', 'same'`);
  }
  const [ph, pw] = expandPair(op, 'padding', padding);
  requireNonNegative(op, 'padding', [ph, pw]);
  return [ph, ph, pw, pw];
}

/** Throws unless `data` holds exactly the elements `shape` describes. */
export function checkSize(op: string, what: string, data: ArrayLike<number>, shape: readonly number[]): void {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: ${what} shape ${formatShape(shape)} has an invalid dimension`);
    }
    n *= d;
  }
  if (data.length !== n) {
    throw new Error(`${op}: ${what} has ${data.length} elements but shape ${formatShape(shape)} needs ${n}`);
  }
}

/**
 * The window-parameter rules of every convolution, pooling and unfold, with one wording:
 * `conv2d: stride must be positive integers, got [1, 0]`.
 */
export function requirePositive(op: string, name: string, values: readonly number[]): void {
  if (values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: ${name} must be positive integers, got [${values.join(', ')}]`);
  }
}

/** `conv2d: padding must be non-negative integers, got [-1, 0]`. */
export function requireNonNegative(op: string, name: string, values: readonly number[]): void {
  if (values.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new Error(`${op}: ${name} must be non-negative integers, got [${values.join(', ')}]`);
  }
}

/** The image rule of conv2d, pooling and unfold: [C, H, W] (unbatched) or [N, C, H, W]. */
export function requireImage(op: string, shape: readonly number[]): void {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new Error(`${op}: expected 3-D (unbatched) or 4-D (batched) input, got ${formatShape(shape)}`);
  }
}
