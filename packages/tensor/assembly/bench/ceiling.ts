/**
 * Benchmark-only loops (tooling/bench/src/ceiling.ts compiles this file on its own; it is not
 * part of the shipped binary): the WebAssembly SIMD ceiling Fovea's kernels are measured against.
 */

import { microKernel } from '../gemm';

/**
 * The micro-kernel alone, `iterations` times over panels already in L1 (a: kc x MR, b: kc x NR,
 * c: MR x NR), its multiply-adds unfused: what the GEMM would reach with no packing and no cache
 * misses.
 */
export function microKernelLoop(iterations: i32, kc: i32, a: usize, b: usize, c: usize): void {
  for (let i = 0; i < iterations; i++) microKernel(kc, a, b, 32, c, 32, 1, true, false);
}

/**
 * f32x4 multiply-add throughput with no memory traffic: 12 independent chains of
 * acc = acc * m + d (WebAssembly SIMD has no fused multiply-add without relaxed SIMD),
 * 96 flops per iteration.
 */
export function ceiling(iterations: i32): f32 {
  let a0 = f32x4.splat(1);
  let a1 = f32x4.splat(1.1);
  let a2 = f32x4.splat(1.2);
  let a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4);
  let a5 = f32x4.splat(1.5);
  let a6 = f32x4.splat(1.6);
  let a7 = f32x4.splat(1.7);
  let a8 = f32x4.splat(1.8);
  let a9 = f32x4.splat(1.9);
  let a10 = f32x4.splat(2);
  let a11 = f32x4.splat(2.1);
  const m = f32x4.splat(0.9999999);
  const d = f32x4.splat(0.0000001);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), d);
    a1 = f32x4.add(f32x4.mul(a1, m), d);
    a2 = f32x4.add(f32x4.mul(a2, m), d);
    a3 = f32x4.add(f32x4.mul(a3, m), d);
    a4 = f32x4.add(f32x4.mul(a4, m), d);
    a5 = f32x4.add(f32x4.mul(a5, m), d);
    a6 = f32x4.add(f32x4.mul(a6, m), d);
    a7 = f32x4.add(f32x4.mul(a7, m), d);
    a8 = f32x4.add(f32x4.mul(a8, m), d);
    a9 = f32x4.add(f32x4.mul(a9, m), d);
    a10 = f32x4.add(f32x4.mul(a10, m), d);
    a11 = f32x4.add(f32x4.mul(a11, m), d);
  }
  const s0 = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  const s1 = f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7));
  const s2 = f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11));
  return f32x4.extract_lane(f32x4.add(f32x4.add(s0, s1), s2), 0);
}
