import type { AxisField } from './geometry.js';
import type { Pair, Region, Size2 } from './types.js';
import { toPair } from './validate.js';

/**
 * Inclusive input range of unit `x` along one axis: the union over paths of
 * [x * S - P, x * S - P + r - 1] (one path, or one per distinct jump in an unaligned network).
 */
export function axisRange(fields: readonly AxisField[], x: number): Pair {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const f of fields) {
    lo = Math.min(lo, x * f.jump + f.lo);
    hi = Math.max(hi, x * f.jump + f.hi);
  }
  return [lo, hi];
}

export function unclippedRegion(
  fields: readonly [readonly AxisField[], readonly AxisField[]],
  unit: readonly [number, number],
): Region {
  return { rows: axisRange(fields[0], unit[0]), cols: axisRange(fields[1], unit[1]) };
}

/** A region clipped to an image of `inputSize`, each range to [0, n - 1]. */
export function clipRegion(region: Region, inputSize: Size2, where: string): Region {
  const [h, w] = toPair(inputSize, 'input size', 1, where);
  const clip = ([lo, hi]: Pair, n: number): Pair => [Math.max(lo, 0), Math.min(hi, n - 1)];
  return { rows: clip(region.rows, h), cols: clip(region.cols, w) };
}
