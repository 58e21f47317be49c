import { describe, formatShape } from './describe.js';
import { dtypeSize, type SafetensorsDType } from './dtype.js';
import { SafetensorsError } from './errors.js';

/**
 * Checks that `shape` is an array of non-negative safe integers and returns a copy. `where`
 * starts the error message (`safetensors header: tensor "w"`).
 */
export function readShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape)) {
    throw new SafetensorsError(
      `${where}: shape must be an array of non-negative integers (at most 2^53 - 1), got ${describe(shape)}`,
    );
  }
  const dims = new Array<number>(shape.length);
  for (let i = 0; i < shape.length; i++) {
    const dim: unknown = shape[i];
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw new SafetensorsError(
        `${where}: shape must be an array of non-negative integers (at most 2^53 - 1), got ${describe(dim)} at dimension ${i} of ${describe(shape)}`,
      );
    }
    dims[i] = dim + 0; // turns -0 into 0
  }
  return dims;
}

/**
 * Bytes taken by `shape` elements of `dtype`. Products are checked step by step: a product of
 * integers that is still a safe integer is exact, and one that is not means overflow, so
 * [2^40, 2^40] is rejected here instead of becoming a huge (or infinite) allocation.
 */
export function tensorByteLength(dtype: SafetensorsDType, shape: readonly number[], where: string): number {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count)) {
      throw new SafetensorsError(
        `${where}: shape ${formatShape(shape)} has more than 2^53 - 1 elements (overflow)`,
      );
    }
  }
  const bytes = count * dtypeSize(dtype);
  if (!Number.isSafeInteger(bytes)) {
    throw new SafetensorsError(
      `${where}: ${dtype} ${formatShape(shape)} takes more than 2^53 - 1 bytes (overflow)`,
    );
  }
  return bytes;
}

/** BOOL stores one byte per element, and only 0 and 1 are booleans. */
export function checkBoolBytes(data: Uint8Array, where: string): void {
  for (let i = 0; i < data.length; i++) {
    if (data[i] > 1) {
      throw new SafetensorsError(`${where}: BOOL element ${i} has byte value ${data[i]}; expected 0 or 1`);
    }
  }
}
