/**
 * Unit-column-stride conv2d weight gradient summed straight from shifted copies of the input,
 * with no patch matrix and no packing:
 *
 *   gW[o, k] = sum over images n, output rows oh, columns ow of gy[n, o, oh, ow] xp[n, k](oh, ow)
 *
 * where row k = (c, ki, kj) of the patch matrix is a run of image n's shifted plane (c, kj)
 * (implicit.ts's `shiftImage`, outW columns wide), and gy is read where it is. With unit strides
 * both runs are contiguous over every output of an image, and the inner loop runs over the
 * whole image at once (run an output row at a time, 7 vectors for LeNet's first convolution,
 * it lost a loop exit a row: 3-5% of its time). Four output columns a vector: each lane of an
 * accumulator sums its own columns, over the images of a work item, then the lanes are added
 * ((l0 + l1) + (l2 + l3)). Blocks of two output channels by four rows k keep eight accumulators
 * in registers through a whole work item. The caller takes this path only for output rows of
 * whole vectors (outW a multiple of 4): every lane is then an output column, and every product
 * one of the reference's terms (no lane multiplies a padding zero by an input that may be
 * infinite).
 *
 * Work item i sums images [i IMAGES, (i + 1) IMAGES) into its own Og x Kg partial at
 * gw + 4 i O Kg; the caller adds the partials in item order. Neither depends on the thread
 * count. For LeNet's first convolution (25 rows k, 6 output channels) the GEMM's tiles were a
 * third empty and packing cost as much as the products.
 */

import { WEIGHT_GRADIENT_IMAGES } from './abi.generated';
import { madd } from './gemm';
import { paddedRows, shiftedImageBytes, shiftedOffsets, shiftImage } from './implicit';
import { ConvParams } from './params';

/** Scratch bytes one thread needs for `implicitBackwardWeight`. */
export function implicitBackwardWeightScratch(p: usize): i32 {
  const params = changetype<ConvParams>(p);
  const Kg = (params.c / params.groups) * params.kh * params.kw;
  return (Kg << 2) + WEIGHT_GRADIENT_IMAGES * shiftedImageBytes(params) + 32;
}

@inline
function copySums(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * Rows o, o + 1 by k .. k + 3 of a partial over `images` images, to `tile` (two rows of four
 * floats): gradients at gy (images gyImage bytes apart, channel o + 1's plane `second` bytes
 * after channel o's, `runs` runs of runBytes an image, gyRun bytes apart), inputs at x (images
 * xImage bytes apart, runs xRun bytes apart, rows k at byte offsets o0 .. o3). A block past the last channel or row repeats one (second = 0, or a
 * repeated offset), and the caller drops its sums.
 */
@inline
function block2x4(
  images: i32,
  gy: usize,
  gyImage: usize,
  second: usize,
  x: usize,
  xImage: usize,
  o0: usize,
  o1: usize,
  o2: usize,
  o3: usize,
  runs: i32,
  gyRun: usize,
  xRun: usize,
  runBytes: usize,
  tile: usize,
): void {
  let a00 = f32x4.splat(0);
  let a01 = f32x4.splat(0);
  let a02 = f32x4.splat(0);
  let a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0);
  let a11 = f32x4.splat(0);
  let a12 = f32x4.splat(0);
  let a13 = f32x4.splat(0);
  for (let n = 0; n < images; n++) {
    let g = gy + <usize>n * gyImage;
    let xr = x + <usize>n * xImage;
    for (let run = 0; run < runs; run++, g += gyRun, xr += xRun) {
      for (let j: usize = 0; j < runBytes; j += 16) {
        const g0 = v128.load(g + j);
        const g1 = v128.load(g + second + j);
        const p = xr + j;
        let v = v128.load(p + o0);
        a00 = madd(g0, v, a00, true);
        a10 = madd(g1, v, a10, true);
        v = v128.load(p + o1);
        a01 = madd(g0, v, a01, true);
        a11 = madd(g1, v, a11, true);
        v = v128.load(p + o2);
        a02 = madd(g0, v, a02, true);
        a12 = madd(g1, v, a12, true);
        v = v128.load(p + o3);
        a03 = madd(g0, v, a03, true);
        a13 = madd(g1, v, a13, true);
      }
    }
  }
  store<f32>(tile, lanes(a00));
  store<f32>(tile, lanes(a01), 4);
  store<f32>(tile, lanes(a02), 8);
  store<f32>(tile, lanes(a03), 12);
  store<f32>(tile, lanes(a10), 16);
  store<f32>(tile, lanes(a11), 20);
  store<f32>(tile, lanes(a12), 24);
  store<f32>(tile, lanes(a13), 28);
}

/** Weight-gradient items [start, end): item = a run of WEIGHT_GRADIENT_IMAGES images. */
export function implicitBackwardWeight(p: usize, start: i32, end: i32, scratch: usize): void {
  const params = changetype<ConvParams>(p);
  const batch = params.n;
  const groups = params.groups;
  const channels = params.c;
  const outChannels = params.o;
  const Og = outChannels / groups;
  const Cg = channels / groups;
  const Kg = Cg * params.kh * params.kw;
  const outH = params.outH;
  const outW = params.outW;
  const L = outH * outW;
  const xImage = <usize>shiftedImageBytes(params);
  const gyImage = <usize>(outChannels * L) << 2;
  const gyPlane = <usize>L << 2;
  const xPlane = <usize>(paddedRows(params) * outW) << 2;
  // Unit strides: one run of every output of an image; else a run an output row, the input's
  // sh rows of the shifted planes apart.
  const unit = params.sh == 1;
  const runs = unit ? 1 : outH;
  const runBytes = unit ? gyPlane : <usize>outW << 2;
  const xRun = <usize>(params.sh * outW) << 2;
  const inImage = <usize>channels * <usize>params.h * <usize>params.w;
  const offsets = scratch;
  const xs = offsets + (<usize>Kg << 2);
  const tile = xs + <usize>WEIGHT_GRADIENT_IMAGES * xImage;
  shiftedOffsets(params, offsets);
  for (let item = start; item < end; item++) {
    const n0 = item * WEIGHT_GRADIENT_IMAGES;
    const images = min(WEIGHT_GRADIENT_IMAGES, batch - n0);
    const gyItem = params.y + <usize>n0 * gyImage;
    for (let i = 0; i < images; i++) {
      shiftImage(params, params.x + ((<usize>(n0 + i) * inImage) << 2), xs + <usize>i * xImage);
    }
    const partial = params.gw + ((<usize>item * <usize>outChannels * <usize>Kg) << 2);
    for (let g = 0; g < groups; g++) {
      const x = xs + <usize>(g * Cg * params.kw) * xPlane;
      for (let o = 0; o < Og; o += 2) {
        const pair = min(2, Og - o);
        const gyO = gyItem + <usize>(g * Og + o) * gyPlane;
        const dst = partial + ((<usize>(g * Og + o) * <usize>Kg) << 2);
        for (let k = 0; k < Kg; k += 4) {
          const quad = min(4, Kg - k);
          const at = offsets + (<usize>k << 2);
          const o0 = <usize>load<i32>(at);
          const o1 = quad > 1 ? <usize>load<i32>(at, 4) : o0;
          const o2 = quad > 2 ? <usize>load<i32>(at, 8) : o0;
          const o3 = quad > 3 ? <usize>load<i32>(at, 12) : o0;
          const second = pair > 1 ? gyPlane : 0;
          block2x4(images, gyO, gyImage, second, x, xImage, o0, o1, o2, o3, runs, runBytes, xRun, runBytes, tile);
          for (let r = 0; r < pair; r++) {
            copySums(dst + ((<usize>(r * Kg + k)) << 2), tile + (<usize>r << 4), quad);
          }
        }
      }
    }
  }
}
