/**
 * The kernels of a Winograd F(2 x 2, 3 x 3) conv (winograd.ts) transformed once per call,
 * U = G g G^T, into the packed layout of the GEMM's A operand.
 */

import { KC, MR, roundUp } from './pack';
import { ConvParams } from './params';
import { uMatrixBytes, weightBytes } from './winograd-layout';

/** Bytes of the transformed kernels `winogradWeights` writes at WINOGRAD_U. */
export function winogradWeightBytes(p: usize): i32 {
  return weightBytes(p, 2);
}

/**
 * U = G g G^T of the kernels to output channels [start, end) from every input channel of their
 * group, at WINOGRAD_U as the GEMM's packed A (gemm.ts's `packA` layout) of each (ξ, group).
 * With G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]: first down each column j of g, a0 = g0,
 * s = g0 + g2, a1 = (s + g1) .5, a2 = (s - g1) .5, a3 = g2; then the same along each row of a.
 * The rows that pad a group's last panel to MR are zeros.
 */
export function winogradWeights(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  const Og = params.o / groups;
  const Cg = params.c / groups;
  const flip = params.flip != 0;
  const w = params.weight;
  const dst = params.winogradU;
  const matrixBytes = uMatrixBytes(p);
  const xi = <usize>groups * matrixBytes;
  const Mp = roundUp(Og, MR);
  const half: f32 = 0.5;
  for (let item = start; item < end; item++) {
    const g = item / Og;
    const q = item - g * Og;
    for (let r = 0; r < Cg; r++) {
      // Taps (i, j) of the kernel from input channel r to output channel q.
      const base = w + (<usize>(flip ? ((g * Cg + r) * Og + q) * 9 : ((g * Og + q) * Cg + r) * 9) << 2);
      const x00 = tap(base, flip, 0, 0);
      const x10 = tap(base, flip, 1, 0);
      const x20 = tap(base, flip, 2, 0);
      const s0 = x00 + x20;
      const x01 = tap(base, flip, 0, 1);
      const x11 = tap(base, flip, 1, 1);
      const x21 = tap(base, flip, 2, 1);
      const s1 = x01 + x21;
      const x02 = tap(base, flip, 0, 2);
      const x12 = tap(base, flip, 1, 2);
      const x22 = tap(base, flip, 2, 2);
      const s2 = x02 + x22;
      const at = dst + <usize>g * matrixBytes + packedOffset(Mp, Cg, q, r);
      weightRow(at, xi, x00, x01, x02);
      weightRow(at + 4 * xi, xi, (s0 + x10) * half, (s1 + x11) * half, (s2 + x12) * half);
      weightRow(at + 8 * xi, xi, (s0 - x10) * half, (s1 - x11) * half, (s2 - x12) * half);
      weightRow(at + 12 * xi, xi, x20, x21, x22);
    }
    if (q != Og - 1) continue;
    for (let pad = Og; pad < Mp; pad++) {
      for (let r = 0; r < Cg; r++) {
        const at = dst + <usize>g * matrixBytes + packedOffset(Mp, Cg, pad, r);
        for (let k = 0; k < 16; k++) store<f32>(at + <usize>k * xi, 0);
      }
    }
  }
}

/** Byte offset of element (row q, column r) in a matrix packed by `packA` (Mp rows, Cg columns). */
@inline
export function packedOffset(Mp: i32, Cg: i32, q: i32, r: i32): usize {
  const pc = (r / KC) * KC;
  const kc = min(KC, Cg - pc);
  return <usize>(Mp * pc + (q / MR) * MR * kc + (r - pc) * MR + (q % MR)) << 2;
}

/** Tap (i, j) of the kernel at `base`, turned by 180 degrees with `flip`. */
@inline
export function tap(base: usize, flip: bool, i: i32, j: i32): f32 {
  return load<f32>(base + (<usize>(flip ? 8 - 3 * i - j : 3 * i + j) << 2));
}

/** Row i of U = a G^T from row i of a, its four values xi bytes apart. */
@inline
function weightRow(at: usize, xi: usize, a0: f32, a1: f32, a2: f32): void {
  const half: f32 = 0.5;
  const s = a0 + a2;
  store<f32>(at, a0);
  store<f32>(at + xi, (s + a1) * half);
  store<f32>(at + 2 * xi, (s - a1) * half);
  store<f32>(at + 3 * xi, a2);
}

/** Tap (i, j) of the kernels of `lanes` consecutive output channels (qStep floats apart), zeros past them. */
export function taps(base: usize, qStep: i32, lanes: i32, flip: bool, i: i32, j: i32): v128 {
  const step = <usize>qStep << 2;
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, tap(base, flip, i, j));
  if (lanes > 1) v = f32x4.replace_lane(v, 1, tap(base + step, flip, i, j));
  if (lanes > 2) v = f32x4.replace_lane(v, 2, tap(base + 2 * step, flip, i, j));
  if (lanes > 3) v = f32x4.replace_lane(v, 3, tap(base + 3 * step, flip, i, j));
  return v;
}
