/**
 * Sizes and strides of the Winograd kernels' buffers (winograd.ts and winograd4.ts, their
 * weights). `m` is the output tile's side: 2 for F(2 x 2, 3 x 3), 4 for F(4 x 4, 3 x 3), 6 for F(6 x 6, 3 x 3); the
 * input tile's side is m + 2 and a tile has (m + 2)^2 points ξ.
 */

import { packedABytes, roundUp } from './pack';
import { ConvParams } from './params';

@inline
export function tilesAlong(out: i32, m: i32): i32 {
  return (out + m - 1) / m;
}

/** (m + 2)^2: the transformed matrices of a tile size. */
@inline
export function pointsOf(m: i32): i32 {
  return (m + 2) * (m + 2);
}

/**
 * Floats per row of the padded input copy: m per tile, 2 more, and the slack of the last
 * group's vector loads (F(2): 10 floats from 2 tx; F(4): 4 floats past a tile's start; F(6): 8).
 */
@inline
export function paddedWidth(p: usize, m: i32): i32 {
  const params = changetype<ConvParams>(p);
  return roundUp(m * tilesAlong(params.outW, m) + 4, 4);
}

/** Rows of the padded input copy of one block: m per tile row it can span, and 2. */
@inline
export function paddedRows(p: usize, m: i32): i32 {
  const params = changetype<ConvParams>(p);
  const tilesW = tilesAlong(params.outW, m);
  const spans = min(tilesAlong(params.outH, m), (params.tileBlock - 1) / tilesW + 2);
  return m * spans + 2;
}

/**
 * Bytes from one (ξ, group) matrix of the transformed kernels U to the next: the GEMM's packed A
 * and a cache line, so that the (m + 2)^2 values a kernel transform writes at once do not fall
 * into the same L1 set (the matrices' size is often a multiple of 4 KB: 64 KB on W5).
 */
@inline
export function uMatrixBytes(p: usize): usize {
  const params = changetype<ConvParams>(p);
  const groups = params.groups;
  return <usize>packedABytes(params.o / groups, params.c / groups) + 64;
}

@inline
export function weightBytes(p: usize, m: i32): i32 {
  return pointsOf(m) * changetype<ConvParams>(p).groups * <i32>uMatrixBytes(p);
}

/**
 * Bytes from V[ξ] (or M[ξ]) to V[ξ + 1]: `channels` rows of TILE_BLOCK columns (V's panels of
 * 8 tiles hold a whole last panel) and a cache line, so that the matrices a transform reads or
 * writes at once do not fall into the same L1 sets (their size is often a multiple of 4 KB).
 */
@inline
export function xiBytes(p: usize, channels: i32): usize {
  const params = changetype<ConvParams>(p);
  return <usize>((channels * roundUp(params.tileBlock, 8)) << 2) + 64;
}

/** Bytes of V (or M): one matrix per point. */
@inline
export function transformedBytes(p: usize, channels: i32, m: i32): i32 {
  return pointsOf(m) * <i32>xiBytes(p, channels);
}

/**
 * Vectors of four tiles' values between two passes of a transform: F(4 x 4)'s 36 and 4,
 * F(6 x 6)'s 64 (input) or 48 and 6 (output).
 */
export const STAGING_BYTES: i32 = 64 * 16;
