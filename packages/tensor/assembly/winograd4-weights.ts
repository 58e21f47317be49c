/**
 * The kernels of a Winograd F(4 x 4, 3 x 3) conv (winograd4.ts) transformed once per call,
 * U = G g G^T, into the packed layout of the GEMM's A operand, with
 *
 *   G = [1/4 0 0; -1/6 -1/6 -1/6; -1/6 1/6 -1/6; 1/24 1/12 1/6; 1/24 -1/12 1/6; 0 0 1]
 */

import { MR, roundUp, packedABytes } from './pack';
import { ConvParams } from './params';
import { packedOffset, tap } from './winograd-weights';
import { weightBytes } from './winograd-layout';

/** Bytes of the transformed kernels `winograd4Weights` writes at WINOGRAD_U. */
export function winograd4WeightBytes(p: usize): i32 {
  return weightBytes(p, 4);
}

/**
 * U = G g G^T of the kernels to output channels [start, end) from every input channel of their
 * group, at WINOGRAD_U as the GEMM's packed A of each (ξ, group), ξ = 6 i + j: first down each
 * column of g (`points`), then along each row of the result. The rows that pad a group's last
 * panel to MR are zeros.
 */
export function winograd4Weights(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  const Og = params.o / groups;
  const Cg = params.c / groups;
  const flip = params.flip != 0;
  const w = params.weight;
  const dst = params.winogradU;
  const matrixBytes = <usize>packedABytes(Og, Cg);
  const xi = <usize>groups * matrixBytes;
  const Mp = roundUp(Og, MR);
  // a[i][j] = (G g)[i][j], 6 x 3, in scratch (72 bytes).
  const a = scratch;
  for (let item = start; item < end; item++) {
    const g = item / Og;
    const q = item - g * Og;
    for (let r = 0; r < Cg; r++) {
      const base = w + (<usize>(flip ? ((g * Cg + r) * Og + q) * 9 : ((g * Og + q) * Cg + r) * 9) << 2);
      for (let j = 0; j < 3; j++) {
        points(tap(base, flip, 0, j), tap(base, flip, 1, j), tap(base, flip, 2, j), a + (<usize>j << 2), 12);
      }
      const at = dst + <usize>g * matrixBytes + packedOffset(Mp, Cg, q, r);
      for (let i = 0; i < 6; i++) {
        const row = a + <usize>(12 * i);
        points(load<f32>(row), load<f32>(row, 4), load<f32>(row, 8), at + <usize>(6 * i) * xi, xi);
      }
    }
    if (q != Og - 1) continue;
    for (let pad = Og; pad < Mp; pad++) {
      for (let r = 0; r < Cg; r++) {
        const at = dst + <usize>g * matrixBytes + packedOffset(Mp, Cg, pad, r);
        for (let k = 0; k < 36; k++) store<f32>(at + <usize>k * xi, 0);
      }
    }
  }
}

/**
 * The 6 values G (g0, g1, g2) to dst + k stride: g0 / 4, s = g0 + g2, (s + g1) / -6,
 * (s - g1) / -6, t = g0 + 4 g2, (t + 2 g1) / 24, (t - 2 g1) / 24, g2.
 */
@inline
function points(g0: f32, g1: f32, g2: f32, dst: usize, stride: usize): void {
  const s = g0 + g2;
  const t = g0 + <f32>4 * g2;
  store<f32>(dst, g0 * <f32>0.25);
  store<f32>(dst + stride, (s + g1) / <f32>-6);
  store<f32>(dst + 2 * stride, (s - g1) / <f32>-6);
  store<f32>(dst + 3 * stride, (t + <f32>2 * g1) / <f32>24);
  store<f32>(dst + 4 * stride, (t - <f32>2 * g1) / <f32>24);
  store<f32>(dst + 5 * stride, g2);
}
