import { record } from '../autograd.js';
import { checkNumber } from '../checks.js';
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { deviceBinary } from './device.js';
import { unaryKernel } from './elementwise.js';
import { requireTensor } from './operands.js';

/** The bounds of `clamp` and `clamp_`: numbers or null, not both null. */
export function checkClampBounds(op: string, lo: unknown, hi: unknown): void {
  if (lo !== null && lo !== undefined) checkNumber(op, 'min', lo);
  if (hi !== null && hi !== undefined) checkNumber(op, 'max', hi);
  if ((lo === null || lo === undefined) && (hi === null || hi === undefined)) {
    throw new Error(`${op}: at least one of 'min' or 'max' must not be null`);
  }
}

/**
 * Limits values to `[lo, hi]`, like `torch.clamp`; keeps the dtype and NaN. The gradient passes
 * where the input lies inside.
 *
 * @param a - The input tensor.
 * @param lo - The lower bound, or null for none.
 * @param hi - The upper bound, or null for none (not both null).
 * @returns A new tensor of the same shape.
 *
 * @example
 * ```ts
 * import { clamp, tensor } from '@fovea/tensor';
 *
 * clamp(tensor([-2, 0.5, 3]), 0, 1).toArray(); // [0, 0.5, 1]
 * clamp(tensor([-2, 0.5, 3]), null, 1).toArray(); // [-2, 0.5, 1]
 * ```
 */
export function clamp(a: Tensor, lo: number | null, hi: number | null): Tensor {
  const x = requireTensor('clamp', a);
  checkClampBounds('clamp', lo, hi);
  const low = lo ?? Number.NEGATIVE_INFINITY;
  const high = hi ?? Number.POSITIVE_INFINITY;
  const out =
    x.storage.deviceBuffer === null
      ? unaryKernel((v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, low), high)), x)
      : deviceClamp(x, lo, hi);
  return record('ClampBackward1', out, [x], (g) => [g.where(x.ge(low).logicalAnd(x.le(high)), 0)], [x]);
}

/**
 * clamp on a device: maximum with `lo`, then minimum with `hi`, each a one-element operand the
 * device kernel broadcasts; both let NaN through, as the host map does.
 */
function deviceClamp(x: Tensor, lo: number | null, hi: number | null): Tensor {
  let out = x;
  for (const [op, f, bound] of [
    ['maximum', Math.max, lo],
    ['minimum', Math.min, hi],
  ] as const) {
    if (bound === null || bound === undefined) continue;
    const scalar = Tensor.fromArray(allocate(x.dtype, 1).fill(bound), [], x.dtype);
    out = deviceBinary(op, f, out, scalar, x.shape, x.dtype);
  }
  return out;
}
