import type { FloatArray } from './shape.js';

/**
 * target[i] += alpha other[i] over contiguous arrays of one float type (an optimizer's update,
 * `p.add_(g, {alpha})`), rounded as `target.add_(other.mul(alpha))` is: alpha in the arrays'
 * precision, the product rounded, then the sum.
 */
export function addScaledInPlace(target: FloatArray, other: FloatArray, alpha: number): void {
  const n = target.length;
  if (target instanceof Float32Array) {
    const a = Math.fround(alpha);
    for (let i = 0; i < n; i++) target[i] += Math.fround(a * other[i]);
  } else {
    for (let i = 0; i < n; i++) target[i] += alpha * other[i];
  }
}
