import type { FloatArray } from './shape.js';

/**
 * target[i] += alpha other[i] over contiguous arrays of one float type (an optimizer's update,
 * `p.add_(g, {alpha})`), rounded as `target.add_(other.mul(alpha))` is: alpha in the arrays'
 * precision, the product rounded, then the sum.
 */
export function addScaledInPlace(target: FloatArray, other: FloatArray, alpha: number): void {
  if (target instanceof Float32Array && other instanceof Float32Array) {
    addScaledFloat32(target, other, Math.fround(alpha));
    return;
  }
  const n = target.length;
  for (let i = 0; i < n; i++) target[i] += alpha * other[i];
}

/** The float32 loop on its own, so that V8 compiles it for Float32Array operands alone. */
function addScaledFloat32(target: Float32Array, other: Float32Array, alpha: number): void {
  const n = target.length;
  for (let i = 0; i < n; i++) target[i] += Math.fround(alpha * other[i]);
}
