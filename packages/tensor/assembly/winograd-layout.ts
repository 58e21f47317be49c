/** Sizes and strides of the Winograd kernels' buffers (winograd.ts, winograd-weights.ts). */

import { packedABytes, roundUp } from './pack';
import { ConvParams } from './params';

@inline
export function tilesAlong(out: i32): i32 {
  return (out + 1) >> 1;
}

/** Floats per row of the padded input copy: 2 per tile, 2 more, and the last vector load's slack. */
@inline
export function paddedWidth(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  return roundUp(2 * tilesAlong(params.outW) + 4, 4);
}

/** Rows of the padded input copy of one block: 2 per tile row it can span, and 2. */
@inline
export function paddedRows(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const spans = min(tilesAlong(params.outH), (params.tileBlock - 1) / tilesAlong(params.outW) + 2);
  return 2 * spans + 2;
}

@inline
export function weightBytes(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  return 16 * groups * packedABytes(params.o / groups, params.c / groups);
}

/**
 * Bytes from V[ξ] (or M[ξ]) to V[ξ + 1]: `channels` rows of TILE_BLOCK columns and a cache
 * line, so that the 16 matrices a transform reads or writes at once do not fall into the same
 * L1 sets (their size is often a multiple of 4 KB).
 */
@inline
export function xiBytes(p: usize, channels: i32): usize {
  const params = changetype<ConvParams>(p);
  return <usize>((channels * params.tileBlock) << 2) + 64;
}

/** Bytes of V (or M): 16 matrices. */
@inline
export function transformedBytes(p: usize, channels: i32): i32 {
  return 16 * <i32>xiBytes(p, channels);
}

/** 16 vectors of 4 tiles' values, and 4 of outputs. */
export const STAGING_BYTES: i32 = 20 * 16;
