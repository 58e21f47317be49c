import { allocate, dtypeOfArray, type TypedArray } from '../dtype.js';
import { mapStrided } from './strided.js';

function gathered(
  data: TypedArray,
  strides: readonly number[],
  offset: number,
  shape: readonly number[],
  size: number,
): TypedArray {
  const out = allocate(dtypeOfArray(data), size);
  mapStrided((v) => v, data, shape, strides, offset, out);
  return out;
}

/**
 * out[k] = condition ? a : b at the k-th index of the broadcast `shape`, in row-major order;
 * each operand has its own strides over `shape` (0 along broadcast axes) and offset.
 */
export function whereStrided(
  condition: TypedArray,
  cStrides: readonly number[],
  cOffset: number,
  a: TypedArray,
  aStrides: readonly number[],
  aOffset: number,
  b: TypedArray,
  bStrides: readonly number[],
  bOffset: number,
  shape: readonly number[],
  out: TypedArray,
): void {
  const size = out.length;
  const c = gathered(condition, cStrides, cOffset, shape, size);
  const x = gathered(a, aStrides, aOffset, shape, size);
  const y = gathered(b, bStrides, bOffset, shape, size);
  for (let i = 0; i < size; i++) out[i] = c[i] !== 0 ? x[i] : y[i];
}
