import { givenOutForPool, takePooled } from './array-pool.js';
import { isShapesOnly } from './shapes-only.js';

/**
 * A tensor's element type: PyTorch's `torch.float32` (the default), `torch.float64`,
 * `torch.int32` (where PyTorch would use int64: indices, `arange` of integers) and `torch.bool`.
 */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
/** The array behind each dtype: float32, float64, int32, and one byte (0 or 1) per bool. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/**
 * Allocates zeroed storage for `size` elements of `dtype` (bool is one byte per element). In
 * shapes-only mode nothing is allocated: every array is empty, so strided loops run zero times.
 */
export function allocate(dtype: DType, size: number): TypedArray {
  if (isShapesOnly()) size = 0;
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

/** Node's Buffer, where there is one: `allocUnsafeSlow` gives memory that is not zeroed first. */
const nodeBuffer = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): Uint8Array } }).Buffer;

/** Below this many bytes the zero fill is cheaper than the call into Node for unzeroed memory. */
const UNZEROED_BYTES = 65536;

/**
 * Float32 storage for `size` elements that the caller overwrites entirely before anyone reads
 * it (an activation's or a pooling's result). A large one is an array the autograd engine gave
 * back (array-pool.ts) when one of that length waits; else, in Node, a new one not zeroed first,
 * each in an ArrayBuffer of its own (`Buffer.allocUnsafeSlow`, never a slice of a shared pool):
 * LeNet's step at batch 256 allocates 21 MB of such results, and with them zeroed first it took
 * 5% more CPU time (56.6 ms against 53.9, four alternating runs here). Elsewhere, or when small,
 * it is `allocate`'s.
 */
export function allocateForOverwrite(size: number): Float32Array {
  if (isShapesOnly()) size = 0;
  if (size * 4 < UNZEROED_BYTES) return new Float32Array(size);
  const array =
    takePooled(size) ??
    (nodeBuffer === undefined
      ? new Float32Array(size)
      : new Float32Array(nodeBuffer.allocUnsafeSlow(size * 4).buffer, 0, size));
  return givenOutForPool(array);
}

/** The dtype a typed array holds (Uint8Array is read as bool). */
export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'bool';
}

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's type promotion between two tensors of the same kind of participation. */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

/**
 * The result dtype of a tensor combined with a JavaScript number, which (like a Python scalar)
 * only lifts the category: an int tensor times 0.5 is float32, a float32 tensor stays float32.
 */
export function promoteWithScalar(dtype: DType, value: number | boolean): DType {
  if (typeof value === 'boolean') return dtype;
  if (Number.isInteger(value)) return dtype === 'bool' ? 'int32' : dtype;
  return isFloating(dtype) ? dtype : 'float32';
}

/** Rounds a JavaScript number the way storing it in `dtype` does. */
export function castScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return Math.fround(value);
    case 'float64':
      return value;
    case 'int32':
      return Number.isFinite(value) ? Math.trunc(value) | 0 : 0;
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
