import { isFloating, type TypedArray } from '../dtype.js';
import type { FloatArray } from '../kernels/shape.js';
import { formatShape } from '../shape.js';
import { hostArray } from '../storage.js';
import type { Tensor } from '../tensor.js';

/**
 * The values of a floating-point tensor as a contiguous array of exactly its size, for kernels
 * (no copy when the tensor already is such a block of its storage).
 */
export function floatData(op: string, t: Tensor, what = 'input'): FloatArray {
  if (!isFloating(t.dtype)) {
    throw new Error(
      `${op}: expected a floating point ${what}, got ${t.dtype} (shape ${formatShape(t.shape)})`,
    );
  }
  return contiguousData(t, op) as FloatArray;
}

/**
 * The values of a tensor of any dtype as a contiguous array of exactly its size: its own
 * storage when it already is such a block of it (no copy), else a copy.
 */
export function contiguousData(t: Tensor, op = 'contiguous'): TypedArray {
  const array = hostArray(t, op);
  if (!t.isContiguous()) return t.dataSync();
  return t.offset === 0 && array.length === t.numel ? array : array.subarray(t.offset, t.offset + t.numel);
}

/** Inputs of one op must share a floating dtype, as in PyTorch. */
export function checkSameDtype(op: string, ...named: [string, Tensor | null | undefined][]): void {
  const present = named.filter((n): n is [string, Tensor] => n[1] != null);
  const [firstName, first] = present[0];
  for (const [name, t] of present) {
    if (t.dtype !== first.dtype) {
      throw new Error(
        `${op}: ${firstName} has dtype ${first.dtype} but ${name} has dtype ${t.dtype}; convert one with .to()`,
      );
    }
  }
}
