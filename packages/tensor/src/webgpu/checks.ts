import { checkSize } from '../kernels/shape.js';
import type { GpuArray, GpuDType } from './runtime.js';

/**
 * The reference kernels' checks, applied to GPU arrays: a launcher checks its shapes with the
 * same geometry functions the TypeScript kernels use, so both fail with the same messages.
 */

/** Throws unless `array` holds exactly the elements `shape` describes, as `checkSize`. */
export function checkArray(
  op: string,
  what: string,
  array: GpuArray,
  shape: readonly number[],
  dtype: GpuDType = 'float32',
): void {
  checkSize(op, what, { length: array.length }, shape);
  if (array.dtype !== dtype) throw new Error(`${op}: ${what} must be ${dtype}, got ${array.dtype}`);
}

/** Throws unless every array lives on the same device as the first. */
export function checkSameDevice(op: string, arrays: readonly (GpuArray | null)[]): void {
  const gpu = arrays.find((a) => a !== null)?.gpu;
  if (arrays.some((a) => a !== null && a.gpu !== gpu)) {
    throw new Error(`${op}: arrays live on different GPU devices`);
  }
}
