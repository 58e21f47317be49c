import { record } from '../autograd.js';
import { castScalar, type DType, isDType, isFloating } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { unaryKernel } from './elementwise.js';

/** A copy converted to `dtype` (the same tensor when it already has it), like `tensor.to(dtype)`. */
export function cast(x: Tensor, dtype: DType): Tensor {
  if (!isDType(dtype))
    throw new Error(`to: unknown dtype ${String(dtype)}; expected float32, float64, int32 or bool`);
  if (x.dtype === dtype) return x;
  const out = unaryKernel((v) => castScalar(v, dtype), x, dtype);
  if (!isFloating(dtype)) return out;
  return record('ToCopyBackward0', out, [x], (g) => [cast(g, x.dtype)]);
}
