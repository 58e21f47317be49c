import type { Conv2dGeometry, Conv2dParams, WinogradTile } from './conv2d-geometry.js';
import type { WinogradCall } from './conv2d-winograd.js';
import type { Padding4 } from './shape.js';

/**
 * How a conv2d is computed, shared by every backend's kernels so that 'auto' picks the same
 * algorithm (and so the same order of sums) on each: the tuning of the im2col + GEMM and direct
 * algorithms, written once.
 */

/**
 * Below this many output channels per group the direct loops beat im2col + GEMM: the GEMM's
 * micro-tiles (four rows in WebAssembly) are mostly empty and packing costs as much as the
 * products (depthwise convolutions).
 */
export const DIRECT_BELOW = 4;

/**
 * Elements of one band of the patch matrix: 64 K floats (256 KB). Measured in WebAssembly on
 * W2-W5 among 16 K-128 K: smaller bands cut deep layers (W5: 1152 x 28 per output row) into
 * GEMMs too narrow for the 8-column micro-kernel; larger ones gain nothing.
 */
export const BAND_ELEMENTS = 1 << 16;

/**
 * From this many input and output channels per group, 'auto' computes a 3 x 3 stride-1 conv2d
 * and its input gradient by Winograd F(2 x 2, 3 x 3) (conv2d-winograd.ts), which needs 16
 * multiplications per 2 x 2 outputs and channel pair instead of 36. Its speed over im2col,
 * measured in WebAssembly on one thread (3 x 3, padding 1, forward / input gradient):
 * 8 -> 8 channels at 28 x 28 0.97x / 1.18x, 12 1.12x / 1.31x, 16 1.26x / 1.41x; 16 at 56 x 56
 * 1.59x / 2.99x, 32 at 28 x 28 1.60x / 2.93x.
 */
export const WINOGRAD_FROM_CHANNELS = 16;

/**
 * 'auto' takes Winograd only when a call has at least this many 2 x 2 output tiles (over the
 * batch) per channel of the wider side: the kernels are transformed on every call, which costs
 * about as much as four tiles of products per channel pair, and every tile is computed whole.
 * Measured as above, batch x channels at 7 x 7 (16 tiles per image): 8 x 64 1.24x (2 tiles per
 * channel), 2 x 64 0.69x (0.5), 4 x 256 0.69x (0.25), 2 x 512 0.43x (0.06); 2 x 128 at 14 x 14
 * 1.08x (0.77), 4 x 256 1.25x / 0.94x (0.77).
 */
export const WINOGRAD_TILES_PER_CHANNEL = 1;

/**
 * Elements of the transformed input of one F(2 x 2) Winograd work item (16 x channels x tiles): 32 K
 * floats (128 KB), so that it and the products stay in L2. On W4 and W5 (1 thread, forward,
 * interleaved, best of 12) 8 K to 128 K came within the noise of each other.
 */
export const WINOGRAD_BLOCK_ELEMENTS = 1 << 15;

export type ConvAlgorithm = 'im2col' | 'direct' | 'winograd';

/** Whether Winograd F(2 x 2, 3 x 3) computes this conv: a 3 x 3 kernel, unit stride and dilation. */
export function winogradApplies(g: Conv2dGeometry): boolean {
  return (
    g.kernelH === 3 &&
    g.kernelW === 3 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.dilationH === 1 &&
    g.dilationW === 1
  );
}

/**
 * The algorithm a call runs: `params.algorithm`, or for 'auto' the direct loops on few output
 * channels, Winograd on 3 x 3 stride-1 kernels with enough channels and tiles, else im2col. Where
 * this says 'winograd', the WebAssembly backend computes the weight gradient by Winograd
 * F(3 x 3, 4 x 4) too (one group: wasm/conv2d-winograd.ts), whatever the forward's tile; the
 * reference by im2col.
 */
export function convAlgorithm(g: Conv2dGeometry, params: Conv2dParams): ConvAlgorithm {
  const algorithm = params.algorithm ?? 'auto';
  const Og = g.outChannels / g.groups;
  const Cg = g.inChannels / g.groups;
  if (algorithm === 'auto') {
    if (Og < DIRECT_BELOW) return 'direct';
    if (!winogradApplies(g) || Og < WINOGRAD_FROM_CHANNELS || Cg < WINOGRAD_FROM_CHANNELS) return 'im2col';
    const tiles = g.batch * ((g.outH + 1) >> 1) * ((g.outW + 1) >> 1);
    return tiles >= WINOGRAD_TILES_PER_CHANNEL * Math.max(Og, Cg) ? 'winograd' : 'im2col';
  }
  if (algorithm === 'winograd' && !winogradApplies(g)) {
    throw new Error(
      `conv2d: algorithm 'winograd' needs a 3 x 3 kernel with stride 1 and dilation 1, got kernel ` +
        `[${g.kernelH}, ${g.kernelW}], stride [${g.strideH}, ${g.strideW}], dilation [${g.dilationH}, ${g.dilationW}]`,
    );
  }
  if (algorithm !== 'im2col' && algorithm !== 'direct' && algorithm !== 'winograd') {
    throw new Error(
      `conv2d: unknown algorithm '${algorithm}', expected 'auto', 'im2col', 'direct' or 'winograd'`,
    );
  }
  return algorithm;
}

/**
 * Elements of the transformed input of one F(4 x 4, 3 x 3) work item (36 x channels x tiles):
 * 256 K floats (1 MB). Each item streams all the transformed kernels (36 x O x C: 2.4 MB on
 * W5) through the GEMM, so the block must be wide for them to pay; measured against F(2 x 2)
 * (1 thread, alternating single calls, median of 15 pairs, W4 / W5 forward), its speedup rose
 * from 1.28x / 1.01x at 32 K to 1.49x / 1.28x at 256 K; 1 M came within the noise of 256 K.
 * F(6 x 6)'s items (64 x channels x tiles) take the same: on W4 and W5, 64 K to 1 M came within
 * the noise (a few per cent) of each other.
 */
export const WINOGRAD4_BLOCK_ELEMENTS = 1 << 18;

/**
 * 'auto' computes a Winograd conv by F(4 x 4, 3 x 3) (conv2d-winograd4.ts: 36 multiplications
 * per 4 x 4 outputs instead of F(2 x 2)'s 64, larger transforms, more rounding) from this many
 * 4 x 4 tiles over the batch (its blocks of tiles span images). F(2 x 2) / F(4 x 4) CPU time
 * (forward, 1 thread, median of 9 alternating pairs): batch 8 at 7 x 7 (32 tiles), 64 / 128 /
 * 256 / 512 channels 1.62x / 1.47x / 1.42x / 1.69x; batch 2 at 14 x 14 (32), 64 / 128 channels
 * 1.40x / 1.38x; W4 and W5 1.2-1.5x. It also won below 32 (batch 1 at 7 x 7, 4 tiles, 64 to
 * 512 channels: 1.38-1.56x); the threshold was not lowered to follow, as F(4 x 4) rounds about
 * 4x more than F(2 x 2).
 */
export const WINOGRAD4_FROM_TILES = 32;

/**
 * 'auto' takes F(6 x 6, 3 x 3) (conv2d-winograd6.ts: 64 multiplications per 6 x 6 outputs) over
 * F(4 x 4) when its tiles need this many times fewer products. Its last tiles are cut where 6
 * does not divide the output (W4's 56 x 56 takes 10 x 10 tiles for 9.3 x 9.3), which wastes
 * their products, and its transforms cost about as much per output as F(4 x 4)'s. F(4 x 4) / F(6 x 6) CPU time (forward,
 * 1 thread, medians of 15-25 alternating pairs, loaded machine): 64 channels, batch 8, at
 * 24 x 24 1.10x, at 48 x 48 1.13x; 128 channels at 24 x 24 1.15x (products 1.27x fewer);
 * batch 2 at 112 x 112 1.07x (1.22x); W4 and W5 1.00-1.02x (1.10x); 128 channels at 14 x 14
 * 0.88x (equal products).
 */
export const WINOGRAD6_GAIN = 1.2;

/**
 * Up to this many channels (the wider side, per group) F(6 x 6) can pay: every work item streams
 * all its transformed kernels (64 x O x C) through the GEMM, and its blocks hold fewer tiles as
 * channels grow. 256 channels at 24 x 24, batch 4: F(4 x 4) / F(6 x 6) 0.7x.
 */
export const WINOGRAD6_MAX_CHANNELS = 128;

/**
 * The output tile of a Winograd conv: `params.winogradTile`, else F(2 x 2) below
 * WINOGRAD4_FROM_TILES tiles, F(6 x 6) where WINOGRAD6_GAIN and WINOGRAD6_MAX_CHANNELS say, else
 * F(4 x 4).
 */
export function winogradTile(g: Conv2dGeometry, params: Conv2dParams): WinogradTile {
  const auto = (): WinogradTile => {
    const products = (m: number) => (m + 2) * (m + 2) * Math.ceil(g.outH / m) * Math.ceil(g.outW / m);
    if (g.batch * Math.ceil(g.outH / 4) * Math.ceil(g.outW / 4) < WINOGRAD4_FROM_TILES) return 2;
    const channels = Math.max(g.inChannels, g.outChannels) / g.groups;
    return channels <= WINOGRAD6_MAX_CHANNELS && products(6) * WINOGRAD6_GAIN <= products(4) ? 6 : 4;
  };
  const tile = params.winogradTile ?? auto();
  if (tile !== 2 && tile !== 4 && tile !== 6) {
    throw new Error(`conv2d: winogradTile must be 2, 4 or 6, got ${tile}`);
  }
  return tile;
}

/**
 * Output tiles per Winograd work item: WINOGRAD_BLOCK_ELEMENTS, in whole GEMM panels of 8, at
 * most an image's tiles for F(2 x 2), the batch's for F(4 x 4) and F(6 x 6) (their blocks span
 * images; WINOGRAD4_BLOCK_ELEMENTS).
 */
export function winogradTileBlock(call: WinogradCall): number {
  const perImage = Math.ceil(call.outH / call.tile) * Math.ceil(call.outW / call.tile);
  const tiles = call.tile === 2 ? perImage : call.batch * perImage;
  const points = (call.tile + 2) * (call.tile + 2);
  const elements = call.tile === 2 ? WINOGRAD_BLOCK_ELEMENTS : WINOGRAD4_BLOCK_ELEMENTS;
  const block = Math.floor(elements / (points * Math.max(call.inChannels, call.outChannels)) / 8) * 8;
  return Math.max(8, Math.min(Math.ceil(tiles / 8) * 8, block));
}

/** Output rows per band so that a band of the patch matrix holds about BAND_ELEMENTS values. */
export function bandRows(g: Conv2dGeometry): number {
  const rowElements = g.inChannels * g.kernelH * g.kernelW * g.outW;
  return Math.max(1, Math.min(g.outH, Math.floor(BAND_ELEMENTS / Math.max(1, rowElements))));
}

/** A 1 x 1 kernel with unit stride and no padding reads the input itself as the patch matrix. */
export function isPointwise(g: Conv2dGeometry, padding: Padding4): boolean {
  const [pt, pb, pl, pr] = padding;
  return g.kernelH === 1 && g.kernelW === 1 && g.strideH === 1 && g.strideW === 1 && pt + pb + pl + pr === 0;
}
