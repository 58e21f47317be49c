/**
 * The kernels of a Winograd F(6 x 6, 3 x 3) conv (winograd6.ts), U = G g G^T (transformed by
 * winograd4-weights.ts's `winograd6Weights`), with
 *
 *   G = [1 0 0; -2/9 -2/9 -2/9; -2/9 2/9 -2/9; 1/90 1/45 2/45; 1/90 -1/45 2/45;
 *        1/45 1/90 1/180; 1/45 -1/90 1/180; 0 0 1]
 */

import { weightBytes } from './winograd-layout';

/** Bytes of the transformed kernels `winograd6Weights` writes at WINOGRAD_U. */
export function winograd6WeightBytes(p: usize): i32 {
  return weightBytes(p, 6);
}

/**
 * The 8 values G (g0, g1, g2) to dst + k stride, lane by lane: g0; with s = g0 + g2,
 * (s + g1) (-2/9), (s - g1) (-2/9); with t = g0 + 4 g2, (t + 2 g1) / 90, (t - 2 g1) / 90; with
 * e = 4 g0 + g2, (e + 2 g1) / 180, (e - 2 g1) / 180; g2. The fractions are float32 constants
 * multiplied (a division costs several multiplications' time, on every call).
 */
@inline
export function points6(g0: v128, g1: v128, g2: v128, dst: usize, stride: usize): void {
  const four = f32x4.splat(4);
  const s = f32x4.add(g0, g2);
  const t = f32x4.add(g0, f32x4.mul(four, g2));
  const e = f32x4.add(f32x4.mul(four, g0), g2);
  const twice = f32x4.mul(f32x4.splat(2), g1);
  const ninth = f32x4.splat(<f32>(-2.0 / 9.0));
  const ninetieth = f32x4.splat(<f32>(1.0 / 90.0));
  const hundredEightieth = f32x4.splat(<f32>(1.0 / 180.0));
  v128.store(dst, g0);
  v128.store(dst + stride, f32x4.mul(f32x4.add(s, g1), ninth));
  v128.store(dst + 2 * stride, f32x4.mul(f32x4.sub(s, g1), ninth));
  v128.store(dst + 3 * stride, f32x4.mul(f32x4.add(t, twice), ninetieth));
  v128.store(dst + 4 * stride, f32x4.mul(f32x4.sub(t, twice), ninetieth));
  v128.store(dst + 5 * stride, f32x4.mul(f32x4.add(e, twice), hundredEightieth));
  v128.store(dst + 6 * stride, f32x4.mul(f32x4.sub(e, twice), hundredEightieth));
  v128.store(dst + 7 * stride, g2);
}
