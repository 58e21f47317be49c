/**
 * The blocks of F(4 x 4) and F(6 x 6) work items, which run over the tiles of the whole batch
 * (row-major over each image's tiles, image after image), so that small images still give the
 * GEMM wide blocks: where each tile of a block reads its input and writes its output. Shared by
 * the forward (winograd4.ts) and the weight gradient (winograd-weight-grad.ts).
 */

import { ConvParams } from './params';
import { copyPadded } from './winograd';
import { paddedRows, paddedWidth, tilesAlong } from './winograd-layout';

/** m x m tiles of the whole batch. */
@inline
export function batchTiles(p: usize, m: i32): i32 {
  const params = changetype<ConvParams>(p);
  return params.n * tilesAlong(params.outH, m) * tilesAlong(params.outW, m);
}

/** Images a block of TILE_BLOCK consecutive tiles (over the batch) can touch. */
function spannedImages(p: usize, m: i32): i32 {
  const params = changetype<ConvParams>(p);
  const perImage = tilesAlong(params.outH, m) * tilesAlong(params.outW, m);
  return min(params.n, params.tileBlock < 2 ? 1 : (params.tileBlock - 2) / perImage + 2);
}

/** Bytes of one channel's padded copy in a block. */
@inline
export function paddedPlaneBytes(p: usize, m: i32): i32 {
  return (paddedRows(p, m) * paddedWidth(p, m)) << 2;
}

/** Bytes of the padded copies of the images a block spans (each channel's copy the same size). */
export function spannedCopyBytes(p: usize, m: i32): i32 {
  return spannedImages(p, m) * changetype<ConvParams>(p).c * paddedPlaneBytes(p, m);
}

/**
 * Copies, with their padding, the input rows that tiles [g0, g1) of the batch read into `buf`
 * (`spannedCopyBytes`), image after image, and writes each tile's u32 entries: `srcAt`, where
 * its (m + 2) x (m + 2) window starts in channel 0's copy (bytes from `buf`; each channel's copy
 * `paddedPlaneBytes` after the previous); `outAt`, where its m x m outputs start in output
 * channel 0 of y (or gy); `clip`, rows << 4 | columns of them inside OUT_H x OUT_W.
 */
export function copyBlock(p: usize, m: i32, g0: i32, g1: i32, buf: usize, srcAt: usize, outAt: usize, clip: usize): void {
  const params = changetype<ConvParams>(p);
  const channels = params.c;
  const outH = params.outH;
  const outW = params.outW;
  const tilesW = tilesAlong(outW, m);
  const perImage = tilesAlong(outH, m) * tilesW;
  const imageBytes = (<usize>channels * <usize>params.h * <usize>params.w) << 2;
  const outImageBytes = (<usize>params.o * <usize>outH * <usize>outW) << 2;
  const rowBytes = paddedWidth(p, m) << 2;
  const copyBytes = <usize>channels * <usize>paddedPlaneBytes(p, m);
  let copy = buf;
  for (let g = g0; g < g1; copy += copyBytes) {
    // The part of the block in image n: its tiles [t0, t1).
    const n = g / perImage;
    const t0 = g - n * perImage;
    const t1 = min(perImage, t0 + g1 - g);
    const ty0 = t0 / tilesW;
    const rows = m * ((t1 - 1) / tilesW - ty0) + m + 2;
    copyPadded(p, m, params.x + <usize>n * imageBytes, m * ty0 - params.padTop, rows, copy, paddedRows(p, m));
    for (let t = t0; t < t1; t++) {
      const ty = t / tilesW;
      const tx = t - ty * tilesW;
      const at = <usize>(g - g0 + t - t0) << 2;
      store<u32>(srcAt + at, <u32>(copy - buf) + <u32>(m * (ty - ty0) * rowBytes + ((m * tx) << 2)));
      store<u32>(outAt + at, <u32>(<usize>n * outImageBytes) + <u32>((m * ty * outW + m * tx) << 2));
      store<u32>(clip + at, (<u32>min(m, outH - m * ty) << 4) | <u32>min(m, outW - m * tx));
    }
    g += t1 - t0;
  }
}
