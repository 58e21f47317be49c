import { formatShape } from '../shape.js';
import {
  allocLike,
  checkSize,
  convOutputSize,
  expandPair,
  type FloatArray,
  type Padding4,
  type Pair,
  requireImage,
  requireNonNegative,
  requirePositive,
} from './shape.js';

/**
 * im2col: cross-correlation as a matrix product. Column `l = oh * outW + ow` of the matrix holds
 * the input patch under output position (oh, ow); row `(c * kernelH + ki) * kernelW + kj` holds
 * input pixel (c, oh * strideH - padTop + ki * dilationH, ow * strideW - padLeft + kj * dilationW),
 * zero where that falls in the padding. This is `torch.nn.functional.unfold`'s layout.
 */

/** Everything the patch extraction of one image needs, resolved once. */
export interface PatchGeometry {
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/** Sliding-window parameters with explicit per-side zero padding `[top, bottom, left, right]`. */
export interface PatchParams {
  readonly stride: readonly [number, number];
  readonly padding: Padding4;
  readonly dilation: readonly [number, number];
}

/** `F.unfold` / `F.fold` parameters: symmetric padding, each a number or `[h, w]`. */
export interface UnfoldParams {
  readonly dilation?: Pair;
  readonly padding?: Pair;
  readonly stride?: Pair;
}

export function patchGeometry(
  height: number,
  width: number,
  kernel: readonly [number, number],
  params: PatchParams,
): PatchGeometry {
  const [kernelH, kernelW] = kernel;
  const [strideH, strideW] = params.stride;
  const [padTop, padBottom, padLeft, padRight] = params.padding;
  const [dilationH, dilationW] = params.dilation;
  return {
    kernelH,
    kernelW,
    strideH,
    strideW,
    padTop,
    padLeft,
    dilationH,
    dilationW,
    outH: convOutputSize(height, kernelH, strideH, padTop, padBottom, dilationH),
    outW: convOutputSize(width, kernelW, strideW, padLeft, padRight, dilationW),
  };
}

/** First output index `o` with `o * stride + shift >= 0`, clipped to [0, out]. */
function firstInside(shift: number, stride: number, out: number): number {
  return shift >= 0 ? 0 : Math.min(out, Math.ceil(-shift / stride));
}

/** One past the last output index `o` with `o * stride + shift < size`, clipped to [lo, out]. */
function endInside(shift: number, stride: number, size: number, lo: number, out: number): number {
  return size - shift <= 0 ? lo : Math.max(lo, Math.min(out, Math.ceil((size - shift) / stride)));
}

/**
 * Writes the patch matrix of one C x H x W image (at `xOffset` in `x`) for output rows
 * [ohStart, ohEnd) into `cols` at `colsOffset`: C * kH * kW rows of (ohEnd - ohStart) * outW.
 */
export function im2colImage(
  x: FloatArray,
  xOffset: number,
  channels: number,
  height: number,
  width: number,
  g: PatchGeometry,
  ohStart: number,
  ohEnd: number,
  cols: FloatArray,
  colsOffset: number,
): void {
  const { kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, outW } = g;
  const plane = height * width;
  let q = colsOffset;
  for (let c = 0; c < channels; c++) {
    const planeOffset = xOffset + c * plane;
    for (let ki = 0; ki < kernelH; ki++) {
      const rowShift = ki * dilationH - padTop;
      for (let kj = 0; kj < kernelW; kj++) {
        const colShift = kj * dilationW - padLeft;
        const owLo = firstInside(colShift, strideW, outW);
        const owHi = endInside(colShift, strideW, width, owLo, outW);
        for (let oh = ohStart; oh < ohEnd; oh++, q += outW) {
          const ih = oh * strideH + rowShift;
          if (ih < 0 || ih >= height) {
            for (let ow = 0; ow < outW; ow++) cols[q + ow] = 0;
            continue;
          }
          for (let ow = 0; ow < owLo; ow++) cols[q + ow] = 0;
          let p = planeOffset + ih * width + owLo * strideW + colShift;
          if (strideW === 1) {
            for (let ow = owLo; ow < owHi; ow++, p++) cols[q + ow] = x[p];
          } else {
            for (let ow = owLo; ow < owHi; ow++, p += strideW) cols[q + ow] = x[p];
          }
          for (let ow = owHi; ow < outW; ow++) cols[q + ow] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of `im2colImage`: adds every entry of the patch matrix for output rows
 * [ohStart, ohEnd) back onto the pixel it was read from (padding entries are dropped).
 */
export function col2imImage(
  cols: FloatArray,
  colsOffset: number,
  channels: number,
  height: number,
  width: number,
  g: PatchGeometry,
  ohStart: number,
  ohEnd: number,
  x: FloatArray,
  xOffset: number,
): void {
  const { kernelH, kernelW, strideH, strideW, padTop, padLeft, dilationH, dilationW, outW } = g;
  const plane = height * width;
  let q = colsOffset;
  for (let c = 0; c < channels; c++) {
    const planeOffset = xOffset + c * plane;
    for (let ki = 0; ki < kernelH; ki++) {
      const rowShift = ki * dilationH - padTop;
      for (let kj = 0; kj < kernelW; kj++) {
        const colShift = kj * dilationW - padLeft;
        const owLo = firstInside(colShift, strideW, outW);
        const owHi = endInside(colShift, strideW, width, owLo, outW);
        for (let oh = ohStart; oh < ohEnd; oh++, q += outW) {
          const ih = oh * strideH + rowShift;
          if (ih < 0 || ih >= height) continue;
          let p = planeOffset + ih * width + owLo * strideW + colShift;
          for (let ow = owLo; ow < owHi; ow++, p += strideW) x[p] += cols[q + ow];
        }
      }
    }
  }
}

/**
 * Patch matrices of a batch: x [N, C, H, W] -> [N, C * kH * kW, outH * outW], with explicit
 * per-side padding (the conv kernels' convention).
 */
export function im2col<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  kernel: readonly [number, number],
  params: PatchParams,
  out?: T,
): { out: T; outShape: number[] } {
  const op = 'im2col';
  if (xShape.length !== 4) throw new Error(`im2col: expected input [N, C, H, W], got ${formatShape(xShape)}`);
  checkSize(op, 'input', x, xShape);
  const [n, c, h, w] = xShape;
  checkWindow(op, xShape, kernel, params);
  const g = patchGeometry(h, w, kernel, params);
  const rows = c * kernel[0] * kernel[1];
  const blocks = g.outH * g.outW;
  const outShape = [n, rows, blocks];
  const result = out ?? allocLike(x, n * rows * blocks);
  checkSize(op, 'out', result, outShape);
  for (let b = 0; b < n; b++) im2colImage(x, b * c * h * w, c, h, w, g, 0, g.outH, result, b * rows * blocks);
  return { out: result, outShape };
}

/** The adjoint of `im2col`: columns [N, C * kH * kW, L] summed back into a zeroed [N, C, H, W]. */
export function col2im<T extends FloatArray>(
  cols: T,
  colsShape: readonly number[],
  xShape: readonly number[],
  kernel: readonly [number, number],
  params: PatchParams,
  out?: T,
): T {
  const op = 'col2im';
  if (xShape.length !== 4)
    throw new Error(`col2im: expected output [N, C, H, W], got ${formatShape(xShape)}`);
  checkSize(op, 'columns', cols, colsShape);
  const [n, c, h, w] = xShape;
  checkWindow(op, xShape, kernel, params);
  const g = patchGeometry(h, w, kernel, params);
  const rows = c * kernel[0] * kernel[1];
  const blocks = g.outH * g.outW;
  if (colsShape.length !== 3 || colsShape[0] !== n || colsShape[1] !== rows || colsShape[2] !== blocks) {
    throw new Error(
      `col2im: expected columns [${n}, ${rows}, ${blocks}] for output ${formatShape(xShape)}, ` +
        `got ${formatShape(colsShape)}`,
    );
  }
  const result = out ?? allocLike(cols, n * c * h * w);
  checkSize(op, 'out', result, xShape);
  if (out) result.fill(0);
  for (let b = 0; b < n; b++)
    col2imImage(cols, b * rows * blocks, c, h, w, g, 0, g.outH, result, b * c * h * w);
  return result;
}

/**
 * `torch.nn.functional.unfold`: x [N, C, H, W] (or [C, H, W]) -> [N, C * kH * kW, L]
 * (or [C * kH * kW, L]), L = outH * outW, rows ordered channel, then kernel row, then kernel column.
 */
export function unfold<T extends FloatArray>(
  x: T,
  xShape: readonly number[],
  kernelSize: Pair,
  params: UnfoldParams = {},
  out?: T,
): { out: T; outShape: number[] } {
  const op = 'unfold';
  requireImage(op, xShape);
  const batched = xShape.length === 4;
  const shape4 = batched ? xShape : [1, ...xShape];
  const { kernel, patch } = unfoldParams(op, kernelSize, params);
  const [, c, h, w] = shape4;
  if (c === 0 || h === 0 || w === 0) {
    throw new Error(`unfold: expected non-zero channel and spatial sizes, got ${formatShape(xShape)}`);
  }
  checkParams(op, kernel, patch);
  const g = patchGeometry(h, w, kernel, patch);
  checkBlocks(op, h, w, kernel, patch, g);
  const { out: result, outShape } = im2col(x, shape4, kernel, patch, out);
  return { out: result, outShape: batched ? outShape : outShape.slice(1) };
}

/**
 * `torch.nn.functional.fold`, the adjoint of `unfold`: columns [N, C * kH * kW, L] (or
 * [C * kH * kW, L]) summed into [N, C, outputSize[0], outputSize[1]] (or [C, ...]).
 */
export function fold<T extends FloatArray>(
  cols: T,
  colsShape: readonly number[],
  outputSize: Pair,
  kernelSize: Pair,
  params: UnfoldParams = {},
  out?: T,
): { out: T; outShape: number[] } {
  const op = 'fold';
  if (colsShape.length !== 2 && colsShape.length !== 3) {
    throw new Error(`fold: expected a 2-D or 3-D input, got ${formatShape(colsShape)}`);
  }
  const batched = colsShape.length === 3;
  const shape3 = batched ? colsShape : [1, ...colsShape];
  const [h, w] = expandPair(op, 'output_size', outputSize);
  const { kernel, patch } = unfoldParams(op, kernelSize, params);
  checkParams(op, kernel, patch);
  const [n, rows, blocks] = shape3;
  const area = kernel[0] * kernel[1];
  if (rows % area !== 0) {
    throw new Error(
      `fold: expected size of input's dimension ${batched ? 1 : 0} to be divisible by the product of ` +
        `kernel_size [${kernel.join(', ')}], but got ${formatShape(colsShape)}`,
    );
  }
  const g = patchGeometry(h, w, kernel, patch);
  checkBlocks(op, h, w, kernel, patch, g);
  if (g.outH * g.outW !== blocks) {
    throw new Error(
      `fold: output_size [${h}, ${w}] with kernel_size [${kernel.join(', ')}] gives ${g.outH} * ${g.outW} = ` +
        `${g.outH * g.outW} sliding blocks, but the input ${formatShape(colsShape)} has ${blocks}`,
    );
  }
  const c = rows / area;
  const result = col2im(cols, shape3, [n, c, h, w], kernel, patch, out);
  return { out: result, outShape: batched ? [n, c, h, w] : [c, h, w] };
}

function unfoldParams(
  op: string,
  kernelSize: Pair,
  params: UnfoldParams,
): { kernel: [number, number]; patch: PatchParams } {
  const kernel = expandPair(op, 'kernel_size', kernelSize);
  const dilation = expandPair(op, 'dilation', params.dilation ?? 1);
  const [ph, pw] = expandPair(op, 'padding', params.padding ?? 0);
  const stride = expandPair(op, 'stride', params.stride ?? 1);
  return { kernel, patch: { stride, dilation, padding: [ph, ph, pw, pw] } };
}

function checkParams(op: string, kernel: readonly [number, number], params: PatchParams): void {
  requirePositive(op, 'kernel_size', kernel);
  requirePositive(op, 'stride', params.stride);
  requirePositive(op, 'dilation', params.dilation);
  requireNonNegative(op, 'padding', params.padding);
}

function checkWindow(
  op: string,
  xShape: readonly number[],
  kernel: readonly [number, number],
  params: PatchParams,
): void {
  checkParams(op, kernel, params);
  const [, , h, w] = xShape;
  const [pt, pb, pl, pr] = params.padding;
  const effH = params.dilation[0] * (kernel[0] - 1) + 1;
  const effW = params.dilation[1] * (kernel[1] - 1) + 1;
  if (effH > h + pt + pb || effW > w + pl + pr) {
    throw new Error(
      `${op}: kernel size (after dilation) [${effH}, ${effW}] is larger than the padded input ` +
        `[${h + pt + pb}, ${w + pl + pr}] (input ${formatShape(xShape)})`,
    );
  }
}

function checkBlocks(
  op: string,
  h: number,
  w: number,
  kernel: readonly [number, number],
  patch: PatchParams,
  g: PatchGeometry,
): void {
  if (g.outH < 1 || g.outW < 1) {
    throw new Error(
      `${op}: given spatial size [${h}, ${w}], kernel_size [${kernel.join(', ')}], dilation ` +
        `[${patch.dilation.join(', ')}], padding [${patch.padding[0]}, ${patch.padding[2]}] and stride ` +
        `[${patch.stride.join(', ')}], the array of sliding blocks would be ${g.outH} x ${g.outW}; ` +
        'both must be at least one',
    );
  }
}
