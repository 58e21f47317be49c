import { type BackwardClosure, record } from '../autograd.js';
import { describe } from '../checks.js';
import { castScalar, type DType, isDType, isFloating } from '../dtype.js';
import { type Device, deviceError, uploadTo } from '../storage.js';
import { Tensor } from '../tensor.js';
import { deviceCast } from './device.js';
import { unaryKernel } from './elementwise.js';
import { requireTensor } from './operands.js';

/**
 * A copy converted to `dtype` (the same tensor when it already has it), like `tensor.to(dtype)`:
 * floats to int32 truncate toward zero, nonzero becomes true for bool. Gradients flow back
 * through casts between floating dtypes.
 *
 * @param x - The tensor to convert.
 * @param dtype - `'float32'`, `'float64'`, `'int32'` or `'bool'`.
 * @returns The converted tensor: `cast(tensor([1.7, -1.7]), 'int32')` is `[1, -1]`.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  return castAs('cast', requireTensor('cast', x), dtype);
}

/** {@link cast}, its errors named `op` (`to`, the method that casts through it). */
export function castAs(op: string, x: Tensor, dtype: DType): Tensor {
  if (!isDType(dtype)) {
    const shown = typeof dtype === 'string' ? dtype : describe(dtype);
    throw new Error(`${op}: unknown dtype ${shown}; expected float32, float64, int32 or bool`);
  }
  if (x.dtype === dtype) return x;
  const out =
    x.storage.deviceBuffer !== null
      ? deviceCast(x, dtype)
      : unaryKernel((v) => castScalar(v, dtype), x, dtype);
  if (!isFloating(dtype)) return out;
  return record('ToCopyBackward0', out, [x], castBackward(x.dtype));
}

/** The backward of a cast from `dtype`, made apart from the forward: the node keeps no tensor (autograd.ts, `record`). */
function castBackward(dtype: DType): BackwardClosure {
  return (g) => [cast(g, dtype)];
}

/**
 * `x` on `device`, like `tensor.to('cuda')`: itself when already there, else a copy that is a new
 * leaf (a gradient cannot flow back across devices synchronously). Host to 'webgpu' copies now;
 * a GPU buffer reads back only asynchronously, so the way back is `await x.cpu()`.
 */
export function toDevice(x: Tensor, device: Device): Tensor {
  if (x.device === device) return x;
  const op = `to('${device}')`;
  if (device === 'cpu') throw deviceError(op, x.device, x.shape);
  return new Tensor(uploadTo(device, x.dataSync(), x.dtype, op), x.dtype, x.shape);
}
