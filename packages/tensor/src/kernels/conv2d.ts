import { formatShape, numel } from '../shape.js';
import { sigmoidForward } from './activation.js';
import {
  conv2dDirectBackwardInput,
  conv2dDirectBackwardWeight,
  conv2dDirectForward,
} from './conv2d-direct.js';
import { type Conv2dGeometry, type Conv2dParams, conv2dGeometry } from './conv2d-geometry.js';
import { bandRows, convAlgorithm, isPointwise, winogradTile } from './conv2d-tuning.js';
import { winogradConv, winogradForwardCall, winogradInputGradientCall } from './conv2d-winograd.js';
import { col2imImage, im2colImage } from './im2col.js';
import { gemm } from './matmul.js';
import { allocLike, checkSize, type FloatArray } from './shape.js';

/**
 * 2-D cross-correlation over NCHW (what PyTorch calls conv2d), as im2col + GEMM per image and
 * group: with Kg = C / groups * kH * kW and L = outH * outW,
 *
 *   forward          y[n, g]  = W[g] (Og x Kg)  ·  cols(x[n, g]) (Kg x L)
 *   backward input   gx[n, g] = col2im( W[g]^T  ·  gy[n, g] )
 *   backward weight  gW[g]   += gy[n, g] (Og x L)  ·  cols(x[n, g])^T
 *
 * The patch matrix is built a band of output rows at a time, so its memory stays bounded.
 * Groups with fewer than DIRECT_BELOW (conv2d-tuning.ts) output channels (depthwise convolutions) use the direct
 * loops of conv2d-direct.ts instead, and wide 3 x 3 stride-1 layers Winograd (conv2d-winograd.ts).
 */

/**
 * y = conv2d(x, w) + bias. x [N, C, H, W], w [O, C / groups, kH, kW], bias [O] or null;
 * returns y [N, O, outH, outW] in a new array of x's kind (or in `out`, overwritten).
 */
export function conv2dForward<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  bias: FloatArray | null,
  params: Conv2dParams,
  out?: T,
): { out: T; outShape: number[] } {
  const op = 'conv2d';
  const g = conv2dGeometry(xShape, wShape, params, op);
  checkSize(op, 'input', x, xShape);
  checkSize(op, 'weight', w, wShape);
  if (bias !== null && bias.length !== g.outChannels) {
    throw new Error(
      `${op}: bias has ${bias.length} elements but weight has ${g.outChannels} output channels ` +
        `(weight ${formatShape(wShape)})`,
    );
  }
  const outShape = [g.batch, g.outChannels, g.outH, g.outW];
  const y = out ?? allocLike(x, numel(outShape));
  checkSize(op, 'out', y, outShape);
  const algorithm = convAlgorithm(g, params);
  if (algorithm === 'direct') conv2dDirectForward(x, w, bias, g, y);
  else if (algorithm === 'winograd')
    winogradConv(x, w, bias, winogradForwardCall(g, winogradTile(g, params)), y);
  else gemmForward(x, w, bias, g, isPointwise(g, params.padding), y);
  if (params.activation === 'sigmoid') sigmoidForward(y, y);
  return { out: y, outShape };
}

/** y[n, g] = bias + W[g] · cols(x[n, g]), band by band. */
function gemmForward(
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray | null,
  g: Conv2dGeometry,
  pointwise: boolean,
  y: FloatArray,
): void {
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, outH, outW } = g;
  const L = outH * outW;
  const Og = O / groups;
  const Kg = (C / groups) * g.kernelH * g.kernelW;
  const band = pointwise ? outH : bandRows(g);
  const cols = pointwise ? x : allocLike(x, C * g.kernelH * g.kernelW * band * outW);
  for (let n = 0; n < batch; n++) {
    const xImage = n * C * H * W;
    const yImage = n * O * L;
    for (let o = 0; o < O; o++) y.fill(bias === null ? 0 : bias[o], yImage + o * L, yImage + (o + 1) * L);
    for (let oh0 = 0; oh0 < outH; oh0 += band) {
      const oh1 = Math.min(outH, oh0 + band);
      const bandL = (oh1 - oh0) * outW;
      if (!pointwise) im2colImage(x, xImage, C, H, W, g, oh0, oh1, cols, 0);
      const colsBase = pointwise ? xImage : 0;
      const ldCols = pointwise ? L : bandL;
      for (let gi = 0; gi < groups; gi++) {
        const colsGroup = colsBase + gi * Kg * ldCols;
        const yBand = yImage + gi * Og * L + oh0 * outW;
        gemm(false, false, Og, bandL, Kg, 1, w, gi * Og * Kg, Kg, cols, colsGroup, ldCols, 1, y, yBand, L);
      }
    }
  }
}

/**
 * Gradient of conv2d with respect to its input: gy [N, O, outH, outW] -> gx with shape `xShape`
 * (a new array of gy's kind, or `out`, overwritten). This is also conv_transpose2d's forward.
 */
export function conv2dBackwardInput<T extends FloatArray>(
  gy: T,
  gyShape: readonly number[],
  w: FloatArray,
  wShape: readonly number[],
  xShape: readonly number[],
  params: Conv2dParams,
  out?: T,
): T {
  const op = 'conv2d backward (input)';
  const g = conv2dGeometry(xShape, wShape, params, op);
  checkGradShape(op, g, gyShape, xShape, wShape);
  checkSize(op, 'grad_output', gy, gyShape);
  checkSize(op, 'weight', w, wShape);
  const gx = out ?? allocLike(gy, numel(xShape));
  checkSize(op, 'out', gx, xShape);
  const algorithm = convAlgorithm(g, params);
  if (algorithm === 'direct') conv2dDirectBackwardInput(gy, w, g, gx);
  else if (algorithm === 'winograd')
    winogradConv(gy, w, null, winogradInputGradientCall(g, winogradTile(g, params)), gx);
  else gemmBackwardInput(gy, w, g, isPointwise(g, params.padding), gx);
  return gx;
}

/**
 * gx[n, g] = col2im(W[g]^T · gy[n, g]). The patch gradients and their sums onto the image stay
 * in double precision, so gx is rounded once.
 */
function gemmBackwardInput(
  gy: FloatArray,
  w: FloatArray,
  g: Conv2dGeometry,
  pointwise: boolean,
  gx: FloatArray,
): void {
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, outH, outW } = g;
  const L = outH * outW;
  const Cg = C / groups;
  const Og = O / groups;
  const Kg = Cg * g.kernelH * g.kernelW;
  if (pointwise) {
    // The patch matrix is the image itself, so W[g]^T · gy[n, g] is the gradient.
    for (let n = 0; n < batch; n++) {
      for (let gi = 0; gi < groups; gi++) {
        const gyGroup = (n * O + gi * Og) * L;
        const gxGroup = (n * C + gi * Cg) * L;
        gemm(true, false, Cg, L, Og, 1, w, gi * Og * Kg, Kg, gy, gyGroup, L, 0, gx, gxGroup, L);
      }
    }
    return;
  }
  const band = bandRows(g);
  const cols = new Float64Array(C * g.kernelH * g.kernelW * band * outW);
  const image = new Float64Array(C * H * W);
  for (let n = 0; n < batch; n++) {
    image.fill(0);
    for (let oh0 = 0; oh0 < outH; oh0 += band) {
      const oh1 = Math.min(outH, oh0 + band);
      const bandL = (oh1 - oh0) * outW;
      for (let gi = 0; gi < groups; gi++) {
        const gyBand = (n * O + gi * Og) * L + oh0 * outW;
        gemm(
          true,
          false,
          Kg,
          bandL,
          Og,
          1,
          w,
          gi * Og * Kg,
          Kg,
          gy,
          gyBand,
          L,
          0,
          cols,
          gi * Kg * bandL,
          bandL,
        );
      }
      col2imImage(cols, 0, C, H, W, g, oh0, oh1, image, 0);
    }
    gx.set(image, n * C * H * W);
  }
}

/**
 * Gradient of conv2d with respect to its weight: x [N, C, H, W] and gy [N, O, outH, outW] ->
 * gw with shape `wShape` (a new array of x's kind, or `out`, overwritten). Sums over the batch
 * and all positions are kept in double precision.
 */
export function conv2dBackwardWeight<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  gy: FloatArray,
  gyShape: readonly number[],
  wShape: readonly number[],
  params: Conv2dParams,
  out?: T,
): T {
  const op = 'conv2d backward (weight)';
  const g = conv2dGeometry(xShape, wShape, params, op);
  checkGradShape(op, g, gyShape, xShape, wShape);
  checkSize(op, 'input', x, xShape);
  checkSize(op, 'grad_output', gy, gyShape);
  const gw = out ?? allocLike(x, numel(wShape));
  checkSize(op, 'out', gw, wShape);
  const acc = new Float64Array(gw.length);
  if (convAlgorithm(g, params) === 'direct') conv2dDirectBackwardWeight(x, gy, g, acc);
  else gemmBackwardWeight(x, gy, g, isPointwise(g, params.padding), acc);
  gw.set(acc);
  return gw;
}

/** acc[O, Kg] += gy[n, g] · cols(x[n, g])^T over images, bands and groups. */
function gemmBackwardWeight(
  x: FloatArray,
  gy: FloatArray,
  g: Conv2dGeometry,
  pointwise: boolean,
  acc: Float64Array,
): void {
  const { batch, inChannels: C, height: H, width: W, outChannels: O, groups, outH, outW } = g;
  const L = outH * outW;
  const Og = O / groups;
  const Kg = (C / groups) * g.kernelH * g.kernelW;
  const band = pointwise ? outH : bandRows(g);
  const cols = pointwise ? x : allocLike(x, C * g.kernelH * g.kernelW * band * outW);
  for (let n = 0; n < batch; n++) {
    const xImage = n * C * H * W;
    for (let oh0 = 0; oh0 < outH; oh0 += band) {
      const oh1 = Math.min(outH, oh0 + band);
      const bandL = (oh1 - oh0) * outW;
      if (!pointwise) im2colImage(x, xImage, C, H, W, g, oh0, oh1, cols, 0);
      const colsBase = pointwise ? xImage : 0;
      const ldCols = pointwise ? L : bandL;
      for (let gi = 0; gi < groups; gi++) {
        const gyBand = (n * O + gi * Og) * L + oh0 * outW;
        const colsGroup = colsBase + gi * Kg * ldCols;
        gemm(false, true, Og, Kg, bandL, 1, gy, gyBand, L, cols, colsGroup, ldCols, 1, acc, gi * Og * Kg, Kg);
      }
    }
  }
}

/** Gradient of conv2d with respect to its bias: gy [N, O, outH, outW] summed over N, outH, outW. */
export function conv2dBackwardBias<T extends FloatArray>(gy: T, gyShape: readonly number[], out?: T): T {
  const op = 'conv2d backward (bias)';
  if (gyShape.length !== 4)
    throw new Error(`${op}: expected grad_output [N, O, H, W], got ${formatShape(gyShape)}`);
  checkSize(op, 'grad_output', gy, gyShape);
  const [batch, O, outH, outW] = gyShape;
  const L = outH * outW;
  const gb = out ?? allocLike(gy, O);
  checkSize(op, 'out', gb, [O]);
  for (let o = 0; o < O; o++) {
    // Four running sums in double precision: one sum is a chain of dependent additions that
    // runs at a quarter of the speed, and the order of float64 additions of float32 values
    // hardly ever shows after rounding to float32.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let n = 0; n < batch; n++) {
      const start = (n * O + o) * L;
      const end = start + L;
      let p = start;
      for (; p + 4 <= end; p += 4) {
        s0 += gy[p];
        s1 += gy[p + 1];
        s2 += gy[p + 2];
        s3 += gy[p + 3];
      }
      for (; p < end; p++) s0 += gy[p];
    }
    gb[o] = s0 + s1 + (s2 + s3);
  }
  return gb;
}

function checkGradShape(
  op: string,
  g: Conv2dGeometry,
  gyShape: readonly number[],
  xShape: readonly number[],
  wShape: readonly number[],
): void {
  const expected = [g.batch, g.outChannels, g.outH, g.outW];
  if (gyShape.length !== 4 || expected.some((d, i) => d !== gyShape[i])) {
    throw new Error(
      `${op}: expected grad_output ${formatShape(expected)} for input ${formatShape(xShape)} and weight ` +
        `${formatShape(wShape)}, got ${formatShape(gyShape)}`,
    );
  }
}
