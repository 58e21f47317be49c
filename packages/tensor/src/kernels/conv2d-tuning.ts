import type { Conv2dGeometry, Conv2dParams } from './conv2d.js';
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

export type ConvAlgorithm = 'im2col' | 'direct';

/** The algorithm a call runs: `params.algorithm`, or for 'auto' the direct loops on few channels. */
export function convAlgorithm(g: Conv2dGeometry, params: Conv2dParams): ConvAlgorithm {
  const algorithm = params.algorithm ?? 'auto';
  if (algorithm === 'auto') return g.outChannels / g.groups < DIRECT_BELOW ? 'direct' : 'im2col';
  if (algorithm !== 'im2col' && algorithm !== 'direct') {
    throw new Error(`conv2d: unknown algorithm '${algorithm}', expected 'auto', 'im2col' or 'direct'`);
  }
  return algorithm;
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
