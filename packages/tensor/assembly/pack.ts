/**
 * The GEMM's blocking and packing (gemm.ts): panels of MR rows of op(A) and NR columns of op(B),
 * contiguous in the order the micro-kernel reads them.
 */

import { GEMM_KC } from './params';

export const MR: i32 = 4;
export const NR: i32 = 8;
/** Terms per K block: the order of float32 sums, shared with the reference (scripts/wasm-abi.mjs). */
export const KC: i32 = GEMM_KC;
export const MC: i32 = 128;
export const NC: i32 = 1024;

@inline
export function roundUp(n: i32, m: i32): i32 {
  return ((n + m - 1) / m) * m;
}

/** Bytes of A packed whole by `packA`: every KC block of M rows padded to MR. */
@inline
export function packedABytes(M: i32, K: i32): i32 {
  return roundUp(M, MR) * K * 4;
}

/** Bytes of the B block packed by `gemmPacked` for an N-column product of depth K. */
@inline
export function packedBBytes(N: i32, K: i32): i32 {
  return min(KC, K) * roundUp(min(NC, N), NR) * 4;
}

/** Bytes of the edge tile. */
export const TILE_BYTES: i32 = 4 * 8 * 4;

/** 4 x 4 transpose of rows r0..r3 stored at dst (16 floats). */
@inline
function transposeStore(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: usize): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + stride, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * stride, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * stride, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/**
 * Packs op(A) (M x K, element (i, k) at a + 4 (i rs + k cs)) whole: for each KC block starting
 * at pc, ceil(M / MR) panels of kc x MR values (rows past M are zero), at dst + 4 Mp pc.
 */
export function packA(a: usize, rs: i32, cs: i32, M: i32, K: i32, dst: usize): void {
  const Mp = roundUp(M, MR);
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    let q = dst + ((<usize>Mp * <usize>pc) << 2);
    for (let i0 = 0; i0 < M; i0 += MR) {
      const rows = min(MR, M - i0);
      const base = a + ((<usize>(i0 * rs) + <usize>(pc * cs)) << 2);
      if (rows == MR && rs == 1) {
        const step = <usize>cs << 2;
        let p = base;
        for (let k = 0; k < kc; k++, p += step, q += 16) v128.store(q, v128.load(p));
      } else if (rows == MR && cs == 1) {
        const row = <usize>rs << 2;
        let k = 0;
        for (; k + 4 <= kc; k += 4, q += 64) {
          const p = base + (<usize>k << 2);
          transposeStore(
            v128.load(p),
            v128.load(p + row),
            v128.load(p + 2 * row),
            v128.load(p + 3 * row),
            q,
            16,
          );
        }
        for (; k < kc; k++, q += 16) {
          const p = base + (<usize>k << 2);
          store<f32>(q, load<f32>(p));
          store<f32>(q + 4, load<f32>(p + row));
          store<f32>(q + 8, load<f32>(p + 2 * row));
          store<f32>(q + 12, load<f32>(p + 3 * row));
        }
      } else {
        for (let k = 0; k < kc; k++, q += 16) {
          for (let r = 0; r < MR; r++) {
            const v: f32 = r < rows ? load<f32>(base + ((<usize>(r * rs) + <usize>(k * cs)) << 2)) : 0;
            store<f32>(q + (<usize>r << 2), v);
          }
        }
      }
    }
  }
}

/** Packs a kc x nc block of op(B) (element (k, j) at b + 4 (k rs + j cs)) into panels of NR columns. */
export function packB(b: usize, rs: i32, cs: i32, kc: i32, nc: i32, dst: usize): void {
  let q = dst;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    const base = b + (<usize>(j0 * cs) << 2);
    if (cols == NR && cs == 1) {
      const step = <usize>rs << 2;
      let p = base;
      for (let k = 0; k < kc; k++, p += step, q += 32) {
        v128.store(q, v128.load(p));
        v128.store(q, v128.load(p, 16), 16);
      }
    } else if (cols == NR && rs == 1) {
      const col = <usize>cs << 2;
      let k = 0;
      for (; k + 4 <= kc; k += 4, q += 128) {
        const p = base + (<usize>k << 2);
        transposeStore(v128.load(p), v128.load(p + col), v128.load(p + 2 * col), v128.load(p + 3 * col), q, 32);
        const p4 = p + 4 * col;
        transposeStore(
          v128.load(p4),
          v128.load(p4 + col),
          v128.load(p4 + 2 * col),
          v128.load(p4 + 3 * col),
          q + 16,
          32,
        );
      }
      for (; k < kc; k++, q += 32) {
        const p = base + (<usize>k << 2);
        for (let j = 0; j < NR; j++) store<f32>(q + (<usize>j << 2), load<f32>(p + <usize>j * col));
      }
    } else if (rs == 1) {
      // A last panel of fewer than NR columns, each contiguous along k: columns past the edge
      // are zeros.
      const col = <usize>cs << 2;
      const zero = f32x4.splat(0);
      let k = 0;
      for (; k + 4 <= kc; k += 4, q += 128) {
        const p = base + (<usize>k << 2);
        for (let half = 0; half < 2; half++) {
          const j = half << 2;
          const at = p + <usize>j * col;
          transposeStore(
            j < cols ? v128.load(at) : zero,
            j + 1 < cols ? v128.load(at + col) : zero,
            j + 2 < cols ? v128.load(at + 2 * col) : zero,
            j + 3 < cols ? v128.load(at + 3 * col) : zero,
            q + (<usize>half << 4),
            32,
          );
        }
      }
      for (; k < kc; k++, q += 32) {
        const p = base + (<usize>k << 2);
        for (let j = 0; j < NR; j++) {
          store<f32>(q + (<usize>j << 2), j < cols ? load<f32>(p + <usize>j * col) : 0);
        }
      }
    } else {
      for (let k = 0; k < kc; k++, q += 32) {
        for (let j = 0; j < NR; j++) {
          const v: f32 = j < cols ? load<f32>(base + ((<usize>(k * rs) + <usize>(j * cs)) << 2)) : 0;
          store<f32>(q + (<usize>j << 2), v);
        }
      }
    }
  }
}
