/**
 * Packed, register-blocked single-precision matrix product, as in BLIS (Goto and van de Geijn,
 * "Anatomy of High-Performance Matrix Multiplication", 2008; Van Zee and van de Geijn, "BLIS",
 * 2015): a KC x NC block of op(B) and the KC-deep slices of op(A) are packed into panels of NR
 * columns and MR rows, and a 4 x 8 micro-kernel keeps its 4 x 2 f32x4 accumulators in registers.
 * 4 x 8 measured fastest in V8 here: 5 x 8, 6 x 8 and 4 x 12 spill (16 xmm registers).
 *
 * Matrices are described by a base pointer and strides in elements: element (i, k) of op(A) is
 * at `a + 4 * (i * rs + k * cs)`, so a transposed operand is just swapped strides. Every sum
 * runs over k in the same order whatever the block of C being computed, so splitting C between
 * threads along M or N gives bit-identical results.
 */

import { GemmParams } from './params';
import { KC, MC, MR, NC, NR, packA, packB, packedABytes, packedBBytes, roundUp, TILE_BYTES } from './pack';

/**
 * acc + a b. Where `fused` and the binary is the relaxed-SIMD build (scripts/build-wasm.mjs),
 * `f32x4.relaxed_madd`: one rounding on a CPU with FMA (V8 chooses once per machine, so results
 * stay reproducible there), and twice the products per cycle of a multiply then an add on the
 * FMA ports. Only the conv kernels fuse: matmul keeps the reference's bits (kernels/matmul.ts).
 */
@inline
export function madd(a: v128, b: v128, acc: v128, fused: bool): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && fused) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** C[4 x 8] (row stride ldc bytes) = or += alpha * Apanel · Bpanel over kc (B's rows bRow bytes apart). */
@inline
export function microKernel(
  kc: i32,
  a: usize,
  b: usize,
  bRow: usize,
  c: usize,
  ldc: usize,
  alpha: f32,
  accumulate: bool,
  fused: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++, a += 16, b += bRow) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00, fused);
    c01 = madd(av, b1, c01, fused);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10, fused);
    c11 = madd(av, b1, c11, fused);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20, fused);
    c21 = madd(av, b1, c21, fused);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30, fused);
    c31 = madd(av, b1, c31, fused);
  }
  const s = f32x4.splat(alpha);
  if (accumulate) {
    v128.store(c, f32x4.add(v128.load(c), f32x4.mul(c00, s)));
    v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(c01, s)), 16);
    c += ldc;
    v128.store(c, f32x4.add(v128.load(c), f32x4.mul(c10, s)));
    v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(c11, s)), 16);
    c += ldc;
    v128.store(c, f32x4.add(v128.load(c), f32x4.mul(c20, s)));
    v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(c21, s)), 16);
    c += ldc;
    v128.store(c, f32x4.add(v128.load(c), f32x4.mul(c30, s)));
    v128.store(c, f32x4.add(v128.load(c, 16), f32x4.mul(c31, s)), 16);
  } else {
    v128.store(c, f32x4.mul(c00, s));
    v128.store(c, f32x4.mul(c01, s), 16);
    c += ldc;
    v128.store(c, f32x4.mul(c10, s));
    v128.store(c, f32x4.mul(c11, s), 16);
    c += ldc;
    v128.store(c, f32x4.mul(c20, s));
    v128.store(c, f32x4.mul(c21, s), 16);
    c += ldc;
    v128.store(c, f32x4.mul(c30, s));
    v128.store(c, f32x4.mul(c31, s), 16);
  }
}

/**
 * `microKernel` for the last four columns of an edge panel: C[4 x 4] = or += alpha * Apanel ·
 * the first four columns of Bpanel, at half the cost of the full tile.
 */
@inline
function microKernelHalf(
  kc: i32,
  a: usize,
  b: usize,
  bRow: usize,
  c: usize,
  ldc: usize,
  alpha: f32,
  accumulate: bool,
  fused: bool,
): void {
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let c2 = f32x4.splat(0);
  let c3 = f32x4.splat(0);
  for (let k = 0; k < kc; k++, a += 16, b += bRow) {
    const b0 = v128.load(b);
    c0 = madd(v128.load32_splat(a), b0, c0, fused);
    c1 = madd(v128.load32_splat(a, 4), b0, c1, fused);
    c2 = madd(v128.load32_splat(a, 8), b0, c2, fused);
    c3 = madd(v128.load32_splat(a, 12), b0, c3, fused);
  }
  const s = f32x4.splat(alpha);
  if (accumulate) {
    v128.store(c, f32x4.add(v128.load(c), f32x4.mul(c0, s)));
    v128.store(c + ldc, f32x4.add(v128.load(c + ldc), f32x4.mul(c1, s)));
    v128.store(c + 2 * ldc, f32x4.add(v128.load(c + 2 * ldc), f32x4.mul(c2, s)));
    v128.store(c + 3 * ldc, f32x4.add(v128.load(c + 3 * ldc), f32x4.mul(c3, s)));
  } else {
    v128.store(c, f32x4.mul(c0, s));
    v128.store(c + ldc, f32x4.mul(c1, s));
    v128.store(c + 2 * ldc, f32x4.mul(c2, s));
    v128.store(c + 3 * ldc, f32x4.mul(c3, s));
  }
}

/**
 * C (M x nc, row stride ldc elements) = or += alpha * A · B over one KC block: A's block packed
 * by `packA` at `aBlock` (kc deep); B in panels of NR columns, panel j at b + j bPanel, its rows
 * bRow bytes apart: packed (bPanel = 4 kc NR, bRow = 4 NR) or a row-major kc x nc matrix read
 * in place (bPanel = 4 NR, bRow = 4 nc; the last panel then reads up to NR - 1 floats past the
 * end of each row, which only the edge tile sees). `tile` holds an edge tile (TILE_BYTES).
 */
export function gemmBlock(
  M: i32,
  nc: i32,
  kc: i32,
  alpha: f32,
  aBlock: usize,
  b: usize,
  bPanel: usize,
  bRow: usize,
  c: usize,
  ldc: i32,
  add: bool,
  tile: usize,
): void {
  blockProduct(M, nc, kc, alpha, aBlock, b, bPanel, bRow, c, ldc, add, tile, false);
}

/**
 * `gemmBlock` with its products fused into its sums where the binary can (`madd`): the conv
 * kernels'. A function of its own: with both micro-kernels in one function (a `fused` flag), V8's
 * code for the fused one ran W5's forward 1.7x slower (22 ms against 13).
 */
export function gemmBlockFused(
  M: i32,
  nc: i32,
  kc: i32,
  alpha: f32,
  aBlock: usize,
  b: usize,
  bPanel: usize,
  bRow: usize,
  c: usize,
  ldc: i32,
  add: bool,
  tile: usize,
): void {
  blockProduct(M, nc, kc, alpha, aBlock, b, bPanel, bRow, c, ldc, add, tile, true);
}

/**
 * The loop of `gemmBlock` and `gemmBlockFused`. Only whole 4 x 8 tiles run inline here; the edge
 * tiles go to `edgeTile`, a call of its own: with them inline too, V8 kept fewer of the
 * micro-kernel's values in registers. W4's Winograd products (64 x 112 x 64, fused, L1-resident)
 * ran at 46.6 GFLOP/s that way against 50.4, and W4's forward 2.6% slower; a 6-row product, half
 * edge tiles, pays the call (5%).
 */
@inline
function blockProduct(
  M: i32,
  nc: i32,
  kc: i32,
  alpha: f32,
  aBlock: usize,
  b: usize,
  bPanel: usize,
  bRow: usize,
  c: usize,
  ldc: i32,
  add: bool,
  tile: usize,
  fused: bool,
): void {
  const ldcBytes = <usize>ldc << 2;
  const panelBytes = <usize>kc << 4;
  for (let ic = 0; ic < M; ic += MC) {
    const mc = min(MC, M - ic);
    for (let jr = 0; jr < nc; jr += NR) {
      const cols = min(NR, nc - jr);
      const bj = b + <usize>(jr / NR) * bPanel;
      let aPanel = aBlock + (<usize>ic * <usize>kc << 2);
      let cTile = c + ((<usize>ic * <usize>ldc + <usize>jr) << 2);
      const whole = cols == NR ? mc & ~(MR - 1) : 0;
      let ir = 0;
      for (; ir < whole; ir += MR, aPanel += panelBytes, cTile += ldcBytes * MR) {
        microKernel(kc, aPanel, bj, bRow, cTile, ldcBytes, alpha, add, fused);
      }
      for (; ir < mc; ir += MR, aPanel += panelBytes, cTile += ldcBytes * MR) {
        edgeTile(min(MR, mc - ir), cols, kc, alpha, aPanel, bj, bRow, cTile, ldcBytes, add, tile, fused);
      }
    }
  }
}

/**
 * C[rows x cols] (rows <= MR, cols <= NR, not both whole) of `blockProduct`: a whole half tile
 * (cols 4) straight, any other through `tile`.
 */
function edgeTile(
  rows: i32,
  cols: i32,
  kc: i32,
  alpha: f32,
  aPanel: usize,
  b: usize,
  bRow: usize,
  c: usize,
  ldcBytes: usize,
  add: bool,
  tile: usize,
  fused: bool,
): void {
  // Each branch its own micro-kernel, its `fused` a constant (see `gemmBlockFused`).
  if (fused) edgeTileOf(rows, cols, kc, alpha, aPanel, b, bRow, c, ldcBytes, add, tile, true);
  else edgeTileOf(rows, cols, kc, alpha, aPanel, b, bRow, c, ldcBytes, add, tile, false);
}

@inline
function edgeTileOf(
  rows: i32,
  cols: i32,
  kc: i32,
  alpha: f32,
  aPanel: usize,
  b: usize,
  bRow: usize,
  c: usize,
  ldcBytes: usize,
  add: bool,
  tile: usize,
  fused: bool,
): void {
  if (rows == MR && cols == 4) {
    microKernelHalf(kc, aPanel, b, bRow, c, ldcBytes, alpha, add, fused);
    return;
  }
  microKernel(kc, aPanel, b, bRow, tile, 32, alpha, false, fused);
  for (let r = 0; r < rows; r++) {
    const src = tile + (<usize>r << 5);
    const dst = c + <usize>r * ldcBytes;
    if (add) {
      for (let j = 0; j < cols; j++) {
        const o = <usize>j << 2;
        store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
      }
    } else {
      for (let j = 0; j < cols; j++) store<f32>(dst + (<usize>j << 2), load<f32>(src + (<usize>j << 2)));
    }
  }
}

/**
 * C (M x N, row stride ldc elements) = or += alpha * A · op(B), with A packed whole by `packA`
 * at `ap` and op(B) element (k, j) at b + 4 (k brs + j bcs). `bp` holds the packed B block
 * (`packedBBytes`) and `tile` an edge tile (TILE_BYTES). The first K block stores unless
 * `accumulate`; later ones add. `fused`: as `gemmBlockFused`.
 */
export function gemmPacked(
  M: i32,
  N: i32,
  K: i32,
  alpha: f32,
  ap: usize,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  accumulate: bool,
  bp: usize,
  tile: usize,
  fused: bool,
): void {
  const Mp = roundUp(M, MR);
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      packB(b + ((<usize>(pc * brs) + <usize>(jc * bcs)) << 2), brs, bcs, kc, nc, bp);
      const aBlock = ap + ((<usize>Mp * <usize>pc) << 2);
      const cBlock = c + (<usize>jc << 2);
      const add = accumulate || pc > 0;
      if (fused) gemmBlockFused(M, nc, kc, alpha, aBlock, bp, <usize>kc << 5, 32, cBlock, ldc, add, tile);
      else gemmBlock(M, nc, kc, alpha, aBlock, bp, <usize>kc << 5, 32, cBlock, ldc, add, tile);
    }
  }
}

/** Scratch bytes `gemm` needs for these sizes. */
export function gemmScratchBytes(M: i32, N: i32, K: i32): i32 {
  return packedABytes(M, K) + packedBBytes(N, K) + TILE_BYTES;
}

/**
 * C = alpha op(A) op(B) + beta C, BLAS-style, strides in elements (see the file comment); C
 * has row stride ldc. With beta = 0, C is not read. `scratch` holds `gemmScratchBytes`.
 */
export function gemm(
  M: i32,
  N: i32,
  K: i32,
  alpha: f32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if ((beta != 0 && beta != 1) || K <= 0 || alpha == 0) {
    for (let i = 0; i < M; i++) {
      const row = c + (<usize>(i * ldc) << 2);
      for (let j = 0; j < N; j++) {
        const p = row + (<usize>j << 2);
        store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
      }
    }
    if (K <= 0 || alpha == 0) return;
  }
  packA(a, ars, acs, M, K, scratch);
  const bp = scratch + <usize>packedABytes(M, K);
  gemmPacked(M, N, K, alpha, scratch, b, brs, bcs, c, ldc, beta != 0, bp, bp + <usize>packedBBytes(N, K), false);
}

/**
 * Blocks of one gemm call as work items, for threads: the parameter block holds a GemmParams
 * (scripts/wasm-abi.mjs); item j computes rows (or columns) [j block, (j + 1) block) with
 * its own scratch. Rows are preferred: threads writing neighbouring columns of the same rows of
 * C would share cache lines.
 */
export function gemmItems(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<GemmParams>(p);
  const M = params.m;
  const N = params.n;
  const K = params.k;
  const alpha = params.alpha;
  const a = params.a;
  const ars = params.aRow;
  const acs = params.aCol;
  const b = params.b;
  const brs = params.bRow;
  const bcs = params.bCol;
  const beta = params.beta;
  const c = params.c;
  const ldc = params.ldc;
  const block = params.block;
  const rows = params.byRows != 0;
  for (let item = start; item < end; item++) {
    const j0 = item * block;
    if (rows) {
      const j1 = min(M, j0 + block);
      const cRows = c + ((<usize>j0 * <usize>ldc) << 2);
      gemm(j1 - j0, N, K, alpha, a + (<usize>(j0 * ars) << 2), ars, acs, b, brs, bcs, beta, cRows, ldc, scratch);
    } else {
      const j1 = min(N, j0 + block);
      const cCols = c + (<usize>j0 << 2);
      gemm(M, j1 - j0, K, alpha, a, ars, acs, b + (<usize>(j0 * bcs) << 2), brs, bcs, beta, cCols, ldc, scratch);
    }
  }
}

/** 1 in the relaxed-SIMD build (its conv GEMMs fuse, `madd`), else 0: the runtime reports which loaded. */
export function relaxedSimd(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
