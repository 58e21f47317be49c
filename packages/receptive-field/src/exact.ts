import type { AxisOp } from './geometry.js';
import type { Pair } from './types.js';

/**
 * The pixels one unit really depends on, along one axis: walk back through every layer keeping
 * only positions inside that layer's map, since padding is a constant and passes nothing on.
 * Unit x of a layer reads positions x * s - p + t * d for t = 0 .. k - 1. A stack is separable,
 * so the 2-D set is the product of the two axes' sets. `lengths[l]` is the size of map l
 * (`lengths[0]` the input). Null when only padding is reached.
 */
export function exactAxisRange(
  ops: readonly AxisOp[],
  lengths: readonly number[],
  unit: number,
): Pair | null {
  let reached = new Uint8Array(lengths[ops.length]);
  reached[unit] = 1;
  for (let l = ops.length - 1; l >= 0; l--) {
    const { kernel, stride, padBefore, dilation } = ops[l];
    const below = new Uint8Array(lengths[l]);
    for (let x = 0; x < reached.length; x++) {
      if (reached[x] === 0) continue;
      for (let t = 0; t < kernel; t++) {
        const y = x * stride - padBefore + t * dilation;
        if (y >= 0 && y < below.length) below[y] = 1;
      }
    }
    reached = below;
  }
  const lo = reached.indexOf(1);
  return lo < 0 ? null : [lo, reached.lastIndexOf(1)];
}
