/**
 * The kernels of a Winograd F(4 x 4, 3 x 3) or F(6 x 6, 3 x 3) conv (winograd4.ts, winograd6.ts)
 * transformed once per call, U = G g G^T, into the packed layout of the GEMM's A operand, with
 * F(4 x 4)'s
 *
 *   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
 *
 * and F(6 x 6)'s in winograd6-weights.ts.
 */

import { MR, roundUp } from './pack';
import { ConvParams } from './params';
import { packedOffset, taps } from './winograd-weights';
import { uMatrixBytes, weightBytes } from './winograd-layout';
import { points6 } from './winograd6-weights';

/** Bytes of the transformed kernels `winograd4Weights` writes at WINOGRAD_U. */
export function winograd4WeightBytes(p: usize): i32 {
  return weightBytes(p, 4);
}

export function winograd4Weights(p: usize, start: i32, end: i32, scratch: usize): void {
  spanningWeights(p, 4, start, end, scratch);
}

export function winograd6Weights(p: usize, start: i32, end: i32, scratch: usize): void {
  spanningWeights(p, 6, start, end, scratch);
}

/**
 * U = G g G^T of F(m x m) (m = 4 or 6) of the kernels of items [start, end), item = (group,
 * panel of MR output channels), from every input channel of their group, at WINOGRAD_U as the
 * GEMM's packed A of each (ξ, group), ξ = (m + 2) i + j: first down each column of g (`points`), then along each row of the
 * result. Lane l holds output channel MR panel + l, so each point is one vector store; lanes
 * past the group's last channel (the rows that pad its last panel) hold zeros, signed as they
 * come; the GEMM never stores their rows.
 */
function spanningWeights(p: usize, m: i32, start: i32, end: i32, scratch: usize): void {
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
  const panels = Mp / MR;
  // Floats from output channel q's kernel to q + 1's.
  const qStep = flip ? 9 : Cg * 9;
  // a[i][j] = (G g)[i][j], (m + 2) x 3 vectors, in scratch (at most 384 bytes).
  const a = scratch;
  for (let item = start; item < end; item++) {
    const g = item / panels;
    const q0 = (item - g * panels) * MR;
    const lanes = min(MR, Og - q0);
    for (let r = 0; r < Cg; r++) {
      const base = w + (<usize>(flip ? (g * Cg + r) * Og * 9 + q0 * 9 : (g * Og + q0) * Cg * 9 + r * 9) << 2);
      for (let j = 0; j < 3; j++) {
        const g0 = taps(base, qStep, lanes, flip, 0, j);
        const g1 = taps(base, qStep, lanes, flip, 1, j);
        const g2 = taps(base, qStep, lanes, flip, 2, j);
        if (m == 4) points(g0, g1, g2, a + (<usize>j << 4), 48);
        else points6(g0, g1, g2, a + (<usize>j << 4), 48);
      }
      const at = dst + <usize>g * matrixBytes + packedOffset(Mp, Cg, q0, r);
      for (let i = 0; i < m + 2; i++) {
        const row = a + <usize>(48 * i);
        const to = at + <usize>((m + 2) * i) * xi;
        if (m == 4) points(v128.load(row), v128.load(row, 16), v128.load(row, 32), to, xi);
        else points6(v128.load(row), v128.load(row, 16), v128.load(row, 32), to, xi);
      }
    }
  }
}

/**
 * The 6 values G (g0, g1, g2) to dst + k stride, lane by lane: g0 / 4, s = g0 + g2, (s + g1) / -6,
 * (s - g1) / -6, t = g0 + 4 g2, (t + 2 g1) / 24, (t - 2 g1) / 24, g2.
 */
@inline
function points(g0: v128, g1: v128, g2: v128, dst: usize, stride: usize): void {
  const s = f32x4.add(g0, g2);
  const t = f32x4.add(g0, f32x4.mul(f32x4.splat(4), g2));
  const twice = f32x4.mul(f32x4.splat(2), g1);
  v128.store(dst, f32x4.mul(g0, f32x4.splat(0.25)));
  v128.store(dst + stride, f32x4.div(f32x4.add(s, g1), f32x4.splat(-6)));
  v128.store(dst + 2 * stride, f32x4.div(f32x4.sub(s, g1), f32x4.splat(-6)));
  v128.store(dst + 3 * stride, f32x4.div(f32x4.add(t, twice), f32x4.splat(24)));
  v128.store(dst + 4 * stride, f32x4.div(f32x4.sub(t, twice), f32x4.splat(24)));
  v128.store(dst + 5 * stride, g2);
}
